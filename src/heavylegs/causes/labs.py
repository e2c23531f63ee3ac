"""iron-deficiency (science.md C18), vitamin-d-deficiency (C19), b-vitamin-deficiency (C20):
causes judged from lab results the runner logs, never diagnosed.

A lab counts fully when it is no older than ~3 months (§0.4, ``lab_max_age_days``). An
older low result still becomes a finding but only at "low" confidence, with a request to
repeat it; an older normal result cannot rule anything out (not assessed, saying so).
Without any result, persistent fatigue plus a risk factor gives a "low" finding whose fix
is "ask your doctor for the test"; otherwise not assessed, naming the test.

Iron: three-stage athlete model (Peeling 2008; Sim 2019; Clénin 2015 for the 15/30 µg/L
lines; WHO Hb cut-offs). Anaemia Strong, non-anaemic deficiency Moderate. Traps: "sports
anaemia" (training dilutes Hb), ferritin raised by inflammation or recent hard exercise.
Vitamin D: Endocrine Society 2011 / IOM 2011 bands; link to heavy legs Weak. Traps: season,
assay differences. B12: < 200 pg/mL low, 200-350 grey zone (MMA/holoTC decide); relevance
Weak. Trap: new numbness or tingling is a red flag first (§3), not a vitamin question.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from heavylegs.causes import lifestyle_data as ld
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled, plural
from heavylegs.core.settings import Setting, register

IRON, VITAMIN_D, B12 = "iron-deficiency", "vitamin-d-deficiency", "b-vitamin-deficiency"
(FER_DEPLETED, FER_LOW, FER_EMPTY, HB_F, HB_M, FER_CONFOUND, HIGH_KM, VD_SEVERE, VD_DEFICIENT,
 VD_SUFFICIENT, VD_LAT, B12_LOW, B12_GREY, B12_AGE) = register(
    Setting("iron_ferritin_depleted_ug_l", 35.0, "µg/L", "Peeling et al. 2008, EJAP 103:381; Sim et al. 2019 (stage 1)"),
    Setting("iron_ferritin_low_ug_l", 20.0, "µg/L", "Sim et al. 2019, EJAP 119:1463 (stage 2, with TSAT < 16 %)"),
    Setting("iron_ferritin_empty_ug_l", 15.0, "µg/L", "Clénin et al. 2015, Swiss Med Wkly (empty stores; stage 3 with low Hb)"),
    Setting("iron_hb_female_g_dl", 12.0, "g/dL", "WHO anaemia cut-off (120 g/L, non-pregnant women)"),
    Setting("iron_hb_male_g_dl", 13.0, "g/dL", "WHO anaemia cut-off (130 g/L, men)"),
    Setting("iron_ferritin_confound_ug_l", 50.0, "µg/L", "science.md C18(b) sanity rule [heuristic]",
            "a normal ferritin under this, drawn after hard exercise or during illness, is not trusted"),
    Setting("iron_high_volume_km_week", 70.0, "km/week", "science.md C18(a) ('high volume') [heuristic]"),
    Setting("vitd_severe_ng_ml", 12.0, "ng/mL", "Institute of Medicine 2011 (deficient)"),
    Setting("vitd_deficient_ng_ml", 20.0, "ng/mL", "Holick et al. 2011, Endocrine Society (JCEM 96:1911)"),
    Setting("vitd_sufficient_ng_ml", 30.0, "ng/mL", "Holick et al. 2011, Endocrine Society"),
    Setting("vitd_winter_latitude_deg", 35.0, "°", "science.md C19(e) (winter sun too weak above ~35°)"),
    Setting("b12_low_pg_ml", 200.0, "pg/mL", "science.md C20(c) (≈ 148 pmol/L; Hannibal et al. 2016)"),
    Setting("b12_grey_zone_pg_ml", 350.0, "pg/mL", "NICE NG239 2024 indeterminate band (verify)"),
    Setting("b12_older_age", 60.0, "years", "science.md C20(a) ('older age') [heuristic]"),
)
IRON_NOTES = {"heavy periods": ("heavy period", "heavy bleeding", "menorrhagia", "heavy flow"),
              "a vegetarian or vegan diet": ("vegetarian", "vegan", "plant-based", "plant based"),
              "blood donation": ("donated blood", "blood donation", "gave blood", "blood donor", "donating blood"),
              "altitude training": ("altitude",),
              "gut problems": ("coeliac", "celiac", "crohn", "colitis", "ulcer")}
SUN_NOTES = {"indoor training": ("treadmill", "indoor", "night shift"),
             "darker skin or little skin exposed to sun": ("dark skin", "darker skin", "covered", "sunscreen")}
B12_NOTES = {"a vegan diet": ("vegan", "plant-based", "plant based"), "metformin": ("metformin",),
             "acid-suppressing medicine": ("ppi", "omeprazole", "lansoprazole", "pantoprazole", "esomeprazole"),
             "gut problems or surgery": ("coeliac", "celiac", "crohn", "gastric bypass", "gastrectomy", "bariatric",
                                         "pernicious")}
Stage = tuple[str, float, str]  # (grade, strength, what the value means)


def _lab_text(lab: ld.Lab, unit: str) -> str:
    ago = {0: "today", 1: "yesterday"}.get(lab.age_days, f"{lab.age_days} days ago")
    return f"{lab.value:g} {unit} on {ld.fmt_day(lab.day)} ({ago})"


def _risk_ind(ctx: Context, risks: list[str]) -> ld.Ind | None:
    if not risks:
        return None
    ev = Evidence("risk_factors", "; ".join(risks), None, (ctx.day - timedelta(days=364), ctx.day),
                  f"Risk factors in your profile and notes: {', '.join(risks)}.")
    return "weak", 0.3, ev


def _no_lab(ctx: Context, cause: str, column: str, test: str, risks: list[str], ask: bool = True) -> Result:
    """Persistent fatigue plus a risk factor (and ``ask``): a low finding asking for the
    test, scored at half weight since fatigue is non-specific; else not assessed."""
    how = f"Log a {test} result ({column}) from a blood test in the daily log" + ld.older_lab(ctx, column) + "."
    if risks:
        how += f" Worth discussing a test with your doctor, given {', '.join(risks)}."
    tired = ld.persistent_fatigue(ctx)
    risk = _risk_ind(ctx, risks)
    if tired is None or risk is None or not ask:
        return NotAssessed(cause, (column,), how)
    inds = [tired, risk]
    s = 0.5 * ld.score(inds)
    fix = (f"Ask your doctor for a {test} test: lasting tiredness with {', '.join(risks)} is a reason to check, "
           f"and log the result as {column}.",)
    return Finding(cause, s, ld.confidence_for(s, 0.3, "weak"), tuple(e for _, _, e in inds), fix)


def _stale(cause: str, lab: ld.Lab, unit: str, test: str) -> NotAssessed:
    return NotAssessed(cause, (f"{lab.column} (from the last 3 months)",),
                       f"Your last {test} result, {_lab_text(lab, unit)}, was normal but is older than 3 months, so it "
                       f"cannot rule this out now; log a recent result ({lab.column}) if you have one.")


def _lab_finding(ctx: Context, cause: str, lab: ld.Lab, stage: Stage, ev: Evidence, extra: list[ld.Ind],
                 fix: list[str], cap: str) -> Finding:
    inds: list[ld.Ind] = [(stage[0], stage[1], ev), *extra]
    tired = ld.persistent_fatigue(ctx)
    inds += [tired] if tired else []
    quality = 1.0
    if not lab.fresh:
        quality = 0.25
        fix = [f"This result is {lab.age_days} days old, older than the 3 months heavylegs trusts: ask for a "
               "repeat test before acting on it.", *fix]
    s = ld.score(inds)
    return Finding(cause, s, ld.confidence_for(s, quality, cap), tuple(e for _, _, e in inds), tuple(fix))


# -- iron ----------------------------------------------------------------------------------

def _weekly_km(ctx: Context) -> float:
    return float(ctx.window(28)["run_distance_m"].sum()) / 4000 if "run_distance_m" in ctx.daily.columns else 0.0


def _iron_risks(ctx: Context) -> list[str]:
    age = ld.age(ctx)
    periods = "menstrual" in ctx.daily.columns and ctx.window(90).filter(pl.col("menstrual") == "period").height > 0
    risks = ["menstruation"] if periods or (ctx.profile.sex == "female" and (age is None or age < 50)) else []
    risks += ld.mentions(ctx, IRON_NOTES, 365)
    km = _weekly_km(ctx)
    if km >= HIGH_KM.value(ctx.overrides):
        risks.append(f"high running volume ({km:.0f} km a week)")
    return risks


def _hb_cut(ctx: Context) -> float:
    return (HB_M if ctx.profile.sex == "male" else HB_F).value(ctx.overrides)


def _iron_stage(ctx: Context, ferritin: float, hb: ld.Lab | None) -> Stage | None:
    o = ctx.overrides
    anaemic = hb is not None and hb.value < _hb_cut(ctx)
    if anaemic and ferritin < FER_EMPTY.value(o):
        return "strong", 1.0, "with low haemoglobin, the pattern of iron-deficiency anaemia (stage 3)"
    if ferritin < FER_EMPTY.value(o):
        return "moderate", 0.9, "under 15 µg/L, where iron stores are empty"
    if ferritin < FER_LOW.value(o):
        return "moderate", 0.75, "under 20 µg/L, low iron stores (a transferrin-saturation test shows whether red-cell production is affected)"
    if ferritin < FER_DEPLETED.value(o):
        return "moderate", 0.55, "under 35 µg/L, depleted iron stores without anaemia (stage 1)"
    return None


def _confounded(ctx: Context, day: date) -> str | None:
    """Why a ferritin drawn on ``day`` may read falsely normal (hard session the day before, illness)."""
    before = ctx.daily.filter(pl.col("date") == day - timedelta(days=1))
    if before.height and "hard_day" in before.columns and bool(before["hard_day"][0]):
        return "the day after a hard session"
    ill = [d for d in ld.flag_days(ctx, "illness", int(ld.LAB_OLD.value(ctx.overrides))) if abs((d - day).days) <= 2]
    return "around an illness" if ill else None


def _hb_matching(ctx: Context, ferritin: ld.Lab | None) -> ld.Lab | None:
    hb = ld.latest_lab(ctx, "hemoglobin_g_dl")
    if hb is None or (ferritin is not None and abs((hb.day - ferritin.day).days) > 90):
        return None
    return hb


def evaluate_iron(ctx: Context) -> Result:
    lab = ld.latest_lab(ctx, "ferritin_ug_l")
    hb = _hb_matching(ctx, lab)
    risks = _iron_risks(ctx)
    if lab is None:
        if hb is not None and hb.value < _hb_cut(ctx):
            return _hb_only(ctx, hb, risks)
        return _no_lab(ctx, IRON, "ferritin_ug_l", "ferritin", risks)
    stage = _iron_stage(ctx, lab.value, hb)
    if stage is None:
        return _iron_normal(ctx, lab, hb)
    ev = Evidence("ferritin_ug_l", lab.value, FER_DEPLETED.value(ctx.overrides), (lab.day, lab.day),
                  f"Your ferritin was {_lab_text(lab, 'µg/L')}: {stage[2]}.")
    extra = [i for i in (_risk_ind(ctx, risks),) if i]
    if hb is not None and hb.value < _hb_cut(ctx):
        extra.append(("moderate", 0.3, Evidence(
            "hemoglobin_g_dl", hb.value, _hb_cut(ctx), (hb.day, hb.day),
            f"Your haemoglobin was {hb.value:g} g/dL, under the {_hb_cut(ctx):g} g/dL anaemia line.")))
    fix = ["See your doctor about this result before taking iron: supplements only after testing and under "
           "guidance, as too much iron is harmful.",
           "Eat iron-rich foods (red meat, fish, legumes, fortified cereals) with vitamin C, and keep tea, coffee "
           "and calcium away from those meals."]
    return _lab_finding(ctx, IRON, lab, stage, ev, extra, fix, "strong" if stage[0] == "strong" else "moderate")


def _hb_only(ctx: Context, hb: ld.Lab, risks: list[str]) -> Finding:
    ev = Evidence("hemoglobin_g_dl", hb.value, _hb_cut(ctx), (hb.day, hb.day),
                  f"Your haemoglobin was {_lab_text(hb, 'g/dL')}, under the {_hb_cut(ctx):g} g/dL anaemia line; "
                  "no ferritin was logged to say whether iron is the reason (training alone can dilute it a little).")
    extra = [i for i in (_risk_ind(ctx, risks),) if i]
    fix = ["Ask your doctor for a ferritin test (with transferrin saturation) to find out why your haemoglobin is low, "
           "and log it as ferritin_ug_l; don't start iron before that."]
    return _lab_finding(ctx, IRON, hb, ("moderate", 0.6, ""), ev, extra, fix, "moderate")


def _iron_normal(ctx: Context, lab: ld.Lab, hb: ld.Lab | None) -> Result:
    if not lab.fresh:
        return _stale(IRON, lab, "µg/L", "ferritin")
    why = _confounded(ctx, lab.day)
    if why and lab.value < FER_CONFOUND.value(ctx.overrides):
        return NotAssessed(IRON, ("ferritin_ug_l (drawn rested)",),
                           f"Your ferritin of {_lab_text(lab, 'µg/L')} was drawn {why}, which can make it read "
                           "falsely normal; repeat it in the morning, rested and well, and log it as ferritin_ug_l.")
    text = f"Your ferritin was {_lab_text(lab, 'µg/L')}, above the 35 µg/L line for depleted iron stores."
    if hb is not None and hb.value < _hb_cut(ctx):
        text += (f" Your haemoglobin of {hb.value:g} g/dL is under {_hb_cut(ctx):g}: with normal ferritin that is often "
                 "dilution from training ('sports anaemia'), but ask your doctor about it.")
    return Ruled(IRON, text)


# -- vitamin D -----------------------------------------------------------------------------

def _dark_months(ctx: Context) -> tuple[float, tuple[int, ...]] | None:
    """(|latitude|, the dark months there) when the runner's recent runs are at ≥ 35°."""
    if ctx.acts.height == 0 or "lat_deg" not in ctx.acts.columns:
        return None
    lats = ctx.acts.filter(pl.col("local_date") > ctx.day - timedelta(days=90))["lat_deg"].drop_nulls()
    if lats.len() == 0:
        return None
    lat = float(lats.median())  # type: ignore[arg-type]
    if abs(lat) < VD_LAT.value(ctx.overrides):
        return None
    return abs(lat), (11, 12, 1, 2, 3) if lat > 0 else (5, 6, 7, 8, 9)


