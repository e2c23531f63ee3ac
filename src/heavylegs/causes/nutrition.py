"""low-carbohydrate (science.md C11) and low-protein (C12): the intake side of fuelling.

Carbohydrate: Strong consensus (Burke 2011; Thomas/ACSM-AND-DC 2016), detection Moderate
(log completeness). Each logged day is compared with the bottom of its training band
(3 / 5 / 6 / 8 g/kg for light / ~1 h / 1-3 h / > 4 h days — the bands and their mapping are
the settings of glycogen-depletion, so one number means one thing); flagged when ≥ 3 of
the last 7 days fall below and the week is below on average. Pre-run carbohydrate (1-4 g/kg
before runs over an hour) is a second, weaker signal; alone it is a low-confidence note. The in-run and 48-h view of the same
problem is glycogen-depletion (C01).

Protein: intake ranges Strong (ACSM/AND/DC 2016: 1.2-2.0 g/kg/d; ISSN 2017: 0.25 g/kg or
20-40 g a dose), shortfall as a cause of heavy legs Weak-Moderate, so confidence tops out
at "medium". Traps: food logs under-report (a logged intake below resting needs lowers
confidence and says so), unlogged snacks and shakes, deliberate low-carb eating (said as a
trade-off), an outdated body mass.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.causes import lifestyle_data as ld
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled, plural
from heavylegs.causes.fuel import (
    BAND_HIGH,
    BAND_MOD,
    BAND_VHIGH,
    CHO_HIGH,
    CHO_LIGHT,
    CHO_MOD,
    CHO_VHIGH,
    PRE,
)
from heavylegs.core.settings import Setting, register

CARBS = "low-carbohydrate"
PROTEIN = "low-protein"
(LOW_DAYS, MIN_DAYS, UNDER_KCAL, PRE_RUN_MIN, PRO_MIN, PRO_VERY_LOW, MEAL_G_KG, MEAL_G,
 GOOD_MEALS) = register(
    Setting("carb_low_days_warn", 3.0, "days", "science.md C11(b) (below the band on ≥ 3 of the last 7 days)"),
    Setting("nutrition_min_logged_days", 4.0, "days", "science.md §0.4 [heuristic]",
            "days of the last 7 with intake logged before intake is judged"),
    Setting("intake_underreport_kcal_kg", 25.0, "kcal/kg/day", "science.md C11(f), C12(f) [heuristic] (≈ resting needs)",
            "a logged energy intake below this on average suggests meals are missing from the log"),
    Setting("pre_run_carbs_run_min", 60.0, "min", "Thomas et al. 2016 (pre-exercise carbs for sessions > 60 min)"),
    Setting("protein_min_g_kg", 1.2, "g/kg/day", "ACSM/AND/DC 2016 (MSSE 48:543): 1.2-2.0 g/kg/d"),
    Setting("protein_very_low_g_kg", 0.8, "g/kg/day", "science.md C12(b) (the general-population RDA)"),
    Setting("protein_meal_g_kg", 0.25, "g/kg", "Jäger et al. 2017, ISSN position stand (JISSN 14:20)"),
    Setting("protein_meal_g", 20.0, "g", "Jäger et al. 2017 (20-40 g a dose)",
            "a meal counts when it reaches this or protein_meal_g_kg, whichever is lower"),
    Setting("protein_good_meals_day", 3.0, "meals", "science.md C12(b); ACSM/AND/DC 2016 (every 3-5 h)"),
)
LOW_CARB = {"a low-carbohydrate approach": ("low carb", "low-carb", "keto", "lchf", "carnivore", "train low",
                                            "training low", "fasted")}


def band_floor(minutes: float, o: dict) -> float:
    """Bottom of the day's carbohydrate band (g/kg) from its training minutes (C11)."""
    if minutes >= BAND_VHIGH.value(o):
        return CHO_VHIGH.value(o)
    if minutes >= BAND_HIGH.value(o):
        return CHO_HIGH.value(o)
    return CHO_MOD.value(o) if minutes >= BAND_MOD.value(o) else CHO_LIGHT.value(o)


