"""Heart-rate metrics of one activity: zone times, TRIMP/HRSS, time above LTHR, peak HR.

- Zone times count moving time only (so they never exceed ``moving_s``): Edwards' five
  %HRmax zones (50-60-70-80-90 %; above 100 % counts in zone 5, below 50 % in none) and
  the Seiler three zones (easy < 82 %, moderate 82-87 %, hard > 87 % HRmax; science.md
  §1.2). The three zones stay on %HRmax even when the runner set an LTHR: science.md
  offers %LTHR bounds (easy < 90 %, hard ≥ 100 %), and switching to them when
  ``"lthr" not in profile.estimated`` is a one-line change left for when the causes that
  read these zones are calibrated.
- TRIMP (Banister, by sex; science.md §1.3) integrates every recorded second, stopped or
  not, exactly as ``load.hr_histogram`` does, so ``hrss`` here matches
  ``load.hrss`` of that histogram; HRSS is TRIMP relative to an hour at LTHR, × 100.
- Peak HR is the highest ``hr_peak_window_s`` rolling mean after artefact removal.

>>> import polars as pl
>>> from heavylegs.core.metrics_base import prepare
>>> s = prepare(pl.DataFrame({"elapsed_s": [float(i) for i in range(601)],
...                           "speed_mps": [3.0] * 601, "heart_rate_bpm": [171.0] * 601}), {})
>>> m = hr_metrics(s, Profile(max_hr=190, resting_hr=50, lthr=170), {})
>>> m["hr_z5_s"], m["hr_hard_s"], m["time_above_lthr_s"], m["hr_max_5s_bpm"]
(600.0, 600.0, 600.0, 171.0)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from heavylegs.core.load import TRIMP_FACTORS
from heavylegs.core.metrics_base import Samples, rolling_mean
from heavylegs.core.metrics_settings import (
    EDWARDS_EDGES,
    HR_PEAK_WINDOW,
    SEILER_HARD,
    SEILER_MODERATE,
)
from heavylegs.core.profile import Profile

Result = dict[str, float | None]
HR_KEYS = ("hr_z1_s", "hr_z2_s", "hr_z3_s", "hr_z4_s", "hr_z5_s", "hr_easy_s",
           "hr_moderate_s", "hr_hard_s", "time_above_lthr_s", "trimp", "hrss", "hr_max_5s_bpm")


def _time(dt: np.ndarray, mask: np.ndarray) -> float:
    return float(dt[mask].sum())


def zone_times(s: Samples, profile: Profile, overrides: Mapping[str, float]) -> Result:
    """Moving seconds in the Edwards and Seiler zones; None without heart rate."""
    names = ("hr_z1_s", "hr_z2_s", "hr_z3_s", "hr_z4_s", "hr_z5_s",
             "hr_easy_s", "hr_moderate_s", "hr_hard_s")
    use = s.moving & np.isfinite(s.hr)
    if not use.any() or profile.max_hr <= 0:
        return dict.fromkeys(names)
    pct = np.where(use, s.hr, 0.0) / profile.max_hr * 100.0
    edges = [e.value(overrides) for e in EDWARDS_EDGES] + [np.inf]
    result: Result = {
        f"hr_z{i + 1}_s": _time(s.dt, use & (pct >= lo) & (pct < hi))
        for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:], strict=True))
    }
    moderate, hard = SEILER_MODERATE.value(overrides), SEILER_HARD.value(overrides)
    result["hr_easy_s"] = _time(s.dt, use & (pct < moderate))
    result["hr_moderate_s"] = _time(s.dt, use & (pct >= moderate) & (pct <= hard))
    result["hr_hard_s"] = _time(s.dt, use & (pct > hard))
    return result


def _banister(hrr: np.ndarray, sex: str | None) -> np.ndarray:
    a, b = TRIMP_FACTORS.get(sex or "other", TRIMP_FACTORS["other"])
    return hrr * a * np.exp(b * hrr)


def _reserve_fraction(hr: np.ndarray, profile: Profile) -> np.ndarray:
    reserve = max(profile.max_hr - profile.resting_hr, 1.0)
    return np.clip((hr - profile.resting_hr) / reserve, 0.0, 1.0)


def load_scores(s: Samples, profile: Profile) -> Result:
    """Banister TRIMP per sample over recorded time, and HRSS (None without LTHR)."""
    use = s.recorded & np.isfinite(s.hr)
    if not use.any():
        return {"trimp": None, "hrss": None}
    weights = _banister(_reserve_fraction(s.hr[use], profile), profile.sex)
    trimp = float((s.dt[use] / 60.0 * weights).sum())
    at_lthr = _banister(_reserve_fraction(np.array([profile.lthr]), profile), profile.sex)
    hour_at_lthr = 60.0 * float(at_lthr[0])
    hrss = 100.0 * trimp / hour_at_lthr if profile.lthr > 0 and hour_at_lthr > 0 else None
    return {"trimp": trimp, "hrss": hrss}


def hr_metrics(s: Samples, profile: Profile, overrides: Mapping[str, float]) -> Result:
    """Every heart-rate key of ``HR_KEYS``."""
    result = zone_times(s, profile, overrides)
    result.update(load_scores(s, profile))
    moving_hr = s.moving & np.isfinite(s.hr)
    above = moving_hr & (np.where(moving_hr, s.hr, 0.0) > profile.lthr)
    has_lthr = profile.lthr > 0 and moving_hr.any()
    result["time_above_lthr_s"] = _time(s.dt, above) if has_lthr else None
    result["hr_max_5s_bpm"] = peak_hr(s.hr, s.dt, s.recorded, overrides)
    return result


def peak_hr(hr: np.ndarray, dt: np.ndarray, recorded: np.ndarray, overrides: Mapping[str, float]
            ) -> float | None:
    """``hr_max_5s_bpm``: the highest ``HR_PEAK_WINDOW`` rolling mean of the (cleaned) heart
    rate per interval; no profile value enters it."""
    peak = rolling_mean(hr, dt, recorded, HR_PEAK_WINDOW.value(overrides), full=True)
    return float(np.nanmax(peak)) if np.isfinite(peak).any() else None
