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

from heavylegs.core.metrics_base import Samples, prepare, weighted_mean
from heavylegs.core.metrics_form import form_metrics
from heavylegs.core.metrics_hr import hr_metrics
from heavylegs.core.metrics_pace import halves, pace_zones, rtss
from heavylegs.core.metrics_settings import MIN_DATA
from heavylegs.core.metrics_terrain import descent_steep
from heavylegs.core.model import RUNNING_SPORTS
from heavylegs.core.profile import Profile
from heavylegs.core.summary import elevation_gain_loss

__all__ = ["METRICS", "PROFILE_KEY_FIELDS", "compute"]

METRICS: dict[str, str] = {
    "moving_s": "moving time, pauses (> 30 s gaps) and stops excluded (s)",
    "distance_m": "distance covered (m)",
    "elev_gain_m": "climb after 3 m hysteresis smoothing (m)",
    "elev_loss_m": "descent after 3 m hysteresis smoothing (m)",
    "descent_steep_m": "altitude lost on stretches steeper than −10 % over ≥ 50 m: eccentric load (m)",
    "grade_adjusted_speed_mps": "mean moving speed adjusted for grade by Minetti 2002 cost (m/s)",
    "speed_mps_mean": "mean moving speed (m/s)",
    "hr_z1_s": "moving time at 50-60 % HRmax, Edwards zone 1 (s)",
    "hr_z2_s": "moving time at 60-70 % HRmax, Edwards zone 2 (s)",
    "hr_z3_s": "moving time at 70-80 % HRmax, Edwards zone 3 (s)",
    "hr_z4_s": "moving time at 80-90 % HRmax, Edwards zone 4 (s)",
    "hr_z5_s": "moving time at ≥ 90 % HRmax, Edwards zone 5 (s)",
    "hr_easy_s": "moving time below 82 % HRmax, Seiler easy (s)",
    "hr_moderate_s": "moving time at 82-87 % HRmax, Seiler moderate (s)",
    "hr_hard_s": "moving time above 87 % HRmax, Seiler hard (s)",
    "pace_easy_s": "moving time slower than 114 % of threshold pace, graded (s)",
    "pace_moderate_s": "moving time between threshold pace and 114 % of it, graded (s)",
    "pace_hard_s": "moving time faster than threshold pace, graded (s)",
    "time_above_lthr_s": "moving time with heart rate above LTHR (s)",
    "trimp": "Banister TRIMP by sex, per sample over recorded time (TRIMP units)",
    "hrss": "HR stress score: 100 × TRIMP / TRIMP of 60 min at LTHR (score)",
    "rtss": "running TSS from normalised graded speed vs threshold speed (score)",
    "ef_first_half": "efficiency factor, first half: graded speed / HR (m/min per bpm)",
    "ef_second_half": "efficiency factor, second half: graded speed / HR (m/min per bpm)",
    "decoupling_pct": "Pa:HR decoupling, EF loss from first to second half, steady runs (%)",
    "pace_fade_pct": "graded speed lost from first to second half; positive = slower late (%)",
    "hr_drift_pct": "heart-rate rise from first to second half at matched speed (%)",
    "cadence_spm_mean": "mean moving cadence (steps/min)",
    "stride_m_mean": "mean distance per step (m)",
    "cadence_speed_slope": "cadence change per unit speed, least squares (spm per m/s)",
    "gct_ms_mean": "mean ground contact time (ms)",
    "vo_mm_mean": "mean vertical oscillation (mm)",
    "vertical_ratio_pct": "vertical oscillation / stride length × 100 (%)",
    "gct_balance_left_pct_mean": "left foot's share of ground contact time (%)",
    "form_drift_cadence_pct": "cadence change, last third vs first third of moving time (%)",
    "form_drift_gct_pct": "ground contact time change, last third vs first third (%)",
    "form_drift_vo_pct": "vertical oscillation change, last third vs first third (%)",
    "temperature_c_mean": "mean recorded temperature (°C)",
    "hr_max_5s_bpm": "highest 5-s rolling mean heart rate after artefact removal (bpm)",
}

PROFILE_KEY_FIELDS: tuple[str, ...] = (
    "max_hr", "resting_hr", "lthr", "threshold_pace_s_km", "sex")

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

