"""The training-side causes on hand-built contexts: each signal fires with the runner's own
numbers, the traps of its science.md section do not, missing data is named, clean data
is ruled out, and a healthy runner never gets more than a low-confidence finding."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta

import numpy as np
import polars as pl
import pytest

from heavylegs.causes import (
    EVALUATORS,
    damage,
    form,
    fuel,
    intensity,
    metabolites,
    overtraining,
    shoes,
    strength,
)
from heavylegs.causes.base import Context, Finding, NotAssessed, Ruled
from heavylegs.core import daily
from heavylegs.core.logschema import COLUMNS
from heavylegs.core.profile import Profile

DAY = date(2026, 3, 15)  # a Sunday
METRICS = ("elev_gain_m", "elev_loss_m", "descent_steep_m", "grade_adjusted_speed_mps",
           "speed_mps_mean", "avg_hr_bpm", "max_hr_bpm", "hr_easy_s", "hr_moderate_s", "hr_hard_s",
           "pace_easy_s", "pace_moderate_s", "pace_hard_s", "time_above_lthr_s", "decoupling_pct",
           "pace_fade_pct", "cadence_spm_mean", "gct_ms_mean", "vertical_ratio_pct",
           "gct_balance_left_pct_mean", "form_drift_cadence_pct", "form_drift_gct_pct",
           "temperature_c_mean", "hr_max_5s_bpm", "gear_km", "gear_limit_km")
PROFILE = Profile(max_hr=190, resting_hr=50, lthr=170, weight_kg=60.0)
MINE = ("glycogen-depletion", "metabolite-accumulation", "muscle-damage", "overtraining",
        "excess-intensity", "no-strength-training", "strength-overload", "running-form",
        "muscle-imbalance", "worn-shoes")


# ---- building a context by hand -------------------------------------------------------

def act(day: date, km: float = 10.0, minutes: float | None = None, sport: str = "running",
        hour: int = 7, **metrics: object) -> dict:
    """One activity; ``metrics`` are per-activity columns (``hr_hard_s=900``, ``gear_name=...``)."""
    return {"day": day, "km": km, "minutes": minutes if minutes is not None else km * 6.0,
            "sport": sport, "hour": hour, **metrics}


def hr(minutes: float, hard_min: float = 0.0, moderate_min: float = 0.0, avg: float = 140.0) -> dict:
    """Heart-rate metrics of a run: zone seconds, LTHR time, mean HR."""
    easy = max(0.0, minutes - hard_min - moderate_min)
    return {"avg_hr_bpm": avg, "hr_easy_s": easy * 60, "hr_moderate_s": moderate_min * 60,
            "hr_hard_s": hard_min * 60, "time_above_lthr_s": hard_min * 60}


def make(day: date, acts: list[dict], log: dict[date, dict] | None = None,
         profile: Profile = PROFILE) -> Context:
    acts = sorted(acts, key=lambda a: (a["day"], a["hour"]))
    base = pl.DataFrame(
        [{"id": i, "start_utc": f"{a['day'].isoformat()}T{a['hour']:02d}:00:00+00:00", "utc_offset_s": 0,
          "lon_deg": 0.0, "sport": a["sport"], "distance_m": a["km"] * 1000.0,
          "elapsed_s": a["minutes"] * 60.0, "moving_s": a["minutes"] * 60.0} for i, a in enumerate(acts, 1)],
        schema={"id": pl.Int64, "start_utc": pl.String, "utc_offset_s": pl.Int64, "lon_deg": pl.Float64,
                "sport": pl.String, "distance_m": pl.Float64, "elapsed_s": pl.Float64, "moving_s": pl.Float64})
    frame = daily.with_loads(base, profile, 0)
    with_hr = [a.get("avg_hr_bpm") is not None for a in acts]
    frame = frame.with_columns(
        start_local=pl.Series([datetime.combine(a["day"], time(a["hour"])) for a in acts], dtype=pl.Datetime),
        gear_name=pl.Series([a.get("gear_name") for a in acts], dtype=pl.String),
        load_estimated=pl.Series([not h for h in with_hr], dtype=pl.Boolean),
        hard_min=pl.Series([(a.get("hr_hard_s") or 0.0) / 60 for a in acts], dtype=pl.Float64),
        **{c: pl.Series([a.get(c) for a in acts], dtype=pl.Float64) for c in METRICS})
    schema = {c.name: {"INTEGER": pl.Int64, "REAL": pl.Float64}.get(c.sql_type, pl.String) for c in COLUMNS}
    schema["date"] = pl.Date
    rows = [{"date": d, **v} for d, v in sorted((log or {}).items())]
    log_frame = pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
    return Context(day=day, daily=daily.build(frame, log_frame, end=day), acts=frame, profile=profile)


def weeks(end: date, n: int, pattern: dict[int, float], **metrics: object) -> list[dict]:
    """Runs on the weekdays of ``pattern`` (weekday -> km) for ``n`` weeks up to ``end``."""
    out = []
    for i in range(7 * n):
        d = end - timedelta(days=i)
        if d.weekday() in pattern:
            out.append(act(d, pattern[d.weekday()], **metrics))
    return out


def days_log(end: date, n: int, **values: object) -> dict[date, dict]:
    return {end - timedelta(days=i): dict(values) for i in range(n)}


def merge(*logs: dict[date, dict]) -> dict[date, dict]:
    out: dict[date, dict] = {}
    for log in logs:
        for d, v in log.items():
            out[d] = {**out.get(d, {}), **v}
    return out


EASY_WEEK = {0: 8.0, 2: 10.0, 3: 8.0, 5: 6.0, 6: 16.0}


def metrics_of(ev: tuple) -> set[str]:
    return {e.metric for e in ev}


# ---- glycogen-depletion ---------------------------------------------------------------

def _long_run_context(run_log: dict, minutes: float = 150.0, run_day: date = DAY - timedelta(days=1),
                      **run_metrics: object) -> Context:
    acts = weeks(DAY - timedelta(days=7), 5, {1: 8.0, 3: 8.0}) + [act(run_day, 24.0, minutes, **run_metrics)]
    return make(DAY, acts, {run_day: run_log})


def test_an_underfuelled_long_run_yesterday_is_glycogen_depletion() -> None:
    ctx = _long_run_context({"run_carbs_g": 20, "pre_run_carbs_g": 30})
    result = fuel.evaluate(ctx)
    assert isinstance(result, Finding) and result.confidence in ("medium", "high")
    by = {e.metric: e for e in result.evidence}
    assert by["run_carbs_g_per_h"].value == 8.0 and "8 g/h" in by["run_carbs_g_per_h"].text
    assert by["pre_run_carbs_g_per_kg"].value == 0.5 and "60-240 g" in by["pre_run_carbs_g_per_kg"].text
    assert by["longest_run_48h_min"].value == 150 and "2 h 30 min" in by["longest_run_48h_min"].text
    assert any("75-150 g" in f for f in result.fix)  # 30-60 g/h for 2.5 h


def test_a_fuelled_long_run_is_ruled_out_and_short_runs_are_never_blamed() -> None:
    fed = fuel.evaluate(_long_run_context({"run_carbs_g": 110, "pre_run_carbs_g": 120}))
    assert isinstance(fed, Ruled) and "44 g/h" in fed.why and "2.0 g/kg" in fed.why
    short = make(DAY, weeks(DAY, 6, {1: 7.0, 3: 8.0, 5: 7.0, 6: 8.0}),
                 {DAY - timedelta(days=1): {"run_carbs_g": 0, "pre_run_carbs_g": 0}})
    assert isinstance(fuel.evaluate(short), Ruled)


def test_a_sub_90_minute_run_on_a_light_pre_run_meal_is_at_most_a_low_note() -> None:
    # issue 13: C01's depletion_flag, not the 1-4 g/kg pre-run advice band, decides confidence
    light = fuel.evaluate(_long_run_context({"pre_run_carbs_g": 55, "run_carbs_g": 40}, minutes=85.0))
    assert isinstance(light, Finding) and light.confidence == "low"
    assert "pre_run_carbs_g_per_kg" in metrics_of(light.evidence)
    unfuelled = fuel.evaluate(_long_run_context({"pre_run_carbs_g": 55, "run_carbs_g": 20}, minutes=100.0))
    assert isinstance(unfuelled, Finding) and unfuelled.confidence in ("medium", "high")


def test_a_long_run_three_days_ago_is_outside_the_48_h_window() -> None:
    ctx = _long_run_context({"run_carbs_g": 0}, run_day=DAY - timedelta(days=3))
    result = fuel.evaluate(ctx)
    assert isinstance(result, Ruled) and "48 h" in result.why


def test_a_long_run_without_a_food_log_is_not_assessed_and_names_the_columns() -> None:
    result = fuel.evaluate(_long_run_context({}, minutes=100.0))
    assert isinstance(result, NotAssessed)
    assert result.missing == ("pre_run_carbs_g", "run_carbs_g", "carbs_g") and "1 h 40 min" in result.how


def test_decoupling_counts_only_on_runs_that_were_not_hot() -> None:
    cool = fuel.evaluate(_long_run_context({}, minutes=100.0, decoupling_pct=14.0, temperature_c_mean=12.0))
    assert isinstance(cool, Finding) and "decoupling_pct" in metrics_of(cool.evidence)
    assert cool.confidence == "low"  # without a food log only a risk estimate
    hot = fuel.evaluate(_long_run_context({}, minutes=100.0, decoupling_pct=14.0, temperature_c_mean=29.0))
    assert isinstance(hot, NotAssessed)


def test_three_days_of_low_carbohydrate_before_a_long_run_is_found() -> None:
    acts = weeks(DAY - timedelta(days=7), 5, {1: 8.0, 3: 8.0}) + [act(DAY - timedelta(days=1), 24.0, 150.0)]
    log = {DAY - timedelta(days=i): {"carbs_g": 120} for i in (1, 2, 3)}  # 2 g/kg/day, 60 kg
    result = fuel.evaluate(make(DAY, acts, log))
    assert isinstance(result, Finding)
    short = next(e for e in result.evidence if e.metric == "carbs_3d_shortfall_g_kg_day")
    assert "2.0 g/kg" in short.text and short.value >= 1.5


# ---- metabolite-accumulation ----------------------------------------------------------

def _interval_history() -> list[dict]:
    """Eight weeks of easy running with a Tuesday interval session of 12 hard minutes."""
    out = []
    for a in weeks(DAY - timedelta(days=1), 8, {1: 10.0, 3: 8.0, 5: 12.0}):
        hard = 12.0 if a["day"].weekday() == 1 else 0.0
        out.append({**a, **hr(a["minutes"], hard_min=hard)})
    return out


def test_a_session_denser_than_usual_today_is_metabolite_accumulation() -> None:
    today = act(DAY, 12.0, 70.0, hour=8, **hr(70.0, hard_min=30.0, avg=165.0))
    result = metabolites.evaluate(make(DAY, [*_interval_history(), today]))
    assert isinstance(result, Finding) and result.confidence in ("medium", "high")
    ev = result.evidence[0]
    assert ev.metric == "hard_min_24h" and ev.value == 30.0
    assert "Today's 1 h 10 min session had 30 min" in ev.text and "2.5× your usual" in ev.text
    assert any("48 h between hard sessions" in f for f in result.fix)


def test_a_routine_interval_session_is_expected_fatigue_at_low_confidence() -> None:
    today = act(DAY, 10.0, 60.0, hour=8, **hr(60.0, hard_min=12.0))
    result = metabolites.evaluate(make(DAY, [*_interval_history(), today]))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert "in line with your usual" in result.evidence[0].text


def test_a_hard_session_two_days_ago_is_not_lactic_acid() -> None:
    two_days = act(DAY - timedelta(days=2), 12.0, 70.0, hour=8, **hr(70.0, hard_min=30.0))
    result = metabolites.evaluate(make(DAY, [*_interval_history(), two_days]))
    assert isinstance(result, Ruled)
    assert "30 min" in result.why and "lactic acid" in result.why


def test_an_easy_run_today_is_ruled_out_and_a_run_without_hr_is_not_assessed() -> None:
    easy = act(DAY, 8.0, hour=8, **hr(48.0))
    assert isinstance(metabolites.evaluate(make(DAY, [*_interval_history(), easy])), Ruled)
    no_hr = metabolites.evaluate(make(DAY, [act(DAY - timedelta(days=30), 8.0), act(DAY, 8.0)]))
    assert isinstance(no_hr, NotAssessed) and "zones" in no_hr.missing[0]
    assert "heart-rate strap" in no_hr.how


def test_pace_faster_than_threshold_counts_when_heart_rate_lags_in_short_reps() -> None:
    reps = act(DAY, 9.0, 50.0, hour=8, **hr(50.0, hard_min=4.0), pace_hard_s=14 * 60.0)
    result = metabolites.evaluate(make(DAY, [*_interval_history(), reps]))
    assert isinstance(result, Finding) and result.evidence[0].value == 14.0


# ---- muscle-damage --------------------------------------------------------------------

def _flat_history(descent: float = 60.0) -> list[dict]:
    return weeks(DAY - timedelta(days=3), 8, EASY_WEEK, elev_loss_m=descent, elev_gain_m=descent,
                 descent_steep_m=0.0)


def test_a_first_big_downhill_two_days_ago_with_soreness_is_muscle_damage() -> None:
    downhill = act(DAY - timedelta(days=2), 16.0, 100.0, hour=9, elev_loss_m=700.0, elev_gain_m=150.0,
                   descent_steep_m=300.0)
    result = damage.evaluate(make(DAY, [*_flat_history(), downhill], {DAY: {"soreness": 6}}))
    assert isinstance(result, Finding) and result.confidence == "high"
    ecc = result.evidence[0]
    assert ecc.metric == "eccentric_load_m" and ecc.value == 850.0  # 700 + 0.5 × 300
    assert "Fri 13 Mar" in ecc.text and "60 m" in ecc.text and "24-72 h peak" in ecc.text
    assert result.evidence[1].metric == "soreness" and "6/10" in result.evidence[1].text
    assert any("2-5 days" in f for f in result.fix)


def test_gps_jitter_and_the_repeated_bout_effect_do_not_fire() -> None:
    jitter = act(DAY - timedelta(days=2), 10.0, elev_loss_m=150.0, elev_gain_m=150.0)  # 2.5× but < 200 m
    assert isinstance(damage.evaluate(make(DAY, [*_flat_history(), jitter])), Ruled)
    hilly = weeks(DAY - timedelta(days=3), 8, EASY_WEEK, elev_loss_m=550.0, elev_gain_m=550.0)
    again = act(DAY - timedelta(days=2), 16.0, elev_loss_m=600.0, elev_gain_m=600.0)
    result = damage.evaluate(make(DAY, [*hilly, again]))
    assert isinstance(result, Ruled) and "600 m" in result.why


def test_one_sided_swelling_is_never_called_soreness() -> None:
    downhill = act(DAY - timedelta(days=2), 16.0, elev_loss_m=800.0, elev_gain_m=100.0)
    log = {DAY: {"soreness": 7, "symptoms": "swelling-left;calf-pain-one-side"}}
    result = damage.evaluate(make(DAY, [*_flat_history(), downhill], log))
    assert isinstance(result, NotAssessed) and result.missing == ("medical check",)
    assert "swelling-left" in result.how and "doctor" in result.how


def test_runs_without_altitude_are_not_assessed_and_timing_matters() -> None:
    no_alt = weeks(DAY - timedelta(days=1), 6, EASY_WEEK)
    result = damage.evaluate(make(DAY, no_alt))
    assert isinstance(result, NotAssessed) and "elev_loss_m" in result.missing[0]
    today = act(DAY, 16.0, hour=7, elev_loss_m=800.0, elev_gain_m=100.0)  # under 12 h ago: not yet DOMS
    result = damage.evaluate(make(DAY, [*_flat_history(), today]))
    assert isinstance(result, Ruled)


def test_a_first_trail_run_in_six_weeks_is_a_new_stimulus_but_strength_is_left_out() -> None:
    trail = act(DAY - timedelta(days=1), 12.0, 90.0, sport="trail_running", hour=9)
    result = damage.evaluate(make(DAY, [*_flat_history(), trail]))
    assert isinstance(result, Finding) and result.evidence[0].metric == "new_session_type"
    assert "first of that kind in 42 days" in result.evidence[0].text
    gym = act(DAY - timedelta(days=1), 0.0, 60.0, sport="strength", hour=18)
    assert isinstance(damage.evaluate(make(DAY, [*_flat_history(), gym])), Ruled)


# ---- overtraining ---------------------------------------------------------------------

def _ef_runs(end: date, n_weeks: int, drop_pct: float = 0.0, seed: int = 1) -> list[dict]:
    """Easy runs at HR 140 whose speed varies ±2 %; the last 14 days ``drop_pct`` slower."""
    rng = np.random.default_rng(seed)
    out = []
    for a in weeks(end, n_weeks, EASY_WEEK):
        recent = (end - a["day"]).days < 14
        speed = 3.0 * (1 + rng.normal(0, 0.02)) * (1 - drop_pct / 100 if recent else 1)
        out.append({**a, **hr(a["minutes"]), "speed_mps_mean": speed})
    return out


def _checkins(tired_days: int, rhr_recent: float = 50.0, **extra: object) -> dict[date, dict]:
    log = {DAY - timedelta(days=i): {"heaviness": 3, "fatigue": 3, "resting_hr_bpm": 50 + (i % 3) - 1}
           for i in range(70)}
    for i in range(14):
        if i < tired_days:
            log[DAY - timedelta(days=i)] |= {"heaviness": 7, "fatigue": 7}
    for i in range(7):
        log[DAY - timedelta(days=i)] |= {"resting_hr_bpm": int(rhr_recent), **extra}
    return log


def test_weeks_of_heavy_legs_with_slower_pace_at_the_same_hr_is_compatible_with_overreaching() -> None:
    ctx = make(DAY, _ef_runs(DAY, 10, drop_pct=8.0), _checkins(10, rhr_recent=57))
    result = overtraining.evaluate(ctx)
    assert isinstance(result, Finding)
    assert result.confidence in ("low", "medium")  # Weak cause: never high
    by = {e.metric: e for e in result.evidence}
    assert by["fatigue_days_14d"].value == 10 and "compatible with overreaching" in by["fatigue_days_14d"].text
    assert 6.0 < by["efficiency_drop_pct"].value < 10.0
    assert by["resting_hr_7d_rise_bpm"].value >= 5
    assert any("easier week" in f for f in result.fix)


def test_fatigue_without_an_objective_sign_is_ruled_out_and_a_short_spell_is_normal() -> None:
    steady = overtraining.evaluate(make(DAY, _ef_runs(DAY, 10), _checkins(10)))
    assert isinstance(steady, Ruled) and "pace at the same heart rate held" in steady.why
    spell = overtraining.evaluate(make(DAY, _ef_runs(DAY, 10, drop_pct=8.0), _checkins(4)))
    assert isinstance(spell, Ruled) and "4 of 14" in spell.why


def test_overtraining_needs_check_ins_history_and_heart_rate() -> None:
    no_log = overtraining.evaluate(make(DAY, _ef_runs(DAY, 10, drop_pct=8.0)))
    assert isinstance(no_log, NotAssessed) and no_log.missing == ("heaviness", "fatigue")
    short = overtraining.evaluate(make(DAY, _ef_runs(DAY, 3), _checkins(10)))
    assert isinstance(short, NotAssessed) and "28 days" in short.missing[0]
    no_hr = make(DAY, weeks(DAY, 10, EASY_WEEK), _checkins(10))
    result = overtraining.evaluate(no_hr)
    assert isinstance(result, NotAssessed) and "heart rate" in result.missing[0]


def test_fatigue_through_a_lighter_week_sends_the_runner_to_a_doctor_and_illness_lowers_it() -> None:
    runs = [a for a in _ef_runs(DAY, 10, drop_pct=8.0) if (DAY - a["day"]).days >= 7 or a["km"] <= 8.0]
    ctx = make(DAY, runs, _checkins(14, rhr_recent=57))
    result = overtraining.evaluate(ctx)
    assert isinstance(result, Finding) and "load_7d_pct_of_usual" in metrics_of(result.evidence)
    assert "sports-medicine doctor" in result.fix[0]
    ill = overtraining.evaluate(make(DAY, _ef_runs(DAY, 10, drop_pct=8.0), _checkins(10, 57, illness=1)))
    assert isinstance(ill, Finding) and ill.confidence == "low"
    assert "illness_days_14d" in metrics_of(ill.evidence)


# ---- excess-intensity -----------------------------------------------------------------

def _zoned_weeks(hard: dict[int, float], moderate: float = 0.0, n: int = 6, **extra: object) -> list[dict]:
    """Runs of EASY_WEEK with ``hard[weekday]`` hard minutes and ``moderate`` grey minutes each."""
    out = []
    for a in weeks(DAY, n, EASY_WEEK):
        h = hard.get(a["day"].weekday(), 0.0)
        out.append({**a, **hr(a["minutes"], hard_min=h, moderate_min=moderate), **extra})
    return out


def test_mostly_hard_running_breaks_the_80_20_pattern() -> None:
    runs = _zoned_weeks({0: 25.0, 2: 30.0, 3: 20.0, 6: 30.0}, moderate=15.0)
    result = intensity.evaluate(make(DAY, runs))
    assert isinstance(result, Finding) and result.confidence in ("low", "medium")
    by = {e.metric: e for e in result.evidence}
    assert by["easy_time_share_28d_pct"].value < 70 and "% of your running time" in by["easy_time_share_28d_pct"].text
    assert by["hard_sessions_7d"].value == 4
    assert any("156 bpm" in f for f in result.fix)  # 82 % of 190


def test_all_hard_running_says_none_was_easy_not_only_0_percent() -> None:
    """A self-contradiction of issue 13: "Only 0 % ... was easy" reads as none, so say none."""
    runs = [{**a, **hr(a["minutes"], hard_min=a["minutes"])} for a in weeks(DAY, 6, EASY_WEEK)]
    result = intensity.evaluate(make(DAY, runs))
    assert isinstance(result, Finding)
    texts = [e.text for e in result.evidence]
    assert any(t.startswith("None of your running time") for t in texts), texts
    assert not any(re.search(r"\bOnly 0\b|^0 % of your", t) for t in texts), texts


def test_a_polarised_week_is_ruled_out() -> None:
    result = intensity.evaluate(make(DAY, _zoned_weeks({2: 15.0, 6: 10.0})))
    assert isinstance(result, Ruled) and "was easy" in result.why


def test_runs_without_heart_rate_or_pace_zones_are_not_assessed() -> None:
    result = intensity.evaluate(make(DAY, weeks(DAY, 6, EASY_WEEK)))
    assert isinstance(result, NotAssessed) and "zones" in result.missing[0]
    assert "threshold_pace" in result.how


def test_heart_rate_locked_onto_cadence_is_not_read_as_hard_running() -> None:
    honest = _zoned_weeks({2: 15.0})
    locked = [{**a, **hr(a["minutes"], hard_min=a["minutes"], avg=170.0), "cadence_spm_mean": 171.0}
              for a in honest if a["day"].weekday() in (0, 3, 5)]
    runs = [a for a in honest if a["day"].weekday() not in (0, 3, 5)] + locked
    assert isinstance(intensity.evaluate(make(DAY, runs)), Ruled)


def test_zones_from_a_default_max_hr_lower_confidence_and_say_so() -> None:
    runs = _zoned_weeks({0: 25.0, 2: 30.0, 3: 20.0, 6: 30.0}, moderate=15.0)
    guessed = Profile(max_hr=190, resting_hr=50, lthr=170, estimated={"max_hr": "default (no heart-rate data or age)"})
    result = intensity.evaluate(make(DAY, runs, profile=guessed))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert any("Check your zones first" in f for f in result.fix)


# ---- no-strength-training and strength-overload ---------------------------------------

def _strength_log(words: dict[date, str], fill: str = "none", days: int = 28) -> dict[date, dict]:
    log = {DAY - timedelta(days=i): {"strength": fill} for i in range(days)}
    for d, w in words.items():
        log[d] = {"strength": w}
    return log


def _weekly(weekday: int, word: str, n: int = 5, end: date = DAY) -> dict[date, str]:
    return {d: word for i in range(7 * n) if (d := end - timedelta(days=i)).weekday() == weekday}


def test_no_strength_sessions_in_four_weeks_is_a_low_confidence_finding() -> None:
    result = strength.evaluate_none(make(DAY, weeks(DAY, 6, EASY_WEEK), _strength_log({})))
    assert isinstance(result, Finding) and result.confidence == "low"  # Weak evidence
    assert result.evidence[0].value == 0 and "0 leg strength sessions" in result.evidence[0].text
    assert any("2 lower-body strength sessions" in f for f in result.fix)


def test_upper_body_work_does_not_count_and_two_leg_sessions_a_week_rule_it_out() -> None:
    upper = strength.evaluate_none(make(DAY, weeks(DAY, 6, EASY_WEEK), _strength_log(_weekly(1, "upper"))))
    assert isinstance(upper, Finding) and "upper-body or core sessions do not load the legs" in upper.evidence[0].text
    twice = _weekly(1, "legs-light") | _weekly(3, "legs-heavy")
    result = strength.evaluate_none(make(DAY, weeks(DAY, 6, EASY_WEEK), _strength_log(twice)))
    assert isinstance(result, Ruled) and "2.0 a week" in result.why


def test_base_season_asks_for_two_sessions_a_week() -> None:
    once = _strength_log(_weekly(2, "legs-heavy"))
    assert isinstance(strength.evaluate_none(make(DAY, weeks(DAY, 6, EASY_WEEK), once)), Ruled)
    base = Profile(max_hr=190, resting_hr=50, lthr=170, phase="base")
    result = strength.evaluate_none(make(DAY, weeks(DAY, 6, EASY_WEEK), once, profile=base))
    assert isinstance(result, Finding) and "in your base phase" in result.evidence[0].text


def test_strength_not_recorded_is_not_assessed() -> None:
    ctx = make(DAY, weeks(DAY, 6, EASY_WEEK))
    for fn in (strength.evaluate_none, strength.evaluate_overload):
        result = fn(ctx)
        assert isinstance(result, NotAssessed) and result.missing == ("strength",)
        assert "legs-heavy" in result.how


def test_a_heavy_leg_day_before_the_long_run_is_strength_overload_with_a_day_to_move_it_to() -> None:
    log = _strength_log({DAY - timedelta(days=1): "legs-heavy"})
    result = strength.evaluate_overload(make(DAY, weeks(DAY, 6, EASY_WEEK), log))
    assert isinstance(result, Finding) and result.confidence == "medium"
    ev = result.evidence[0]
    assert ev.metric == "strength_to_key_run_gap_h" and ev.value == 24.0
    assert "heavy leg session on Sat 14 Mar was logged the day before Sun 15 Mar's long run" in ev.text
    assert result.fix[0].startswith("Move the leg session to Friday or earlier")
    intervals = [{**a, **hr(a["minutes"], hard_min=15.0 if a["day"].weekday() == 2 else 0.0)}
                 for a in weeks(DAY, 6, EASY_WEEK)]
    result = strength.evaluate_overload(make(DAY, intervals, log))
    assert isinstance(result, Finding)
    assert result.fix[0].startswith("Move the leg session to Wednesday (a hard-run day: run first")


def test_an_evening_gym_session_before_a_morning_long_run_counts_by_the_clock() -> None:
    gym = act(DAY - timedelta(days=1), 0.0, 60.0, sport="strength", hour=18)
    result = strength.evaluate_overload(make(DAY, [*weeks(DAY, 6, EASY_WEEK), gym]))
    assert isinstance(result, Finding) and result.evidence[0].value == 12.0
    assert "focus not logged" in result.evidence[0].text and result.confidence == "low"


def test_upper_body_and_lifting_after_a_hard_run_are_not_overload() -> None:
    upper = _strength_log({DAY - timedelta(days=1): "upper"})
    result = strength.evaluate_overload(make(DAY, weeks(DAY, 6, EASY_WEEK), upper))
    assert isinstance(result, Ruled) and "No leg strength session" in result.why
    runs = [a for a in weeks(DAY, 6, EASY_WEEK) if a["day"] != DAY]
    runs += [act(DAY, 10.0, 60.0, hour=7, **hr(60.0, hard_min=20.0)),
             act(DAY, 0.0, 60.0, sport="strength", hour=18)]
    after = strength.evaluate_overload(make(DAY, runs, _strength_log({DAY: "legs-heavy"})))
    assert isinstance(after, Ruled)


def test_regular_lifters_feel_less_of_the_same_timing() -> None:
    saturdays = _strength_log(_weekly(5, "legs-heavy"), days=35)
    result = strength.evaluate_overload(make(DAY, weeks(DAY, 6, EASY_WEEK), saturdays))
    assert isinstance(result, Finding) and result.confidence == "low"


def test_a_usual_heavy_leg_day_with_no_key_run_after_it_is_only_low() -> None:
    """Neither C15 flag: no hard or long run within 48 h after it, not new, no spike."""
    runs = [a for a in weeks(DAY, 6, EASY_WEEK) if a["day"] != DAY]  # rest today, Sunday
    routine = _strength_log(_weekly(5, "legs-heavy"), days=35)  # every Saturday, yesterday too
    result = strength.evaluate_overload(make(DAY, runs, routine | {DAY: {"strength": "none", "soreness": 5}}))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert {e.metric for e in result.evidence} == {"heavy_leg_session_48h", "soreness"}
    first = _strength_log({DAY - timedelta(days=1): "legs-heavy"}, days=35)  # first in 3 weeks
    result = strength.evaluate_overload(make(DAY, runs, first))
    assert isinstance(result, Finding) and result.evidence[0].metric == "new_leg_session_48h"


def test_a_heavy_session_logged_on_a_long_run_day_without_clock_times_counts_half() -> None:
    """Lifting after the run is the advised slot and as likely as lifting first."""
    monday = DAY + timedelta(days=1)  # a rest day after Sunday's long run
    log = _strength_log({DAY: "legs-heavy"}) | {monday: {"strength": "none"}}
    same_day = strength.evaluate_overload(make(monday, weeks(DAY, 6, EASY_WEEK), log))
    before = strength.evaluate_overload(
        make(DAY, weeks(DAY, 6, EASY_WEEK), _strength_log({DAY - timedelta(days=1): "legs-heavy"})))
    assert isinstance(same_day, Finding) and isinstance(before, Finding)
    assert "if you lifted first" in same_day.evidence[0].text
    order = ("low", "medium", "high")
    assert order.index(same_day.confidence) < order.index(before.confidence)


# ---- running-form and muscle-imbalance ------------------------------------------------

def _form_runs(cadence_shift: float = 0.0, recent_speed: float | None = None, balance: float = 50.3,
               balance_recent: float | None = None, seed: int = 3, **extra: object) -> list[dict]:
    """13 weeks of flat runs: cadence = 120 + 15 × speed (± 1.5 spm); the last 14 days
    shifted by ``cadence_shift`` and, if given, at ``recent_speed``."""
    rng = np.random.default_rng(seed)
    out = []
    for a in weeks(DAY, 13, EASY_WEEK):
        recent = (DAY - a["day"]).days < 14
        speed = recent_speed if recent and recent_speed else float(rng.uniform(2.6, 3.6))
        cad = 120 + 15 * speed + rng.normal(0, 1.5) + (cadence_shift if recent else 0.0)
        bal = balance_recent if recent and balance_recent is not None else balance + rng.normal(0, 0.3)
        out.append({**a, "speed_mps_mean": speed, "cadence_spm_mean": cad, "gct_balance_left_pct_mean": bal,
                    "form_drift_gct_pct": 1.0 + rng.normal(0, 0.5), **extra})
    return out


def test_cadence_low_for_the_speed_with_knee_pain_is_a_form_finding() -> None:
    log = {DAY - timedelta(days=2): {"pain": 4, "pain_location": "right knee"}}
    result = form.evaluate_form(make(DAY, _form_runs(cadence_shift=-8.0), log))
    assert isinstance(result, Finding) and result.confidence in ("low", "medium")
    cad, pain = result.evidence[0], result.evidence[1]
    assert cad.metric == "cadence_residual_spm" and -10 < cad.value < -6
    assert "below what you usually run at that speed" in cad.text
    assert pain.metric == "knee_hip_pain" and "right knee" in pain.text
    assert "spm" in result.fix[0] and "5-10 %" in result.fix[0]


def test_low_cadence_without_pain_or_drift_and_slow_easy_runs_are_left_alone() -> None:
    alone = form.evaluate_form(make(DAY, _form_runs(cadence_shift=-8.0)))
    assert isinstance(alone, Ruled) and "no reason to change form" in alone.why
    slow = form.evaluate_form(make(DAY, _form_runs(recent_speed=2.5),
                                   {DAY: {"pain": 4, "pain_location": "left hip"}}))
    assert isinstance(slow, Ruled) and "normal for your speed" in slow.why


def test_trail_runs_do_not_count_and_no_cadence_is_not_assessed() -> None:
    trail = [{**a, "sport": "trail_running"} if (DAY - a["day"]).days < 14 else a
             for a in _form_runs(cadence_shift=-12.0)]
    ctx = make(DAY, trail, {DAY: {"pain": 4, "pain_location": "knee"}})
    assert isinstance(form.evaluate_form(ctx), NotAssessed)
    result = form.evaluate_form(make(DAY, weeks(DAY, 8, EASY_WEEK)))
    assert isinstance(result, NotAssessed) and result.missing == ("cadence",) and "FIT" in result.how


def test_a_new_shift_in_ground_contact_balance_is_a_muscle_imbalance() -> None:
    result = form.evaluate_imbalance(make(DAY, _form_runs(balance_recent=52.0)))
    assert isinstance(result, Finding) and result.confidence in ("low", "medium")
    ev = result.evidence[0]
    assert ev.metric == "gct_balance_dev_pp" and ev.value == 2.0 and "left foot" in ev.text
    assert any("single-leg" in f for f in result.fix)


def test_a_steady_small_asymmetry_is_ruled_out_and_no_pod_is_not_assessed() -> None:
    steady = form.evaluate_imbalance(make(DAY, _form_runs(balance=51.2)))
    assert isinstance(steady, Ruled) and "no new shift" in steady.why
    result = form.evaluate_imbalance(make(DAY, weeks(DAY, 8, EASY_WEEK)))
    assert isinstance(result, NotAssessed) and "running-dynamics pod" in result.how


def test_trail_runs_are_left_out_of_balance() -> None:
    runs = _form_runs()
    runs += [act(DAY - timedelta(days=i), 12.0, sport="trail_running", gct_balance_left_pct_mean=54.0)
             for i in (1, 4, 8)]
    assert isinstance(form.evaluate_imbalance(make(DAY, runs)), Ruled)


# ---- worn-shoes -----------------------------------------------------------------------

def _on_shoes(runs: list[dict], pairs: dict[str, float], limit: float | None = None) -> list[dict]:
    """Alternate runs over ``pairs`` (name -> km before these runs), with running km per pair."""
    names, km = list(pairs), dict(pairs)
    out = []
    for i, a in enumerate(sorted(runs, key=lambda r: r["day"])):
        name = names[i % len(names)]
        km[name] += a["km"]
        out.append({**a, "gear_name": name, "gear_km": km[name], "gear_limit_km": limit})
    return out


def test_a_shoe_past_800_km_is_a_low_confidence_finding_with_its_km() -> None:
    runs = _on_shoes(weeks(DAY, 6, EASY_WEEK), {"Pegasus 40": 700.0})
    result = shoes.evaluate(make(DAY, runs))
    assert isinstance(result, Finding) and result.confidence == "low"  # Folk evidence
    by = {e.metric: e for e in result.evidence}
    assert by["shoe_km"].value == 988 and "Pegasus 40 have 988 km" in by["shoe_km"].text
    assert "single_shoe_share_pct" in by  # one pair, no rotation
    assert "988 km" in result.fix[0] and "replace" in result.fix[0]


def test_rotated_shoes_under_500_km_are_ruled_out_and_a_set_limit_is_respected() -> None:
    runs = _on_shoes(weeks(DAY, 6, EASY_WEEK), {"Pegasus": 100.0, "Novablast": 150.0})
    assert isinstance(shoes.evaluate(make(DAY, runs)), Ruled)
    limited = _on_shoes(weeks(DAY, 6, EASY_WEEK), {"Racer": 100.0}, limit=300.0)
    result = shoes.evaluate(make(DAY, limited))
    assert isinstance(result, Finding) and "your own limit" in result.evidence[0].text


def test_a_worn_pair_worn_only_now_and_then_does_not_count() -> None:
    runs = _on_shoes(weeks(DAY, 6, EASY_WEEK), {"Daily": 200.0})
    runs.append({**act(DAY - timedelta(days=9), 6.0), "gear_name": "Old", "gear_km": 950.0})
    assert isinstance(shoes.evaluate(make(DAY, runs)), Ruled)


def test_runs_without_shoes_are_not_assessed() -> None:
    result = shoes.evaluate(make(DAY, weeks(DAY, 6, EASY_WEEK)))
    assert isinstance(result, NotAssessed) and result.missing == ("shoes",)
    assert result.how.startswith("Add your shoes: heavylegs gear add NAME --from DATE")


def test_heavier_legs_since_a_new_pair_point_at_the_shoe() -> None:
    old = [a for a in weeks(DAY, 6, EASY_WEEK) if (DAY - a["day"]).days >= 10]
    new = [a for a in weeks(DAY, 6, EASY_WEEK) if (DAY - a["day"]).days < 10]
    runs = _on_shoes(old, {"Old": 100.0}) + _on_shoes(new, {"Carbon": 0.0})
    log = {DAY - timedelta(days=i): {"heaviness": 6 if i <= 8 else 3} for i in range(40)}  # first run in it: day -8
    result = shoes.evaluate(make(DAY, runs, log))
    assert isinstance(result, Finding)
    ev = result.evidence[0]
    assert ev.metric == "heaviness_rise_since_new_shoe" and ev.value == 3.0 and "Carbon" in ev.text


# ---- a healthy runner -----------------------------------------------------------------

def _healthy(seed: int, end: date = DAY, n_weeks: int = 12) -> tuple[list[dict], dict[date, dict]]:
    """Sensible training with normal day-to-day variability and a complete log: intervals on
    Tuesday, a fuelled long run on Sunday, light leg work after the intervals, two pairs of
    shoes in rotation."""
    rng = np.random.default_rng(seed)
    runs, log = [], {}
    pairs = {"A": 150.0, "B": 300.0}
    for i in range(7 * n_weeks - 1, -1, -1):
        d = end - timedelta(days=i)
        wd = d.weekday()
        log[d] = {"heaviness": int(rng.integers(1, 6)), "fatigue": int(rng.integers(1, 6)),
                  "mood": int(rng.integers(3, 6)), "motivation": int(rng.integers(3, 6)),
                  "sleep_h": float(rng.uniform(7.0, 8.5)), "resting_hr_bpm": int(rng.integers(48, 53)),
                  "hrv_rmssd_ms": float(rng.uniform(55, 70)), "soreness": int(rng.integers(0, 4)),
                  "body_mass_kg": 60.0 + float(rng.normal(0, 0.3)), "carbs_g": int(rng.integers(300, 390)),
                  "strength": {1: "legs-light", 3: "core"}.get(wd, "none")}
        km = {1: 10.0, 2: 8.0, 3: 10.0, 5: 6.0, 6: float(rng.uniform(16, 20))}.get(wd)
        if km is None:
            continue
        speed = float(rng.uniform(2.9, 3.3))
        minutes = km * 1000 / speed / 60
        hard = float(rng.uniform(10, 14)) if wd == 1 else 0.0
        shoe = "A" if len(runs) % 2 else "B"
        pairs[shoe] += km
        runs.append(act(d, km, minutes, hour=7, **hr(minutes, hard_min=hard, moderate_min=float(rng.uniform(2, 6)),
                                                     avg=138 + float(rng.normal(0, 3)) + (10 if wd == 1 else 0)),
                        speed_mps_mean=speed, cadence_spm_mean=120 + 15 * speed + float(rng.normal(0, 1.5)),
                        gct_balance_left_pct_mean=50.3 + float(rng.normal(0, 0.4)),
                        form_drift_gct_pct=1.0 + float(rng.normal(0, 0.6)),
                        elev_loss_m=(120.0 if wd == 6 else 60.0) + float(rng.normal(0, 20)),
                        elev_gain_m=(120.0 if wd == 6 else 60.0), descent_steep_m=float(rng.uniform(0, 20)),
                        temperature_c_mean=float(rng.uniform(6, 20)),
                        decoupling_pct=float(rng.uniform(1, 7)) if wd == 6 else None,
                        gear_name=shoe, gear_km=pairs[shoe]))
        if wd == 6:
            log[d] |= {"pre_run_carbs_g": int(rng.integers(70, 120)), "run_carbs_g": int(minutes / 60 * 45)}
    return runs, log


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_healthy_runner_never_gets_more_than_a_low_confidence_finding(seed: int) -> None:
    runs, log = _healthy(seed)
    for back in range(14):
        day = DAY - timedelta(days=back)
        ctx = make(day, [a for a in runs if a["day"] <= day], {d: v for d, v in log.items() if d <= day})
        for cause in MINE:
            result = EVALUATORS[cause](ctx)
            assert result.cause == cause
            if isinstance(result, Finding):
                assert result.confidence == "low", (day, result)


def test_every_training_cause_is_registered_and_answers_on_an_empty_history() -> None:
    ctx = make(DAY, [])
    for cause in MINE:
        result = EVALUATORS[cause](ctx)
        assert isinstance(result, NotAssessed | Ruled) and result.cause == cause


def test_findings_serialise_to_the_why_json_shape() -> None:
    contexts = [
        (fuel.evaluate, _long_run_context({"run_carbs_g": 20, "pre_run_carbs_g": 30})),
        (overtraining.evaluate, make(DAY, _ef_runs(DAY, 10, drop_pct=8.0), _checkins(10, rhr_recent=57))),
        (form.evaluate_imbalance, make(DAY, _form_runs(balance_recent=52.0))),
        (shoes.evaluate, make(DAY, _on_shoes(weeks(DAY, 6, EASY_WEEK), {"Pegasus": 700.0}))),
        (strength.evaluate_overload, make(DAY, weeks(DAY, 6, EASY_WEEK), _strength_log({DAY - timedelta(days=1): "legs-heavy"}))),
    ]
    for fn, ctx in contexts:
        result = fn(ctx)
        assert isinstance(result, Finding) and 0 < result.score <= 1
        data = json.loads(json.dumps(result.to_json()))
        assert data["evidence"] and all(len(e["window"]) == 2 and e["text"].endswith(".") for e in data["evidence"])
        assert data["fix"]
