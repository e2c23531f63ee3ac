"""TCX (Garmin Training Center Database v2) → one ParsedActivity per activity.

Every ``Activity`` counts, wherever it sits (``Activities``, multisport sessions). Names
are matched without their namespace, so files with a wrong or missing namespace and
ActivityExtension (TPX: Speed, RunCadence, Watts) under any prefix read the same. Lap
totals are the file's own ``reported`` values. A file with courses but no activities is a
planned route: imported (with a warning) only where its points carry times.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from lxml import etree

from heavylegs.core.model import ActivitySummary, ParsedActivity
from heavylegs.errors import ImportFailed
from heavylegs.importers import (
    elapsed_seconds,
    guarded,
    make_activity,
    path_distance_m,
    speed_from_distance,
    steps_per_minute,
    to_array,
)
from heavylegs.importers.xmlsafe import (
    declared_offset,
    local_name,
    parse_time,
    read_xml,
    to_float,
    zone_warnings,
)

_SPORTS = {"running": "running", "biking": "cycling", "other": "other"}
_SIMPLE = {"AltitudeMeters": "ele", "DistanceMeters": "dist", "Cadence": "cad"}
_POSITION = {"LatitudeDegrees": "lat", "LongitudeDegrees": "lon"}
_EXTENSION = {"speed": "speed", "runcadence": "runcad", "watts": "power"}
_KEYS = ("lat", "lon", "ele", "dist", "hr", "cad", "runcad", "speed", "power")
# A first trackpoint further than this from the start continues an earlier recording.
CONTINUED_DISTANCE_M = 100.0


@dataclass
class _Track:
    """Trackpoints of one activity as columns; ``segment`` numbers the Track elements."""

    times: list[datetime | None] = field(default_factory=list)
    segment: list[int] = field(default_factory=list)
    values: dict[str, list[float | None]] = field(
        default_factory=lambda: {key: [] for key in _KEYS})

    def add(self, point: etree._Element, segment: int) -> None:
        found = _read_trackpoint(point)
        self.times.append(parse_time(found.pop("time", None)))
        self.segment.append(segment)
        for key, column in self.values.items():
            column.append(to_float(found.get(key)))


def _read_trackpoint(point: etree._Element) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for child in point:
        name = local_name(child.tag)
        if name == "Time":
            found["time"] = child.text
        elif name in _SIMPLE:
            found[_SIMPLE[name]] = child.text
        elif name == "Position":
            for part in child:
                key = _POSITION.get(local_name(part.tag))
                if key:
                    found[key] = part.text
        elif name == "HeartRateBpm":
            found["hr"] = child.findtext("{*}Value") or child.text
        elif name == "Extensions":
            for element in child.iter():
                key = _EXTENSION.get(local_name(element.tag).lower())
                if key and element.text:
                    found.setdefault(key, element.text)
    return found


@guarded
def parse_tcx(data: bytes, path: str) -> list[ParsedActivity]:
    """Every activity in a TCX document (an ``ImportFailed`` when there is none)."""
    return read_xml(data, path, lambda root, warnings: _read_tcx(root, path, warnings))


def _read_tcx(root: etree._Element, path: str, warnings: list[str]) -> list[ParsedActivity]:
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise ImportFailed(path, f"root element is <{local_name(root.tag)}>, not "
                                 "<TrainingCenterDatabase>")
    warnings += zone_warnings(root, "Time")
    activities = list(root.iter("{*}Activity"))
    if activities:
        return _read_all(activities, path, warnings)
    courses = list(root.iter("{*}Course"))
    if courses:
        return _read_courses(courses, path, warnings)
    raise ImportFailed(path, "the TCX holds no activity (no <Activity> or <Course>)")


def _read_all(activities: list[etree._Element], path: str, warnings: list[str]
              ) -> list[ParsedActivity]:
    parsed = [_read_activity(a, warnings) for a in activities]
    found = [p for p in parsed if p is not None]
    if not found:
        raise ImportFailed(path, "the TCX activities have no time: no trackpoint time, "
                                 "no <Id> and no lap start")
    return found


def _read_courses(courses: list[etree._Element], path: str, warnings: list[str]
                  ) -> list[ParsedActivity]:
    note = "a course (planned route) imported as an activity: check it was really run"
    parsed = [_read_activity(course, [*warnings, note], timed_only=True) for course in courses]
    found = [p for p in parsed if p is not None]
    if not found:
        raise ImportFailed(path, "the TCX holds a course (a planned route) without times, "
                                 "not a recorded activity")
    return found


def _read_activity(activity: etree._Element, warnings: list[str], timed_only: bool = False
                   ) -> ParsedActivity | None:
    track = _Track()
    for number, element in enumerate(activity.iterfind("{*}Lap/{*}Track"), start=1):
        for point in element.iterfind("{*}Trackpoint"):
            track.add(point, number)
    for number, element in enumerate(activity.iterfind("{*}Track"), start=10_000):
        for point in element.iterfind("{*}Trackpoint"):  # courses keep Track beside Lap
            track.add(point, number)
    timed = any(t is not None for t in track.times)
    sport, notes = _sport(activity), list(warnings)
    if sport is None:
        sport = "running"
        notes.append("the TCX names no sport; assumed running")
    reported = _reported(activity, sport)
    if (timed_only and not timed) or (not timed and reported is None):
        return None
    start = None if timed or reported is None else reported.start
    return _activity(track, sport, notes, reported, start, activity)


def _sport(activity: etree._Element) -> str | None:
    named = (activity.get("Sport") or "").strip().lower()
    return _SPORTS.get(named, "other") if named else None


def _reported(activity: etree._Element, sport: str) -> ActivitySummary | None:
    laps = activity.findall("{*}Lap")
    starts = [parse_time(lap.get("StartTime")) for lap in laps]
    start = parse_time(activity.findtext("{*}Id")) or next((s for s in starts if s), None)
    if start is None:
        return None
    timer = [to_float(lap.findtext("{*}TotalTimeSeconds")) or 0.0 for lap in laps]
    ends = [s.timestamp() + t for s, t in zip(starts, timer, strict=True) if s is not None]
    elapsed = max(ends) - start.timestamp() if ends else sum(timer)
    distance = sum(to_float(lap.findtext("{*}DistanceMeters")) or 0.0 for lap in laps)
    return ActivitySummary(start=start, sport=sport, elapsed_s=max(elapsed, 0.0),
                           distance_m=distance or None, moving_s=sum(timer) or None,
                           avg_hr_bpm=_weighted_hr(laps, timer), max_hr_bpm=_max_hr(laps))


def _weighted_hr(laps: list[etree._Element], timer: list[float]) -> float | None:
    pairs = [(to_float(lap.findtext("{*}AverageHeartRateBpm/{*}Value")), t)
             for lap, t in zip(laps, timer, strict=True)]
    pairs = [(hr, t) for hr, t in pairs if hr and t > 0]
    total = sum(t for _, t in pairs)
    return sum(hr * t for hr, t in pairs) / total if total else None


def _max_hr(laps: list[etree._Element]) -> float | None:
    values = [to_float(lap.findtext("{*}MaximumHeartRateBpm/{*}Value")) for lap in laps]
    return max((v for v in values if v), default=None)


def _distance(given: np.ndarray, lat: np.ndarray, lon: np.ndarray, segment: np.ndarray,
              warnings: list[str]) -> np.ndarray:
    """The file's distances (rebased if they continue a recording), else haversine."""
    finite = given[np.isfinite(given)]
    if finite.size == 0:
        return path_distance_m(lat, lon, segment)
    if finite[0] > CONTINUED_DISTANCE_M:
        warnings.append(f"distances start at {finite[0]:.0f} m (a continued recording); "
                        "counted from the first trackpoint")
        return given - finite[0]
    return given


