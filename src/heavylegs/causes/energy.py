"""low-energy-availability: relative energy deficiency in sport, REDs (science.md C13).

Harm Strong (IOC consensus: Mountjoy 2014, 2018, 2023); computing energy availability from
consumer logs Weak (Burke 2018: under-reported intake, over-estimated exercise energy), so
confidence tops out at "medium" unless a primary REDs indicator (≥ 3 months of missed
periods) is logged.

    EA = (energy intake − exercise energy) / fat-free mass      kcal/kg FFM/day, 14-day mean
    < 30 low (reproductive and bone markers disturbed, Loucks & Thuma 2003), ~45 adequate

Exercise energy is estimated, not read from a device: running ≈ 1 kcal/kg/km (Margaria
1963) minus the ~1 kcal/kg/h spent at rest anyway; other sports ≈ 5 kcal/kg/h net. Fat-free
mass assumes a typical body-fat share by sex (tunable). The trap the science names: a
weight-stable runner with a computed EA < 30 is more likely a logging error than true LEA,
so a low EA needs corroboration — weight loss, missed periods, bone pain, repeated illness,
or deliberate dieting — before it becomes a finding. Wording stays supportive.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.causes import lifestyle_data as ld
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled, plural
from heavylegs.core.settings import Setting, register

CAUSE = "low-energy-availability"
(EA_LOW, EA_OK, WINDOW, MIN_DAYS, RUN_KCAL, REST_KCAL, OTHER_KCAL, FAT_F, FAT_M, FAT_X,
 LOSS_PCT, MISSED_MONTHS, ILL_EPISODES) = register(
    Setting("lea_low_kcal_kg_ffm", 30.0, "kcal/kg FFM/day", "Loucks & Thuma 2003; IOC REDs consensus 2014/2018"),
    Setting("lea_adequate_kcal_kg_ffm", 45.0, "kcal/kg FFM/day", "IOC REDs consensus 2014/2018"),
    Setting("lea_window_days", 14.0, "days", "science.md C13(b) (7-14-day mean)"),
    Setting("lea_min_intake_days", 7.0, "days", "science.md C13(b) [heuristic]",
            "days with energy_kcal logged in the window before EA is estimated"),
    Setting("lea_run_kcal_per_kg_km", 1.0, "kcal/kg/km", "Margaria et al. 1963, J Appl Physiol 18:367"),
    Setting("lea_rest_kcal_per_kg_h", 1.0, "kcal/kg/h", "1 MET (Ainsworth et al. 2011 Compendium)",
            "resting energy subtracted from exercise energy (C13(b))"),
    Setting("lea_other_net_kcal_per_kg_h", 5.0, "kcal/kg/h", "Ainsworth et al. 2011 (~6 MET) [heuristic]",
            "net energy of non-running sessions"),
    Setting("lea_body_fat_female", 0.22, "fraction", "science.md C13(b) [heuristic]: typical female runner"),
    Setting("lea_body_fat_male", 0.15, "fraction", "science.md C13(b) [heuristic]: typical male runner"),
    Setting("lea_body_fat_other", 0.18, "fraction", "science.md C13(b) [heuristic]"),
    Setting("lea_weight_loss_pct", 2.0, "% in 4 weeks", "science.md C13(e) ('unexplained weight loss') [heuristic]"),
    Setting("lea_missed_periods_months", 3.0, "months", "Mountjoy et al. 2023, BJSM 57:1073 (REDs CAT2 primary indicator)"),
    Setting("lea_illness_episodes", 3.0, "episodes in 90 days", "science.md C13(a) ('frequent illness') [heuristic]"),
)
DIETING = {"deliberate weight loss": ("dieting", "on a diet", "cutting weight", "lose weight", "losing weight",
                                      "calorie deficit", "weight loss")}


def _ffm(ctx: Context, kg: float) -> tuple[float, float]:
    o = ctx.overrides
    fat = {"female": FAT_F, "male": FAT_M}.get(ctx.profile.sex or "", FAT_X).value(o)
    return kg * (1 - fat), fat


def _exercise_kcal(ctx: Context, kg: float) -> dict:
    """Net exercise energy (kcal) per local date of the window."""
    o = ctx.overrides
    first = ctx.day - timedelta(days=int(WINDOW.value(o)) - 1)
    if ctx.acts.height == 0:
        return {}
    acts = ctx.acts.filter(pl.col("local_date").is_between(first, ctx.day))
    acts = acts.with_columns((ld.run_minutes(acts) / 60).alias("h"))
    km = pl.coalesce(ld.num(acts, "distance_m") / 1000, pl.col("h") * 10)  # no distance: 10 km/h
    acts = acts.with_columns(km=km)
    run = kg * (pl.col("km") * RUN_KCAL.value(o) - pl.col("h") * REST_KCAL.value(o)).clip(lower_bound=0)
    other = kg * pl.col("h") * OTHER_KCAL.value(o)
    frame = acts.select(pl.col("local_date").alias("d"), pl.when(pl.col("is_run")).then(run).otherwise(other).alias("k"))
    return dict(frame.group_by("d").agg(pl.col("k").sum()).iter_rows())


def _ea(ctx: Context, mass: ld.Mass) -> tuple[float, Evidence] | None:
    o = ctx.overrides
    days = int(WINDOW.value(o))
    intake = ld.logged(ctx, "energy_kcal", days)
    if intake.height < MIN_DAYS.value(o):
        return None
    spent = _exercise_kcal(ctx, mass.kg)
    ffm, fat = _ffm(ctx, mass.kg)
    eee = [spent.get(d, 0.0) for d in intake["date"].to_list()]
    eaten = float(intake["value"].mean())  # type: ignore[arg-type]
    ea = (eaten - sum(eee) / len(eee)) / ffm
    ev = Evidence("energy_availability_kcal_kg_ffm", round(ea, 1), EA_LOW.value(o), (ctx.day - timedelta(days=days - 1), ctx.day),
                  f"Over {plural(intake.height, 'logged day')} you ate about {eaten:,.0f} kcal and spent about "
                  f"{sum(eee) / len(eee):,.0f} kcal exercising a day, which leaves roughly {ea:.0f} kcal per kg of "
                  f"fat-free mass (assuming {100 * fat:.0f} % body fat; under 30 kcal per kg disturbs hormones and bone, "
                  "about 45 kcal per kg is adequate) — a rough estimate, as food logs and exercise estimates are often off.")
    return ea, ev


def _weight_change(ctx: Context) -> tuple[float, float, float] | None:
    """(% lost, earlier kg, recent kg): the last 7 days' mean vs days 22-35 before."""
    recent, earlier = ld.logged(ctx, "body_mass_kg", 7), ld.logged(ctx, "body_mass_kg", 14, 21)
    if recent.height < 3 or earlier.height < 3:
        return None
    now, then = float(recent["value"].mean()), float(earlier["value"].mean())  # type: ignore[arg-type]
    return 100 * (then - now) / then, then, now


