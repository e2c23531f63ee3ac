"""Oura's trends export ("Download data" on Oura on the web): one row a day.

Header names as Oura writes them (matched ignoring case and spacing): ``date``, ``Sleep
Score``, ``Total Sleep Duration`` (older files: ``Total Sleep Time``), ``Deep Sleep
Duration`` / ``Deep Sleep Time``, ``REM Sleep Duration`` / ``REM Sleep Time``, ``Lowest
Resting Heart Rate``, ``Average Resting Heart Rate``, ``Average HRV``, ``Readiness
Score``, ``Steps``, ``Activity Burn``, and dozens the daily table does not use
(``Total Bedtime``, ``Temperature Deviation (°C)``, contributor scores, ...).

Durations are seconds unless the header names a unit (``(min)``, ``(h)``); a unit-less
duration column whose values all fit in 0-24 is read as hours (with a warning). Resting
heart rate is the lowest of the night when the file has it (Oura's own "resting heart
rate"), else the average; Oura's HRV is the night's average rMSSD. The day is the row's
``date``: the day Oura assigns the night to, the morning the runner woke up.

>>> from heavylegs.importers.wellness_csv import parse
>>> text = "date,Lowest Resting Heart Rate,Average Resting Heart Rate\\n2024-05-01,44,51\\n"
>>> [(v.column, v.value, v.detail) for v in parse(text.encode(), "o.csv", "oura").daily_values]
[('resting_hr_bpm', 44.0, 'Lowest Resting Heart Rate')]
"""

from __future__ import annotations

import re

from heavylegs.importers.wellness_csv import Field, Job, Table, base, fields

__all__ = ["MARKERS", "NAMES", "kind_of", "read"]

SPEC: dict[str, tuple[str, ...]] = {
    "sleep_h": ("total sleep duration", "total sleep time", "total sleep"),
    "sleep_deep_h": ("deep sleep duration", "deep sleep time", "deep sleep"),
    "sleep_rem_h": ("rem sleep duration", "rem sleep time", "rem sleep"),
    "sleep_score": ("sleep score",),
    "resting_hr_bpm": ("lowest resting heart rate", "average resting heart rate",
                       "resting heart rate"),
    "hrv_rmssd_ms": ("average hrv", "hrv"),
    "readiness_score": ("readiness score",),
    "steps": ("steps",),
    "active_kcal": ("activity burn",),
}
DURATIONS = frozenset({"sleep_h", "sleep_deep_h", "sleep_rem_h"})
# Header names only Oura's export has; two of them (with ``date``) make a file Oura's.
MARKERS = frozenset({
    "sleep score", "total sleep score", "readiness score", "activity score",
    "total sleep duration", "total sleep time", "total bedtime", "rem sleep duration",
    "rem sleep time", "deep sleep duration", "deep sleep time", "light sleep duration",
    "lowest resting heart rate", "average resting heart rate", "average hrv",
    "temperature deviation", "sleep efficiency score", "hrv balance score",
    "recovery index score", "previous night score", "activity burn", "non-wear time",
})
NAMES = MARKERS | {n for names in SPEC.values() for n in names}
_UNIT = re.compile(r"\((?P<unit>[^()]*)\)$")
_TO_HOURS = {"s": 1 / 3600, "sec": 1 / 3600, "secs": 1 / 3600, "seconds": 1 / 3600,
             "second": 1 / 3600, "min": 1 / 60, "mins": 1 / 60, "minutes": 1 / 60,
             "h": 1.0, "hr": 1.0, "hrs": 1.0, "hours": 1.0}


def kind_of(keys: set[str]) -> str | None:
    """``oura`` when the header has ``date`` and two names only Oura's export has."""
    return "oura" if "date" in keys and len({base(k) for k in keys} & MARKERS) >= 2 else None


def _fields(table: Table) -> list[Field]:
    """Match each column with or without a unit in parentheses."""
    bare = Table(table.path, table.names, tuple(base(k) for k in table.keys), table.rows)
    found = fields(bare, SPEC, lambda k: (1.0, "", False))
    return [_with_unit(table, f) for f in found]


def _with_unit(table: Table, item: Field) -> Field:
    if item.column not in DURATIONS:
        return item
    match = _UNIT.search(table.keys[item.index])
    unit = match.group("unit") if match else ""
    if unit in _TO_HOURS:
        return Field(item.column, item.index, item.name, _TO_HOURS[unit], unit, True)
    return Field(item.column, item.index, item.name, 1 / 3600, "s", True)


def _guess_hours(job: Job, items: list[Field]) -> list[Field]:
    """A unit-less duration column whose values all fit in 0-24 holds hours, not seconds."""
    out = []
    for item in items:
        if item.unit == "s" and item.column in DURATIONS and "(" not in item.name:
            cells = [r.text(item.index) for r in job.table.rows if r.text(item.index)]
            numbers = [c for c in cells if re.fullmatch(r"\d+(\.\d+)?", c)]
            if numbers and all(float(c) <= 24 for c in numbers):
                job.warnings.append(f'{job.table.path}: column "{item.name}" has no unit and '
                                    "every value is under 24; read as hours")
                item = Field(item.column, item.index, item.name, 1.0, "h", True)
        out.append(item)
    return out


def read(job: Job) -> None:
    """Add one value per day and column the file has."""
    date_index = job.table.find("date", "day", "summary date")
    if date_index is None:  # detect() requires it; parse() may be called directly
        job.errors.append(f"{job.table.path}: no date column (accepted: Oura's export with date)")
        return
    items = _guess_hours(job, _fields(job.table))
    seen: dict[object, int] = {}
    for row in job.rows():
        day = job.day(row, date_index)
        if day is None:
            continue
        if day in seen:
            job.warnings.append(f"{job.table.path}: date {day} is on lines {seen[day]} and "
                                f"{row.line}; using line {row.line}")
            job.forget(day)
        seen[day] = row.line
        for item in items:
            value = job.number(row, item)
            if isinstance(value, float):
                job.add(day, item.column, value, item.name)

