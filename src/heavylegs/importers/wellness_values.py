"""Cells of the app exports as values: the plausible range of each heavylegs column
(:data:`LIMITS`), a file column read into one (:class:`Field`, with its unit factor), and
numbers, H:MM durations and dates as the apps write them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Limit:
    """The plausible range of a column, in its heavylegs unit."""

    lo: float
    hi: float
    unit: str


LIMITS: dict[str, Limit] = {
    "sleep_h": Limit(0, 24, "h"),
    "sleep_deep_h": Limit(0, 24, "h"),
    "sleep_rem_h": Limit(0, 24, "h"),
    "sleep_score": Limit(0, 100, ""),
    "readiness_score": Limit(0, 100, ""),
    "resting_hr_bpm": Limit(25, 220, "bpm"),
    "hrv_rmssd_ms": Limit(1, 500, "ms"),
    "steps": Limit(0, 200_000, "steps"),
    "active_kcal": Limit(0, 15_000, "kcal"),
    "energy_kcal": Limit(0, 15_000, "kcal"),
    "carbs_g": Limit(0, 3_000, "g"),
    "protein_g": Limit(0, 1_000, "g"),
    "fat_g": Limit(0, 1_500, "g"),
    "sodium_mg": Limit(0, 50_000, "mg"),
    "iron_mg": Limit(0, 1_000, "mg"),
    "fluid_l": Limit(0, 20, "l"),
}

_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_CLOCK = re.compile(r"(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?")
_DAY_FORMATS = ("%Y/%m/%d", "%Y.%m.%d", "%d.%m.%Y")
_MOMENT_FORMATS = ("%Y-%m-%d %I:%M %p", "%Y-%m-%d %I:%M:%S %p", "%Y/%m/%d %H:%M",
                   "%Y/%m/%d %H:%M:%S")
DATE_ACCEPTED = "a date as YYYY-MM-DD, optionally with a time, e.g. 2024-05-01 23:14:00"


@dataclass(frozen=True, slots=True)
class Field:
    """A file column read into a heavylegs column: ``factor`` converts the file's unit
    (``unit``) to the column's; ``clock`` also accepts H:MM[:SS] (a duration in hours)."""

    column: str
    index: int
    name: str
    factor: float = 1.0
    unit: str = ""
    clock: bool = False

    def accepted(self) -> str:
        limit = LIMITS[self.column]
        ours = f"{limit.lo:g}-{limit.hi:g} {limit.unit}".rstrip()
        if self.factor == 1.0:
            return ours
        theirs = f"{limit.lo / self.factor:g}-{limit.hi / self.factor:g} {self.unit}".rstrip()
        return f"{theirs} = {ours}"


def to_number(text: str) -> float:
    """A cell as a number: ``85%``, ``1,234.5`` and ``7,5`` are read; raises ValueError."""
    t = text.strip().removesuffix("%").strip()
    if _THOUSANDS.fullmatch(t):
        t = t.replace(",", "")
    elif t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def clock_hours(text: str) -> float | None:
    """A duration written H:MM[:SS] in hours, or None when the cell is not one."""
    match = _CLOCK.fullmatch(text.strip())
    if not match:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours) + int(minutes) / 60 + float(seconds or 0) / 3600


def parse_moment(text: str) -> datetime:
    """A date or date-time as the apps write it (ISO with or without an offset or ``Z``,
    ``2024-05-01 23:14:00``, ``2024-05-01 10:45 PM``); raises ValueError."""
    t = text.strip()
    try:
        return datetime.fromisoformat(t)
    except ValueError:
        pass
    for fmt in (*_DAY_FORMATS, *_MOMENT_FORMATS):
        try:
            return datetime.strptime(t, fmt)
        except ValueError:
            continue
    raise ValueError(text)
