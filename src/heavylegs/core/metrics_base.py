"""Streams as sample intervals: the shared ground of every per-activity metric.

Interval ``k`` runs from sample ``k`` to sample ``k + 1`` and is weighted by its length
``dt``, so irregular sampling (smart recording every 1-5 s) counts each second once.
Speed describes an interval from its end sample (a device reports the speed of the stretch
just run, as ``summary.moving_time_s`` reads it; where it is missing, the distance gained
over the interval is used); heart rate and the other channels from its start sample, held
until the next one (as ``load.hr_histogram`` reads it). An interval longer than
``pause_gap_s`` is a pause: not recorded, not moving. A recorded interval is moving when its
speed is at least ``moving_speed_mps``; without a speed it is moving when the cadence is
above zero, or, with neither, whenever it is recorded (a treadmill run with heart rate only).

>>> import polars as pl
>>> s = prepare(pl.DataFrame({"elapsed_s": [0.0, 1, 2, 60, 61], "speed_mps": [3.0] * 5}), {})
>>> s.dt.tolist(), s.moving.tolist()
([1.0, 1.0, 0.0, 1.0], [True, True, False, True])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from heavylegs.core.metrics_settings import (
    HR_JUMP,
    HR_JUMP_SAMPLES,
    HR_MAX,
    HR_MIN,
    MOVING_SPEED,
    PAUSE_GAP,
)
from heavylegs.core.metrics_terrain import grade_factor, interval_grades

FORM_CHANNELS = ("cadence_spm", "stance_time_ms", "vertical_oscillation_mm",
                 "stance_balance_pct", "temperature_c", "power_w")
CHANNELS = ("speed_mps", "distance_m", "altitude_m", "heart_rate_bpm", *FORM_CHANNELS)
READ_COLUMNS = ("elapsed_s", "timestamp", *CHANNELS)  # every stream column ``prepare`` reads


@dataclass(frozen=True, slots=True, eq=False)
class Samples:
    """Per-interval arrays (length n - 1) plus the per-sample distance and altitude."""

    dt: np.ndarray  # s; 0 where the interval is a pause or not increasing in time
    recorded: np.ndarray  # bool: a real interval (not a pause)
    moving: np.ndarray  # bool
    speed: np.ndarray  # m/s, NaN unknown
    grade: np.ndarray  # decimal, 0 where altitude is unknown
    graded: np.ndarray  # grade-adjusted speed (Minetti), m/s
    hr: np.ndarray  # bpm after artefact removal, NaN unknown
    channels: dict[str, np.ndarray]  # FORM_CHANNELS per interval, NaN unknown
    distance_m: np.ndarray  # per sample, cumulative, NaN unknown
    altitude_m: np.ndarray  # per sample, NaN unknown
    has_distance: bool

    @property
    def recorded_s(self) -> float:
        return float(self.dt[self.recorded].sum())

    @property
    def moving_s(self) -> float:
        return float(self.dt[self.moving].sum())


def column(streams: pl.DataFrame, name: str) -> np.ndarray:
    """A stream column as float64 with NaN for null; all-NaN when the column is absent."""
    if name not in streams.columns:
        return np.full(streams.height, np.nan)
    values = streams[name].cast(pl.Float64, strict=False).to_numpy()
    return np.asarray(values, dtype=float)


def seconds(streams: pl.DataFrame) -> np.ndarray:
    """Seconds of each sample: ``elapsed_s``, or the timestamp's when elapsed_s has gaps."""
    elapsed = column(streams, "elapsed_s")
    if np.isfinite(elapsed).all() or "timestamp" not in streams.columns:
        return elapsed
    stamps = streams["timestamp"]
    if stamps.null_count() == stamps.len():
        return elapsed
    if not isinstance(stamps.dtype, pl.Datetime):
        return elapsed
    micros = stamps.dt.epoch("us")
    relative = (micros - micros.min()).cast(pl.Float64).to_numpy() / 1e6
    clock = np.asarray(relative, dtype=float)
    return clock if np.isfinite(clock).sum() >= np.isfinite(elapsed).sum() else elapsed


