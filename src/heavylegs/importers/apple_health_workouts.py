"""Apple Health ``<Workout>`` elements → ParsedActivity.

A workout's own totals (``duration``, ``totalDistance``, iOS 16+ ``WorkoutStatistics``)
always win over what its route says: a route can miss its first minutes or drop out.
Its streams come from the route (inline ``<Location>`` elements in older exports, a GPX
file in ``workout-routes/`` in newer ones) plus the watch's heart-rate records during
the workout (so the training load is measured, not estimated).

Local time: Apple writes every date in the phone's zone at EXPORT time, so a run in
Tokyo exported in London says ``+0100``. The workout's ``HKTimeZone`` metadata, when
present, names where it happened and gives ``utc_offset_s``; else the date's own offset.

>>> sport_of("HKWorkoutActivityTypeTraditionalStrengthTraining", indoor=False)
('strength', None)
>>> sport_of("HKWorkoutActivityTypeHighIntensityIntervalTraining", indoor=False)
('high_intensity_interval_training', None)
>>> temperature_c("56 degF")
13.3
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl
from lxml import etree

from heavylegs.core import streams as stream_schema
from heavylegs.core.model import ParsedActivity
from heavylegs.core.summary import summarize
from heavylegs.importers import path_distance_m, speed_from_distance
from heavylegs.importers.apple_health_records import (
    HEART_RATE_TYPE,
    PER_MINUTE,
    metadata,
    parse_date,
    to_float,
    zone,
)

SPORTS = {"Running": "running", "Walking": "walking", "Hiking": "hiking",
          "Cycling": "cycling", "TraditionalStrengthTraining": "strength",
          "FunctionalStrengthTraining": "strength"}
INDOOR_SPORTS = {"running": "treadmill_running"}  # as FIT names a treadmill run
SECONDS = {"s": 1.0, "sec": 1.0, "min": 60.0, "hr": 3600.0, "h": 3600.0, "ms": 1e-3,
           "d": 86400.0}
METRES = {"m": 1.0, "km": 1000.0, "mi": 1609.344, "yd": 0.9144, "ft": 0.3048, "cm": 0.01}
HR_MATCH_S = 10.0  # a route sample takes the heart rate recorded within this many seconds
ROUTE_MARGIN = timedelta(hours=1)  # a route further than this from its workout is another's
PARTIAL_ROUTE = 0.5  # a route spanning less of the workout gives no moving time
_TYPE_PREFIX = "HKWorkoutActivityType"
_WORDS = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TEMPERATURE = re.compile(r"\s*(-?[\d.]+)\s*deg\s*([CF])", re.I)


@dataclass(frozen=True, slots=True)
class Workout:
    """What one ``<Workout>`` says; ``route_file`` is a ``FileReference`` path and
    ``locations`` the inline route (columns ``t`` (epoch s), ``lat``, ``lon``, ``alt``,
    ``speed``)."""

    sport: str
    sub_sport: str | None
    start: datetime
    end: datetime
    offset_s: int | None
    elapsed_s: float | None
    distance_m: float | None
    avg_hr: float | None
    max_hr: float | None
    device: str | None
    temperature_c: float | None
    route_file: str | None
    locations: dict[str, np.ndarray] | None


def sport_of(activity_type: str | None, indoor: bool) -> tuple[str, str | None]:
    """heavylegs' sport name (and sub-sport) for an ``HKWorkoutActivityType…``."""
    name = (activity_type or "Other").removeprefix(_TYPE_PREFIX) or "Other"
    sport = SPORTS.get(name) or _WORDS.sub("_", name).lower()
    if not indoor:
        return sport, None
    return INDOOR_SPORTS.get(sport, sport), "indoor"


def temperature_c(text: str | None) -> float | None:
    """``HKWeatherTemperature`` (``"56 degF"``, ``"13.3 degC"``) in °C."""
    match = _TEMPERATURE.match(text or "")
    value = to_float(match.group(1)) if match else None
    if match is None or value is None:
        return None
    return round(value if match.group(2).upper() == "C" else (value - 32) / 1.8, 1)


