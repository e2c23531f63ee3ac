"""Garmin Connect export (Account → Data Management → Export Your Data) → units.

The zip's root (or its one top folder) holds ``DI_CONNECT/``; see
shared/corpus/FORMATS.md §2 for the layout. heavylegs reads:

- the original uploads: FIT (also GPX, TCX) files inside the ``UploadedFiles_*.zip``
  archives of ``DI-Connect-Uploaded-Files/`` (``DI-Connect-Fitness-Uploaded-Files/`` in
  older exports), nested up to ``archive.MAX_DEPTH`` deep, and loose files there: one unit
  each;
- wellness JSON, one unit per file, as daily values with source ``garmin``:
  ``*_sleepData.json`` → ``sleep_h`` (deep + light + REM seconds), ``sleep_deep_h``,
  ``sleep_rem_h``, ``sleep_score`` (``sleepScores.overallScore``), by ``calendarDate``
  (the morning the night ends);
  ``UDSFile_*.json`` → ``resting_hr_bpm`` (``restingHeartRate``), ``steps``
  (``totalSteps``), ``active_kcal`` (``activeKilocalories``);
  ``*_healthStatusData.json`` → ``hrv_rmssd_ms`` (metric ``HRV``: Garmin's overnight HRV
  is an rMSSD average) and ``resting_hr_bpm`` from metric ``HR`` on the days no UDS file
  gives one. That unit reads the export's UDS files too, and its hash includes theirs.

Unknown keys and records are ignored; a value outside the daily log's range is dropped
with a warning; a file that is not JSON fails alone.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date

from heavylegs.core.logschema import COLUMN_BY_NAME
from heavylegs.core.wellness import DailyValue
from heavylegs.errors import CorruptFile, ImportFailed
from heavylegs.importers.archive import Archive, Digest, Entry, failed_unit
from heavylegs.importers.bundle import Bundle, Unit

SOURCE = "garmin"
WELLNESS = {
    "sleep": re.compile(r"_sleepData\.json$", re.I),
    "uds": re.compile(r"(^|/)UDSFile_[^/]*\.json$", re.I),
    "health": re.compile(r"_healthStatusData\.json$", re.I),
}
# Columns that are not in the daily log: their plausible range.
EXTRA_RANGES = {"sleep_deep_h": (0.0, 16.0), "sleep_rem_h": (0.0, 16.0),
                "sleep_score": (0.0, 100.0), "steps": (0.0, 200_000.0),
                "active_kcal": (0.0, 20_000.0)}
SLEEP_STAGES = ("deepSleepSeconds", "lightSleepSeconds", "remSleepSeconds")


def is_garmin(names: Iterable[str]) -> bool:
    """Whether an archive's member names look like a Garmin Connect export."""
    return any("DI_CONNECT" in n.split("/")[:2] for n in names)


def wellness_kind(name: str) -> str | None:
    return next((kind for kind, pattern in WELLNESS.items() if pattern.search(name)), None)


def units(archive: Archive) -> list[Unit]:
    """The units of a Garmin Connect export."""
    entries = archive.safe_entries()
    uds = [e for e in entries if wellness_kind(e.name) == "uds"]
    digests = _digests(archive, uds)
    found: list[Unit] = []
    for entry in entries:
        kind = wellness_kind(entry.name)
        if kind == "health":
            found.append(_health_unit(archive, entry, uds, digests))
        elif kind is not None:
            parse = sleep_bundle if kind == "sleep" else uds_bundle
            found.append(_unit(archive, entry, parse, digests.get(entry.name)))
        elif "Uploaded-Files" in entry.name:
            found += upload_units(archive, entry)
    return found


def _digests(archive: Archive, entries: list[Entry]) -> dict[str, Digest | ImportFailed]:
    out: dict[str, Digest | ImportFailed] = {}
    for entry in entries:
        try:
            out[entry.name] = archive.digest(entry)
        except ImportFailed as error:
            out[entry.name] = error
    return out


def _unit(archive: Archive, entry: Entry, parse: Callable[[str, bytes], Bundle],
          digest: Digest | ImportFailed | None, salt: str = "") -> Unit:
    if isinstance(digest, ImportFailed):
        return failed_unit(archive.member_path(entry), digest.reason)
    return archive.unit(entry, parse, digest=digest, salt=salt)


def upload_units(archive: Archive, entry: Entry) -> list[Unit]:
    """An uploaded activity file, or every one inside an UploadedFiles zip."""
    from heavylegs.importers.exports import activity_unit, member_kind, nested_units

    kind = member_kind(entry.name)
    if kind == "activity":
        return [activity_unit(archive, entry)]
    if kind == "zip":
        return nested_units(archive, entry, _uploads_inside)
    return []


def _uploads_inside(inner: Archive) -> list[Unit]:
    found: list[Unit] = []
    for entry in inner.safe_entries():
        found += upload_units(inner, entry)
    return found


def _health_unit(archive: Archive, entry: Entry, uds: list[Entry],
                 digests: dict[str, Digest | ImportFailed]) -> Unit:
    salt = "uds:" + ",".join(d.sha256 if isinstance(d, Digest) else "failed"
                             for d in (digests[e.name] for e in uds))

    def parse(name: str, data: bytes) -> Bundle:
        return health_bundle(name, data, lambda: resting_hr_days(archive, uds))
    return _unit(archive, entry, parse, None, salt)