def _padded(values: np.ndarray, window: int) -> np.ndarray:
    """``values`` with NaN around it, so that sample ``i``'s centred window is
    ``padded[i:i + window]``."""
    before = (window - 1) // 2
    return np.concatenate((np.full(before, np.nan), values, np.full(window - 1 - before, np.nan)))


def _centred_range(values: np.ndarray, window: int) -> np.ndarray:
    """Largest minus smallest finite value of each sample's centred window (NaN if none)."""
    padded, n = _padded(values, window), values.size
    high, low = padded[:n].copy(), padded[:n].copy()
    for k in range(1, window):  # a few whole-array passes: faster than per-window reductions
        np.fmax(high, padded[k:k + n], out=high)
        np.fmin(low, padded[k:k + n], out=low)
    return high - low


def _centred_median(values: np.ndarray, window: int, at: np.ndarray | None = None) -> np.ndarray:
    """Median of the finite values among each sample's ``window`` centred neighbours (of
    the samples ``at`` only, when given)."""
    rows = np.lib.stride_tricks.sliding_window_view(_padded(values, window), window)
    rows = np.sort(rows if at is None else rows[at], axis=1)
    count = np.isfinite(rows).sum(axis=1)
    index = np.arange(rows.shape[0])
    low = rows[index, np.maximum((count - 1) // 2, 0)]
    high = rows[index, np.maximum(count // 2, 0)]
    return np.where(count > 0, (low + high) / 2.0, np.nan)


def clean_heart_rate(hr: np.ndarray, overrides: Mapping[str, float]) -> np.ndarray:
    """Heart rate with artefacts as NaN: readings outside the plausible range, and spikes
    further than ``hr_artefact_jump_bpm`` from the median of their neighbourhood (a heart
    cannot jump 30 bpm in a second or two; a strap or optical sensor can).

    >>> clean_heart_rate(np.array([150.0, 151, 215, 152, 20, 153, 151]), {}).tolist()
    [150.0, 151.0, nan, 152.0, nan, 153.0, 151.0]
    """
    lo, hi = HR_MIN.value(overrides), HR_MAX.value(overrides)
    with np.errstate(invalid="ignore"):
        hr = np.where((hr >= lo) & (hr <= hi), hr, np.nan)
    finite = np.isfinite(hr)
    if not finite.any():
        return hr
    window, jump = max(1, int(HR_JUMP_SAMPLES.value(overrides))), HR_JUMP.value(overrides)
    # A reading whose neighbourhood spans at most ``jump`` bpm is within ``jump`` of its
    # median: only the rest need the median (the same result, ~5x faster on real runs).
    spread = _centred_range(hr, window)
    check = np.flatnonzero(finite & ~(spread <= jump))
    if check.size == 0:
        return hr
    median = _centred_median(hr, window, check)
    keep = np.ones(hr.size, dtype=bool)
    with np.errstate(invalid="ignore"):
        keep[check] = np.abs(hr[check] - median) <= jump
    return np.where(keep, hr, np.nan)


def _sample_distance(distance: np.ndarray, t: np.ndarray, speed_iv: np.ndarray,
                     dt: np.ndarray) -> tuple[np.ndarray, bool]:
    """Cumulative distance per sample: the channel (gaps interpolated in time), or speed × dt."""
    ok = np.isfinite(distance)
    if ok.sum() >= 2:
        return np.interp(t, t[ok], np.maximum.accumulate(distance[ok])), True
    steps = np.where(np.isfinite(speed_iv), speed_iv, 0.0) * dt
    return np.concatenate(([0.0], np.cumsum(steps)))[:t.size], False


def _interval_speed(speed: np.ndarray, distance: np.ndarray, dt: np.ndarray) -> np.ndarray:
    end = speed[1:].copy()
    with np.errstate(invalid="ignore", divide="ignore"):
        derived = np.diff(distance) / np.where(dt > 0, dt, np.nan)
    end = np.where(np.isfinite(end), end, derived)
    return np.where(np.isfinite(end) & (end >= 0), end, np.nan)


def _moving(recorded: np.ndarray, speed: np.ndarray, cadence: np.ndarray, min_speed: float
            ) -> np.ndarray:
    by_cadence = np.where(np.isfinite(cadence), cadence > 0, True)
    return recorded & np.where(np.isfinite(speed), speed >= min_speed, by_cadence)


def timeline(streams: pl.DataFrame, overrides: Mapping[str, float]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``streams`` in time order (rows without a time dropped), their seconds,
    and the intervals' ``dt`` and ``recorded`` (as ``Samples`` holds them)."""
    t = seconds(streams)
    order = np.flatnonzero(np.isfinite(t))
    if order.size > 1 and np.any(np.diff(t[order]) < 0):
        order = order[np.argsort(t[order], kind="stable")]
    t = t[order]
    dt = np.diff(t) if t.size > 1 else np.zeros(0)
    recorded = (dt > 0) & (dt <= PAUSE_GAP.value(overrides))
    return order, t, np.where(recorded, dt, 0.0), recorded


def prepare(streams: pl.DataFrame, overrides: Mapping[str, float]) -> Samples:
    """Time-ordered sample intervals of ``streams`` (rows without a time are dropped)."""
    order, t, dt, recorded = timeline(streams, overrides)
    raw = {name: column(streams, name)[order] for name in CHANNELS}
    speed = _interval_speed(raw["speed_mps"], raw["distance_m"], dt)
    distance, has_distance = _sample_distance(raw["distance_m"], t, speed, dt)
    channels = {name: raw[name][:-1] for name in FORM_CHANNELS}
    grade = interval_grades(distance, raw["altitude_m"], overrides)
    return Samples(
        dt=dt, recorded=recorded,
        moving=_moving(recorded, speed, channels["cadence_spm"], MOVING_SPEED.value(overrides)),
        speed=speed, grade=grade, graded=speed * grade_factor(grade, overrides),
        hr=clean_heart_rate(raw["heart_rate_bpm"], overrides)[:-1], channels=channels,
        distance_m=distance, altitude_m=raw["altitude_m"], has_distance=has_distance,
    )


def weighted_mean(values: np.ndarray, dt: np.ndarray, use: np.ndarray) -> float | None:
    """Time-weighted mean of ``values`` over the intervals in ``use`` that have a value."""
    ok = use & np.isfinite(values) & (dt > 0)
    total = float(dt[ok].sum())
    return float((values[ok] * dt[ok]).sum() / total) if total > 0 else None


def rolling_mean(values: np.ndarray, dt: np.ndarray, use: np.ndarray, window_s: float,
                 *, full: bool = False) -> np.ndarray:
    """Time-weighted mean over the last ``window_s`` of ``use``-time ending at each interval.

    The clock only runs on ``use`` intervals with a value, so a window spans pauses and
    gaps. ``full=True`` leaves NaN until a whole window has passed; intervals outside
    ``use`` are NaN.

    >>> rolling_mean(np.array([1.0, 3, 5, 7]), np.ones(4), np.ones(4, bool), 2.0).tolist()
    [1.0, 2.0, 4.0, 6.0]
    """
    ok = use & np.isfinite(values) & (dt > 0)
    weights = np.where(ok, dt, 0.0)
    clock = np.concatenate(([0.0], np.cumsum(weights)))
    integral = np.concatenate(([0.0], np.cumsum(np.where(ok, values, 0.0) * weights)))
    end = clock[1:]
    start = np.maximum(end - window_s, 0.0)
    span = end - start
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (integral[1:] - np.interp(start, clock, integral)) / span
    bad = ~ok | (span <= 0)
    if full:
        bad |= end < window_s - 1e-9
    return np.where(bad, np.nan, mean)


def split_by_clock(dt: np.ndarray, use: np.ndarray, parts: int) -> np.ndarray:
    """Which part (0..parts-1) of the ``use``-time each interval's midpoint falls in; -1 if
    not in ``use``."""
    weights = np.where(use, dt, 0.0)
    total = float(weights.sum())
    if total <= 0:
        return np.full(dt.size, -1)
    mid = np.cumsum(weights) - weights / 2.0
    part = np.minimum((mid / total * parts).astype(int), parts - 1)
    return np.where(use, part, -1)