def read_workout(elem: etree._Element, problems: Counter[str]) -> Workout | None:
    """The workout an element describes (``None``, counted in ``problems``, if unusable)."""
    start, end = parse_date(elem.get("startDate")), parse_date(elem.get("endDate"))
    if start is None:
        problems["workouts without a readable start date skipped"] += 1
        return None
    meta = metadata(elem)
    sport, sub_sport = sport_of(elem.get("workoutActivityType"),
                                meta.get("HKIndoorWorkout", "").strip() in ("1", "true", "YES"))
    elapsed = _quantity(elem.get("duration"), elem.get("durationUnit") or "min", SECONDS,
                        "duration", problems)
    if elapsed is None and end is not None:
        elapsed = (end - start).total_seconds()
    stats = _statistics(elem, problems)
    distance = _quantity(elem.get("totalDistance"), elem.get("totalDistanceUnit") or "km",
                         METRES, "distance", problems) or stats.get("distance")
    tz = zone(meta.get("HKTimeZone"))
    local = start.astimezone(tz) if tz is not None else start
    routes = list(elem.iterchildren("WorkoutRoute"))
    return Workout(
        sport=sport, sub_sport=sub_sport, start=start.astimezone(UTC),
        end=(end or start + timedelta(seconds=elapsed or 0)).astimezone(UTC),
        offset_s=int((local.utcoffset() or timedelta()).total_seconds()),
        elapsed_s=elapsed, distance_m=distance or None, avg_hr=stats.get("avg_hr"),
        max_hr=stats.get("max_hr"), device=" ".join((elem.get("sourceName") or "").split()) or None,
        temperature_c=temperature_c(meta.get("HKWeatherTemperature")),
        route_file=next((f.get("path") for r in routes for f in r.iterchildren("FileReference")
                         if f.get("path")), None),
        locations=_locations(routes))


def _quantity(text: str | None, unit: str, table: dict[str, float], what: str,
              problems: Counter[str]) -> float | None:
    value = to_float(text)
    if value is None:
        return None
    if unit not in table:
        problems[f"workout {what}s in unknown unit {unit!r} skipped"] += 1
        return None
    return value * table[unit]


def _statistics(elem: etree._Element, problems: Counter[str]) -> dict[str, float]:
    """Distance and heart rate from iOS 16+ ``WorkoutStatistics`` (the workout's own, or
    else its ``WorkoutActivity`` parts'): distances add up, heart rates are averaged
    weighted by duration."""
    stats = list(elem.iterchildren("WorkoutStatistics")) or [
        s for part in elem.iterchildren("WorkoutActivity")
        for s in part.iterchildren("WorkoutStatistics")]
    distance, hr_sum, hr_weight, hr_max = 0.0, 0.0, 0.0, None
    for stat in stats:
        kind, unit = stat.get("type") or "", stat.get("unit") or ""
        if kind.startswith("HKQuantityTypeIdentifierDistance"):
            distance += _quantity(stat.get("sum"), unit, METRES, "distance", problems) or 0.0
        elif kind == HEART_RATE_TYPE and unit in PER_MINUTE:
            average, top = to_float(stat.get("average")), to_float(stat.get("maximum"))
            weight = _span_s(stat) or 1.0
            if average is not None:
                hr_sum, hr_weight = hr_sum + average * PER_MINUTE[unit] * weight, hr_weight + weight
            if top is not None:
                hr_max = max(hr_max or 0.0, top * PER_MINUTE[unit])
    out = {"distance": distance} if distance > 0 else {}
    if hr_weight:
        out["avg_hr"] = round(hr_sum / hr_weight, 1)
    if hr_max:
        out["max_hr"] = hr_max
    return out


def _span_s(elem: etree._Element) -> float | None:
    start, end = parse_date(elem.get("startDate")), parse_date(elem.get("endDate"))
    return (end - start).total_seconds() if start and end and end > start else None


def _locations(routes: list[etree._Element]) -> dict[str, np.ndarray] | None:
    rows = []
    for route in routes:
        for loc in route.iterchildren("Location"):
            when = parse_date(loc.get("date"))
            if when is not None:
                rows.append((when.timestamp(), *(to_float(loc.get(k)) for k in (
                    "latitude", "longitude", "altitude", "speed"))))
    if not rows:
        return None
    table = np.array(rows, dtype=float)  # None → nan
    table = table[np.argsort(table[:, 0], kind="stable")]
    speed = table[:, 4]
    speed[speed < 0] = np.nan  # -1: no speed
    return dict(zip(("t", "lat", "lon", "alt", "speed"), table.T, strict=True))