def _winter(ctx: Context) -> str | None:
    dark = _dark_months(ctx)
    if dark is None or ctx.day.month not in dark[1]:
        return None
    return f"winter at about {dark[0]:.0f}° latitude"


def _vitd_risks(ctx: Context) -> list[str]:
    risks = [w for w in (_winter(ctx),) if w] + ld.mentions(ctx, SUN_NOTES, 365)
    if ld.symptom_days(ctx, "bone-pain", 90):
        risks.append("bone pain")
    return risks


def _vitd_stage(ctx: Context, v: float) -> Stage | None:
    o = ctx.overrides
    if v < VD_SEVERE.value(o):
        return "moderate", 1.0, "deficient (under 12 ng/mL)"
    if v < VD_DEFICIENT.value(o):
        return "moderate", 0.8, "deficient (under 20 ng/mL, i.e. 50 nmol/L)"
    if v < VD_SUFFICIENT.value(o):
        return "weak", 0.5, "insufficient (20-29 ng/mL; sufficient is 30 ng/mL, i.e. 75 nmol/L)"
    return None


def evaluate_vitamin_d(ctx: Context) -> Result:
    lab = ld.latest_lab(ctx, "vitamin_d_ng_ml")
    risks = _vitd_risks(ctx)
    if lab is None:
        # no routine testing for healthy adults (Endocrine Society 2024): name the risks, never a finding
        return _no_lab(ctx, VITAMIN_D, "vitamin_d_ng_ml", "vitamin D (25(OH)D)", risks, ask=False)
    stage = _vitd_stage(ctx, lab.value)
    if stage is None:
        if not lab.fresh:
            return _stale(VITAMIN_D, lab, "ng/mL", "vitamin D")
        dark = _dark_months(ctx)
        season = (" It was taken before the dark months and levels fall over winter, so recheck if symptoms persist."
                  if dark and ctx.day.month in dark[1] and lab.day.month not in dark[1] else "")
        return Ruled(VITAMIN_D, f"Your vitamin D was {_lab_text(lab, 'ng/mL')} ({lab.value * 2.496:.0f} nmol/L), "
                                f"at or above the 30 ng/mL sufficiency line.{season}")
    ev = Evidence("vitamin_d_ng_ml", lab.value, VD_SUFFICIENT.value(ctx.overrides), (lab.day, lab.day),
                  f"Your vitamin D (25(OH)D) was {_lab_text(lab, 'ng/mL')}, {lab.value * 2.496:.0f} nmol/L: {stage[2]}.")
    fix = ["Discuss this result with your doctor; a modest daily supplement (commonly 1,000-2,000 IU in winter above "
           "~35° latitude) is typical on their advice — avoid megadoses.",
           "Get some sensible sun on bare skin in the warmer months; compare later results from the same lab, as "
           "assays differ."]
    extra = [i for i in (_risk_ind(ctx, risks),) if i]
    return _lab_finding(ctx, VITAMIN_D, lab, stage, ev, extra, fix, "weak")


