"""FIT → one ParsedActivity per session.

Decoding uses heavylegs' own ``fastfit`` (numpy, ~50x the Garmin SDK): its record columns
go straight into the stream frame (``fit_columns``), its small messages (session, lap,
activity, file_id, device_info, sport, timestamp_correlation) are SDK-style dicts, and the
back-filled heart rates of ``hr`` messages (HRM-Pro, HRM-Swim) are merged into the records
as the SDK merges them. The messages become activities in fit_activity.py, whichever
decoder read the file (times counted from the device's power-on are placed on the
calendar there by the ``timestamp_correlation`` message).

The Garmin SDK (``decode_fit``) is only the fallback for a fastfit bug (an unexpected
exception, not a damaged file); each use is counted (``sdk_fallbacks``) and named in the
activity's warnings (``SDK_FALLBACK_NOTE``). ``activities_from_messages`` reads the SDK's
message dicts.

CRCs are checked by ``crc_problems`` (with the vectorised ``fastfit.crc.crc16``); a bad
CRC is a warning and the data is kept. A decode that stops part-way keeps what was read.
"""

from __future__ import annotations

import gc
import re
import struct
from collections.abc import Sequence

from heavylegs.core.model import ParsedActivity
from heavylegs.errors import CorruptFile, ImportFailed
from heavylegs.importers import fastfit, fit_columns, guarded, one_line
from heavylegs.importers.fastfit.assemble import decode_scan
from heavylegs.importers.fastfit.crc import crc16
from heavylegs.importers.fastfit.scan import Stop, scan_file
from heavylegs.importers.fit_activity import activities_from_messages, activities_from_records

_REASONS = {
    "Compressed timestamp": "it uses compressed-timestamp records, which the FIT decoder "
                            "cannot read yet",
    "bytes remaining": "the file ends early (truncated)",
    "not a fit file": "a chained FIT segment has a broken header",
    "Invalid local message": "a record uses an undefined message type (corrupt data)",
}
SDK_FALLBACK_NOTE = "read with the Garmin SDK instead"
_FALLBACKS = [0]  # SDK fallbacks in this process
#: the small message kinds this module reads (fastfit skips the others, e.g. 10,000s of hrv)
MESSAGE_KINDS = ("session", "lap", "activity", "file_id", "device_info", "sport",
                 "timestamp_correlation")
_BAD_BYTES = (ValueError, TypeError, IndexError, KeyError, OverflowError, struct.error)
NO_DATA_NOTE = "the file header says it holds no data; its records were read anyway"
_STOPPED = re.compile(r"; kept what came before$|: truncated$")
_NOT_SEGMENT = re.compile(r"^\d+ bytes at byte (\d+) are not a FIT segment")
_SDK_PREFIX = re.compile(r"^FIT Runtime Error(?: at byte: (\d+))?\s*")


def crc_problems(data: bytes) -> list[str]:
    """Warnings for each header or file CRC that does not match, over chained segments."""
    problems, offset = [], 0
    while offset + 12 <= len(data) and data[offset + 8:offset + 12] == b".FIT":
        size = data[offset]
        end = offset + size + int.from_bytes(data[offset + 4:offset + 8], "little")
        stored_header_crc = data[offset + 12:offset + 14]
        if size == 14 and stored_header_crc != b"\0\0" and crc16(data, offset, offset + 14):
            problems.append(f"header CRC does not match (segment at byte {offset}); data kept")
        if end + 2 > len(data) or end <= offset:
            break
        if crc16(data, offset, end + 2):
            problems.append(f"file CRC does not match (segment at byte {offset}): the file may "
                            "be damaged; data kept")
        offset = end + 2
    return problems


def decode_fit(data: bytes, data_only: bool = False) -> tuple[dict[str, list[dict]], list[str]]:
    """Messages decoded by the Garmin SDK, and the errors that stopped it (if any).

    ``data_only`` reads ``data`` as records up to a final CRC, with no file header.
    """
    from garmin_fit_sdk import Decoder, Stream
    from garmin_fit_sdk.decoder import DecodeMode

    mode = DecodeMode.DATA_ONLY if data_only else DecodeMode.NORMAL
    decoder = Decoder(Stream.from_byte_array(bytearray(data)))
    messages, errors = decoder.read(enable_crc_check=False, decode_mode=mode)
    return messages, [one_line(str(error) if isinstance(error, RuntimeError)
                               else f"{type(error).__name__}: {error}") for error in errors]


