"""Running-form metrics of one activity (science.md C16, C24), over moving time.

- ``stride_m_mean`` is distance per step (what Garmin calls stride length):
  moving distance / steps, i.e. the time-weighted ``speed / (cadence / 60)``.
- ``cadence_speed_slope`` (spm per m/s) is a time-weighted least-squares fit of cadence
  on speed, both as 30-s rolling means so GPS speed noise does not flatten it; in a run,
  walking steps (under ``running_min_cadence_spm``) are left out, since a walk break
  would dominate the fit; None when the speeds spread too little to fit.
- ``vertical_ratio_pct = 100 × vertical oscillation / stride length``, per interval,
  time-weighted.
- ``gct_balance_left_pct_mean`` is the left foot's share of ground contact time, as FIT
  stores ``stance_time_balance``.
- ``form_drift_*_pct = 100 × (last third − first third) / first third`` of the moving time.

>>> import polars as pl
>>> from heavylegs.core.metrics_base import prepare
>>> t = [float(i) for i in range(901)]
>>> s = prepare(pl.DataFrame({"elapsed_s": t, "speed_mps": [3.0] * 901,
...                           "cadence_spm": [180.0] * 901,
...                           "stance_time_ms": [240.0] * 300 + [264.0] * 601}), {})
>>> m = form_metrics(s, {})
>>> m["stride_m_mean"], m["form_drift_gct_pct"], m["cadence_speed_slope"]
(1.0, 10.0, None)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from heavylegs.core.metrics_base import Samples, rolling_mean, split_by_clock, weighted_mean
from heavylegs.core.metrics_settings import (
    FORM_DRIFT_MIN,
    ROLLING,
    SLOPE_MIN_CADENCE,
    SLOPE_MIN_SD,
)

Result = dict[str, float | None]
FORM_KEYS = ("cadence_spm_mean", "stride_m_mean", "cadence_speed_slope", "gct_ms_mean",
             "vo_mm_mean", "vertical_ratio_pct", "gct_balance_left_pct_mean",
             "form_drift_cadence_pct", "form_drift_gct_pct", "form_drift_vo_pct")


def _positive(values: np.ndarray) -> np.ndarray:
    """``values`` with zero, negative and missing readings as NaN (a sensor's 'no data')."""
    with np.errstate(invalid="ignore"):
        return np.where(values > 0, values, np.nan)


def _stride(s: Samples, cadence: np.ndarray) -> np.ndarray:
    with np.errstate(all="ignore"):
        return s.speed / (cadence / 60.0)


def cadence_speed_slope(s: Samples, cadence: np.ndarray, overrides: Mapping[str, float],
                        min_cadence: float = 0.0) -> float | None:
    """Least-squares slope of 30-s cadence on 30-s speed (spm per m/s), time-weighted, over
    the moving intervals with at least ``min_cadence`` (walk breaks would steepen it)."""
    with np.errstate(invalid="ignore"):
        stepping = cadence >= min_cadence
    use = s.moving & stepping & np.isfinite(cadence) & np.isfinite(s.speed)
    window = ROLLING.value(overrides)
    speed = rolling_mean(s.speed, s.dt, use, window)
    spm = rolling_mean(cadence, s.dt, use, window)
    ok = use & np.isfinite(speed) & np.isfinite(spm)
    w = s.dt[ok]
    if w.sum() <= 0:
        return None
    x, y = speed[ok], spm[ok]
    x_mean, y_mean = np.average(x, weights=w), np.average(y, weights=w)
    variance = float(np.average((x - x_mean) ** 2, weights=w))
    if variance < SLOPE_MIN_SD.value(overrides) ** 2:
        return None
    return float(np.average((x - x_mean) * (y - y_mean), weights=w) / variance)


def _drift(values: np.ndarray, s: Samples, third: np.ndarray, min_s: float) -> float | None:
    ok = np.isfinite(values)
    first, last = ok & (third == 0), ok & (third == 2)
    if s.dt[first].sum() < min_s or s.dt[last].sum() < min_s:
        return None
    start, end = weighted_mean(values, s.dt, first), weighted_mean(values, s.dt, last)
    return 100.0 * (end - start) / start if start and end is not None else None


MIN_STEP_CADENCE_SPM = 30.0  # slower than any walk: below it a reading counts no steps


def _stride_mean(s: Samples, cadence: np.ndarray) -> float | None:
    """Distance over steps while moving (None without steps). Readings under
    MIN_STEP_CADENCE_SPM count none: a corrupt near-zero cadence (1e-300 spm) would give a
    stride of 10^302 m, or infinity."""
    ok = s.moving & (cadence >= MIN_STEP_CADENCE_SPM) & np.isfinite(s.speed)
    steps = float((cadence[ok] / 60.0 * s.dt[ok]).sum())
    return float((s.speed[ok] * s.dt[ok]).sum()) / steps if steps > 0 else None


def form_metrics(s: Samples, overrides: Mapping[str, float], *, running: bool = True
                 ) -> Result:
    """Every key of ``FORM_KEYS``; in a run, walking steps stay out of the slope."""
    cadence = _positive(s.channels["cadence_spm"])
    gct = _positive(s.channels["stance_time_ms"])
    vo = _positive(s.channels["vertical_oscillation_mm"])
    balance = s.channels["stance_balance_pct"]
    with np.errstate(invalid="ignore"):
        balance = np.where((balance > 0) & (balance < 100), balance, np.nan)
    with np.errstate(all="ignore"):
        ratio = 100.0 * (vo / 1000.0) / _stride(s, cadence)
    third, min_s = split_by_clock(s.dt, s.moving, 3), FORM_DRIFT_MIN.value(overrides)
    return {
        "cadence_spm_mean": weighted_mean(cadence, s.dt, s.moving),
        "stride_m_mean": _stride_mean(s, cadence),
        "cadence_speed_slope": cadence_speed_slope(
            s, cadence, overrides, SLOPE_MIN_CADENCE.value(overrides) if running else 0.0),
        "gct_ms_mean": weighted_mean(gct, s.dt, s.moving),
        "vo_mm_mean": weighted_mean(vo, s.dt, s.moving),
        "vertical_ratio_pct": weighted_mean(ratio, s.dt, s.moving),
        "gct_balance_left_pct_mean": weighted_mean(balance, s.dt, s.moving),
        "form_drift_cadence_pct": _drift(cadence, s, third, min_s),
        "form_drift_gct_pct": _drift(gct, s, third, min_s),
        "form_drift_vo_pct": _drift(vo, s, third, min_s),
    }