def underreported(ctx: Context, mass: ld.Mass) -> Evidence | None:
    """Logged energy so low that the food log is probably missing meals (C11(f), C12(f))."""
    kcal = ld.logged(ctx, "energy_kcal", 7)
    if kcal.height < 3:
        return None
    per_kg = float(kcal["value"].mean()) / mass.kg  # type: ignore[arg-type]
    if per_kg >= UNDER_KCAL.value(ctx.overrides):
        return None
    return Evidence("energy_kcal_per_kg_7d", round(per_kg, 1), UNDER_KCAL.value(ctx.overrides),
                    (ctx.day - timedelta(days=6), ctx.day),
                    f"Your log shows only {per_kg:.0f} kcal per kg a day, below what a resting day needs, so some "
                    "food is probably missing from it and these numbers may read low.")


def _missing(column: str, mass: ld.Mass | None, what: str) -> NotAssessed:
    missing = (column,) + (("body_mass_kg",) if mass is None else ())
    how = (f"Log {what} ({column}) on at least 4 days a week in the daily log or `heavylegs checkin`, or import "
           "a food app (Cronometer, MyFitnessPal, Apple Health).")
    if mass is None:
        how += " Log your morning body_mass_kg or set `heavylegs profile set weight_kg=...`."
    return NotAssessed(CARBS if column == "carbs_g" else PROTEIN, missing, how)


# -- low-carbohydrate ------------------------------------------------------------------------

def _carb_days(ctx: Context, mass: ld.Mass) -> pl.DataFrame:
    o = dict(ctx.overrides)
    win = ctx.window(7)
    rows = win.select("date", ld.num(win, "carbs_g").alias("g"), ld.num(win, "duration_s").fill_null(0.0).alias("s"))
    rows = rows.drop_nulls("g")
    floors = [band_floor(s / 60, o) for s in rows["s"].to_list()]
    return rows.with_columns(gkg=pl.col("g") / mass.kg, floor=pl.Series(floors, dtype=pl.Float64))


def _daily_carbs(ctx: Context, days: pl.DataFrame, mass: ld.Mass) -> ld.Ind | None:
    below = int((days["gkg"] < days["floor"]).sum())
    short = float((days["floor"] - days["gkg"]).mean())  # type: ignore[arg-type]
    if below < LOW_DAYS.value(ctx.overrides) or short <= 0:
        return None
    mean, floor = float(days["gkg"].mean()), float(days["floor"].mean())  # type: ignore[arg-type]
    ev = Evidence("carbs_days_below_band_7d", below, LOW_DAYS.value(ctx.overrides), (ctx.day - timedelta(days=6), ctx.day),
                  f"On {below} of {plural(days.height, 'logged day')} you ate less carbohydrate than your training needs: "
                  f"{mean:.1f} g/kg a day on average against a minimum of {floor:.1f} g/kg for those days "
                  f"(using {mass.said()}).")
    strength = min(1.0, 0.5 * below / days.height + 0.5 * min(1.0, short / 1.5))
    return "moderate", strength, ev


def _pre_run(ctx: Context, mass: ld.Mass) -> ld.Ind | None:
    o = ctx.overrides
    runs = ld.runs_between(ctx, ctx.day - timedelta(days=6), ctx.day).filter(pl.col("minutes") > PRE_RUN_MIN.value(o))
    win = ctx.window(7)
    pre = win.select(pl.col("date").alias("local_date"), ld.num(win, "pre_run_carbs_g").alias("pre"))
    runs = runs.join(pre, on="local_date", how="inner").drop_nulls("pre")
    low = runs.filter(pl.col("pre") < PRE.value(o) * mass.kg).sort("local_date")
    if low.height == 0:
        return None
    r = low.row(-1, named=True)
    ev = Evidence("runs_without_pre_run_carbs_7d", low.height, 0, (ctx.day - timedelta(days=6), ctx.day),
                  f"{low.height} of your {plural(runs.height, 'run')} over an hour this week started on less than 1 g/kg of "
                  f"carbohydrate (e.g. {r['pre']:.0f} g before {ld.fmt_day(r['local_date'])}'s "
                  f"{ld.fmt_minutes(r['minutes'])} run; for you 1 g/kg is {mass.kg:.0f} g).")
    return "moderate", 0.6 if low.height >= 2 else 0.4, ev