def _claims_no_data(data: bytes) -> bool:
    """The header says 0 data bytes although more follow (seen in the wild)."""
    return len(data) >= 12 and data[4:8] == b"\0\0\0\0" and len(data) > data[0] + 2


def explain(error: str) -> tuple[str, int | None]:
    """A runner's reason for an SDK error, and the byte offset it names (if any)."""
    prefix = _SDK_PREFIX.match(error)
    offset = int(prefix.group(1)) if prefix and prefix.group(1) else None
    bare = error[prefix.end():] if prefix else error
    return next((text for key, text in _REASONS.items() if key in bare), bare or error), offset


def sdk_fallbacks() -> int:
    """How many FIT files this process read with the Garmin SDK after a fastfit bug."""
    return _FALLBACKS[0]


@guarded
def parse_fit(data: bytes, path: str) -> list[ParsedActivity]:
    """Every session in a FIT file as a ParsedActivity."""
    try:
        result = fast_decode(data, path)
    except ImportFailed:
        raise
    except Exception as error:  # a decoder bug: the SDK may still read the file
        _FALLBACKS[0] += 1
        detail = one_line(f"{type(error).__name__}: {error}")
        return parse_fit_sdk(data, path, [f"the fast FIT decoder failed ({detail}); "
                                          f"{SDK_FALLBACK_NOTE}"])
    records = result.records
    messages = {f"{name}_mesgs": found for name, found in result.messages.items()}
    if result.truncated_at is not None and not records["timestamp"].size \
            and not messages.get("session_mesgs"):
        raise CorruptFile(path, f"no activity could be read: {_stop_reason(result.warnings)}",
                          result.truncated_at)
    return activities_from_records(records, messages, path, _fast_notes(result, data))


def fast_decode(data: bytes, path: str) -> fastfit.FitResult:
    """fastfit's ``decode`` with CRCs left to ``crc_problems``."""
    try:
        scan = scan_file(data, False)
    except Stop as stop:
        raise CorruptFile(path, stop.reason, stop.offset) from None
    except _BAD_BYTES as error:
        raise CorruptFile(path, f"unreadable FIT structure: {error}") from error
    collecting = gc.isenabled()
    gc.disable()  # many small acyclic objects: cyclic GC passes would only cost time
    try:
        decoded = decode_scan(data, scan, kinds=MESSAGE_KINDS)
    except _BAD_BYTES as error:
        raise CorruptFile(path, f"cannot decode: {error}") from error
    finally:
        if collecting:
            gc.enable()
    records = fit_columns.with_times(decoded.records or {}, decoded.record_count)
    return fastfit.FitResult(records, decoded.messages, scan.warnings + decoded.warnings,
                             scan.stopped_at)


def parse_fit_sdk(data: bytes, path: str, notes: Sequence[str] = ()) -> list[ParsedActivity]:
    """Every session in a FIT file as a ParsedActivity, decoded by the Garmin SDK."""
    messages, errors = decode_fit(data)
    warnings = [*notes, *crc_problems(data)]
    if not messages.get("record_mesgs") and _claims_no_data(data):
        messages, errors = decode_fit(data[data[0]:], data_only=True)
        warnings = [*notes, NO_DATA_NOTE]
    for error in errors:
        reason, offset = explain(error)
        if not messages.get("record_mesgs") and not messages.get("session_mesgs"):
            raise CorruptFile(path, f"no activity could be read: {reason}", offset)
        where = f" at byte {offset}" if offset is not None else ""
        warnings.append(f"reading stopped{where}: {reason}; kept what came before")
    return activities_from_messages(messages, path, warnings)


def _stop_reason(warnings: Sequence[str]) -> str:
    """Why fastfit stopped reading, in the SDK path's words."""
    undefined = any("undefined local type" in warning for warning in warnings)
    return _REASONS["Invalid local message" if undefined else "bytes remaining"]


def _fast_notes(result: fastfit.FitResult, data: bytes) -> list[str]:
    """fastfit's warnings worded as the SDK path words them, plus CRC problems."""
    if any("declares no records although" in warning for warning in result.warnings):
        return [NO_DATA_NOTE]
    notes = crc_problems(data)
    for warning in result.warnings:
        if _STOPPED.search(warning):
            continue
        broken = _NOT_SEGMENT.search(warning)
        notes.append(f"reading stopped at byte {broken.group(1)}: {_REASONS['not a fit file']}; "
                     "kept what came before" if broken else warning)
    if result.truncated_at is not None:
        notes.append(f"reading stopped at byte {result.truncated_at}: "
                     f"{_stop_reason(result.warnings)}; kept what came before")
    return notes
