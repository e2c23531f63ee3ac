"""TCX (Garmin Training Center Database v2) → one ParsedActivity per activity.

Every ``Activity`` counts, wherever it sits (``Activities``, multisport sessions). Names
are matched without their namespace, so files with a wrong or missing namespace and
ActivityExtension (TPX: Speed, RunCadence, Watts) under any prefix read the same. Lap
totals are the file's own ``reported`` values. A file with courses but no activities is a
planned route: imported (with a warning) only where its points carry times.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime

import numpy as np
from lxml import etree

from heavylegs.core.model import ActivitySummary, ParsedActivity
from heavylegs.errors import ImportFailed
from heavylegs.importers import (
    guarded,
    make_activity,
    path_distance_m,
    speed_from_distance,
    steps_per_minute,
    xmlfast,
)
from heavylegs.importers.xmlcolumns import TagMap, UtcTimes, floats, utc_times
from heavylegs.importers.xmlfast import Samples
from heavylegs.importers.xmlsafe import (
    declared_offset,
    local_name,
    parse_time,
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


_CHILDREN = {"Time": "time", **_SIMPLE, "Position": "position", "HeartRateBpm": "heart",
             "Extensions": "extensions"}


def _point_reader() -> Callable[[etree._Element], dict[str, str | None]]:
    """``_read_trackpoint`` with this document's tag maps (a tag's meaning, once)."""
    return functools.partial(_read_trackpoint, child_kind=TagMap(_CHILDREN.get),
                             position=TagMap(_POSITION.get),
                             extension=TagMap(lambda name: _EXTENSION.get(name.lower())))


def _read_trackpoint(point: etree._Element, child_kind: TagMap, position: TagMap,
                     extension: TagMap) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for child in point:
        kind = child_kind[child.tag]
        if kind is None:
            continue
        if kind == "position":
            for part in child:
                key = position[part.tag]
                if key:
                    found[key] = part.text
        elif kind == "heart":
            found["hr"] = _value(child) or child.text
        elif kind == "extensions":
            for element in child.iter():
                key = extension[element.tag]
                if key and element.text:
                    found.setdefault(key, element.text)
        else:
            found[kind] = child.text
    return found


def _value(element: etree._Element) -> str | None:
    """``element.findtext("{*}Value")``: the first ``Value`` child's text (``''`` when it
    has none), ``None`` without one."""
    for child in element:
        if isinstance(child.tag, str) and local_name(child.tag) == "Value":
            return child.text or ""
    return None


@guarded
def parse_tcx(data: bytes, path: str) -> list[ParsedActivity]:
    """Every activity in a TCX document (an ``ImportFailed`` when there is none).
    Runs of like trackpoints are read by regex (``xmlfast``) when the document allows."""
    return xmlfast.read(data, path, "Track", "Trackpoint", _point_reader(), _read_tcx)


def _read_tcx(root: etree._Element, path: str, warnings: list[str],
              fast: xmlfast.Fast | None = None) -> list[ParsedActivity]:
    if local_name(root.tag) != "TrainingCenterDatabase":
        raise ImportFailed(path, f"root element is <{local_name(root.tag)}>, not "
                                 "<TrainingCenterDatabase>")
    warnings += zone_warnings(root, "Time")
    activities = list(root.iter("{*}Activity"))
    if activities:
        return _read_all(activities, path, warnings, fast)
    courses = list(root.iter("{*}Course"))
    if courses:
        return _read_courses(courses, path, warnings, fast)
    raise ImportFailed(path, "the TCX holds no activity (no <Activity> or <Course>)")


def _read_all(activities: list[etree._Element], path: str, warnings: list[str],
              fast: xmlfast.Fast | None) -> list[ParsedActivity]:
    parsed = [_read_activity(a, warnings, fast) for a in activities]
    found = [p for p in parsed if p is not None]
    if not found:
        raise ImportFailed(path, "the TCX activities have no time: no trackpoint time, "
                                 "no <Id> and no lap start")
    return found


def _read_courses(courses: list[etree._Element], path: str, warnings: list[str],
                  fast: xmlfast.Fast | None) -> list[ParsedActivity]:
    note = "a course (planned route) imported as an activity: check it was really run"
    parsed = [_read_activity(course, [*warnings, note], fast, timed_only=True)
              for course in courses]
    found = [p for p in parsed if p is not None]
    if not found:
        raise ImportFailed(path, "the TCX holds a course (a planned route) without times, "
                                 "not a recorded activity")
    return found


def _read_activity(activity: etree._Element, warnings: list[str], fast: xmlfast.Fast | None,
                   timed_only: bool = False) -> ParsedActivity | None:
    track = Samples(_point_reader(), fast)
    for number, element in enumerate(activity.iterfind("{*}Lap/{*}Track"), start=1):
        track.read(element.iterchildren("{*}Trackpoint"), number)
    for number, element in enumerate(activity.iterfind("{*}Track"), start=10_000):
        track.read(element.iterchildren("{*}Trackpoint"), number)  # courses: Track beside Lap
    times = utc_times(track.texts("time"))
    timed = times.any()
    sport, notes = _sport(activity), list(warnings)
    if sport is None:
        sport = "running"
        notes.append("the TCX names no sport; assumed running")
    reported = _reported(activity, sport)
    if (timed_only and not timed) or (not timed and reported is None):
        return None
    start = None if timed or reported is None else reported.start
    return _activity(track, times, sport, notes, reported, start, activity)


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


def _activity(track: Samples, times: UtcTimes, sport: str, warnings: list[str],
              reported: ActivitySummary | None, start: datetime | None,
              activity: etree._Element) -> ParsedActivity:
    values = {key: floats(track.texts(key)) for key in _KEYS}
    segment = np.array(track.segment, dtype=int)
    distance = _distance(values["dist"], values["lat"], values["lon"], segment, warnings)
    speed = values["speed"]
    if not np.isfinite(speed).any():
        speed = speed_from_distance(times.elapsed_s(), distance, segment)
    raw_cadence = values["runcad"] if np.isfinite(values["runcad"]).any() else values["cad"]
    cadence, cadence_note = steps_per_minute(raw_cadence, sport)
    columns = {"distance_m": distance, "speed_mps": speed, "heart_rate_bpm": values["hr"],
               "cadence_spm": cadence, "altitude_m": values["ele"], "lat_deg": values["lat"],
               "lon_deg": values["lon"], "power_w": values["power"]}
    creator = activity.findtext("{*}Creator/{*}Name")
    # Courses have a name; an activity recorded from a workout names it in Training/Plan.
    name = activity.findtext("{*}Name") or activity.findtext("{*}Training/{*}Plan/{*}Name")
    offset = declared_offset(activity.findtext("{*}Id") or activity.findtext(".//{*}Trackpoint/{*}Time"))
    return make_activity(columns, times, sport=sport, start=start, reported=reported, utc_offset_s=offset,
                         warnings=warnings + ([cadence_note] if cadence_note else []),
                         device=creator.strip() if creator else None,
                         name=name.strip() if name else None)
