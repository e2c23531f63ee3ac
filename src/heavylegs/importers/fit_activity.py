"""FIT messages → one ParsedActivity per session, whichever decoder read them (fastfit's
record columns, or the Garmin SDK's message dicts via ``activities_from_messages``).

Times counted from the device's power-on are placed on the calendar by the
``timestamp_correlation`` message (``_to_calendar``); records without a real time, days away
from the rest or exact copies are dropped; records are split by session (a multisport or
chained file's legs each counted from their own start); the session message's own totals
win over values from the samples where the device wrote them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import NoReturn

import numpy as np
from garmin_fit_sdk.profile import Profile

from heavylegs.core.model import ActivitySummary, ParsedActivity
from heavylegs.core.summary import summarize_columns
from heavylegs.errors import ImportFailed, NotAnActivity
from heavylegs.importers import family, fit_columns
from heavylegs.importers.fit_columns import Columns

Messages = Mapping[str, Sequence[Mapping[object, object]]]

SEMICIRCLE_DEG = 180.0 / 2**31
FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z in Unix seconds
PER_LEG_FAMILIES = frozenset({"running", "walking", "hiking"})  # FIT cadence is per leg
SYSTEM_TIME_END = datetime.fromtimestamp(FIT_EPOCH_S + 0x10000000, UTC)
SYSTEM_TIME_END64 = np.datetime64(FIT_EPOCH_S + 0x10000000, "s").astype(fit_columns.TIME_UNIT)
MAX_RECORD_SPREAD = timedelta(days=7)  # a record further from the median time is garbage
MAX_START_MISMATCH = timedelta(hours=1)  # session start vs first sample: else trust samples
#: summary field -> the session field the device writes it to
_DEVICE_TOTALS = {"distance_m": "total_distance", "elapsed_s": "total_elapsed_time",
                  "moving_s": "total_timer_time", "elev_gain_m": "total_ascent",
                  "elev_loss_m": "total_descent"}
_SUB_SPORTS = {("running", "trail"): "trail_running", ("running", "treadmill"): "treadmill_running"}
_ACTIVITY_TYPES: dict[int, str] = Profile["types"]["activity_type"]


def activities_from_messages(messages: Messages, path: str, warnings: Sequence[str] = ()
                             ) -> list[ParsedActivity]:
    """ParsedActivity per session from SDK-style messages (records as per-record dicts)."""
    records = fit_columns.from_dicts(messages.get("record_mesgs", ()))
    return activities_from_records(records, messages, path, warnings)


def activities_from_records(records: Columns, messages: Messages, path: str,
                            warnings: Sequence[str] = ()) -> list[ParsedActivity]:
    """ParsedActivity per session (one for a file without sessions) from record columns
    and the other messages; ``messages["record_mesgs"]`` is not read."""
    notes = list(warnings)
    raw = records
    messages, records = _to_calendar(messages, records, notes)
    records = _records(records, notes)
    sessions = _sessions(messages.get("session_mesgs", ()), notes)
    if not records["timestamp"].size and not sessions:
        _no_activity(messages, path, bool(raw["timestamp"].size
                                          or messages.get("session_mesgs")))
    if not sessions:
        sessions = [{"sport": _fallback_sport(messages, raw)}]
        notes.append("no session message; totals computed from the samples")
    from heavylegs.importers.fit_names import activity_name

    extra = {"device": _device(messages), "utc_offset_s": _utc_offset(messages), "name": activity_name(messages)}
    groups = _split(records, sessions)
    if len(groups) > 1:  # a multisport or chained file: each leg's distance from its start
        groups = [_from_zero(group) for group in groups]
    found = [_activity(session, group, notes, extra) for session, group in zip(
        sessions, groups, strict=True) if group["timestamp"].size or _start(session)]
    if not found:
        raise ImportFailed(path, "no activity data (sessions without a start time or samples)")
    return found


def _no_activity(messages: Messages, path: str, had_data: bool) -> NoReturn:
    if had_data:
        raise ImportFailed(path, "its times count from the device's power-on, not calendar "
                                 "dates, so the activity cannot be placed in time")
    kind = _first(messages, "file_id_mesgs").get("type")
    kind = kind if isinstance(kind, str) else f"type-{kind}"
    if kind not in ("activity", "type-None"):
        raise NotAnActivity(path, f"no activity data (a FIT {kind} file, not an activity)")
    raise ImportFailed(path, "no activity data")


def _first(messages: Messages, name: str) -> Mapping[object, object]:
    found = messages.get(name) or ()
    return found[0] if found else {}


def _real(moment: object) -> bool:
    """A calendar time: FIT times below 0x10000000 count from the device's power-on."""
    return isinstance(moment, datetime) and moment >= SYSTEM_TIME_END


def _to_calendar(messages: Messages, records: Columns, notes: list[str]
                 ) -> tuple[Messages, Columns]:
    """Device-relative times moved onto the calendar by a timestamp_correlation message."""
    link = _first(messages, "timestamp_correlation_mesgs")
    utc, system = link.get("timestamp"), link.get("system_timestamp")
    if not (_real(utc) and isinstance(system, datetime) and not _real(system)):
        return messages, records
    shift = utc - system

    def fix(message: Mapping[object, object]) -> dict[object, object]:
        return {key: value + shift if isinstance(value, datetime) and not _real(value)
                else value for key, value in message.items()}

    notes.append("device-relative times placed on the calendar by the file's time correlation")
    moved = {name: [fix(m) for m in messages.get(name, ())]
             for name in ("session_mesgs", "activity_mesgs")}
    times = records["timestamp"]
    relative = ~np.isnat(times) & (times < SYSTEM_TIME_END64)
    times = np.where(relative, times + np.timedelta64(shift), times)
    return {**messages, **moved}, {**records, "timestamp": times}