def _missed(ctx: Context) -> ld.Ind | None:
    o = ctx.overrides
    if "menstrual" not in ctx.daily.columns:
        return None
    rows = ctx.window(120).filter(pl.col("menstrual") == "missed")
    months = rows["date"].dt.strftime("%Y-%m").n_unique() if rows.height else 0
    if months == 0:
        return None
    primary = months >= MISSED_MONTHS.value(o)
    ev = Evidence("missed_period_months_120d", months, MISSED_MONTHS.value(o), (ctx.day - timedelta(days=119), ctx.day),
                  f"You marked a missed period in {months} of the last 4 months"
                  + ("; 3 months or more is a key sign of too little energy for training." if primary
                     else "; stress, illness and many other things can also do this."))
    return ("strong", 1.0, ev) if primary else ("moderate", 0.5, ev)


def _illness(ctx: Context) -> ld.Ind | None:
    days = ld.flag_days(ctx, "illness", 90)
    episodes = sum(1 for i, d in enumerate(days) if i == 0 or (d - days[i - 1]).days > 1)
    if episodes < ILL_EPISODES.value(ctx.overrides):
        return None
    ev = Evidence("illness_episodes_90d", episodes, ILL_EPISODES.value(ctx.overrides),
                  (ctx.day - timedelta(days=89), ctx.day),
                  f"You were ill {plural(episodes, 'separate time')} in the last 3 months ({plural(len(days), 'day')} in all).")
    return "weak", 0.5, ev


