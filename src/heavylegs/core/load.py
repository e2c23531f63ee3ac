"""Session training load and the fitness/fatigue model (science.md §1.3-1.4, §1.7).

The load currency is HRSS (Elevate's definition): ``100 × TRIMP / TRIMP(60 min at LTHR)``,
computed per sample from a per-activity histogram of seconds at each heart rate, so the
load can be recomputed for any max/resting HR without re-reading streams. Activities
without heart rate fall back to a duration estimate at an assumed easy intensity
(``NO_HR_LOAD_PER_HOUR``), flagged as estimated. ``trimp`` and ``hrss`` are the scalar
definitions; the engine computes the same per activity in polars (core/daily.py), and
Foster monotony per day there too.

>>> import numpy as np
>>> hist = np.zeros(256, dtype=np.int32); hist[160] = 3600
>>> round(hrss(hist, max_hr=190, resting_hr=50, lthr=169, sex="male"), 1)
81.7
>>> [round(v, 2) for v in ctl_atl_tsb([100.0] * 3, tau_ctl=42, tau_atl=7, seed_ctl=100, seed_atl=100)[2]]
[0.0, 0.0, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # numpy is imported where used: `why` reads loads through polars alone
    import numpy as np

HR_BINS = 256
Duration = TypeVar("Duration", float, "np.ndarray")
NO_HR_LOAD_PER_HOUR = 50.0  # ≈ an easy hour (IF ≈ 0.7): hours × IF² × 100  [heuristic]
MAX_SAMPLE_GAP_S = 30.0

# Banister TRIMP weighting (a, b) by sex; Runalyze's neutral factor when unknown.
TRIMP_FACTORS: dict[str, tuple[float, float]] = {
    "male": (0.64, 1.92),
    "female": (0.86, 1.67),
    "other": (0.725215, 1.795),
}


def hr_histogram(elapsed_s: np.ndarray, heart_rate_bpm: np.ndarray) -> np.ndarray:
    """Seconds spent at each whole bpm (0-255); each sample owns the interval before the
    next one, gaps longer than ``MAX_SAMPLE_GAP_S`` (pauses) are not counted."""
    import numpy as np

    hist = np.zeros(HR_BINS, dtype=np.int32)
    if elapsed_s.size < 2:
        return hist
    dt = np.diff(elapsed_s)
    hr = heart_rate_bpm[:-1]
    ok = np.isfinite(dt) & (dt > 0) & (dt <= MAX_SAMPLE_GAP_S) & np.isfinite(hr) & (hr > 20)
    bins = np.clip(np.rint(hr[ok]).astype(np.int64), 0, HR_BINS - 1)
    seconds = np.bincount(bins, weights=dt[ok], minlength=HR_BINS)
    return np.rint(seconds).astype(np.int32)


def trimp_weight_list(max_hr: float, resting_hr: float, sex: str | None) -> list[float]:
    """Banister TRIMP per second spent at each whole bpm (0-255): HRr × a × e^(b × HRr) / 60."""
    a, b = TRIMP_FACTORS.get(sex or "other", TRIMP_FACTORS["other"])
    span = max(max_hr - resting_hr, 1.0)
    hrr = [min(max((bpm - resting_hr) / span, 0.0), 1.0) for bpm in range(HR_BINS)]
    return [r * a * math.exp(b * r) / 60.0 for r in hrr]


def hrss_reference(weights: Sequence[float], lthr: float) -> float:
    """TRIMP of one hour at lactate-threshold HR, from :func:`trimp_weight_list`: the HRSS
    unit (0 when undefined)."""
    return 3600.0 * weights[int(round(min(max(lthr, 0), HR_BINS - 1)))]


def trimp(hist: np.ndarray, max_hr: float, resting_hr: float, sex: str | None) -> float:
    """Banister TRIMP from a seconds-at-bpm histogram."""
    import numpy as np

    return float(np.sum(hist * np.asarray(trimp_weight_list(max_hr, resting_hr, sex))[: hist.size]))


def hrss(hist: np.ndarray, max_hr: float, resting_hr: float, lthr: float, sex: str | None) -> float:
    """HR stress score: TRIMP relative to an hour at lactate-threshold HR, × 100."""
    denom = hrss_reference(trimp_weight_list(max_hr, resting_hr, sex), lthr)
    return 100.0 * trimp(hist, max_hr, resting_hr, sex) / denom if denom > 0 else 0.0


def fallback_load(duration_s: Duration) -> Duration:
    """Load of an activity without heart rate: an easy-intensity estimate from duration
    (seconds, or an array of them)."""
    return NO_HR_LOAD_PER_HOUR * duration_s / 3600.0


def ctl_atl_tsb(loads: Sequence[float], *, tau_ctl: float = 42.0, tau_atl: float = 7.0,
                seed_ctl: float | None = None, seed_atl: float | None = None
                ) -> tuple[list[float], list[float], list[float]]:
    """Fitness (CTL), fatigue (ATL) and form (TSB) per day, with ``k = 1/tau``.

    Seeded by the mean daily load of the first 42 days unless seeds are given (an EWMA
    started at 0 underestimates CTL for ~3 × tau). TSB of a day is that day's CTL − ATL
    after the day's load (documented choice; TrainingPeaks shows the previous day's).
    """
    if not loads:
        return [], [], []
    first = list(loads[:42])
    seed = sum(first) / len(first)
    ctl = seed if seed_ctl is None else seed_ctl
    atl = seed if seed_atl is None else seed_atl
    k_ctl, k_atl = 1.0 / tau_ctl, 1.0 / tau_atl
    ctls, atls, tsbs = [], [], []
    for load in loads:
        ctl += k_ctl * (load - ctl)
        atl += k_atl * (load - atl)
        ctls.append(ctl)
        atls.append(atl)
        tsbs.append(ctl - atl)
    return ctls, atls, tsbs
