"""The dates a runner's data can have: from 1980 (the first heart-rate monitors and
running logs a file could come from) to one day after today (a clock a few hours ahead,
a watch in the next time zone). Anything outside is a broken clock or a typo, and is
refused per file or per row on import; the day a question is asked about is held to the
same range, so date arithmetic around it can never overflow.

Reads the clock, so it lives outside the pure packages (like zones.py).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from heavylegs.importers.bundle import Bundle

EARLIEST = date(1980, 1, 1)
FUTURE_MARGIN = timedelta(days=1)


def latest() -> date:
    """The last day data can have: one day after today (local clock)."""
    return date.today() + FUTURE_MARGIN


def accepted() -> str:
    return f"a date from {EARLIEST.isoformat()} to {latest().isoformat()} (one day after today)"


def day_problem(day: date) -> str | None:
    """Why ``day`` is not a date a runner's data can have, or None when it is."""
    if day < EARLIEST:
        return f"is before {EARLIEST.year}"
    if day > latest():
        return "is more than a day in the future"
    return None


def start_problem(start: datetime) -> str | None:
    """Why an activity starting at ``start`` (aware UTC; naive is taken as UTC) cannot be
    a real one, or None."""
    when = start if start.tzinfo else start.replace(tzinfo=UTC)
    if when < datetime(EARLIEST.year, EARLIEST.month, EARLIEST.day, tzinfo=UTC):
        return f"is before {EARLIEST.year}"
    if when > datetime.now(UTC) + FUTURE_MARGIN:
        return "is more than a day in the future"
    return None


def implausible_parts(bundle: Bundle, name: str) -> tuple[Bundle, list[str]]:
    """``bundle`` without the activities, daily-log rows and device values dated outside
    the accepted range, and one error line for each (file, what, field, date, why)."""
    errors: list[str] = []
    acts = []
    for act in bundle.activities:
        problem = start_problem(act.summary.start)
        if problem:
            errors.append(f"{name}: the activity's start time {act.summary.start.isoformat()} "
                          f"{problem}; activity not stored (accepted: {accepted()})")
        else:
            acts.append(act)
    rows = []
    for row in bundle.log_rows:
        day = row.get("date")
        problem = day_problem(day) if isinstance(day, date) else None
        if problem:
            errors.append(f"{name}: daily-log row, column date: {day} {problem}; row not stored "
                          f"(accepted: {accepted()})")
        else:
            rows.append(row)
    values, refused = [], set()
    for value in bundle.daily_values:
        problem = day_problem(value.day)
        if problem:
            refused.add(f"{name}: the values dated {value.day} ({problem}) not stored "
                        f"(accepted: {accepted()})")
        else:
            values.append(value)
    if not errors and not refused:
        return bundle, []
    kept_gear = _gear_after(bundle, acts)
    return replace(bundle, activities=acts, log_rows=rows, daily_values=values, gear=kept_gear), \
        errors + sorted(refused)


def _gear_after(bundle: Bundle, kept: list) -> list:
    """The bundle's gear uses, re-indexed to the activities kept."""
    index = {id(a): i for i, a in enumerate(kept)}
    out = []
    for use in bundle.gear:
        new = index.get(id(bundle.activities[use.index]))
        if new is not None:
            out.append(replace(use, index=new))
    return out
