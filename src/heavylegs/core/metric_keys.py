"""The names of the per-activity metrics (core/metrics.py computes them) and the profile
fields they depend on, importable without the numpy code that computes them: `why` reads
stored metrics by these names."""

from __future__ import annotations

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
