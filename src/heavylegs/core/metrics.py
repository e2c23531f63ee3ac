"""Per-activity metrics from the canonical streams: the numbers the causes read.

``compute(streams, profile, sport)`` returns every key of ``METRICS`` (None where the data
cannot give it); ``PROFILE_KEY_FIELDS`` names the profile fields the result depends on, so
a caller storing the metrics recomputes them when one changes (or when a setting of
``metrics_settings`` is overridden). Pure and vectorised: a one-hour 1 Hz run takes a few
milliseconds.

How samples are read (``metrics_base``): each interval between two samples is weighted by
its length, gaps over 30 s are pauses, moving means at least walking speed. Heart rate
loses artefacts first (outside 30-230 bpm, or a > 30 bpm spike from its neighbours).
The parts: ``metrics_hr`` (zones, TRIMP/HRSS, peak), ``metrics_terrain`` (Minetti grades,
steep descent), ``metrics_pace`` (pace zones, rTSS, halves), ``metrics_form`` (cadence,
running dynamics). Running-only keys (grade adjustment, pace, rTSS, halves) are None for
other sports; ``descent_steep_m`` and the form keys are computed for running, walking and
hiking. With under ``metrics_min_data_s`` of recorded data only the totals are given. The
numbers in the ``METRICS`` descriptions are the settings' defaults.

>>> from heavylegs.core import streams
>>> n = 1801
>>> frame = streams.from_columns({
...     "elapsed_s": [float(i) for i in range(n)], "speed_mps": [3.0] * n,
...     "distance_m": [3.0 * i for i in range(n)], "heart_rate_bpm": [160.0] * n,
...     "cadence_spm": [172.0] * n, "altitude_m": [500.0] * n})
>>> m = compute(frame, Profile(max_hr=190, resting_hr=50, lthr=170), "running")
>>> m["moving_s"], m["distance_m"], m["hr_z4_s"], m["hr_moderate_s"], m["decoupling_pct"]
(1800.0, 5400.0, 1800.0, 1800.0, 0.0)
>>> m["grade_adjusted_speed_mps"], round(m["stride_m_mean"], 3), m["pace_hard_s"]
(3.0, 1.047, None)
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from heavylegs.core.metric_keys import METRICS, PROFILE_KEY_FIELDS
from heavylegs.core.metrics_base import (
    Samples,
    clean_heart_rate,
    column,
    prepare,
    timeline,
    weighted_mean,
)
from heavylegs.core.metrics_form import form_metrics
from heavylegs.core.metrics_hr import hr_metrics, peak_hr
from heavylegs.core.metrics_pace import halves, pace_zones, rtss
from heavylegs.core.metrics_settings import MIN_DATA
from heavylegs.core.metrics_terrain import descent_steep
from heavylegs.core.model import RUNNING_SPORTS
from heavylegs.core.profile import Profile
from heavylegs.core.summary import elevation_gain_loss

__all__ = ["METRICS", "PROFILE_KEY_FIELDS", "compute", "profile_free"]

FOOT_SPORTS = RUNNING_SPORTS | {"walking", "hiking"}
Result = dict[str, float | None]


def _totals(s: Samples) -> Result:
    distance = s.distance_m[np.isfinite(s.distance_m)]
    has_distance = distance.size >= 2 and (s.has_distance or bool(np.isfinite(s.speed).any()))
    altitude = s.altitude_m
    has_altitude = np.isfinite(altitude).sum() >= 2
    gain, loss = elevation_gain_loss(altitude) if has_altitude else (None, None)
    return {
        "moving_s": s.moving_s if s.dt.size else None,
        "distance_m": float(distance.max()) if has_distance else None,
        "elev_gain_m": gain,
        "elev_loss_m": loss,
    }


def _running(s: Samples, profile: Profile, overrides: Mapping[str, float]) -> Result:
    has_altitude = np.isfinite(s.altitude_m).sum() >= 2
    result: Result = {
        "grade_adjusted_speed_mps": weighted_mean(s.graded, s.dt, s.moving),
        "descent_steep_m": descent_steep(s.distance_m, s.altitude_m, overrides)
        if has_altitude else None,
        "rtss": rtss(s, profile.threshold_pace_s_km, overrides),
    }
    result.update(pace_zones(s, profile.threshold_pace_s_km, overrides))
    result.update(halves(s, overrides))
    return result


def profile_free(streams: pl.DataFrame, *, overrides: Mapping[str, float] | None = None
                 ) -> dict[str, float | None]:
    """The one metric no profile value enters and the profile's estimate reads
    (``hr_max_5s_bpm``, the observed maximum heart rate), as ``compute`` gives it, at a
    fraction of its cost: what an import stores for an activity whose other metrics wait
    for the batch's end (metrics_batch.py)."""
    o = overrides or {}
    order, _, dt, recorded = timeline(streams, o)
    if float(dt[recorded].sum()) < MIN_DATA.value(o):
        return {"hr_max_5s_bpm": None}
    hr = clean_heart_rate(column(streams, "heart_rate_bpm")[order], o)[:-1]
    return {"hr_max_5s_bpm": peak_hr(hr, dt, recorded, o)}


def compute(streams: pl.DataFrame, profile: Profile, sport: str, *,
            overrides: Mapping[str, float] | None = None) -> dict[str, float | None]:
    """Every metric of ``METRICS`` for one activity; ``overrides`` changes settings by name."""
    o = overrides or {}
    s = prepare(streams, o)
    result: Result = dict.fromkeys(METRICS)
    result.update(_totals(s))
    if s.recorded_s < MIN_DATA.value(o):
        return result
    result.update(hr_metrics(s, profile, o))
    result["speed_mps_mean"] = weighted_mean(s.speed, s.dt, s.moving)
    result["temperature_c_mean"] = weighted_mean(s.channels["temperature_c"], s.dt, s.recorded)
    if sport in RUNNING_SPORTS:
        result.update(_running(s, profile, o))
    elif sport in FOOT_SPORTS and np.isfinite(s.altitude_m).sum() >= 2:
        result["descent_steep_m"] = descent_steep(s.distance_m, s.altitude_m, o)
    if sport in FOOT_SPORTS:
        result.update(form_metrics(s, o, running=sport in RUNNING_SPORTS))
    return result