def _corroboration(ctx: Context, change: tuple[float, float, float] | None) -> tuple[list[ld.Ind], list[ld.Ind]]:
    """(primary signs: weight loss, missed periods, bone pain; secondary: illness, dieting)."""
    o = ctx.overrides
    primary: list[ld.Ind] = []
    if change is not None and change[0] >= LOSS_PCT.value(o):
        pct, then, now = change
        primary.append(("moderate", min(1.0, pct / (2 * LOSS_PCT.value(o))), Evidence(
            "weight_loss_4wk_pct", round(pct, 1), LOSS_PCT.value(o), (ctx.day - timedelta(days=34), ctx.day),
            f"Your morning weight fell from about {then:.1f} kg a month ago to {now:.1f} kg ({pct:.1f} %).")))
    missed = _missed(ctx)
    primary += [missed] if missed else []
    bone = ld.symptom_days(ctx, "bone-pain", 90)
    if bone:
        primary.append(("moderate", 0.5, Evidence(
            "bone_pain_days_90d", len(bone), 1, (bone[0], bone[-1]),
            f"You logged bone pain on {plural(len(bone), 'day')} since {ld.fmt_day(bone[0])}; bone stress injuries are "
            "one of the signs of under-fuelling.")))
    secondary = [i for i in (_illness(ctx),) if i]
    if ld.mentions(ctx, DIETING, 60):
        secondary.append(("weak", 0.3, Evidence(
            "dieting_noted", "yes", None, (ctx.day - timedelta(days=59), ctx.day),
            "Your notes mention trying to lose weight, which easily leaves too little energy for training.")))
    return primary, secondary


def evaluate(ctx: Context) -> Result:
    mass = ld.body_mass(ctx)
    est = _ea(ctx, mass) if mass else None
    change = _weight_change(ctx)
    primary, secondary = _corroboration(ctx, change)
    if est is None:
        if not primary:
            return _not_assessed(mass)
        return _finding(ctx, primary + secondary, 0.6, None)
    ea, ev = est
    signs = primary + secondary
    if ea >= EA_OK.value(ctx.overrides) and primary:
        return _finding(ctx, signs, 0.5, None)
    if ea < EA_LOW.value(ctx.overrides):
        if signs:
            return _finding(ctx, [("weak", 1.0, ev), *signs], 1.0, ea)
        if change is None or change[0] >= LOSS_PCT.value(ctx.overrides) / 2:  # weight not known to be steady
            return _finding(ctx, [("weak", 1.0, ev)], 0.5, ea)
    elif ea < EA_OK.value(ctx.overrides) and signs:
        return _finding(ctx, [("weak", 0.4, ev), *signs], 1.0, ea)
    return Ruled(CAUSE, _ruled_why(ctx, ea, change))


def _ruled_why(ctx: Context, ea: float, change: tuple[float, float, float] | None) -> str:
    weight = (f"your weight changed little ({change[1]:.1f} → {change[2]:.1f} kg over a month)" if change
              else "no weight trend was logged")
    signs = "no missed periods, bone pain, repeated illness or dieting were logged"
    if ea < EA_LOW.value(ctx.overrides):
        return (f"Your log gives an estimated energy availability of {ea:.0f} kcal/kg fat-free mass a day, but "
                f"{weight} and {signs}: in a weight-stable runner that number usually means food is missing from "
                "the log or exercise energy is over-estimated, not a true energy shortage.")
    return f"Estimated energy availability was {ea:.0f} kcal/kg fat-free mass a day, {weight}, and {signs}."


def _not_assessed(mass: ld.Mass | None) -> NotAssessed:
    missing = ("energy_kcal",) + (("body_mass_kg",) if mass is None else ())
    how = ("Log food energy (energy_kcal) on most days for two weeks, in the daily log or by importing a food app "
           "(Cronometer, MyFitnessPal, Apple Health), with your morning body_mass_kg; note missed periods "
           "(menstrual=missed) if they apply.")
    return NotAssessed(CAUSE, missing, how)


def _finding(ctx: Context, inds: list[ld.Ind], quality: float, ea: float | None) -> Finding:
    if ctx.profile.sex == "male":
        quality *= 0.8  # male thresholds are less clear (C13(c))
    grade = "moderate" if any(g == "strong" for g, _, _ in inds) else "weak"
    s = ld.score(inds)
    reasons = [e.metric for _, _, e in inds]
    seen = [w for m, w in (("missed_period", "missed periods"), ("weight_loss", "weight loss you did not plan"),
                           ("bone_pain", "bone pain")) if any(r.startswith(m) for r in reasons)]
    fix = ["Eat more around training — especially carbohydrate before, during and after longer sessions — and "
           "avoid deliberate weight loss during heavy training blocks."]
    if seen:
        fix.append(f"Please see a sports physician or sports dietitian about the {' and '.join(seen)}: they can check "
                   "for low energy availability (REDs) and help you fuel your training; this is common and treatable.")
    else:
        fix.append("If the heaviness persists, a sports dietitian can check whether you eat enough for your training.")
    if ea is None:
        fix.append("To check your energy balance, log what you eat (energy_kcal) for a couple of weeks.")
    return Finding(CAUSE, s, ld.confidence_for(s, quality, grade), tuple(e for _, _, e in inds), tuple(fix))
