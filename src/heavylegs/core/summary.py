"""Activity totals computed from the canonical streams.

Elevation gain and loss use a hysteresis filter: a climb or descent counts once the
altitude has moved ``ELEVATION_HYSTERESIS_M`` from the last turning point, which removes
GPS/barometer jitter without flattening real hills (the same idea as Strava's and
GoldenCheetah's thresholded gain; 3 m is a common choice for barometric data).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

import numpy as np
import polars as pl

from heavylegs.core.model import ActivitySummary

ELEVATION_HYSTERESIS_M = 3.0
MOVING_SPEED_MPS = 0.5  # slower than this counts as stopped
MAX_SAMPLE_GAP_S = 30.0  # a longer gap between samples is a pause, not movement


def _values(streams: pl.DataFrame, column: str) -> np.ndarray:
    return streams[column].cast(pl.Float64).to_numpy(allow_copy=True).astype(float)


def elevation_gain_loss(altitude_m: np.ndarray, hysteresis_m: float = ELEVATION_HYSTERESIS_M
                        ) -> tuple[float, float]:
    """Total climb and descent of an altitude trace, ignoring moves under ``hysteresis_m``.

    >>> elevation_gain_loss(np.array([100.0, 101, 100, 110, 109, 95, 96]))
    (10.0, 15.0)
    """
    alt = altitude_m[np.isfinite(altitude_m)]
    if alt.size < 2:
        return 0.0, 0.0
    gain = loss = 0.0
    # A repeat of the previous value never moves the anchor (its delta is 0, or the same as
    # the previous value's): dropping repeats gives the same totals with fewer steps.
    alt = alt[np.concatenate(([True], alt[1:] != alt[:-1]))]
    values = alt.tolist()  # Python floats: the same arithmetic, ~5x faster to loop over
    anchor = values[0]
    for value in values[1:]:
        delta = value - anchor
        if delta >= hysteresis_m:
            gain += delta
            anchor = value
        elif delta <= -hysteresis_m:
            loss -= delta
            anchor = value
    return round(float(gain), 1), round(float(loss), 1)


def moving_time_s(elapsed_s: np.ndarray, speed_mps: np.ndarray, distance_m: np.ndarray) -> float:
    """Seconds spent moving: sample intervals whose speed is at least walking pace."""
    if elapsed_s.size < 2:
        return 0.0
    dt = np.diff(elapsed_s)
    speed = speed_mps[1:]
    if not np.isfinite(speed).any() and np.isfinite(distance_m).sum() >= 2:
        with np.errstate(invalid="ignore", divide="ignore"):
            speed = np.diff(distance_m) / dt
    ok = np.isfinite(dt) & (dt > 0) & (dt <= MAX_SAMPLE_GAP_S)
    moving = ok & np.isfinite(speed) & (speed >= MOVING_SPEED_MPS)
    return float(dt[moving].sum())


def _finite_mean(values: np.ndarray, positive: bool = True) -> float | None:
    keep = np.isfinite(values) & ((values > 0) if positive else True)
    return float(values[keep].mean()) if keep.any() else None


def _finite_max(values: np.ndarray) -> float | None:
    keep = np.isfinite(values)
    return float(values[keep].max()) if keep.any() else None


#: the stream columns a summary reads
SUMMARY_COLUMNS = ("elapsed_s", "distance_m", "speed_mps", "heart_rate_bpm", "altitude_m",
                   "lat_deg", "lon_deg", "cadence_spm")


def summarize(streams: pl.DataFrame, *, start: datetime, sport: str,
              reported: ActivitySummary | None = None, **extra: object) -> ActivitySummary:
    """Summary of one activity from its streams.

    Values the file itself reports (``reported``, e.g. a FIT session message) win where
    the streams cannot give them (no distance channel, no samples); ``extra`` sets
    descriptive fields such as ``name``, ``device`` or ``utc_offset_s``.
    """
    columns = {name: _values(streams, name) for name in SUMMARY_COLUMNS}
    return summarize_columns(columns, start=start, sport=sport, reported=reported, **extra)


def summarize_columns(columns: Mapping[str, np.ndarray], *, start: datetime, sport: str,
                      reported: ActivitySummary | None = None, **extra: object
                      ) -> ActivitySummary:
    """``summarize`` of the stream columns ``SUMMARY_COLUMNS`` as float arrays (NaN where
    the frame has null): what an importer holding them as numpy calls, no frame read back."""
    computed = _computed(columns, start, sport)
    if reported is not None:
        computed = _filled_from(computed, reported)
    return replace(computed, **extra) if extra else computed


def _computed(columns: Mapping[str, np.ndarray], start: datetime, sport: str) -> ActivitySummary:
    """The summary the stream columns give on their own."""
    elapsed = columns["elapsed_s"]
    distance = columns["distance_m"]
    speed = columns["speed_mps"]
    hr = columns["heart_rate_bpm"]
    altitude = columns["altitude_m"]
    finite_elapsed = elapsed[np.isfinite(elapsed)]
    elapsed_total = float(finite_elapsed.max()) if finite_elapsed.size else 0.0
    dist = _finite_max(distance)
    gain, loss = elevation_gain_loss(altitude)
    has_alt = np.isfinite(altitude).sum() >= 2
    lat = columns["lat_deg"]
    lon = columns["lon_deg"]
    both = np.isfinite(lat) & np.isfinite(lon)
    return ActivitySummary(
        start=start,
        sport=sport,
        elapsed_s=elapsed_total,
        distance_m=dist,
        moving_s=moving_time_s(elapsed, speed, distance) if elapsed.size >= 2 else None,
        avg_hr_bpm=_finite_mean(hr),
        max_hr_bpm=_finite_max(hr),
        elev_gain_m=gain if has_alt else None,
        elev_loss_m=loss if has_alt else None,
        avg_cadence_spm=_finite_mean(columns["cadence_spm"]),
        lat_deg=float(lat[both][0]) if both.any() else None,
        lon_deg=float(lon[both][0]) if both.any() else None,
    )


def _filled_from(computed: ActivitySummary, reported: ActivitySummary) -> ActivitySummary:
    """``computed`` with what the streams could not give (missing or zero) taken from the
    values the file reports."""
    fill = {
        name: getattr(reported, name)
        for name in ("distance_m", "moving_s", "avg_hr_bpm", "max_hr_bpm", "elev_gain_m",
                     "elev_loss_m", "avg_cadence_spm", "lat_deg", "lon_deg")
        if getattr(computed, name) in (None, 0.0) and getattr(reported, name) is not None
    }
    if computed.elapsed_s <= 0 and reported.elapsed_s > 0:
        fill["elapsed_s"] = reported.elapsed_s
    return replace(computed, **fill)