# -- B12 -------------------------------------------------------------------------------------

def _b12_risks(ctx: Context) -> list[str]:
    risks = ld.mentions(ctx, B12_NOTES, 365)
    age = ld.age(ctx)
    if age is not None and age >= B12_AGE.value(ctx.overrides):
        risks.append(f"age {age}")
    return risks


def _nerve_note(ctx: Context) -> Evidence | None:
    days = sorted(set(ld.symptom_days(ctx, "numbness", 28) + ld.symptom_days(ctx, "tingling", 28)))
    if not days:
        return None
    return Evidence("numbness_or_tingling_days_28d", len(days), None, (days[0], days[-1]),
                    f"You logged numbness or tingling on {plural(len(days), 'day')}: that needs a doctor's examination first "
                    "(see the warnings above), not something to put down to B12 yourself.")


def evaluate_b12(ctx: Context) -> Result:
    o = ctx.overrides
    lab = ld.latest_lab(ctx, "b12_pg_ml")
    risks = _b12_risks(ctx)
    if lab is None:
        result = _no_lab(ctx, B12, "b12_pg_ml", "vitamin B12", risks)
        if isinstance(result, NotAssessed) and _nerve_note(ctx):
            return NotAssessed(B12, result.missing, result.how + " New numbness or tingling needs a doctor first.")
        return result
    if lab.value >= B12_GREY.value(o):
        if not lab.fresh:
            return _stale(B12, lab, "pg/mL", "B12")
        return Ruled(B12, f"Your vitamin B12 was {_lab_text(lab, 'pg/mL')} ({lab.value * 0.738:.0f} pmol/L), above "
                          "the 350 pg/mL grey zone.")
    low = lab.value < B12_LOW.value(o)
    stage: Stage = ("moderate", 1.0, "low (under 200 pg/mL, about 148 pmol/L)") if low else \
        ("weak", 0.4, "in the 200-350 pg/mL grey zone, where a methylmalonic acid or holotranscobalamin test decides")
    ev = Evidence("b12_pg_ml", lab.value, B12_LOW.value(o), (lab.day, lab.day),
                  f"Your vitamin B12 was {_lab_text(lab, 'pg/mL')}, {lab.value * 0.738:.0f} pmol/L: {stage[2]}.")
    extra = [i for i in (_risk_ind(ctx, risks),) if i]
    nerve = _nerve_note(ctx)
    extra += [("weak", 0.0, nerve)] if nerve else []
    fix = ["See your doctor about this result: they may check methylmalonic acid or holotranscobalamin, folate and "
           "a blood count, and decide on treatment.",
           "If you eat vegan, take a reliable B12 source (fortified foods or a supplement); extra B vitamins do not "
           "help performance once levels are normal."]
    return _lab_finding(ctx, B12, lab, stage, ev, extra, fix, "weak")
