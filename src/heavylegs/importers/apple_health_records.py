"""Apple Health ``<Record>`` elements → one value per local day and daily-table column.

Every value is filed under the LOCAL calendar day of its own date string (Apple writes
``"2018-09-10 02:28:55 -0700"``: the day is simply the string's date). Quantities are
converted to the column's unit from every HealthKit unit string seen in exports; a unit
not in the tables is counted in one warning per (type, unit) and its values are skipped.

- sums per day: carbohydrate, protein, fat, sodium, iron, water, food energy (all
  sources added, as the Health app does: food entries are separate meals, not readings);
- means per day: resting heart rate, HRV as SDNN (Apple measures SDNN, never rMSSD);
- last reading of the day: body mass;
- sleep: see :class:`SleepNights`; Apple's daily rings (``ActivitySummary``): active kcal.

>>> local_day("2018-09-10 02:28:55 -0700").isoformat()
'2018-09-10'
>>> parse_date("2018-09-10 02:28:55 -0700").isoformat()
'2018-09-10T02:28:55-07:00'
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from lxml import etree

from heavylegs.core.logschema import COLUMN_BY_NAME, KG_PER_LB, L_PER_FL_OZ
from heavylegs.core.wellness import DailyValue

SOURCE = "apple-health"
SESSION_GAP_S = 3 * 3600.0  # sleep pieces closer than this are one night's sleep
DENSE_HR_GAP_S = 30.0  # heart-rate samples this close together are kept for workouts

# HealthKit unit strings → factor to the column's unit.
GRAMS = {"g": 1.0, "mg": 1e-3, "mcg": 1e-6, "µg": 1e-6, "kg": 1e3,
         "oz": 28.349523125, "lb": 453.59237}
KILOGRAMS = {"kg": 1.0, "g": 1e-3, "lb": KG_PER_LB, "oz": KG_PER_LB / 16, "st": KG_PER_LB * 14}
LITRES = {"mL": 1e-3, "ml": 1e-3, "L": 1.0, "l": 1.0, "dL": 0.1, "cL": 0.01,
          "fl_oz_us": L_PER_FL_OZ, "fl_oz_imp": 0.0284130625, "cup_us": 0.2365882365,
          "cup_imp": 0.284130625, "pt_us": 0.473176473, "pt_imp": 0.56826125}
KCAL = {"kcal": 1.0, "Cal": 1.0, "cal": 1e-3, "kJ": 1 / 4.184, "J": 1 / 4184.0}
PER_MINUTE = {"count/min": 1.0, "count/s": 60.0, "Hz": 60.0, "bpm": 1.0}
MILLISECONDS = {"ms": 1.0, "s": 1000.0}


@dataclass(frozen=True, slots=True)
class Spec:
    """How one record type becomes a column: ``how`` is sum, mean or last."""

    column: str
    how: str
    units: dict[str, float]
    scale: float = 1.0


_Q = "HKQuantityTypeIdentifier"
SPECS: dict[str, Spec] = {
    f"{_Q}RestingHeartRate": Spec("resting_hr_bpm", "mean", PER_MINUTE),
    f"{_Q}HeartRateVariabilitySDNN": Spec("hrv_sdnn_ms", "mean", MILLISECONDS),
    f"{_Q}BodyMass": Spec("body_mass_kg", "last", KILOGRAMS),
    f"{_Q}DietaryCarbohydrates": Spec("carbs_g", "sum", GRAMS),
    f"{_Q}DietaryProtein": Spec("protein_g", "sum", GRAMS),
    f"{_Q}DietaryFatTotal": Spec("fat_g", "sum", GRAMS),
    f"{_Q}DietarySodium": Spec("sodium_mg", "sum", GRAMS, 1000.0),
    f"{_Q}DietaryIron": Spec("iron_mg", "sum", GRAMS, 1000.0),
    f"{_Q}DietaryWater": Spec("fluid_l", "sum", LITRES),
    f"{_Q}DietaryEnergyConsumed": Spec("energy_kcal", "sum", KCAL),
}
SLEEP_TYPE = "HKCategoryTypeIdentifierSleepAnalysis"
HEART_RATE_TYPE = f"{_Q}HeartRate"
_SLEEP = "HKCategoryValueSleepAnalysis"
# Sleep values (also the bare numbers older exports and some apps write) → (kind, stage).
SLEEP_VALUES: dict[str, tuple[str, str | None]] = {
    f"{_SLEEP}InBed": ("inbed", None), "0": ("inbed", None),
    f"{_SLEEP}Asleep": ("asleep", None), f"{_SLEEP}AsleepUnspecified": ("asleep", None),
    "1": ("asleep", None), f"{_SLEEP}AsleepCore": ("asleep", "core"), "3": ("asleep", "core"),
    f"{_SLEEP}AsleepDeep": ("asleep", "deep"), "4": ("asleep", "deep"),
    f"{_SLEEP}AsleepREM": ("asleep", "rem"), "5": ("asleep", "rem"),
}
_SLEEP_SKIPPED = {f"{_SLEEP}Awake", "2"}


def parse_date(text: str | None) -> datetime | None:
    """An Apple date (``"2018-09-10 02:28:55 -0700"``, or ISO 8601) as an aware datetime
    in its own offset; no offset means UTC; ``None`` when unreadable."""
    if not text:
        return None
    text = text.strip()
    if len(text) == 25 and text[19] == " ":
        text = text[:19] + text[20:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def local_day(text: str | None) -> date | None:
    """The local calendar day an Apple date string names (its own offset)."""
    moment = parse_date(text)
    return moment.date() if moment is not None else None


def zone(name: str | None) -> tzinfo | None:
    """The IANA time zone ``name`` (``HKTimeZone`` metadata), or ``None``."""
    if not name:
        return None
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None


def metadata(elem: etree._Element) -> dict[str, str]:
    """The ``MetadataEntry`` children of ``elem`` as a dict."""
    return {m.get("key", ""): m.get("value", "") for m in elem.iterchildren("MetadataEntry")}


def to_float(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) else None


@dataclass
class SleepNights:
    """Sleep pieces from every source; :meth:`values` merges overlaps (a watch and a
    phone app both recording one night count it once), groups pieces less than
    ``SESSION_GAP_S`` apart into a night and files the night under the local day it ENDS
    on (the morning). ``sleep_h`` is time asleep (Core/Deep/REM/Unspecified; Awake never
    counts); a night with no asleep pieces falls back to its time in bed."""

    pieces: dict[str, list[tuple[float, float, int]]] = field(
        default_factory=lambda: defaultdict(list))

    def add(self, value: str | None, start: datetime, end: datetime, tz: tzinfo | None) -> bool:
        kind = SLEEP_VALUES.get(value or "")
        if kind is None:
            return value in _SLEEP_SKIPPED
        s, e = start.timestamp(), end.timestamp()
        if e <= s:
            return True
        local_end = end.astimezone(tz) if tz is not None else end
        offset = int((local_end.utcoffset() or timedelta()).total_seconds())
        self.pieces[kind[0]].append((s, e, offset))
        if kind[1] is not None:
            self.pieces[kind[1]].append((s, e, offset))
        return True

    def values(self) -> list[DailyValue]:
        everything = [p for kind in ("asleep", "inbed") for p in self.pieces.get(kind, [])]
        nights = _merge(everything, SESSION_GAP_S)
        starts = [n[0] for n in nights]
        days = [datetime.fromtimestamp(n[1] + n[2], UTC).date() for n in nights]
        hours: dict[str, dict[date, float]] = {}
        for kind in ("asleep", "inbed", "core", "deep", "rem"):
            per_day: dict[date, float] = defaultdict(float)
            for s, e, _ in _merge(self.pieces.get(kind, []), 0.0):
                per_day[days[bisect.bisect_right(starts, s) - 1]] += (e - s) / 3600.0
            hours[kind] = per_day
        return _sleep_values(hours)


def _merge(pieces: list[tuple[float, float, int]], gap: float) -> list[tuple[float, float, int]]:
    """The union of intervals, joining those less than ``gap`` apart; each keeps the
    offset of the piece that ends it."""
    out: list[tuple[float, float, int]] = []
    for s, e, offset in sorted(pieces):
        if out and s <= out[-1][1] + gap:
            last = out[-1]
            out[-1] = (last[0], e, offset) if e > last[1] else last
        else:
            out.append((s, e, offset))
    return out


def _sleep_values(hours: dict[str, dict[date, float]]) -> list[DailyValue]:
    out = []
    for day in sorted(set(hours["asleep"]) | set(hours["inbed"])):
        asleep = hours["asleep"].get(day, 0.0)
        total, what = (asleep, "asleep") if asleep > 0 else (hours["inbed"][day], "in bed")
        out.append(DailyValue(day, "sleep_h", round(total, 3), SOURCE,
                              f"{what}, night ending this morning"))
        staged = any(day in hours[s] for s in ("core", "deep", "rem"))
        if asleep > 0 and staged:
            out += [DailyValue(day, f"sleep_{s}_h", round(hours[s].get(day, 0.0), 3), SOURCE,
                               f"{s} sleep") for s in ("deep", "rem")]
    return out


@dataclass
class HeartSamples:
    """Heart-rate samples kept compact (12 bytes each) for the workouts' heart-rate
    streams: only dense runs (< ``DENSE_HR_GAP_S`` apart, as during a workout) are
    kept, so the scattered all-day readings cost nothing."""

    times: array = field(default_factory=lambda: array("d"))
    bpm: array = field(default_factory=lambda: array("f"))
    _pending: tuple[float, float] | None = None

    def add(self, when: float, bpm: float) -> None:
        pending = self._pending
        self._pending = (when, bpm)
        if pending is None or abs(when - pending[0]) > DENSE_HR_GAP_S:
            return
        if not self.times or self.times[-1] != pending[0]:
            self.times.append(pending[0])
            self.bpm.append(pending[1])
        self.times.append(when)
        self.bpm.append(bpm)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """Times (epoch seconds) and bpm, sorted by time."""
        t = np.frombuffer(self.times, dtype=float)
        v = np.frombuffer(self.bpm, dtype=np.float32).astype(float)
        order = np.argsort(t, kind="stable")
        return t[order], v[order]


@dataclass
class DailyRecords:
    """Reads top-level ``<Record>`` and ``<ActivitySummary>`` elements one at a time and
    keeps only running totals, so memory does not grow with the export's size."""

    sums: dict[tuple[date, str], dict[str, float]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(float)))
    means: dict[tuple[date, str], list[float]] = field(default_factory=dict)
    lasts: dict[tuple[date, str], tuple[datetime, float]] = field(default_factory=dict)
    sleep: SleepNights = field(default_factory=SleepNights)
    heart: HeartSamples = field(default_factory=HeartSamples)
    problems: Counter[str] = field(default_factory=Counter)

    def add(self, elem: etree._Element) -> None:
        kind = elem.get("type")
        if kind == HEART_RATE_TYPE:
            self._heart_rate(elem)
        elif kind == SLEEP_TYPE:
            self._sleep(elem)
        elif kind in SPECS:
            self._quantity(SPECS[kind], kind, elem)

    def _heart_rate(self, elem: etree._Element) -> None:
        value, when = to_float(elem.get("value")), parse_date(elem.get("startDate"))
        factor = PER_MINUTE.get(elem.get("unit", ""))
        if value is not None and when is not None and factor is not None:
            self.heart.add(when.timestamp(), value * factor)

    def _sleep(self, elem: etree._Element) -> None:
        start, end = parse_date(elem.get("startDate")), parse_date(elem.get("endDate"))
        if start is None or end is None:
            self.problems["sleep records without readable start and end dates skipped"] += 1
            return
        tz = zone(metadata(elem).get("HKTimeZone")) if len(elem) else None
        if not self.sleep.add(elem.get("value"), start, end, tz):
            self.problems[f"sleep records with value {elem.get('value')!r} skipped"] += 1

    def _quantity(self, spec: Spec, kind: str, elem: etree._Element) -> None:
        unit = elem.get("unit", "")
        factor = spec.units.get(unit)
        when, value = parse_date(elem.get("startDate")), to_float(elem.get("value"))
        if factor is None:
            self.problems[f"{kind} in unknown unit {unit!r} skipped"] += 1
            return
        if when is None or value is None:
            self.problems[f"{kind} records without a readable date or value skipped"] += 1
            return
        value *= factor * spec.scale
        key = (when.date(), spec.column)
        if spec.how == "sum":
            self.sums[key][elem.get("sourceName") or "?"] += value
        elif not _in_range(spec.column, value):
            self.problems[f"{kind} values out of range for {spec.column} skipped"] += 1
        elif spec.how == "mean":
            self.means.setdefault(key, []).append(value)
        elif key not in self.lasts or when >= self.lasts[key][0]:
            self.lasts[key] = (when, value)

    def add_summary(self, elem: etree._Element) -> None:
        """Apple's activity rings for one day: active energy burned → ``active_kcal``."""
        day = local_day(elem.get("dateComponents"))
        value = to_float(elem.get("activeEnergyBurned"))
        factor = KCAL.get(elem.get("activeEnergyBurnedUnit") or "kcal")
        if day is not None and value is not None and factor is not None and value > 0:
            self.lasts[(day, "active_kcal")] = (datetime.min.replace(tzinfo=UTC), value * factor)

    def values(self) -> list[DailyValue]:
        """Every daily value, sleep included."""
        out = [v for (day, column), by_source in self.sums.items()
               if (v := _sum_value(day, column, by_source, self.problems)) is not None]
        out += [DailyValue(day, column, round(sum(v) / len(v), 3), SOURCE,
                           f"mean of {len(v)} readings") for (day, column), v in self.means.items()]
        out += [DailyValue(day, column, round(v, 3), SOURCE, _last_detail(column, when))
                for (day, column), (when, v) in self.lasts.items()]
        return sorted(out + self.sleep.values(), key=lambda v: (v.day, v.column))

    def warnings(self) -> list[str]:
        return [what if count == 1 else f"{what} (x{count})"
                for what, count in sorted(self.problems.items())]


def _in_range(column: str, value: float) -> bool:
    spec = COLUMN_BY_NAME.get(column)
    if spec is None or spec.lo is None or spec.hi is None:
        return value >= 0
    return spec.lo <= value <= spec.hi


def _sum_value(day: date, column: str, by_source: dict[str, float],
               problems: Counter[str]) -> DailyValue | None:
    total = sum(by_source.values())
    if not _in_range(column, total):
        problems[f"daily totals out of range for {column} skipped"] += 1
        return None
    detail = "; ".join(f"{source} {value:.4g}" for source, value in sorted(by_source.items()))
    return DailyValue(day, column, round(total, 3), SOURCE, detail)


def _last_detail(column: str, when: datetime) -> str:
    return "activity rings" if column == "active_kcal" else f"last reading, {when:%H:%M}"
