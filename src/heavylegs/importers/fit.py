"""FIT → one ParsedActivity per session.

Decoding uses the official Garmin SDK (``garmin_fit_sdk``) for now; everything after it
works on plain dicts of message lists (``{"record_mesgs": [{...}], ...}`` with the SDK's
field names, scaling and strings), so a faster decoder can replace ``decode_fit`` alone.

The SDK's own CRC check is off: it costs ~30% of decode time and stops a chained file at
the first bad CRC. ``crc_problems`` checks the CRCs instead (with the vectorised
``fastfit.crc.crc16``); a bad CRC is a warning and the data is kept. A decode that stops
part-way keeps what was read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from heavylegs.core.model import ActivitySummary, ParsedActivity
from heavylegs.errors import CorruptFile, ImportFailed
from heavylegs.importers import family, guarded, make_activity, one_line
from heavylegs.importers.fastfit.crc import crc16

Messages = Mapping[str, Sequence[Mapping[object, object]]]

SEMICIRCLE_DEG = 180.0 / 2**31
FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds
PER_LEG_FAMILIES = frozenset({"running", "walking", "hiking"})  # FIT cadence is per leg
SYSTEM_TIME_END = datetime.fromtimestamp(FIT_EPOCH_S + 0x10000000, UTC)
MAX_RECORD_SPREAD = timedelta(days=7)  # a record further from the median time is garbage
MAX_START_MISMATCH = timedelta(hours=1)  # session start vs first sample: else trust samples
_SUB_SPORTS = {("running", "trail"): "trail_running", ("running", "treadmill"): "treadmill_running"}
_REASONS = {
    "Compressed timestamp": "it uses compressed-timestamp records, which the FIT decoder "
                            "cannot read yet",
    "bytes remaining": "the file ends early (truncated)",
    "not a fit file": "a chained FIT segment has a broken header",
    "Invalid local message": "a record uses an undefined message type (corrupt data)",
}
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


@guarded
def parse_fit(data: bytes, path: str) -> list[ParsedActivity]:
    """Every session in a FIT file as a ParsedActivity."""
    messages, errors = decode_fit(data)
    warnings = crc_problems(data)
    if not messages.get("record_mesgs") and _claims_no_data(data):
        messages, errors = decode_fit(data[data[0]:], data_only=True)
        warnings = ["the file header says it holds no data; its records were read anyway"]
    for error in errors:
        reason, offset = explain(error)
        if not messages.get("record_mesgs") and not messages.get("session_mesgs"):
            raise CorruptFile(path, f"no activity could be read: {reason}", offset)
        where = f" at byte {offset}" if offset is not None else ""
        warnings.append(f"reading stopped{where}: {reason}; kept what came before")
    return activities_from_messages(messages, path, warnings)


def activities_from_messages(messages: Messages, path: str, warnings: Sequence[str] = ()
                             ) -> list[ParsedActivity]:
    """ParsedActivity per session from decoded messages (one for a file without sessions)."""
    notes = list(warnings)
    messages = _to_calendar(messages, notes)
    records = _records(messages.get("record_mesgs", ()), notes)
    sessions = _sessions(messages.get("session_mesgs", ()), notes)
    if not records and not sessions and (messages.get("record_mesgs")
                                         or messages.get("session_mesgs")):
        raise ImportFailed(path, "its times count from the device's power-on, not calendar "
                                 "dates, so the activity cannot be placed in time")
    if not records and not sessions:
        kind = _first(messages, "file_id_mesgs").get("type")
        kind = kind if isinstance(kind, str) else f"type-{kind}"
        what = f" (a FIT {kind} file, not an activity)" if kind not in ("activity", "type-None") \
            else ""
        raise ImportFailed(path, f"no activity data{what}")
    if not sessions:
        sessions = [{"sport": _fallback_sport(messages)}]
        notes.append("no session message; totals computed from the samples")
    extra = {"device": _device(messages), "utc_offset_s": _utc_offset(messages)}
    groups = _split(records, sessions)
    found = [_activity(session, group, notes, extra) for session, group in zip(
        sessions, groups, strict=True) if group or _start(session)]
    if not found:
        raise ImportFailed(path, "no activity data (sessions without a start time or samples)")
    return found


def _first(messages: Messages, name: str) -> Mapping[object, object]:
    found = messages.get(name) or ()
    return found[0] if found else {}


def _real(moment: object) -> bool:
    """A calendar time: FIT times below 0x10000000 count from the device's power-on."""
    return isinstance(moment, datetime) and moment >= SYSTEM_TIME_END


