"""Grades from altitude over distance: grade-adjusted speed and steep (eccentric) descent.

Altitude is resampled on a regular distance grid (``grade_grid_m``), so the grade of a
stretch does not depend on how often the watch recorded, and a grade is always taken over
a fixed distance (``grade_window_m``; ``steep_descent_min_m``), which keeps altitude jitter
of a metre or two from turning into steep grades.

Cost of running on a gradient ``i`` (decimal), Minetti et al. 2002 (J Appl Physiol 93:1039;
science.md §1.3): ``Cr(i) = 155.4 i^5 − 30.4 i^4 − 43.3 i^3 + 46.3 i^2 + 19.5 i + 3.6``
J/kg/m; the grade factor is ``Cr(i) / Cr(0)``, so a grade-adjusted speed is the flat speed
of the same energy cost.

>>> [round(float(f), 2) for f in grade_factor(np.array([-0.2, 0.0, 0.1]), {})]
[0.5, 1.0, 1.66]
>>> x = np.arange(0.0, 1001.0, 10.0)
>>> h = np.where(x < 300, 100.0, np.where(x < 700, 100.0 - 0.15 * (x - 300), 40.0))
>>> descent_steep(x, h, {})
60.0
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from heavylegs.core.metrics_settings import (
    GRADE_LIMIT,
    GRADE_WINDOW,
    GRID,
    STEEP_GRADE,
    STEEP_MIN,
)

MINETTI_COEFFICIENTS = (155.4, -30.4, -43.3, 46.3, 19.5, 3.6)  # i^5 .. i^0, J/kg/m
MINETTI_LEVEL_COST = 3.6
MAX_GRID_POINTS = 200_000  # a 2,000 km activity at 10 m; corrupt distances get a coarser grid


def grade_factor(grade: np.ndarray, overrides: Mapping[str, float]) -> np.ndarray:
    """Energy cost of running at ``grade`` relative to level running (Minetti 2002)."""
    limit = abs(GRADE_LIMIT.value(overrides)) / 100.0
    return np.polyval(MINETTI_COEFFICIENTS, np.clip(grade, -limit, limit)) / MINETTI_LEVEL_COST


def altitude_profile(distance_m: np.ndarray, altitude_m: np.ndarray, step_m: float
                     ) -> tuple[np.ndarray, np.ndarray] | None:
    """Altitude every ``step_m`` of distance (coarser past ``MAX_GRID_POINTS``), or None
    without two points with both."""
    ok = np.isfinite(distance_m) & np.isfinite(altitude_m)
    if ok.sum() < 2:
        return None
    d = np.maximum.accumulate(distance_m[ok])
    first = np.concatenate(([True], np.diff(d) > 0))
    d, h = d[first], altitude_m[ok][first]
    if d.size < 2:
        return None
    step_m = max(step_m, 1.0, (d[-1] - d[0]) / MAX_GRID_POINTS)
    x = d[0] + step_m * np.arange(int((d[-1] - d[0]) // step_m) + 1)
    return x, np.interp(x, d, h)


def _window_grades(x: np.ndarray, h: np.ndarray, window_m: float
                   ) -> tuple[int, float, np.ndarray]:
    """Cells per window, the grid step, and the grade of every window starting at a grid
    point (none when the profile is shorter than a window)."""
    step_m = float(x[1] - x[0]) if x.size > 1 else 1.0
    k = max(1, int(round(window_m / step_m)))
    if h.size <= k:
        return k, step_m, np.zeros(0)
    return k, step_m, (h[k:] - h[:-k]) / (k * step_m)


def interval_grades(distance_m: np.ndarray, altitude_m: np.ndarray,
                    overrides: Mapping[str, float]) -> np.ndarray:
    """Grade (decimal) of each sample interval, measured over ``grade_window_m`` around its
    midpoint; 0 where altitude or distance is unknown."""
    n = max(distance_m.size - 1, 0)
    profile = altitude_profile(distance_m, altitude_m, GRID.value(overrides))
    if profile is None:
        return np.zeros(n)
    x, h = profile
    k, step, grades = _window_grades(x, h, GRADE_WINDOW.value(overrides))
    if grades.size == 0:
        return np.zeros(n)
    mid = (distance_m[:-1] + distance_m[1:]) / 2.0
    centres = x[:-k] + k * step / 2.0
    found = np.interp(np.where(np.isfinite(mid), mid, centres[0]), centres, grades)
    return np.where(np.isfinite(mid), found, 0.0)


def descent_steep(distance_m: np.ndarray, altitude_m: np.ndarray,
                  overrides: Mapping[str, float]) -> float | None:
    """Altitude lost (m) on stretches steeper than ``steep_descent_grade_pct`` measured over
    ``steep_descent_min_m``: the union of all such windows, each stretch counted by its net
    loss. None without altitude and distance."""
    profile = altitude_profile(distance_m, altitude_m, GRID.value(overrides))
    if profile is None:
        return None
    x, h = profile
    k, _, grades = _window_grades(x, h, STEEP_MIN.value(overrides))
    steep = grades < STEEP_GRADE.value(overrides) / 100.0
    if not steep.any():
        return 0.0
    covered = np.convolve(steep.astype(float), np.ones(k))[: h.size - 1] > 0.5
    edges = np.diff(np.concatenate(([0], covered.astype(int), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    loss = h[starts] - h[ends]
    return round(float(loss[loss > 0].sum()), 1)