# -- the JSON files -------------------------------------------------------------------------
def records(name: str, data: bytes) -> list[dict[str, object]]:
    """The daily records of a Garmin JSON file (a list of objects, possibly wrapped)."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise CorruptFile(name, f"not valid JSON ({' '.join(str(error).split())})") from None
    if isinstance(doc, dict):
        doc = next((v for v in doc.values() if isinstance(v, list)), [doc])
    if not isinstance(doc, list):
        raise CorruptFile(name, "expected a list of daily records")
    return [r for r in doc if isinstance(r, dict)]


def calendar_day(record: dict[str, object]) -> date | None:
    value = record.get("calendarDate")
    if isinstance(value, dict):
        value = value.get("date")
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


class Values:
    """Daily values being collected from one file, with what was dropped and why."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: list[DailyValue] = []
        self.dropped: Counter[str] = Counter()

    def add(self, day: date, column: str, value: float | None, detail: str) -> None:
        if value is None:
            return
        lo, hi = _range(column)
        if not lo <= value <= hi:
            self.dropped[f"{column} outside {lo:g}-{hi:g}"] += 1
            return
        self.values.append(DailyValue(day, column, round(value, 4), SOURCE, detail))

    def bundle(self) -> Bundle:
        warnings = [f"{self.name}: {n} value(s) dropped: {why}" for why, n in self.dropped.items()]
        return Bundle(daily_values=self.values, warnings=warnings, kind="wellness")


def _range(column: str) -> tuple[float, float]:
    if column in EXTRA_RANGES:
        return EXTRA_RANGES[column]
    spec = COLUMN_BY_NAME[column]
    return float(spec.lo or 0.0), float(spec.hi or 0.0)


def _days(out: Values, data: bytes) -> Iterable[tuple[date, dict[str, object]]]:
    for record in records(out.name, data):
        day = calendar_day(record)
        if day is None:
            out.dropped["records without a calendarDate"] += 1
            continue
        yield day, record


def sleep_bundle(name: str, data: bytes) -> Bundle:
    """``*_sleepData.json`` → sleep hours (deep + light + REM), stages and score."""
    out = Values(name)
    for day, record in _days(out, data):
        deep, light, rem = (number(record.get(k)) for k in SLEEP_STAGES)
        total = (deep or 0.0) + (light or 0.0) + (rem or 0.0)
        if total <= 0:
            continue
        out.add(day, "sleep_h", total / 3600, "Garmin sleep: deep + light + REM")
        out.add(day, "sleep_deep_h", None if deep is None else deep / 3600, "Garmin sleep")
        if record.get("deviceRemCapable") is not False:
            out.add(day, "sleep_rem_h", None if rem is None else rem / 3600, "Garmin sleep")
        out.add(day, "sleep_score", sleep_score(record.get("sleepScores")), "Garmin sleep score")
    return out.bundle()


def sleep_score(scores: object) -> float | None:
    """``sleepScores.overallScore`` (a number, or ``{"value": n}``; also ``overall``).

    >>> sleep_score({"overallScore": 81}), sleep_score({"overall": {"value": 70}}), sleep_score(None)
    (81.0, 70.0, None)
    """
    if not isinstance(scores, dict):
        return None
    for key in ("overallScore", "overall"):
        value = scores.get(key)
        if isinstance(value, dict):
            value = value.get("value")
        if number(value) is not None:
            return number(value)
    return None


def uds_bundle(name: str, data: bytes) -> Bundle:
    """``UDSFile_*.json`` (user daily summaries) → resting HR, steps, active energy."""
    out = Values(name)
    for day, record in _days(out, data):
        out.add(day, "resting_hr_bpm", number(record.get("restingHeartRate")), "Garmin daily summary")
        out.add(day, "steps", number(record.get("totalSteps")), "Garmin daily summary")
        out.add(day, "active_kcal", number(record.get("activeKilocalories")), "Garmin daily summary")
    return out.bundle()


def health_bundle(name: str, data: bytes, covered: Callable[[], set[date]]) -> Bundle:
    """``*_healthStatusData.json`` → overnight HRV, and resting HR where no UDS file has it."""
    out = Values(name)
    days_with_rhr: set[date] | None = None
    for day, record in _days(out, data):
        metrics = record.get("metrics")
        for metric in metrics if isinstance(metrics, list) else []:
            kind = str(metric.get("type", "")).upper() if isinstance(metric, dict) else ""
            if kind == "HRV":
                out.add(day, "hrv_rmssd_ms", number(metric.get("value")),
                        "Garmin overnight HRV (rMSSD)")
            elif kind == "HR":
                days_with_rhr = covered() if days_with_rhr is None else days_with_rhr
                if day not in days_with_rhr:
                    out.add(day, "resting_hr_bpm", number(metric.get("value")),
                            "Garmin health status HR")
    return out.bundle()


def resting_hr_days(archive: Archive, uds: list[Entry]) -> set[date]:
    """The days some UDS file of the export gives a resting HR for (unreadable ones skipped)."""
    days: set[date] = set()
    for entry in uds:
        try:
            bundle = uds_bundle(archive.member_path(entry), archive.read(entry))
        except ImportFailed:
            continue
        days |= {v.day for v in bundle.daily_values if v.column == "resting_hr_bpm"}
    return days