def evaluate_carbs(ctx: Context) -> Result:
    mass = ld.body_mass(ctx)
    if mass is None:
        return _missing("carbs_g", None, "carbohydrate")
    days = _carb_days(ctx, mass)
    if days.height < MIN_DAYS.value(ctx.overrides):
        return _missing("carbs_g", mass, "carbohydrate")
    daily = _daily_carbs(ctx, days, mass)
    inds = [i for i in (daily, _pre_run(ctx, mass)) if i]
    if not inds:
        below = int((days["gkg"] < days["floor"]).sum())
        mean = float(days["gkg"].mean())  # type: ignore[arg-type]
        return Ruled(CARBS, f"Carbohydrate averaged {mean:.1f} g/kg a day over {days.height} "
                            f"logged days; {plural(below, 'day')} fell below the bottom of their training band, and runs over "
                            "an hour were not started unfuelled.")
    evidence = [e for _, _, e in inds]
    quality = min(1.0, days.height / 7) * (1.0 if mass.fresh else 0.8)
    under = underreported(ctx, mass)
    if under is not None:
        evidence.append(under)
        quality *= 0.6
    chosen = ld.mentions(ctx, LOW_CARB, 28)
    if chosen:
        evidence.append(Evidence("low_carb_noted", chosen[0], None, (ctx.day - timedelta(days=27), ctx.day),
                                 "Your notes mention a low-carbohydrate approach: heavier legs are its expected "
                                 "trade-off, above all on long or hard days."))
    s = ld.score(inds)
    # C11's low_cho_flag is the daily band; light pre-run meals alone are advice (a note).
    level = ld.confidence_for(s, quality, "moderate") if daily else "low"
    return Finding(CARBS, s, level, tuple(evidence), _carb_fix(mass, chosen))


def _carb_fix(mass: ld.Mass, chosen: list[str]) -> tuple[str, ...]:
    kg = mass.kg
    fix = [f"Eat more carbohydrate on training days: about {5 * kg:.0f}-{7 * kg:.0f} g on ~1 h days (5-7 g/kg) and "
           f"{6 * kg:.0f}-{10 * kg:.0f} g on days of 1-3 h (6-10 g/kg); 3-5 g/kg is enough on rest days.",
           f"Before runs over an hour have a carbohydrate meal or snack 1-4 h before ({kg:.0f}-{4 * kg:.0f} g for you); "
           "fuel during runs over 75 min and have carbs with protein soon after hard or long runs."]
    if chosen:
        fix.append("If you eat low-carb on purpose, fuel at least the long and hard sessions.")
    return tuple(fix)


# -- low-protein -----------------------------------------------------------------------------

def _meals(cell: object) -> list[float] | None:
    """``"22;30;15"`` -> [22.0, 30.0, 15.0]; None when empty or unreadable."""
    try:
        meals = [float(x) for x in str(cell).split(";") if x.strip()] if cell else []
    except ValueError:
        return None
    return meals or None


def _protein_days(ctx: Context) -> pl.DataFrame:
    """Per logged day: total protein (protein_g, else the sum of protein_meals_g) and meals."""
    win = ctx.window(7)
    raw = win["protein_meals_g"].to_list() if "protein_meals_g" in win.columns else [None] * win.height
    meals = [_meals(m) for m in raw]
    total = [g if g is not None else (sum(m) if m else None)
             for g, m in zip(ld.num(win, "protein_g").to_list(), meals, strict=True)]
    out = pl.DataFrame({"date": win["date"], "g": pl.Series(total, dtype=pl.Float64),
                        "meals": pl.Series(meals, dtype=pl.List(pl.Float64))})
    return out.drop_nulls("g")


