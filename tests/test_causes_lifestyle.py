"""The lifestyle causes (hydration, nutrition, energy, labs, circulation) on hand-built
contexts: each signal fires with the runner's own numbers, the traps of its science.md
section do not, missing data is named, clean data is ruled out, old labs are handled, and a
healthy runner never gets more than a low-confidence finding."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs.causes import EVALUATORS, circulation, energy, hydration, labs, nutrition
from heavylegs.causes.base import Context, Finding, NotAssessed, Ruled
from heavylegs.core import daily
from heavylegs.core.logschema import COLUMNS
from heavylegs.core.profile import Profile
from heavylegs.core.settings import REGISTRY

DAY = date(2026, 3, 15)  # a Sunday
MINE = ("dehydration", "electrolyte-imbalance", "low-carbohydrate", "low-protein",
        "low-energy-availability", "iron-deficiency", "vitamin-d-deficiency", "b-vitamin-deficiency",
        "venous-return", "compartment-syndrome", "arterial-disease")
DEVICE = {"fat_g": pl.Float64, "sodium_mg": pl.Float64, "iron_mg": pl.Float64, "active_kcal": pl.Float64}


def ago(n: int) -> date:
    return DAY - timedelta(days=n)


def build(runs: dict[date, dict] | None = None, log: dict[date, dict] | None = None,
          profile: Profile | None = None, day: date = DAY) -> Context:
    """``runs``: date -> {km, min (moving), stop (min stood still), temp, lat}; ``log``: date -> columns."""
    rows = [{"id": i, "start_utc": f"{d.isoformat()}T07:00:00+00:00", "utc_offset_s": 0, "lon_deg": 0.0,
             "lat_deg": r.get("lat", 48.0), "sport": "running", "distance_m": r.get("km", 10.0) * 1000,
             "elapsed_s": (r.get("min", 60.0) + r.get("stop", 0.0)) * 60, "moving_s": r.get("min", 60.0) * 60}
            for i, (d, r) in enumerate(sorted((runs or {}).items()), start=1)]
    acts = pl.DataFrame(rows, schema={"id": pl.Int64, "start_utc": pl.String, "utc_offset_s": pl.Int64,
                                      "lon_deg": pl.Float64, "lat_deg": pl.Float64, "sport": pl.String,
                                      "distance_m": pl.Float64, "elapsed_s": pl.Float64, "moving_s": pl.Float64})
    profile = profile or Profile(weight_kg=70.0)
    acts = daily.with_loads(acts, profile, 0)
    temps = [r.get("temp") for _, r in sorted((runs or {}).items())]
    acts = acts.with_columns(temperature_c_mean=pl.Series(temps, dtype=pl.Float64))
    schema = {c.name: {"INTEGER": pl.Int64, "REAL": pl.Float64}.get(c.sql_type, pl.String) for c in COLUMNS}
    schema |= {"date": pl.Date, **DEVICE}
    frame = pl.DataFrame([{"date": d, **v} for d, v in sorted((log or {}).items())], schema=schema)
    return Context(day=day, daily=daily.build(acts, frame, end=day), acts=acts, profile=profile)


def weeks(n: int = 8, km: float = 10.0, minutes: float = 60.0, **extra: float) -> dict[date, dict]:
    """A run every day but Monday and Friday for ``n`` weeks ending on DAY."""
    out = {}
    for i in range(7 * n):
        d = ago(i)
        if d.weekday() not in (0, 4):
            out[d] = {"km": km, "min": minutes, **extra}
    return out


def daily_log(days: int, **values: object) -> dict[date, dict]:
    return {ago(i): dict(values) for i in range(days)}


def merge(*logs: dict[date, dict]) -> dict[date, dict]:
    out: dict[date, dict] = {}
    for log in logs:
        for d, v in log.items():
            out.setdefault(d, {}).update(v)
    return out


def metrics(result: Finding) -> set[str]:
    return {e.metric for e in result.evidence}


def evidence(result: Finding, metric: str):
    return next(e for e in result.evidence if e.metric == metric)


# -- registry, settings ----------------------------------------------------------------------

def test_all_eleven_causes_are_registered_with_settings_that_carry_unit_and_source() -> None:
    assert set(MINE) <= set(EVALUATORS)
    ours = [s for n, s in REGISTRY.items() if n.split("_")[0] in (
        "hydration", "electrolyte", "carb", "nutrition", "intake", "protein", "lea", "lab", "iron", "vitd",
        "b12", "cecs", "pad", "venous", "circulation", "fatigue", "lifestyle", "body", "pre")]
    assert len(ours) >= 40
    assert all(s.unit and s.source for s in ours)


# -- dehydration -----------------------------------------------------------------------------

def test_run_mass_loss_over_2_percent_is_dehydration_with_the_runners_numbers() -> None:
    log = {ago(1): {"pre_run_mass_kg": 70.0, "post_run_mass_kg": 68.2, "run_fluid_l": 0.4}}
    result = hydration.evaluate_dehydration(build(weeks(minutes=100.0), log))
    assert isinstance(result, Finding) and result.confidence in ("medium", "high")
    loss = evidence(result, "run_mass_loss_pct")
    assert abs(loss.value - 2.57) < 0.01 and "70.0 kg" in loss.text and "68.2 kg" in loss.text
    assert loss.window == (ago(1), ago(1))
    assert any("L an hour" in f for f in result.fix) and any("150 %" in f for f in result.fix)


def test_weight_and_urine_together_are_dehydration_but_one_alone_is_not() -> None:
    base = daily_log(8, body_mass_kg=70.0)
    both = merge(base, {DAY: {"body_mass_kg": 68.9, "urine_color": 6}})
    result = hydration.evaluate_dehydration(build(weeks(), both))
    assert isinstance(result, Finding)
    assert {"morning_mass_drop_pct", "urine_color"} <= metrics(result)
    one = merge(base, {DAY: {"body_mass_kg": 70.0, "urine_color": 6}})
    ruled = hydration.evaluate_dehydration(build(weeks(), one))
    assert isinstance(ruled, Ruled) and "only one" in ruled.why


def test_dehydration_traps_over_drinking_regained_loss_vitamins_glycogen_and_scale_noise() -> None:
    gained = {ago(1): {"pre_run_mass_kg": 70.0, "post_run_mass_kg": 70.8}}
    result = hydration.evaluate_dehydration(build(weeks(), gained))
    assert isinstance(result, Ruled) and "gained 0.8 kg" in result.why
    regained = {ago(2): {"pre_run_mass_kg": 70.0, "post_run_mass_kg": 68.3}, DAY: {"body_mass_kg": 69.9}}
    result = hydration.evaluate_dehydration(build(weeks(), regained))
    assert isinstance(result, Ruled) and "regained" in result.why
    vitamins = merge(daily_log(8, body_mass_kg=70.0), {DAY: {"body_mass_kg": 68.9, "urine_color": 6,
                                                              "notes": "started a B-complex"}})
    assert isinstance(hydration.evaluate_dehydration(build(weeks(), vitamins)), Ruled)
    long_run = weeks()
    long_run[ago(1)] = {"km": 30.0, "min": 170.0}
    glycogen = merge(daily_log(8, body_mass_kg=70.0), {DAY: {"body_mass_kg": 68.9, "urine_color": 6}})
    result = hydration.evaluate_dehydration(build(long_run, glycogen))
    assert isinstance(result, Ruled) and "glycogen" in result.why
    # a light runner's 1.1 % morning dip is only 0.48 kg: inside scale noise, so urine alone remains
    noise = merge(daily_log(8, body_mass_kg=45.0), {DAY: {"body_mass_kg": 44.52, "urine_color": 6}})
    result = hydration.evaluate_dehydration(build(weeks(), noise, Profile(weight_kg=45.0)))
    assert isinstance(result, Ruled) and "only one" in result.why


def test_dehydration_without_scale_or_urine_is_not_assessed_and_heat_is_only_a_low_risk() -> None:
    result = hydration.evaluate_dehydration(build(weeks()))
    assert isinstance(result, NotAssessed)
    assert result.missing == ("pre_run_mass_kg", "post_run_mass_kg", "body_mass_kg", "urine_color")
    hot = weeks()
    hot[ago(1)] = {"km": 18.0, "min": 110.0, "temp": 29.0}
    risk = hydration.evaluate_dehydration(build(hot))
    assert isinstance(risk, Finding) and risk.confidence == "low"
    assert "29 °C" in risk.evidence[0].text


def test_a_morning_mass_without_a_baseline_is_not_a_judgement() -> None:
    result = hydration.evaluate_dehydration(build(weeks(), {DAY: {"body_mass_kg": 70.0}}))
    assert isinstance(result, NotAssessed)


def test_normal_hydration_data_is_ruled_out_naming_the_numbers() -> None:
    log = merge(daily_log(8, body_mass_kg=70.0, urine_color=2),
                {ago(1): {"pre_run_mass_kg": 70.2, "post_run_mass_kg": 69.4}})
    result = hydration.evaluate_dehydration(build(weeks(), log))
    assert isinstance(result, Ruled) and "1.1 %" in result.why and "urine colour 2/8" in result.why


# -- electrolyte-imbalance -------------------------------------------------------------------

def test_long_run_without_electrolytes_is_a_weak_electrolyte_finding() -> None:
    runs = weeks()
    runs[ago(1)] = {"km": 26.0, "min": 150.0}
    log = {ago(1): {"electrolytes": 0, "cramps": 1, "pre_run_mass_kg": 70.0, "post_run_mass_kg": 68.8,
                    "run_fluid_l": 0.8}}
    result = hydration.evaluate_electrolytes(build(runs, log))
    assert isinstance(result, Finding) and result.confidence in ("low", "medium")
    gap = evidence(result, "long_run_without_electrolytes_min")
    assert gap.value == 150 and "2 h 30 min" in gap.text and "mg of sodium" in gap.text
    assert "cramps" in metrics(result) and "fatigue" in evidence(result, "cramps").text
    assert any("20-30 mmol/L" in f for f in result.fix)


def test_gaining_weight_during_a_run_is_an_over_drinking_warning() -> None:
    runs = weeks()
    runs[ago(1)] = {"km": 25.0, "min": 160.0}
    log = {ago(1): {"pre_run_mass_kg": 60.0, "post_run_mass_kg": 61.4, "run_fluid_l": 3.0, "electrolytes": 1}}
    result = hydration.evaluate_electrolytes(build(runs, log, Profile(weight_kg=60.0)))
    assert isinstance(result, Finding) and result.evidence[0].metric == "run_mass_gain_kg"
    assert "61.4 kg" in result.evidence[0].text and any("hyponatraemia" in f for f in result.fix)


def test_electrolyte_traps_cramps_on_short_runs_and_covered_long_runs() -> None:
    cramps = {ago(1): {"cramps": 1}}
    result = hydration.evaluate_electrolytes(build(weeks(), cramps))
    assert isinstance(result, Ruled) and "fatigue" in result.why
    runs = weeks()
    runs[ago(1)] = {"km": 26.0, "min": 150.0}
    covered = hydration.evaluate_electrolytes(build(runs, {ago(1): {"electrolytes": 1}}))
    assert isinstance(covered, Ruled) and "covered" in covered.why


def test_electrolytes_missing_answer_and_missing_runs_are_not_assessed() -> None:
    runs = weeks()
    runs[ago(1)] = {"km": 26.0, "min": 150.0}
    result = hydration.evaluate_electrolytes(build(runs))
    assert isinstance(result, NotAssessed) and result.missing == ("electrolytes",)
    assert isinstance(hydration.evaluate_electrolytes(build()), NotAssessed)


def test_a_salty_sweater_on_a_hot_run_needs_sodium_but_a_plain_hot_hour_does_not() -> None:
    runs = weeks()
    runs[ago(1)] = {"km": 13.0, "min": 75.0, "temp": 28.0}
    log = {ago(1): {"electrolytes": 0}, ago(20): {"notes": "white salt marks on my cap again"}}
    result = hydration.evaluate_electrolytes(build(runs, log))
    assert isinstance(result, Finding) and "28 °C" in result.evidence[0].text
    assert "salty_sweater_noted" in metrics(result) and result.confidence != "high"
    plain = hydration.evaluate_electrolytes(build(runs, {ago(1): {"electrolytes": 0}}))
    assert isinstance(plain, Ruled) and "1 h 15 min" in plain.why
    cramped = hydration.evaluate_electrolytes(build(runs, {ago(1): {"electrolytes": 0, "cramps": 1}}))
    assert isinstance(cramped, Finding) and "cramps" in metrics(cramped)


# -- low-carbohydrate ------------------------------------------------------------------------

def test_carbs_below_the_training_band_most_days_is_low_carbohydrate() -> None:
    log = daily_log(8, carbs_g=250, body_mass_kg=70.0)  # 3.6 g/kg on 60-min days (band 5-7)
    result = nutrition.evaluate_carbs(build(weeks(), log))
    assert isinstance(result, Finding) and result.confidence in ("medium", "high")
    days = evidence(result, "carbs_days_below_band_7d")
    assert days.value == 5 and "3.6 g/kg" in days.text and "70.0 kg" in days.text
    assert any("350-490 g" in f for f in result.fix)  # 5-7 g/kg × 70 kg


def test_low_carb_traps_deliberate_low_carb_and_underreporting_lower_or_explain() -> None:
    log = merge(daily_log(8, carbs_g=250, body_mass_kg=70.0, energy_kcal=1200), {ago(3): {"notes": "keto week"}})
    result = nutrition.evaluate_carbs(build(weeks(), log))
    assert isinstance(result, Finding) and {"low_carb_noted", "energy_kcal_per_kg_7d"} <= metrics(result)
    assert result.confidence != "high" and any("low-carb on purpose" in f for f in result.fix)


def test_a_missing_pre_run_snack_alone_is_only_a_low_finding() -> None:
    runs = weeks(minutes=90.0, km=15.0)
    log = merge(daily_log(8, carbs_g=520, body_mass_kg=70.0), {ago(1): {"pre_run_carbs_g": 15}})
    result = nutrition.evaluate_carbs(build(runs, log))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert result.evidence[0].metric == "runs_without_pre_run_carbs_7d" and "15 g" in result.evidence[0].text


def test_carbs_missing_or_too_few_days_is_not_assessed() -> None:
    result = nutrition.evaluate_carbs(build(weeks(), daily_log(2, carbs_g=300), Profile()))
    assert isinstance(result, NotAssessed) and result.missing == ("carbs_g", "body_mass_kg")
    result = nutrition.evaluate_carbs(build(weeks(), daily_log(3, carbs_g=300)))
    assert isinstance(result, NotAssessed) and result.missing == ("carbs_g",)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(min_value=0.2, max_value=3.0), min_size=7, max_size=7))
def test_carbs_within_the_band_are_always_ruled_out(margins: list[float]) -> None:
    runs = weeks()
    log = {}
    for i, m in enumerate(margins):
        d = ago(i)
        floor = 5.0 if d in runs else 3.0
        log[d] = {"carbs_g": int((floor + m) * 70.0) + 1, "body_mass_kg": 70.0}
    assert isinstance(nutrition.evaluate_carbs(build(runs, log)), Ruled)


# -- low-protein -----------------------------------------------------------------------------

def test_low_daily_protein_is_found_but_capped_at_medium() -> None:
    log = daily_log(8, protein_g=55, protein_meals_g="10;25;20", body_mass_kg=75.0)  # 0.73 g/kg
    result = nutrition.evaluate_protein(build(weeks(), log))
    assert isinstance(result, Finding) and result.confidence in ("low", "medium")
    mean = evidence(result, "protein_7d_mean_g_kg")
    assert mean.value == 0.73 and "55 g a day" in mean.text
    assert any("22 g of protein" in f and "90-150 g" in f for f in result.fix)


def test_enough_protein_badly_spread_is_only_low_and_meals_sum_when_total_missing() -> None:
    log = daily_log(8, protein_meals_g="8;60;40", body_mass_kg=70.0)  # 108 g = 1.5 g/kg, 2 good meals
    result = nutrition.evaluate_protein(build(weeks(), log))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert metrics(result) == {"protein_good_meals_per_day"}


def test_protein_missing_is_not_assessed_and_good_intake_is_ruled_out() -> None:
    result = nutrition.evaluate_protein(build(weeks(), daily_log(8, body_mass_kg=70.0)))
    assert isinstance(result, NotAssessed) and result.missing == ("protein_g",)
    good = daily_log(8, protein_g=120, protein_meals_g="30;35;30;25", body_mass_kg=70.0)
    ruled = nutrition.evaluate_protein(build(weeks(), good))
    assert isinstance(ruled, Ruled) and "1.7 g/kg" in ruled.why


# -- low-energy-availability -----------------------------------------------------------------

def _lea_log(kcal: int, early_kg: float, late_kg: float, **extra: object) -> dict[date, dict]:
    log = {ago(i): {"energy_kcal": kcal, "body_mass_kg": late_kg if i < 7 else early_kg} for i in range(35)}
    return merge(log, {DAY: dict(extra)})


def test_low_energy_with_weight_loss_and_missed_periods_is_found_and_referred() -> None:
    woman = Profile(sex="female", weight_kg=55.0)
    log = merge(_lea_log(1500, 56.5, 54.8), {ago(5): {"menstrual": "missed"}, ago(40): {"menstrual": "missed"},
                                             ago(70): {"menstrual": "missed"}})
    result = energy.evaluate(build(weeks(), log, woman))
    assert isinstance(result, Finding)
    assert {"energy_availability_kcal_kg_ffm", "weight_loss_4wk_pct", "missed_period_months_120d"} <= metrics(result)
    ea = evidence(result, "energy_availability_kcal_kg_ffm")
    assert ea.value < 30 and "rough estimate" in ea.text and "22 % body fat" in ea.text
    assert any("sports physician" in f and "missed periods" in f for f in result.fix)


def test_low_computed_ea_in_a_weight_stable_runner_is_a_logging_error_not_lea() -> None:
    result = energy.evaluate(build(weeks(), _lea_log(1500, 70.0, 70.0)))
    assert isinstance(result, Ruled) and "missing from the log" in result.why
    no_weight = {ago(i): {"energy_kcal": 1500} for i in range(14)}
    low = energy.evaluate(build(weeks(), no_weight))
    assert isinstance(low, Finding) and low.confidence == "low"


def test_missed_periods_without_a_food_log_still_point_to_a_professional() -> None:
    woman = Profile(sex="female", weight_kg=55.0)
    log = {ago(5): {"menstrual": "missed"}, ago(40): {"menstrual": "missed"}, ago(70): {"menstrual": "missed"}}
    result = energy.evaluate(build(weeks(), log, woman))
    assert isinstance(result, Finding) and any("energy_kcal" in f for f in result.fix)


def test_lea_missing_data_and_adequate_intake() -> None:
    result = energy.evaluate(build(weeks(), {}, Profile()))
    assert isinstance(result, NotAssessed) and result.missing == ("energy_kcal", "body_mass_kg")
    ruled = energy.evaluate(build(weeks(), _lea_log(3000, 70.0, 70.0)))
    assert isinstance(ruled, Ruled) and "kcal/kg fat-free mass" in ruled.why


# -- iron-deficiency -------------------------------------------------------------------------

def test_low_ferritin_is_iron_deficiency_with_the_value_and_a_see_your_doctor_fix() -> None:
    result = labs.evaluate_iron(build(weeks(), {ago(10): {"ferritin_ug_l": 18.0}}))
    assert isinstance(result, Finding) and result.confidence == "medium"
    fer = evidence(result, "ferritin_ug_l")
    assert fer.value == 18.0 and "under 20" in fer.text and fer.window == (ago(10), ago(10))
    assert any("doctor" in f and "before taking iron" in f for f in result.fix)


def test_low_ferritin_with_low_haemoglobin_is_the_anaemia_pattern() -> None:
    woman = Profile(sex="female", weight_kg=58.0)
    log = {ago(5): {"ferritin_ug_l": 11.0, "hemoglobin_g_dl": 10.8}}
    result = labs.evaluate_iron(build(weeks(), log, woman))
    assert isinstance(result, Finding) and result.confidence == "high"
    assert "anaemia" in result.evidence[0].text and "hemoglobin_g_dl" in metrics(result)


def test_old_labs_lower_confidence_or_cannot_rule_out() -> None:
    old_low = labs.evaluate_iron(build(weeks(20), {ago(200): {"ferritin_ug_l": 18.0}}))
    assert isinstance(old_low, Finding) and old_low.confidence == "low"
    assert "200 days old" in old_low.fix[0]
    old_ok = labs.evaluate_iron(build(weeks(20), {ago(150): {"ferritin_ug_l": 80.0}}))
    assert isinstance(old_ok, NotAssessed) and "older than 3 months" in old_ok.how
    assert old_ok.missing == ("ferritin_ug_l (from the last 3 months)",)
    ancient = labs.evaluate_iron(build(weeks(), {ago(500): {"ferritin_ug_l": 18.0}}))
    assert isinstance(ancient, NotAssessed) and "too old" in ancient.how


def test_iron_traps_sports_anaemia_and_ferritin_after_hard_exercise() -> None:
    ruled = labs.evaluate_iron(build(weeks(), {ago(3): {"ferritin_ug_l": 70.0, "hemoglobin_g_dl": 11.5}}))
    assert isinstance(ruled, Ruled) and "sports anaemia" in ruled.why and "70 µg/L" in ruled.why
    log = {ago(4): {"rpe": 9}, ago(3): {"ferritin_ug_l": 40.0}}
    result = labs.evaluate_iron(build(weeks(), log))
    assert isinstance(result, NotAssessed) and "rested" in result.missing[0]


def test_no_ferritin_with_fatigue_and_risk_factors_asks_for_a_test() -> None:
    woman = Profile(sex="female", weight_kg=58.0, birth_year=1995)
    log = merge(daily_log(21, fatigue=7, heaviness=6), {ago(30): {"notes": "vegetarian since last year"}})
    result = labs.evaluate_iron(build(weeks(), log, woman))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert "Ask your doctor for a ferritin test" in result.fix[0] and "vegetarian" in result.fix[0]
    quiet = labs.evaluate_iron(build(weeks(), daily_log(21, fatigue=3), woman))
    assert isinstance(quiet, NotAssessed) and quiet.missing == ("ferritin_ug_l",)
    assert "Log a ferritin result (ferritin_ug_l)" in quiet.how and "menstruation" in quiet.how


def test_vitamin_d_without_a_lab_is_never_a_finding_even_when_tired_in_winter() -> None:
    log = daily_log(21, fatigue=7, heaviness=7)
    result = labs.evaluate_vitamin_d(build(weeks(), log))
    assert isinstance(result, NotAssessed) and "winter at about 48° latitude" in result.how


# -- vitamin-d-deficiency --------------------------------------------------------------------

def test_low_vitamin_d_is_found_but_never_above_medium() -> None:
    result = labs.evaluate_vitamin_d(build(weeks(), {ago(20): {"vitamin_d_ng_ml": 14.0}}))
    assert isinstance(result, Finding) and result.confidence == "medium"
    assert "35 nmol/L" in result.evidence[0].text and any("megadoses" in f for f in result.fix)
    insufficient = labs.evaluate_vitamin_d(build(weeks(), {ago(20): {"vitamin_d_ng_ml": 25.0}}))
    assert isinstance(insufficient, Finding) and insufficient.confidence == "low"


def test_vitamin_d_normal_old_and_missing() -> None:
    ok = labs.evaluate_vitamin_d(build(weeks(), {ago(20): {"vitamin_d_ng_ml": 38.0}}))
    assert isinstance(ok, Ruled) and "95 nmol/L" in ok.why
    old = labs.evaluate_vitamin_d(build(weeks(20), {ago(120): {"vitamin_d_ng_ml": 38.0}}))
    assert isinstance(old, NotAssessed) and "older than 3 months" in old.how
    jan = date(2026, 1, 20)
    runs = {jan - timedelta(days=i): {"km": 8.0, "lat": 52.5} for i in range(0, 40, 2)}
    missing = labs.evaluate_vitamin_d(build(runs, {}, day=jan))
    assert isinstance(missing, NotAssessed) and missing.missing == ("vitamin_d_ng_ml",)
    assert "winter at about 52° latitude" in missing.how


# -- b-vitamin-deficiency --------------------------------------------------------------------

def test_low_b12_with_a_vegan_diet_is_found_and_numbness_goes_to_a_doctor_first() -> None:
    log = merge({ago(10): {"b12_pg_ml": 160.0, "notes": "vegan, no supplements"}}, {ago(2): {"symptoms": "tingling"}})
    result = labs.evaluate_b12(build(weeks(), log))
    assert isinstance(result, Finding) and result.confidence in ("low", "medium")
    assert "118 pmol/L" in result.evidence[0].text and "a vegan diet" in evidence(result, "risk_factors").text
    assert "doctor" in evidence(result, "numbness_or_tingling_days_28d").text
    grey = labs.evaluate_b12(build(weeks(), {ago(10): {"b12_pg_ml": 280.0}}))
    assert isinstance(grey, Finding) and grey.confidence == "low" and "methylmalonic" in grey.evidence[0].text


def test_b12_normal_old_and_no_lab() -> None:
    assert isinstance(labs.evaluate_b12(build(weeks(), {ago(10): {"b12_pg_ml": 600.0}})), Ruled)
    old = labs.evaluate_b12(build(weeks(20), {ago(100): {"b12_pg_ml": 600.0}}))
    assert isinstance(old, NotAssessed)
    vegan = merge(daily_log(21, fatigue=7), {ago(40): {"notes": "I'm vegan"}})
    result = labs.evaluate_b12(build(weeks(), vegan))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert "Ask your doctor for a vitamin B12 test" in result.fix[0]


# -- venous-return ---------------------------------------------------------------------------

def _heaviness(run_day: int, rest_day: int) -> dict[date, dict]:
    runs = weeks()
    return {ago(i): {"heaviness": run_day if ago(i) in runs else rest_day} for i in range(28)}


def test_swollen_ankles_varicose_veins_and_heaviness_outside_training_point_to_veins() -> None:
    log = merge(_heaviness(5, 5), {ago(2): {"symptoms": "swelling-both"}, ago(9): {"symptoms": "swelling-both"},
                                   ago(20): {"symptoms": "varicose-veins", "notes": "legs worse at the end of the day"}})
    result = circulation.evaluate_venous(build(weeks(), log))
    assert isinstance(result, Finding) and result.confidence in ("low", "medium")
    assert {"swelling_both_days", "varicose_veins", "vein_pattern_noted", "heaviness_rest_days"} <= metrics(result)
    assert any("compression" in f for f in result.fix) and any("vein clinic" in f for f in result.fix)


def test_venous_traps_training_tied_heaviness_and_one_sided_swelling() -> None:
    tied = merge(_heaviness(7, 2), {ago(2): {"symptoms": "swelling-both"}, ago(9): {"symptoms": "varicose-veins"}})
    result = circulation.evaluate_venous(build(weeks(), tied))
    assert isinstance(result, Ruled) and "follows your training" in result.why
    one_sided = merge(_heaviness(4, 4), {ago(1): {"symptoms": "swelling-left;varicose-veins"}})
    result = circulation.evaluate_venous(build(weeks(), one_sided))
    assert isinstance(result, Ruled) and "only one sign (varicose veins)" in result.why


def test_venous_missing_checkins_and_clean_checkins() -> None:
    result = circulation.evaluate_venous(build(weeks()))
    assert isinstance(result, NotAssessed) and result.missing == ("symptoms", "heaviness")
    assert isinstance(circulation.evaluate_venous(build(weeks(), _heaviness(4, 2))), Ruled)


# -- compartment-syndrome --------------------------------------------------------------------

def _episodes(minutes: list[float], codes: str = "exertional-pain-resolves-with-rest") -> tuple[dict, dict]:
    runs = weeks(minutes=55.0)
    log = daily_log(42, heaviness=3)
    for i, m in enumerate(minutes):
        d = ago(2 + 5 * i)
        runs[d] = {"km": m / 6, "min": m}
        log[d] = {"heaviness": 6, "symptoms": codes}
    return runs, log


def test_exertional_pain_at_a_consistent_run_length_is_the_compartment_pattern() -> None:
    runs, log = _episodes([28.0, 31.0, 26.0, 30.0], "exertional-pain-resolves-with-rest;numbness")
    result = circulation.evaluate_compartment(build(runs, log))
    assert isinstance(result, Finding) and result.confidence in ("medium", "high")
    cv = evidence(result, "exertional_pain_run_cv_pct")
    assert cv.value <= 25 and "26 min-31 min" in cv.text
    assert "exertional_numbness_days" in metrics(result)
    assert "sports-medicine" in result.fix[0] and "under about 21 min" in result.fix[1]


def test_compartment_traps_rest_pain_and_inconsistent_runs() -> None:
    runs, log = _episodes([30.0, 30.0, 30.0], "exertional-pain-resolves-with-rest;pain-at-rest")
    result = circulation.evaluate_compartment(build(runs, log))
    assert isinstance(result, Ruled) and "stress injury" in result.why
    runs, log = _episodes([20.0, 70.0, 40.0])
    loose = circulation.evaluate_compartment(build(runs, log))
    assert isinstance(loose, Finding) and loose.evidence[0].metric == "exertional_pain_runs"


def test_compartment_missing_and_clean() -> None:
    result = circulation.evaluate_compartment(build(weeks()))
    assert isinstance(result, NotAssessed) and result.missing == ("symptoms",)
    clean = circulation.evaluate_compartment(build(weeks(), daily_log(42, heaviness=3)))
    assert isinstance(clean, Ruled) and "42 check-ins" in clean.why


# -- arterial-disease ------------------------------------------------------------------------

def test_claudication_in_an_older_smoker_points_to_a_doctor_for_an_abi() -> None:
    runs, log = _episodes([30.0, 45.0, 20.0])
    log[ago(60)] = {"notes": "smoker, 20 a day"}
    result = circulation.evaluate_arterial(build(runs, log, Profile(weight_kg=80.0, birth_year=1962)))
    assert isinstance(result, Finding) and result.confidence == "medium"
    risk = evidence(result, "pad_risk_group")
    assert risk.value == 64 and "smoking" in risk.text
    assert "ankle-brachial index" in result.fix[0] and "diagnos" not in " ".join(result.fix).lower()


def test_claudication_in_a_young_low_risk_runner_is_low_and_names_entrapment() -> None:
    runs, log = _episodes([30.0, 45.0, 20.0])
    log[ago(60)] = {"notes": "non-smoker; my dad has diabetes"}
    result = circulation.evaluate_arterial(build(runs, log, Profile(weight_kg=65.0, birth_year=1999)))
    assert isinstance(result, Finding) and result.confidence == "low"
    assert "pad_risk_group" not in metrics(result) and "popliteal" in result.fix[0]


def test_claudication_with_risk_factors_but_unknown_age_is_not_called_young() -> None:
    runs, log = _episodes([30.0, 45.0, 20.0])
    log[ago(60)] = {"notes": "smoker, 15 a day; high blood pressure"}
    result = circulation.evaluate_arterial(build(runs, log))
    assert isinstance(result, Finding) and result.confidence == "low"
    factors = evidence(result, "pad_risk_factors")
    assert factors.value == "smoking, high blood pressure" and "age unknown" in factors.text
    assert "popliteal" not in result.fix[0] and "ankle-brachial index" in result.fix[0]
    assert any("birth_year" in f for f in result.fix)


def test_standing_still_longer_on_painful_runs_is_measured_evidence() -> None:
    runs, log = _episodes([30.0, 31.0, 29.0])
    for d, r in runs.items():
        r["stop"] = 6.0 if log.get(d, {}).get("symptoms") else 0.0
    result = circulation.evaluate_compartment(build(runs, log))
    assert isinstance(result, Finding)
    assert evidence(result, "extra_stopped_min").value == 6.0


def test_arterial_missing_and_clean() -> None:
    assert isinstance(circulation.evaluate_arterial(build(weeks())), NotAssessed)
    old = Profile(weight_kg=80.0, birth_year=1950)
    clean = circulation.evaluate_arterial(build(weeks(), daily_log(42, heaviness=2), old))
    assert isinstance(clean, Ruled) and "You are 76" in clean.why


# -- healthy runners -------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_a_healthy_runner_with_normal_variability_gets_nothing_above_low(seed: int) -> None:
    import random

    rnd = random.Random(seed)
    runs = weeks(minutes=rnd.uniform(40, 80))
    log = {}
    for i in range(60):
        d = ago(i)
        floor = 5.0 if d in runs else 3.0
        log[d] = {"heaviness": rnd.randint(1, 5), "fatigue": rnd.randint(1, 5), "sleep_h": rnd.uniform(6.8, 8.5),
                  "body_mass_kg": round(rnd.gauss(68.0, 0.35), 1), "urine_color": rnd.randint(1, 4),
                  "carbs_g": int(68 * rnd.uniform(floor + 0.3, floor + 2.5)), "protein_g": int(68 * rnd.uniform(1.3, 2.0)),
                  "protein_meals_g": ";".join(str(rnd.randint(22, 40)) for _ in range(3)),
                  "energy_kcal": int(rnd.uniform(2500, 3200)), "electrolytes": rnd.randint(0, 1)}
        if d in runs and rnd.random() < 0.3:
            pre = log[d]["body_mass_kg"]
            log[d] |= {"pre_run_mass_kg": pre, "post_run_mass_kg": round(pre - rnd.uniform(0.0, 1.0), 1)}
    log[ago(30)] |= {"ferritin_ug_l": rnd.uniform(40, 150), "vitamin_d_ng_ml": rnd.uniform(30, 60),
                     "b12_pg_ml": rnd.uniform(400, 900)}
    ctx = build(runs, log, Profile(sex=rnd.choice(["female", "male"]), weight_kg=68.0, birth_year=1990))
    for cause in MINE:
        result = EVALUATORS[cause](ctx)
        assert not isinstance(result, Finding) or result.confidence == "low", (cause, result)
