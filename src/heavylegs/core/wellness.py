"""Daily values from devices and apps (sleep, resting HR, HRV, nutrition, ...) with their
source, and the precedence that picks one value per day and column.

The runner's own log always wins over a device (Saw et al. 2016: self-report is the
primary signal); among devices, the order below.

>>> pick([DailyValue(date(2026, 3, 1), "sleep_h", 7.2, "garmin"),
...       DailyValue(date(2026, 3, 1), "sleep_h", 6.5, "log")]).value
6.5
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Most trusted first. "log" = the daily-log CSV and `heavylegs checkin`.
SOURCES: tuple[str, ...] = ("log", "hrv4training", "elite-hrv", "oura", "whoop", "garmin", "apple-health", "cronometer",
                            "myfitnesspal", "strava", "estimated")

# How a source is named to the runner.
SOURCE_NAMES: dict[str, str] = {
    "log": "your log", "hrv4training": "HRV4Training", "elite-hrv": "Elite HRV", "oura": "Oura",
    "whoop": "WHOOP", "garmin": "Garmin", "apple-health": "Apple Health", "cronometer": "Cronometer",
    "myfitnesspal": "MyFitnessPal", "strava": "Strava", "estimated": "estimated"}

# Device-only columns the daily table also carries (beyond the daily-log columns).
EXTRA_COLUMNS: dict[str, str] = {
    "hrv_sdnn_ms": "HRV as SDNN (Apple Health), ms",
    "sleep_score": "device sleep score, 0-100",
    "sleep_deep_h": "deep sleep, hours",
    "sleep_rem_h": "REM sleep, hours",
    "readiness_score": "device readiness/recovery score, 0-100",
    "steps": "steps over the day",
    "active_kcal": "active energy burned, kcal",
    "fat_g": "fat over the day, g",
    "sodium_mg": "sodium over the day, mg",
    "iron_mg": "iron over the day, mg",
}


@dataclass(frozen=True, slots=True)
class DailyValue:
    """One value for one day and column from one source. ``value`` is a float for numeric
    columns, or text (``;``-joined for lists)."""

    day: date
    column: str
    value: float | str
    source: str
    detail: str = ""  # e.g. "breakfast 22 g; lunch 30 g" or the record type it came from


def rank(source: str) -> int:
    return SOURCES.index(source) if source in SOURCES else len(SOURCES)


def pick(values: Iterable[DailyValue]) -> DailyValue:
    """The value that wins for one day and column."""
    return min(values, key=lambda v: rank(v.source))
