"""Measure an injection's signal in recorded streams (canonical stream frames, as read
back from written files): what a scenario test checks, in science.md's own terms.

>>> import polars as pl

from heavylegs.sim.physio import grade_cost
>>> s = pl.DataFrame({"elapsed_s": [0.0, 60.0, 120.0, 180.0], "speed_mps": [3.0, 0.0, 0.0, 3.0],
...                   "heart_rate_bpm": [150.0, 170.0, 171.0, 140.0]})
>>> hard_minutes(s, 160.0), stops(s, 60.0)
(2.0, [(60.0, 120.0)])
"""

from __future__ import annotations

import numpy as np
import polars as pl

from heavylegs.sim.physio import grade_cost


def _dt(s: pl.DataFrame) -> np.ndarray:
    """Seconds each sample stands for (the time since the previous one)."""
    return np.diff(s["elapsed_s"].to_numpy(), prepend=s["elapsed_s"][0])


def hard_minutes(s: pl.DataFrame, lthr: float) -> float:
    """Minutes with HR at or above LTHR (C02's ``hard_min``)."""
    return float(_dt(s)[s["heart_rate_bpm"].to_numpy() >= lthr].sum()) / 60


def time_share(s: pl.DataFrame, low: float, high: float = np.inf) -> tuple[float, float]:
    """Seconds with ``low`` <= HR < ``high``, and all seconds."""
    dt, hr = _dt(s), s["heart_rate_bpm"].to_numpy()
    return float(dt[(hr >= low) & (hr < high)].sum()), float(dt.sum())


def thirds(s: pl.DataFrame, column: str) -> tuple[float, float]:
    """Mean of ``column`` over the middle and over the last third of the run (by time)."""
    t, x = s["elapsed_s"].to_numpy(), s[column].to_numpy().astype(float)
    end = t[-1]
    return (float(np.nanmean(x[(t > end / 3) & (t <= 2 * end / 3)])),
            float(np.nanmean(x[t > 2 * end / 3])))


def graded_speed(s: pl.DataFrame) -> np.ndarray:
    """Speed adjusted for the grade (Minetti's cost, science.md §1.3), grade from the
    altitude over 50 m of distance."""
    d, h, v = (s[c].to_numpy().astype(float) for c in ("distance_m", "altitude_m",
                                                         "speed_mps"))
    ahead = np.interp(d + 25.0, d, h) - np.interp(d - 25.0, d, h)
    return v * grade_cost(np.clip(ahead / 50.0, -0.3, 0.3))


def decoupling_pct(s: pl.DataFrame) -> float:
    """Pa:HR (science.md §1.10): % fall of grade-adjusted speed per heartbeat from the
    first half of the run to the second."""
    t, hr, v = s["elapsed_s"].to_numpy(), s["heart_rate_bpm"].to_numpy(), graded_speed(s)
    first, second = t <= t[-1] / 2, t > t[-1] / 2
    ef = [np.nanmean(v[m]) / np.nanmean(hr[m]) for m in (first, second)]
    return 100 * (ef[0] - ef[1]) / ef[0]


def stops(s: pl.DataFrame, min_s: float = 90.0) -> list[tuple[float, float]]:
    """(start, length) in seconds of each stretch at walking speed or slower."""
    t, v = s["elapsed_s"].to_numpy(), np.nan_to_num(s["speed_mps"].to_numpy(), nan=0.0)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], (v < 0.5).astype(int), [0]))))
    found = []
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        length = float(t[min(b, t.size - 1)] - t[a])
        if length >= min_s:
            found.append((float(t[a]), length))
    return found


def descent_m(s: pl.DataFrame, steep: float = -0.08) -> tuple[float, float]:
    """Total descent and descent on grades of ``steep`` or steeper (C03), in metres, on
    altitude resampled every 10 m and smoothed over 50 m."""
    d, h = s["distance_m"].to_numpy(), s["altitude_m"].to_numpy()
    grid = np.arange(0.0, d[-1], 10.0)
    alt = np.convolve(np.interp(grid, d, h), np.ones(5) / 5, mode="valid")
    drop = np.diff(alt)
    return float(-drop[drop < 0].sum()), float(-drop[drop <= steep * 10].sum())


def efficiency(s: pl.DataFrame) -> float:
    """Metres per minute per heartbeat while moving (EF, science.md §1.10)."""
    v, hr = s["speed_mps"].to_numpy(), s["heart_rate_bpm"].to_numpy()
    moving = v > 1.0
    return float(np.mean(v[moving]) * 60 / np.mean(hr[moving]))
