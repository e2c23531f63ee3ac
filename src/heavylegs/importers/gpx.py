"""GPX 1.0 and 1.1 → one ParsedActivity.

All tracks and all their segments make one activity (a gap between segments is a pause:
no distance is counted across it); a file without track points falls back to its routes.
Heart rate, cadence, temperature, power and speed are read from any extension element
with a known local name (Garmin TrackPointExtension v1/v2, cluetrust gpxdata, no
namespace at all). Points without lat/lon keep their time and heart rate. Distance and
speed come from the positions (haversine) when the file does not give them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime

import numpy as np
from lxml import etree

from heavylegs.core.model import ParsedActivity
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
    zone_warnings,
)

# Local names of extension elements → the sample value they carry.
_EXTENSION_VALUES = {
    "hr": "hr", "heartrate": "hr", "heart_rate": "hr",
    "cad": "cad", "cadence": "cad", "runcadence": "cad",
    "atemp": "temp", "temp": "temp", "temperature": "temp",
    "power": "power", "watts": "power", "powerinwatts": "power",
    "speed": "speed",
}
# <type> values → heavylegs sport names (Strava writes numbers: 1 ride, 9 run, 10 walk).
_SPORTS = {
    "running": "running", "run": "running", "9": "running", "jogging": "running",
    "trail_running": "trail_running", "trailrun": "trail_running", "trail": "trail_running",
    "treadmill_running": "treadmill_running", "treadmill": "treadmill_running",
    "cycling": "cycling", "biking": "cycling", "ride": "cycling", "bike": "cycling",
    "1": "cycling", "walking": "walking", "walk": "walking", "10": "walking",
    "hiking": "hiking", "hike": "hiking", "4": "hiking",
    "swimming": "swimming", "swim": "swimming",
}


_POINT_CHILDREN = {"ele": "ele", "time": "time", "speed": "speed", "extensions": "extensions"}
_COLUMNS = ("lat", "lon", "ele", "hr", "cad", "temp", "power", "speed")


def _point_reader() -> Callable[[etree._Element], dict[str, str | None]]:
    """``_read_point`` with this document's tag maps (a tag's meaning, worked out once)."""
    return functools.partial(_read_point, child_kind=TagMap(_POINT_CHILDREN.get),
                             extension=TagMap(lambda name: _EXTENSION_VALUES.get(name.lower())))


def _read_point(point: etree._Element, child_kind: TagMap, extension: TagMap
                ) -> dict[str, str | None]:
    """``lat``/``lon`` attributes; the last ``ele``, ``time`` and ``speed`` children; each
    extension value (any depth, any namespace) from the first element with text."""
    found = {"lat": point.get("lat"), "lon": point.get("lon")}
    for child in point:
        kind = child_kind[child.tag]
        if kind == "extensions":
            for element in child.iter():
                key = extension[element.tag]
                if key and key not in found:
                    text = element.text
                    if text:
                        found[key] = text
        elif kind:
            found[kind] = child.text
    return found


@guarded
def parse_gpx(data: bytes, path: str) -> list[ParsedActivity]:
    """The one activity in a GPX document (an ``ImportFailed`` if it holds no points).
    Runs of like track points are read by regex (``xmlfast``) when the document allows."""
    return xmlfast.read(data, path, "trkseg", "trkpt", _point_reader(), _read_gpx)


def _read_gpx(root: etree._Element, path: str, warnings: list[str],
              fast: xmlfast.Fast | None = None) -> list[ParsedActivity]:
    if local_name(root.tag) != "gpx":
        raise ImportFailed(path, f"root element is <{local_name(root.tag)}>, not <gpx>")
    points, kind = _collect(root, fast)
    if not points:
        raise ImportFailed(path, "the GPX has no track or route points (only waypoints or "
                                 "nothing): not a recorded activity")
    sport, sport_note = _sport(root)
    warnings += ([sport_note] if sport_note else []) + zone_warnings(root, "time")
    if kind == "route":
        warnings.append("no track in the file; read its route instead")
    times = utc_times(points.texts("time"))
    start = _start(times, root, path, warnings)
    return [_activity(points, times, sport, warnings, start, root)]


def _collect(root: etree._Element, fast: xmlfast.Fast | None) -> tuple[Samples, str]:
    points = Samples(_point_reader(), fast)
    segment = 0
    for track_segment in root.iterfind("{*}trk/{*}trkseg"):
        segment += 1
        points.read(track_segment.iterchildren("{*}trkpt"), segment)
    if points:
        return points, "track"
    for route in root.iterfind("{*}rte"):
        segment += 1
        points.read(route.iterchildren("{*}rtept"), segment)
    return points, "route"


def _sport(root: etree._Element) -> tuple[str, str | None]:
    for kind in ("{*}trk/{*}type", "{*}rte/{*}type", "{*}metadata/{*}type"):
        text = (root.findtext(kind) or "").strip()
        if text:
            key = text.lower().replace(" ", "_").replace("-", "_")
            return _SPORTS.get(key, key), None
    return "unknown", ("the GPX names no activity type; stored as unknown, not counted as running "
                       "(`heavylegs activities set-sport ID running`, or import with --sport running)")


def _start(times: UtcTimes, root: etree._Element, path: str, warnings: list[str]
           ) -> datetime | None:
    if times.any():
        return None
    declared = parse_time(root.findtext("{*}metadata/{*}time") or root.findtext("{*}time"))
    if declared is None:
        raise ImportFailed(path, "the GPX points carry no times: a planned route, not a "
                                 "recorded activity")
    warnings.append("points carry no times; the file's own time is used as the start")
    return declared


def _activity(points: Samples, times: UtcTimes, sport: str, warnings: list[str],
              start: datetime | None, root: etree._Element) -> ParsedActivity:
    values = {key: floats(points.texts(key)) for key in _COLUMNS}
    lat, lon = values["lat"], values["lon"]
    bad = (np.abs(lat) > 90) | (np.abs(lon) > 180)
    lat[bad] = lon[bad] = np.nan
    segment = np.array(points.segment)
    distance = path_distance_m(lat, lon, segment)
    speed = values["speed"]
    if not np.isfinite(speed).any():
        speed = speed_from_distance(times.elapsed_s(), distance, segment)
    cadence, cadence_note = steps_per_minute(values["cad"], sport)
    columns = {"distance_m": distance, "speed_mps": speed, "heart_rate_bpm": values["hr"],
               "cadence_spm": cadence, "altitude_m": values["ele"], "lat_deg": lat,
               "lon_deg": lon, "power_w": values["power"], "temperature_c": values["temp"]}
    name = (root.findtext("{*}trk/{*}name") or root.findtext("{*}metadata/{*}name")
            or root.findtext("{*}rte/{*}name"))
    device = root.get("creator")
    offset = declared_offset(root.findtext(".//{*}trkpt/{*}time") or root.findtext(".//{*}rtept/{*}time"))
    return make_activity(columns, times, sport=sport, start=start, utc_offset_s=offset,
                         warnings=warnings + ([cadence_note] if cadence_note else []),
                         name=name.strip() if name else None,
                         device=device.strip() if device else None)
