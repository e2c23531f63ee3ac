"""WHOOP's data export (App Settings → Data Export, a zip of CSV files).

``physiological_cycles.csv``, one row per cycle (a cycle runs from falling asleep to
falling asleep again): ``Cycle start time``, ``Cycle end time``, ``Cycle timezone``
(``UTC-05:00``), ``Recovery score %``, ``Resting heart rate (bpm)``, ``Heart rate
variability (ms)``, ``Skin temp (celsius)``, ``Blood oxygen %``, ``Day Strain``,
``Energy burned (cal)``, ``Max HR (bpm)``, ``Average HR (bpm)``, ``Sleep onset``, ``Wake
onset``, ``Sleep performance %``, ``Respiratory rate (rpm)``, ``Asleep duration (min)``,
``In bed duration (min)``, ``Light sleep duration (min)``, ``Deep (SWS) duration (min)``,
``REM duration (min)``, ``Awake duration (min)``, ``Sleep need (min)``, ``Sleep debt
(min)``, ``Sleep efficiency %``, ``Sleep consistency %``.

``sleeps.csv``, one row per sleep: the cycle's times, ``Sleep onset``, ``Wake onset``,
the sleep columns above and ``Nap`` (naps are not counted in ``sleep_h``; two main sleeps
that end on the same day are added up, the longer one gives the score).

Times are local wall-clock times (``2024-05-01 23:14:00``; an ISO time with an offset or
``Z`` is read too, a UTC one moved to the cycle's time zone). The day of every value is
the calendar day of waking up; a cycle without a ``Wake onset`` takes the day after its
start when it started after noon. WHOOP's recovery is the readiness score, its sleep
performance the sleep score, its HRV the rMSSD of the night. ``workouts.csv`` holds
nothing the daily table reads and imports as nothing (``journal_entries.csv``, whose
``Notes`` column is a daily-log name, is left to the daily-log reader).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from heavylegs.importers.wellness_csv import Field, Job, Row, fields

__all__ = ["NAMES", "kind_of", "read"]

SLEEP_SPEC: dict[str, tuple[str, ...]] = {
    "sleep_h": ("asleep duration (min)", "sleep duration (min)"),
    "sleep_deep_h": ("deep (sws) duration (min)", "deep sleep duration (min)"),
    "sleep_rem_h": ("rem duration (min)", "rem sleep duration (min)"),
    "sleep_score": ("sleep performance %", "sleep performance"),
}
CYCLE_SPEC: dict[str, tuple[str, ...]] = {
    "readiness_score": ("recovery score %", "recovery score"),
    "resting_hr_bpm": ("resting heart rate (bpm)", "rhr (bpm)"),
    "hrv_rmssd_ms": ("heart rate variability (ms)", "hrv (ms)"),
    **SLEEP_SPEC,
}
NAMES = frozenset({n for names in CYCLE_SPEC.values() for n in names} | {
    "cycle start time", "cycle end time", "cycle timezone", "sleep onset", "wake onset",
    "nap", "workout start time"})
_DURATIONS = frozenset({"sleep_h", "sleep_deep_h", "sleep_rem_h"})
_UTC_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", re.I)


def parse_offset(text: str) -> timezone | None:
    """``UTC-05:00``, ``+0100``, ``GMT+2`` as a fixed offset; None when not one."""
    match = _UTC_OFFSET.fullmatch(text.strip())
    if not match:
        return UTC if text.strip().upper() in ("UTC", "GMT", "Z") else None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    return timezone(-delta if sign == "-" else delta)


def local_time(moment: datetime, tz: timezone | None) -> datetime:
    """``moment`` on the clock where it happened: a UTC time is moved to ``tz``; a naive
    time or one with its own offset is read as written."""
    if tz is not None and moment.utcoffset() == timedelta(0):
        moment = moment.astimezone(tz)
    return moment


def kind_of(keys: set[str]) -> str | None:
    """``whoop-cycles``, ``whoop-sleeps``, ``whoop-other`` or None, from header keys."""
    if "cycle start time" not in keys:
        return None
    if keys & {"recovery score %", "resting heart rate (bpm)", "heart rate variability (ms)"}:
        return "whoop-cycles"
    if {"wake onset", "asleep duration (min)"} <= keys:
        return "whoop-sleeps"
    return "whoop-other" if "workout start time" in keys else None


def _unit(name: str) -> tuple[float, str, bool]:
    return (1 / 60, "min", True) if name.endswith("(min)") else (1.0, "", False)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where the time columns are."""

    wake: int | None
    start: int | None
    tz: int | None