def _timestamps(epoch_s: np.ndarray) -> pl.Series:
    return pl.Series("timestamp", np.rint(epoch_s * 1e6).astype(np.int64)).cast(
        pl.Datetime("us", "UTC"))


def location_frame(locations: dict[str, np.ndarray]) -> pl.DataFrame:
    """The stream frame of an inline route."""
    t, lat, lon = locations["t"], locations["lat"], locations["lon"]
    distance = path_distance_m(lat, lon, np.ones(t.shape, dtype=int))
    speed = locations["speed"]
    if not np.isfinite(speed).any():
        speed = speed_from_distance(t - t[0], distance)
    columns = {"timestamp": _timestamps(t), "elapsed_s": t - t[0], "distance_m": distance,
               "speed_mps": speed, "altitude_m": locations["alt"], "lat_deg": lat,
               "lon_deg": lon}
    return stream_schema.from_columns(
        {k: v if isinstance(v, pl.Series) else pl.Series(k, v).fill_nan(None)
         for k, v in columns.items()})


def route_fits(frame: pl.DataFrame, workout: Workout) -> bool:
    """Whether a route's times fall within (an hour of) its workout's."""
    times = frame["timestamp"].drop_nulls()
    if times.is_empty():
        return True
    first, last = times.min(), times.max()
    return bool(first <= workout.end + ROUTE_MARGIN and last >= workout.start - ROUTE_MARGIN)


def with_heart_rate(frame: pl.DataFrame, workout: Workout,
                    heart: tuple[np.ndarray, np.ndarray]) -> pl.DataFrame:
    """``frame`` with the heart rate recorded during the workout: matched to the route's
    samples, or as the only stream when there is no route."""
    times, bpm = heart
    lo, hi = np.searchsorted(times, [workout.start.timestamp(), workout.end.timestamp()],
                             side="left")
    t, v = times[lo:hi + 1], bpm[lo:hi + 1]
    keep = (t <= workout.end.timestamp()) & (v > 0) & (v < 255)
    t, v = t[keep], v[keep]
    if t.size < 2 or frame["heart_rate_bpm"].is_not_null().any():
        return frame
    if frame.height == 0:
        return stream_schema.from_columns({"timestamp": _timestamps(t),
                                           "elapsed_s": pl.Series(t - t[0]),
                                           "heart_rate_bpm": pl.Series(v)})
    at = frame["timestamp"].dt.epoch("us").to_numpy().astype(float) / 1e6
    right = np.clip(np.searchsorted(t, at), 1, t.size - 1)
    nearest = np.where(np.abs(t[right] - at) < np.abs(at - t[right - 1]), right, right - 1)
    matched = np.where(np.abs(t[nearest] - at) <= HR_MATCH_S, v[nearest], np.nan)
    return frame.with_columns(heart_rate_bpm=pl.Series(matched).fill_nan(None))


def _route_covers(frame: pl.DataFrame, workout: Workout) -> bool:
    if frame.height < 2 or frame["distance_m"].is_null().all():
        return False
    return float(frame["elapsed_s"].max() or 0.0) >= PARTIAL_ROUTE * (workout.elapsed_s or 0.0)


def to_activity(workout: Workout, frame: pl.DataFrame, warnings: list[str]) -> ParsedActivity:
    """The activity: streams summarised, then the workout's own totals put on top."""
    weather = workout.temperature_c
    if weather is not None and frame.height and frame["temperature_c"].is_null().all():
        frame = frame.with_columns(temperature_c=pl.lit(weather, pl.Float64))  # ambient
    own = {"elapsed_s": workout.elapsed_s, "distance_m": workout.distance_m,
           "avg_hr_bpm": workout.avg_hr, "max_hr_bpm": workout.max_hr}
    summary = summarize(frame, start=workout.start, sport=workout.sport,
                        sub_sport=workout.sub_sport, utc_offset_s=workout.offset_s,
                        device=workout.device)
    fill = {k: v for k, v in own.items() if v is not None}
    if not _route_covers(frame, workout):
        fill["moving_s"] = None  # no route, or a few minutes of one: not the workout's
    summary = replace(summary, **fill)
    return ParsedActivity(summary=summary, streams=frame, warnings=tuple(warnings))


__all__ = ["Workout", "location_frame", "read_workout", "sport_of",
           "temperature_c", "to_activity", "with_heart_rate"]
