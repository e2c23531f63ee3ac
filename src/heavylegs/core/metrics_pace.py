"""Speed metrics of one run: mean and grade-adjusted speed, pace zones, rTSS, and the
first-half/second-half comparisons (EF, Pa:HR decoupling, pace fade, HR drift).

- Grade-adjusted ("graded") speed is speed × Minetti's cost factor (``metrics_terrain``);
  pace zones use it, so a climb run at threshold effort counts as hard. Zones by pace
  (science.md §1.2): easy slower than 114 % of threshold pace (time per km), hard faster
  than threshold pace, moderate between.
- rTSS (science.md §1.3): ``IF = NGS / threshold speed``, ``rTSS = hours × IF² × 100``
  over moving time. NGS, the normalised graded speed, is computed the way Coggan's
  normalised power is (30-s rolling mean, 4th-power mean, 4th root): TrainingPeaks
  describes NGP only as "similar to NP", so this is [heuristic].
- Halves split the moving time in two. ``EF = graded speed (m/min) / mean HR`` per half,
  ``decoupling = 100 × (EF₁ − EF₂) / EF₁`` (science.md §1.10), only for steady runs of
  at least 20 min with heart rate (steady: the 30-s graded speed varies by less than
  ``steady_max_cv_pct``). ``pace_fade_pct = 100 × (v₁ − v₂) / v₁`` of graded speed:
  positive means slower at the end. ``hr_drift_pct`` compares the heart rate of the two
  halves within the same 0.1 m/s bins of 30-s graded speed, weighted by the time both
  halves spent in a bin, so a run that slows keeps a fair comparison (None when the
  halves share too little speed).

>>> import polars as pl
>>> from heavylegs.core.metrics_base import prepare
>>> t = [float(i) for i in range(2401)]
>>> s = prepare(pl.DataFrame({"elapsed_s": t, "speed_mps": [3.0] * 1201 + [2.7] * 1200,
...                           "heart_rate_bpm": [150.0] * 2401}), {})
>>> m = halves(s, {})
>>> round(m["pace_fade_pct"], 2), round(m["decoupling_pct"], 2), m["hr_drift_pct"]
(10.0, 10.0, None)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from heavylegs.core.metrics_base import Samples, rolling_mean, split_by_clock, weighted_mean
from heavylegs.core.metrics_settings import (
    DRIFT_BIN,
    DRIFT_MIN_BIN,
    DRIFT_MIN_MATCHED,
    HALVES_COVERAGE,
    HALVES_MIN,
    NGS_EXPONENT,
    PACE_EASY,
    PACE_HARD,
    ROLLING,
    STEADY_CV,
)

Result = dict[str, float | None]
PACE_KEYS = ("pace_easy_s", "pace_moderate_s", "pace_hard_s", "rtss")
HALF_KEYS = ("ef_first_half", "ef_second_half", "decoupling_pct", "pace_fade_pct",
             "hr_drift_pct")


def pace_zones(s: Samples, threshold_pace_s_km: float | None, overrides: Mapping[str, float]
               ) -> Result:
    """Moving seconds easy / moderate / hard by graded pace; None without threshold pace."""
    use = s.moving & np.isfinite(s.graded)
    if not threshold_pace_s_km or threshold_pace_s_km <= 0 or not use.any():
        return dict.fromkeys(PACE_KEYS[:3])
    threshold = 1000.0 / threshold_pace_s_km
    easy_below = threshold / (PACE_EASY.value(overrides) / 100.0)
    hard_above = threshold / (PACE_HARD.value(overrides) / 100.0)
    speed = np.where(use, s.graded, 0.0)
    easy, hard = use & (speed < easy_below), use & (speed > hard_above)
    return {"pace_easy_s": float(s.dt[easy].sum()),
            "pace_moderate_s": float(s.dt[use & ~easy & ~hard].sum()),
            "pace_hard_s": float(s.dt[hard].sum())}


def rtss(s: Samples, threshold_pace_s_km: float | None, overrides: Mapping[str, float]
         ) -> float | None:
    """Running TSS from the normalised graded speed; None without threshold pace."""
    use = s.moving & np.isfinite(s.graded)
    if not threshold_pace_s_km or threshold_pace_s_km <= 0 or not use.any():
        return None
    p = NGS_EXPONENT.value(overrides)
    smooth = rolling_mean(s.graded, s.dt, use, ROLLING.value(overrides))
    mean_power = weighted_mean(smooth**p, s.dt, use)
    if mean_power is None:
        return None
    intensity = mean_power ** (1.0 / p) / (1000.0 / threshold_pace_s_km)
    return float(s.dt[use].sum() / 3600.0 * intensity**2 * 100.0)


def _steady(smooth: np.ndarray, s: Samples, use: np.ndarray, max_cv_pct: float) -> bool:
    mean = weighted_mean(smooth, s.dt, use)
    if not mean:
        return False
    variance = weighted_mean((smooth - mean) ** 2, s.dt, use) or 0.0
    return 100.0 * float(np.sqrt(variance)) / mean < max_cv_pct


def _hr_drift(s: Samples, half: np.ndarray, smooth: np.ndarray,
              overrides: Mapping[str, float]) -> float | None:
    ok = (half >= 0) & np.isfinite(s.hr) & np.isfinite(smooth)
    if not ok.any():
        return None
    keys, bins = np.unique(np.floor(smooth[ok] / DRIFT_BIN.value(overrides)), return_inverse=True)
    size, which, dt, hr = keys.size, half[ok], s.dt[ok], s.hr[ok]
    time = [np.bincount(bins[which == i], dt[which == i], size) for i in (0, 1)]
    beats = [np.bincount(bins[which == i], (dt * hr)[which == i], size) for i in (0, 1)]
    min_bin = DRIFT_MIN_BIN.value(overrides)
    good = (time[0] >= min_bin) & (time[1] >= min_bin) & (time[0] > 0) & (time[1] > 0)
    weight = np.minimum(time[0], time[1])[good]
    if weight.sum() < DRIFT_MIN_MATCHED.value(overrides):
        return None
    first, second = beats[0][good] / time[0][good], beats[1][good] / time[1][good]
    return float(100.0 * (weight * (second - first) / first).sum() / weight.sum())


def _efficiency(s: Samples, mask: np.ndarray) -> float | None:
    speed, hr = weighted_mean(s.graded, s.dt, mask), weighted_mean(s.hr, s.dt, mask)
    return 60.0 * speed / hr if speed is not None and hr else None


def halves(s: Samples, overrides: Mapping[str, float]) -> Result:
    """EF per half, decoupling, pace fade and HR drift (every key of ``HALF_KEYS``)."""
    result: Result = dict.fromkeys(HALF_KEYS)
    use = s.moving & np.isfinite(s.graded)
    moving = float(s.dt[use].sum())
    if moving < HALVES_MIN.value(overrides):
        return result
    half = split_by_clock(s.dt, use, 2)
    first, second = (weighted_mean(s.graded, s.dt, half == i) for i in (0, 1))
    if first and second is not None:
        result["pace_fade_pct"] = 100.0 * (first - second) / first
    with_hr = use & np.isfinite(s.hr)
    if float(s.dt[with_hr].sum()) < moving * HALVES_COVERAGE.value(overrides) / 100.0:
        return result
    smooth = rolling_mean(s.graded, s.dt, use, ROLLING.value(overrides))
    result["hr_drift_pct"] = _hr_drift(s, half, smooth, overrides)
    if not _steady(smooth, s, use, STEADY_CV.value(overrides)):
        return result
    ef1, ef2 = (_efficiency(s, with_hr & (half == i)) for i in (0, 1))
    result["ef_first_half"], result["ef_second_half"] = ef1, ef2
    if ef1 and ef2 is not None:
        result["decoupling_pct"] = 100.0 * (ef1 - ef2) / ef1
    return result