def _wake_day(job: Job, row: Row, where: _Where) -> tuple[date, str] | None:
    """The day of waking up and a note on how it was found; None skips the row."""
    tz = parse_offset(row.text(where.tz)) if where.tz is not None else None
    if row.text(where.wake):
        woke = job.moment(row, where.wake)
        return (local_time(woke, tz).date(), "") if woke else None
    begun = job.moment(row, where.start) if row.text(where.start) else None
    if begun is None:
        return None
    local = local_time(begun, tz)
    day = local.date() + timedelta(days=1) if local.hour >= 12 else local.date()
    return day, " (no wake time: day after the cycle start)"


def _read_cycles(job: Job, items: list[Field], where: _Where) -> None:
    seen: dict[date, int] = {}
    for row in job.rows():
        found = _wake_day(job, row, where)
        if found is None:
            continue
        day, note = found
        if day in seen:
            job.warnings.append(f"{job.table.path}: two cycles end on {day} (lines "
                                f"{seen[day]} and {row.line}); using line {row.line}")
            job.forget(day)
        seen[day] = row.line
        for item in items:
            value = job.number(row, item)
            if isinstance(value, float):
                job.add(day, item.column, value, item.name + note)


@dataclass
class _Day:
    """The main sleeps that end on one day."""

    sums: dict[str, float] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    count: int = 0
    longest: float = -1.0
    score: float | None = None


def _read_sleeps(job: Job, items: list[Field], where: _Where, nap: int | None) -> None:
    days: dict[date, _Day] = {}
    naps = 0
    for row in job.rows():
        if row.text(nap).lower() in ("true", "yes", "1"):
            naps += 1
            continue
        found = _wake_day(job, row, where) if row.text(where.wake) else None
        if found is not None:
            _add_sleep(job, row, items, days.setdefault(found[0], _Day()))
    for day, night in days.items():
        times = f" ({night.count} sleeps)" if night.count > 1 else ""
        for item in items:
            if item.column in night.bad:
                continue
            if item.column in _DURATIONS and item.column in night.sums:
                job.add(day, item.column, night.sums[item.column], item.name + times)
            elif item.column == "sleep_score" and night.score is not None:
                job.add(day, item.column, night.score, item.name)
    if naps:
        job.warnings.append(f"{job.table.path}: {naps} nap(s) not counted in sleep_h")


def _add_sleep(job: Job, row: Row, items: list[Field], night: _Day) -> None:
    night.count += 1
    values = {item.column: job.number(row, item) for item in items}
    night.bad |= {column for column, value in values.items() if not isinstance(value, float)
                  and value is not None}
    for column in _DURATIONS:
        value = values.get(column)
        if isinstance(value, float):
            night.sums[column] = night.sums.get(column, 0.0) + value
    asleep = values.get("sleep_h")
    length = asleep if isinstance(asleep, float) else 0.0
    score = values.get("sleep_score")
    if length > night.longest and isinstance(score, float):
        night.longest, night.score = length, score


def read(job: Job) -> None:
    """Add the values of a cycles or sleeps file (nothing for the other WHOOP files)."""
    table = job.table
    if job.kind == "whoop-other":
        job.warnings.append(f"{table.path}: a WHOOP workouts file; heavylegs reads "
                            "physiological_cycles.csv and sleeps.csv, nothing imported")
        return
    where = _Where(table.find("wake onset"), table.find("cycle start time"),
                   table.find("cycle timezone"))
    if job.kind == "whoop-cycles":
        _read_cycles(job, fields(table, CYCLE_SPEC, _unit), where)
    else:
        _read_sleeps(job, fields(table, SLEEP_SPEC, _unit), where, table.find("nap"))
