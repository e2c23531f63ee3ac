"""``decode``: bytes of a FIT file in, record columns and small messages out."""

from __future__ import annotations

import gc
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

from heavylegs.errors import CorruptFile, InvalidInput

from .assemble import Decoded, decode_scan
from .profile import MESSAGE_NAMES
from .scan import Scan, Stop, scan_file

CRC_MODES = ("ignore", "warn", "raise")
#: record columns always present (all-NaN when the file has no such field)
RECORD_COLUMNS = (
    "timestamp",
    "distance",
    "speed",
    "heart_rate",
    "cadence",
    "fractional_cadence",
    "altitude",
    "position_lat",
    "position_long",
    "power",
    "temperature",
    "stance_time",
    "vertical_oscillation",
    "stance_time_balance",
)


@dataclass(frozen=True, slots=True)
class FitResult:
    """What one FIT buffer holds, decoded.

    ``records``: one float64 array per record field (NaN = invalid or absent), all of the
    same length, in file order; ``timestamp`` is datetime64[s] UTC, positions in degrees.
    ``messages``: the small message kinds (``MESSAGE_NAMES``) as lists of dicts named and
    valued like the official SDK. ``warnings``: what was odd, with byte offsets.
    ``truncated_at``: where reading stopped early, or None when the file was read whole.
    """

    records: dict[str, np.ndarray]
    messages: dict[str, list[dict[str, Any]]]
    warnings: list[str]
    truncated_at: int | None


def _records(decoded: Decoded) -> dict[str, np.ndarray]:
    records = decoded.records or {}
    n = decoded.record_count
    for name in RECORD_COLUMNS:
        if name not in records:
            records[name] = np.full(n, np.nan)
    if records["timestamp"].dtype.kind == "f":
        records["timestamp"] = np.full(n, np.datetime64("NaT"), dtype="datetime64[s]")
    return records


def _messages(decoded: Decoded) -> dict[str, list[dict[str, Any]]]:
    return {name: decoded.messages.get(name, []) for name in MESSAGE_NAMES}


# Anything else going wrong on hostile bytes still reaches the caller as CorruptFile.
_UNEXPECTED = (ValueError, TypeError, IndexError, KeyError, OverflowError, struct.error)


def _scan(data: bytes, check_crc: bool, path: str) -> Scan:
    try:
        return scan_file(data, check_crc)
    except Stop as stop:
        raise CorruptFile(path, stop.reason, stop.offset) from None
    except _UNEXPECTED as exc:
        raise CorruptFile(path, f"unreadable FIT structure: {exc}", None) from exc


def _check_crc(scan: Scan, mode: str, path: str) -> list[str]:
    if mode == "raise" and scan.crc_errors:
        reason, offset = scan.crc_errors[0]
        raise CorruptFile(path, reason, offset)
    return [f"{reason} at byte {offset}" for reason, offset in scan.crc_errors]


def decode(data: bytes, *, crc: str = "warn", path: str = "<fit>",
           merge_heart_rates: bool = True) -> FitResult:
    """Decode a FIT buffer (chained segments included).

    ``merge_heart_rates``: put the back-filled heart rates of ``hr`` messages (HRM-Pro,
    HRM-Swim) into the records, as the official SDK does by default.

    ``crc``: "ignore" skips the checks, "warn" reports a mismatch in ``warnings`` and keeps
    the data, "raise" raises CorruptFile. Anything unreadable raises CorruptFile(path,
    reason, offset); a file cut short keeps its complete messages (``truncated_at``).
    """
    if crc not in CRC_MODES:
        raise InvalidInput("crc", crc, ", ".join(CRC_MODES))
    data = bytes(data)
    scan = _scan(data, crc != "ignore", path)
    warnings = scan.warnings + _check_crc(scan, crc, path)
    collecting = gc.isenabled()
    gc.disable()  # tens of thousands of acyclic dicts: cyclic GC passes would only cost time
    try:
        decoded = decode_scan(data, scan, merge_heart_rates)
        warnings += decoded.warnings
        return FitResult(_records(decoded), _messages(decoded), warnings, scan.stopped_at)
    except _UNEXPECTED as exc:
        raise CorruptFile(path, f"cannot decode: {exc}", None) from exc
    finally:
        if collecting:
            gc.enable()
