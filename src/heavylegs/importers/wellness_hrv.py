"""HRV apps' CSV exports: HRV4Training ("Export data" → myMeasurements.csv) and Elite HRV
("Export" → ElitHRV_Export - DATE.csv), read into the daily ``resting_hr_bpm`` and
``hrv_rmssd_ms`` values (science.md §1.9, §1.11: a morning reading, same posture).

HRV4Training writes one row a day. Its header changed over the years: the older iOS file
starts ``timestamp_measurement,HR,AVNN,SDNN,rMSSD,...``, later ones add a ``date`` column
(``2018-05-18 12:01:00 a. m. +0000``), and the Android app writes ``date, time, HR,...``
with the date as YYYY-DD-MM (``2017-27-07``). The day is the date as written (the app
writes the phone's local time with a ``+0000`` suffix); the order of day and month is
decided per file (a number over 12 settles it; else the order that gives the shorter gaps
between rows). ``HR`` is the reading's mean heart rate, lying or sitting still in the
morning: the runner's resting HR. Days without a reading (``-``, or every value 0) are
skipped.

Elite HRV writes one row a reading: ``Member,Date,Datetime,Type,HRV,lnRmssd,Rmssd,...,HR``.
``HRV`` there is Elite HRV's own 0-100 score, so ``Rmssd`` (ms) is read. Only morning
``readiness`` readings count (the first of a day), not the open or guided sessions.

>>> from heavylegs.importers.wellness_csv import parse
>>> text = "date, time, HR,AVNN,SDNN,rMSSD\\n2017-27-07,07:39,45.7,1312,60,71.2\\n"
>>> [(v.day.isoformat(), v.column, v.value) for v in parse(text.encode(), "m.csv", "hrv4training").daily_values]
[('2017-07-27', 'hrv_rmssd_ms', 71.2), ('2017-07-27', 'resting_hr_bpm', 45.7)]
"""

from __future__ import annotations

import re
from datetime import date

from heavylegs.importers.wellness_csv import Field, Job, Row, fields, key

__all__ = ["NAMES", "kind_of", "read"]

HRV4T_MARKERS = frozenset({"hrv4t_recovery_points", "timestamp_measurement", "avnn"})
ELITE_MARKERS = frozenset({"lnrmssd", "rolling avg hrv", "hrv cv", "member"})
SPEC: dict[str, tuple[str, ...]] = {"resting_hr_bpm": ("hr",), "hrv_rmssd_ms": ("rmssd",)}
NAMES = HRV4T_MARKERS | ELITE_MARKERS | {"hr", "rmssd", "date", "time", "datetime", "type"}
_YMD = re.compile(r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NO_READING = frozenset({"", "-", "0", "0.0", "0.00"})
DATE_ACCEPTED = "a date as YYYY-MM-DD (HRV4Training's Android app: YYYY-DD-MM)"


def kind_of(keys: set[str]) -> str | None:
    """``hrv4training`` or ``elite-hrv`` from header keys (rMSSD plus a name only that app writes)."""
    if "rmssd" not in keys:
        return None
    if keys & HRV4T_MARKERS:
        return "hrv4training"
    if len(keys & ELITE_MARKERS) >= 2:
        return "elite-hrv"
    return None


def _parts(text: str) -> tuple[int, int, int] | None:
    match = _YMD.match(text)
    return (int(match[1]), int(match[2]), int(match[3])) if match else None


def _as_date(parts: tuple[int, int, int], day_first: bool) -> date | None:
    year, a, b = parts
    try:
        return date(year, b, a) if day_first else date(year, a, b)
    except ValueError:
        return None


def _gaps(days: list[date | None]) -> float:
    """How badly an order fits: unreadable dates, then the sum of gaps between rows."""
    bad = sum(d is None for d in days)
    seen = [d for d in days if d is not None]
    return bad * 1e6 + sum(abs((b - a).days) for a, b in zip(seen, seen[1:], strict=False))


def _day_first(cells: list[str]) -> bool:
    """Whether the file writes YYYY-DD-MM (HRV4Training's Android app)."""
    parts = [p for p in (_parts(c) for c in cells) if p]
    return bool(parts) and _gaps([_as_date(p, True) for p in parts]) < _gaps([_as_date(p, False) for p in parts])


def _reading(job: Job, row: Row, items: list[Field]) -> bool:
    """Whether the row holds a reading (HRV4Training writes '-' or 0 on days without)."""
    return any(key(row.text(item.index)) not in _NO_READING for item in items)


def read(job: Job) -> None:
    """Add one resting HR and one rMSSD a day."""
    table = job.table
    date_index = table.find("timestamp_measurement", "datetime", "date")
    if date_index is None:
        job.errors.append(f"{table.path}: no date column (accepted: HRV4Training's or Elite HRV's "
                          "export with date or timestamp_measurement)")
        return
    items = fields(table, SPEC, lambda k: (1.0, "", False))
    type_index = table.find("type") if job.kind == "elite-hrv" else None
    # HRV4Training's Android app writes location and weather last, with decimal commas, so
    # rows can be wider than the header; the columns read here come first and are intact.
    wide = sum(len(r.cells) > len(table.names) for r in table.rows)
    if wide:
        job.warnings.append(f"{table.path}: {wide} rows have more cells than the header (trailing "
                            "columns with decimal commas); their leading columns were read")
    rows = [r for r in table.rows if type_index is None or key(r.text(type_index)) in ("readiness", "")]
    day_first = _day_first([r.text(date_index) for r in rows])
    skipped = 0
    for row in rows:
        if not _reading(job, row, items):
            skipped += 1
            continue
        parts = _parts(row.text(date_index))
        day = _as_date(parts, day_first) if parts else None
        if day is None:
            job.error(row, date_index, "is not a date", DATE_ACCEPTED)
            continue
        if any(k[0] == day for k in job.values):
            continue  # the first reading of a day is the morning one
        for item in items:
            value = job.number(row, item)
            if isinstance(value, float):
                job.add(day, item.column, round(value, 2), item.name)
    if skipped:
        job.warnings.append(f"{table.path}: {skipped} rows without a reading were skipped")