def _protein_total(ctx: Context, days: pl.DataFrame, mass: ld.Mass) -> ld.Ind | None:
    o = ctx.overrides
    mean = float(days["g"].mean()) / mass.kg  # type: ignore[arg-type]
    if mean >= PRO_MIN.value(o):
        return None
    span = float(PRO_MIN.value(o) - PRO_VERY_LOW.value(o))
    strength = min(1.0, 0.5 + 0.5 * (PRO_MIN.value(o) - mean) / span)
    grams = float(days["g"].mean())  # type: ignore[arg-type]
    ev = Evidence("protein_7d_mean_g_kg", round(mean, 2), PRO_MIN.value(o), (ctx.day - timedelta(days=6), ctx.day),
                  f"You ate {mean:.1f} g of protein per kg a day over {plural(days.height, 'logged day')} "
                  f"({grams:.0f} g a day, using {mass.said()}); runners need 1.2-2.0 g/kg.")
    return "moderate", strength, ev


def _meal_spread(ctx: Context, days: pl.DataFrame, mass: ld.Mass) -> tuple[ld.Ind | None, str]:
    o = ctx.overrides
    logged = [m for m in days["meals"].to_list() if m]
    if len(logged) < MIN_DAYS.value(o):
        return None, ""
    dose = min(MEAL_G_KG.value(o) * mass.kg, MEAL_G.value(o))
    good = [sum(1 for g in m if g >= dose) for m in logged]
    few = sum(1 for n in good if n < GOOD_MEALS.value(o))
    said = f"{sum(good) / len(good):.1f} meals a day reached {dose:.0f} g of protein"
    if few < 2 / 3 * len(logged):
        return None, said
    ev = Evidence("protein_good_meals_per_day", round(sum(good) / len(good), 1), GOOD_MEALS.value(o),
                  (ctx.day - timedelta(days=6), ctx.day),
                  f"On {few} of {plural(len(logged), 'day')} fewer than 3 of your meals had {dose:.0f} g of protein or more "
                  f"(about 0.25 g/kg); muscles repair best with a dose like that every 3-5 h.")
    return ("weak", 0.5, ev), said


def evaluate_protein(ctx: Context) -> Result:
    mass = ld.body_mass(ctx)
    days = _protein_days(ctx)
    if mass is None or days.height < MIN_DAYS.value(ctx.overrides):
        return _missing("protein_g", mass, "protein")
    total = _protein_total(ctx, days, mass)
    spread, said = _meal_spread(ctx, days, mass)
    inds = [i for i in (total, spread) if i]
    if not inds:
        mean = float(days["g"].mean()) / mass.kg  # type: ignore[arg-type]
        meals = f"; {said}" if said else ""
        return Ruled(PROTEIN, f"Protein averaged {mean:.1f} g/kg a day over {plural(days.height, 'logged day')} "
                              f"(target 1.2-2.0 g/kg){meals}.")
    evidence = [e for _, _, e in inds]
    quality = min(1.0, days.height / 7) * (1.0 if mass.fresh else 0.8)
    under = underreported(ctx, mass)
    if under is not None:
        evidence.append(under)
        quality *= 0.6
    s = ld.score(inds)
    kg = mass.kg
    fix = (f"Aim for about {0.3 * kg:.0f} g of protein (≈ 0.3 g/kg) at each of 3-4 meals: {1.2 * kg:.0f}-{2.0 * kg:.0f} g "
           "a day for you (1.2-2.0 g/kg), a little more while eating less than you burn.",
           "After long or hard runs have a meal or snack with both protein and carbohydrate within about 2 h.",
           "Eating plant-based? Slightly larger portions or combinations (legumes with grains, soy) reach the same dose.")
    return Finding(PROTEIN, s, ld.confidence_for(s, quality, "weak"), tuple(evidence), fix)