def _to_calendar(messages: Messages, notes: list[str]) -> Messages:
    """Device-relative times moved onto the calendar by a timestamp_correlation message."""
    link = _first(messages, "timestamp_correlation_mesgs")
    utc, system = link.get("timestamp"), link.get("system_timestamp")
    if not (_real(utc) and isinstance(system, datetime) and not _real(system)):
        return messages
    shift = utc - system

    def fix(message: Mapping[object, object]) -> dict[object, object]:
        return {key: value + shift if isinstance(value, datetime) and not _real(value)
                else value for key, value in message.items()}

    notes.append("device-relative times placed on the calendar by the file's time correlation")
    moved = {name: [fix(m) for m in messages.get(name, ())]
             for name in ("record_mesgs", "session_mesgs", "activity_mesgs")}
    return {**messages, **moved}


def _records(records: Sequence[Mapping[object, object]], notes: list[str]) -> list[Mapping]:
    timed = [r for r in records if _real(r.get("timestamp"))]
    if timed:
        middle = sorted(r["timestamp"] for r in timed)[len(timed) // 2]
        timed = [r for r in timed if abs(r["timestamp"] - middle) <= MAX_RECORD_SPREAD]
    kept, seen = [], {}
    for record in timed:
        if seen.get(record["timestamp"]) == record:
            continue  # an exact copy (chained duplicate segments)
        seen[record["timestamp"]] = record
        kept.append(record)
    if len(kept) < len(records):
        notes.append(f"skipped {len(records) - len(kept)} records (no real time, a time days "
                     "away from the rest, or an exact copy)")
    return kept


def _start(session: Mapping[object, object]) -> datetime | None:
    start = session.get("start_time")
    if isinstance(start, datetime):
        return start
    end, elapsed = session.get("timestamp"), _number(session.get("total_elapsed_time"))
    if isinstance(end, datetime) and elapsed is not None:
        return end - timedelta(seconds=elapsed)
    return None


def _sessions(sessions: Sequence[Mapping[object, object]], notes: list[str]) -> list[Mapping]:
    unique: dict[tuple, Mapping] = {}
    for session in sessions:
        if _start(session) is not None and not _real(_start(session)):
            continue
        key = (_start(session), session.get("total_elapsed_time"), session.get("sport"))
        unique.setdefault(key, session)
    if len(unique) < len(sessions):
        notes.append(f"skipped {len(sessions) - len(unique)} sessions (duplicated, or timed "
                     "from the device's power-on)")
    far_past = datetime.min.replace(tzinfo=UTC)
    return sorted(unique.values(), key=lambda s: _start(s) or far_past)


def _split(records: list[Mapping], sessions: list[Mapping]) -> list[list[Mapping]]:
    """Records of each session: those from its start until the next session starts."""
    groups: list[list[Mapping]] = [[] for _ in sessions]
    starts = [(_start(s) or datetime.min.replace(tzinfo=UTC)).timestamp() for s in sessions]
    for record in records:
        index = bisect_right(starts, record["timestamp"].timestamp()) - 1
        groups[max(index, 0)].append(record)
    return groups


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if np.isfinite(value) else None


def _sport(session: Mapping[object, object]) -> tuple[str, str | None]:
    sport = str(session.get("sport") or "generic")
    sub = session.get("sub_sport")
    sub_sport = None if sub in (None, "generic", 0) else str(sub)
    return _SUB_SPORTS.get((sport, sub_sport), sport), sub_sport


def _fallback_sport(messages: Messages) -> str:
    for name in ("sport_mesgs", "lap_mesgs", "record_mesgs"):
        sport = _first(messages, name).get("sport") or _first(messages, name).get(
            "activity_type")
        if isinstance(sport, str):
            return sport
    return "generic"


def _values(records: Sequence[Mapping], *names: str) -> np.ndarray:
    """The first of ``names`` each record has, as floats (``nan`` where none is a number)."""
    column: pl.Series | None = None
    for name in names:
        values = pl.Series([r.get(name) for r in records], dtype=pl.Float64, strict=False)
        column = values if column is None else column.fill_null(values)
    found = column.to_numpy(writable=True) if column is not None else np.array([])
    found[~np.isfinite(found)] = np.nan
    return found


def _columns(records: Sequence[Mapping], per_leg: bool) -> dict[str, np.ndarray]:
    altitude = _values(records, "enhanced_altitude", "altitude")
    altitude[(altitude <= -500) | (altitude > 9000)] = np.nan  # -500 m is FIT's raw zero
    lat = _values(records, "position_lat") * SEMICIRCLE_DEG
    lon = _values(records, "position_long") * SEMICIRCLE_DEG
    off = (np.abs(lat) > 90) | (np.abs(lon) > 180) | ((lat == 0) & (lon == 0))
    lat[off] = lon[off] = np.nan
    cadence = _values(records, "cadence")
    cadence += np.nan_to_num(_values(records, "fractional_cadence"))
    return {
        "distance_m": _values(records, "distance"),
        "speed_mps": _values(records, "enhanced_speed", "speed"),
        "heart_rate_bpm": _values(records, "heart_rate"),
        "cadence_spm": cadence * 2 if per_leg else cadence,
        "altitude_m": altitude, "lat_deg": lat, "lon_deg": lon,
        "power_w": _values(records, "power"),
        "temperature_c": _values(records, "temperature"),
        "stance_time_ms": _values(records, "stance_time"),
        "vertical_oscillation_mm": _values(records, "vertical_oscillation"),
        "stance_balance_pct": _values(records, "stance_time_balance"),
    }


def _reported(session: Mapping[object, object], start: datetime, sport: str,
              per_leg: bool) -> ActivitySummary:
    cadence = _number(session.get("avg_running_cadence")) or _number(session.get("avg_cadence"))
    if cadence is not None:
        cadence += _number(session.get("avg_fractional_cadence")) or 0.0
        cadence *= 2 if per_leg else 1
    lat = _number(session.get("start_position_lat"))
    lon = _number(session.get("start_position_long"))
    return ActivitySummary(
        start=start, sport=sport, elapsed_s=_number(session.get("total_elapsed_time")) or 0.0,
        distance_m=_number(session.get("total_distance")),
        moving_s=_number(session.get("total_timer_time")),
        avg_hr_bpm=_number(session.get("avg_heart_rate")) or None,
        max_hr_bpm=_number(session.get("max_heart_rate")) or None,
        elev_gain_m=_number(session.get("total_ascent")),
        elev_loss_m=_number(session.get("total_descent")),
        avg_cadence_spm=cadence,
        lat_deg=lat * SEMICIRCLE_DEG if lat is not None else None,
        lon_deg=lon * SEMICIRCLE_DEG if lon is not None else None)


def _activity(session: Mapping[object, object], records: list[Mapping], notes: list[str],
              extra: dict[str, object]) -> ParsedActivity:
    sport, sub_sport = _sport(session)
    per_leg = family(sport) in PER_LEG_FAMILIES
    times = [record["timestamp"] for record in records]
    start, notes = _start(session) or min(times), list(notes)
    if times and abs(start - min(times)) > MAX_START_MISMATCH:
        notes.append(f"the session starts {start:%Y-%m-%d %H:%M} but its samples at "
                     f"{min(times):%Y-%m-%d %H:%M} UTC; the samples' time is used")
        start = min(times)
    reported = _reported(session, start, sport, per_leg) if session.get("total_elapsed_time") \
        is not None else None
    return make_activity(_columns(records, per_leg), times, sport=sport, start=start,
                         reported=reported, warnings=notes, sub_sport=sub_sport, **extra)


def _product(message: Mapping[object, object]) -> str | None:
    names = [v for k, v in message.items() if isinstance(k, str) and isinstance(v, str)
             and (k.endswith("_product") or k == "product_name")]
    return names[0] if names else None


def _device(messages: Messages) -> str | None:
    """Manufacturer and product name, e.g. ``garmin fenix5`` (a number if unnamed)."""
    file_id = _first(messages, "file_id_mesgs")
    creator = next((d for d in messages.get("device_info_mesgs", ())
                    if d.get("device_index") == "creator"), {})
    maker = file_id.get("manufacturer") or creator.get("manufacturer")
    product = (_product(file_id) or _product(creator) or file_id.get("product")
               or creator.get("product"))
    words = [str(w).strip() for w in (maker, product) if w not in (None, "")]
    return " ".join(words) or None


def _utc_offset(messages: Messages) -> int | None:
    """Local minus UTC, from the activity message or else a time-correlation message."""
    for name in ("activity_mesgs", "timestamp_correlation_mesgs"):
        found = _first(messages, name)
        local, moment = found.get("local_timestamp"), found.get("timestamp")
        if isinstance(local, int) and _real(moment):
            offset = round((local + FIT_EPOCH_S - moment.timestamp()) / 900) * 900
            return offset if abs(offset) <= 14 * 3600 else None
    return None