def _activity(track: _Track, sport: str, warnings: list[str],
              reported: ActivitySummary | None, start: datetime | None,
              activity: etree._Element) -> ParsedActivity:
    values = {key: to_array(column) for key, column in track.values.items()}
    segment = np.array(track.segment, dtype=int)
    distance = _distance(values["dist"], values["lat"], values["lon"], segment, warnings)
    speed = values["speed"]
    if not np.isfinite(speed).any():
        speed = speed_from_distance(elapsed_seconds(track.times), distance, segment)
    raw_cadence = values["runcad"] if np.isfinite(values["runcad"]).any() else values["cad"]
    cadence, cadence_note = steps_per_minute(raw_cadence, sport)
    columns = {"distance_m": distance, "speed_mps": speed, "heart_rate_bpm": values["hr"],
               "cadence_spm": cadence, "altitude_m": values["ele"], "lat_deg": values["lat"],
               "lon_deg": values["lon"], "power_w": values["power"]}
    creator = activity.findtext("{*}Creator/{*}Name")
    # Courses have a name; an activity recorded from a workout names it in Training/Plan.
    name = activity.findtext("{*}Name") or activity.findtext("{*}Training/{*}Plan/{*}Name")
    offset = declared_offset(activity.findtext("{*}Id") or activity.findtext(".//{*}Trackpoint/{*}Time"))
    return make_activity(columns, track.times, sport=sport, start=start, reported=reported, utc_offset_s=offset,
                         warnings=warnings + ([cadence_note] if cadence_note else []),
                         device=creator.strip() if creator else None,
                         name=name.strip() if name else None)