def _records(records: Columns, notes: list[str]) -> Columns:
    """Records with a real time near the others' and not an exact copy, in file order."""
    times = records["timestamp"]
    timed = ~np.isnat(times) & (times >= SYSTEM_TIME_END64)
    if timed.any():
        middle = np.sort(times[timed])[timed.sum() // 2]
        timed[timed] = np.abs(times[timed] - middle) <= np.timedelta64(MAX_RECORD_SPREAD)
    kept = fit_columns.take(records, timed)
    kept = fit_columns.take(kept, ~fit_columns.exact_copies(kept))
    skipped = times.size - kept["timestamp"].size
    if skipped:
        notes.append(f"skipped {skipped} records (no real time, a time days "
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


def _split(records: Columns, sessions: list[Mapping]) -> list[Columns]:
    """Records of each session: those from its start until the next session starts."""
    starts = [(_start(s) or datetime.min.replace(tzinfo=UTC)).timestamp() for s in sessions]
    seconds = records["timestamp"].astype(np.int64) / 1e6
    index = np.maximum(np.searchsorted(np.array(starts), seconds, side="right") - 1, 0)
    return [fit_columns.take(records, index == i) for i in range(len(sessions))]


def _from_zero(records: Columns) -> Columns:
    """A leg's records with the distance counted from the leg's first distance, not the
    whole file's (a triathlon's run leg never carries the swim and bike)."""
    distance = records.get("distance")
    if distance is None:
        return records
    finite = distance[np.isfinite(distance)]
    return {**records, "distance": distance - finite[0]} if finite.size else records


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if np.isfinite(value) else None


def _sport(session: Mapping[object, object]) -> tuple[str, str | None]:
    sport = str(session.get("sport") or "generic")
    sub = session.get("sub_sport")
    sub_sport = None if sub in (None, "generic", 0) else str(sub)
    return _SUB_SPORTS.get((sport, sub_sport), sport), sub_sport


def _fallback_sport(messages: Messages, records: Columns) -> str:
    for name in ("sport_mesgs", "lap_mesgs", "record_mesgs"):
        sport = _first(messages, name).get("sport") or _first(messages, name).get(
            "activity_type")
        if isinstance(sport, str):
            return sport
    kinds = records.get("activity_type")
    if kinds is not None and kinds.size and np.isfinite(kinds[0]):
        return _ACTIVITY_TYPES.get(int(kinds[0]), "generic")
    return "generic"


def _column(records: Columns, name: str) -> np.ndarray:
    """A float copy of a record column (all ``nan`` when the file has no such field)."""
    values = records.get(name)
    if values is None:
        return np.full(records["timestamp"].size, np.nan)
    found = np.array(values, dtype=float)
    found[~np.isfinite(found)] = np.nan
    return found


def _columns(records: Columns, per_leg: bool) -> dict[str, np.ndarray]:
    altitude = _column(records, "altitude")
    altitude[(altitude <= -500) | (altitude > 9000)] = np.nan  # -500 m is FIT's raw zero
    lat, lon = _column(records, "position_lat"), _column(records, "position_long")
    off = (np.abs(lat) > 90) | (np.abs(lon) > 180) | ((lat == 0) & (lon == 0))
    lat[off] = lon[off] = np.nan
    cadence = _column(records, "cadence")
    cadence += np.nan_to_num(_column(records, "fractional_cadence"))
    return {
        "distance_m": _column(records, "distance"),
        "speed_mps": _column(records, "speed"),
        "heart_rate_bpm": _column(records, "heart_rate"),
        "cadence_spm": cadence * 2 if per_leg else cadence,
        "altitude_m": altitude, "lat_deg": lat, "lon_deg": lon,
        "power_w": _column(records, "power"),
        "temperature_c": _column(records, "temperature"),
        "stance_time_ms": _column(records, "stance_time"),
        "vertical_oscillation_mm": _column(records, "vertical_oscillation"),
        "stance_balance_pct": _column(records, "stance_time_balance"),
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


def _activity(session: Mapping[object, object], records: Columns, notes: list[str],
              extra: dict[str, object]) -> ParsedActivity:
    sport, sub_sport = _sport(session)
    per_leg = family(sport) in PER_LEG_FAMILIES
    times = records["timestamp"]
    first = fit_columns.to_datetime(times.min()) if times.size else None
    start, notes = _start(session) or first, list(notes)
    if first is not None and abs(start - first) > MAX_START_MISMATCH:
        notes.append(f"the session starts {start:%Y-%m-%d %H:%M} but its samples at "
                     f"{first:%Y-%m-%d %H:%M} UTC; the samples' time is used")
        start = first
    reported = _reported(session, start, sport, per_leg) if session.get("total_elapsed_time") \
        is not None else None
    data, times = fit_columns.stream_columns(_columns(records, per_leg), times)
    frame = fit_columns.frame_of(data, times)
    summary = summarize_columns(data, start=start, sport=sport, reported=reported,
                                sub_sport=sub_sport, **extra)
    return ParsedActivity(summary=_device_totals(summary, session), streams=frame,
                          warnings=tuple(notes))


def _device_totals(summary: ActivitySummary, session: Mapping[object, object]
                   ) -> ActivitySummary:
    """The session message's own totals where the device wrote them (a positive number);
    values from the samples only fill the gaps."""
    found = {name: value for name, key in _DEVICE_TOTALS.items()
             if (value := _number(session.get(key))) is not None and value > 0}
    return replace(summary, **found) if found else summary


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
