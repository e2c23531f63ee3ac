"""glycogen-depletion: metabolic fatigue, glycogen running low in long or hard runs
(science.md C01; carbohydrate targets from C11).

Physiology Strong; detection Moderate with a food log, otherwise only a risk estimate from
duration (Burke 2011; Thomas 2016; Kirwan 1988; Rapoport 2010). Timing: a demanding
session 0-48 h before the day asked about. Runs under 60 min are never blamed; HR-drift is
ignored on hot or hilly runs; carbohydrate is judged only on fully logged days and against
the bottom of the recommended band, so an incomplete log or a normal day does not fire.
Above low confidence only with C01's ``depletion_flag`` (see :func:`depletion_flag`).
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.causes import training_data as td
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled
from heavylegs.causes.intensity import zoned_runs
from heavylegs.core.settings import Setting, register

CAUSE = "glycogen-depletion"
GRADE = "moderate"
(LAG, MIN_RUN, LONG_RUN, RISK_RUN, INRUN, PRE, SHORT, DECOUPLE, DECOUPLE_MIN, STACKED,
 BAND_MOD, BAND_HIGH, BAND_VHIGH, CHO_LIGHT, CHO_MOD, CHO_HIGH, CHO_VHIGH) = register(
    Setting("glycogen_lag_max_h", 48.0, "h", "science.md §4.2 (glycogen: 0-48 h before)"),
    Setting("glycogen_min_run_min", 60.0, "min", "science.md C01(f): shorter runs rarely deplete glycogen"),
    Setting("glycogen_long_run_min", 90.0, "min", "science.md C01(b) depletion_flag (run ≥ 90 min)"),
    Setting("glycogen_unfuelled_risk_min", 120.0, "min", "Rapoport 2010, PLoS Comput Biol",
            "stores last ~90-120 min at marathon effort: risk even without a food log"),
    Setting("run_carbs_min_g_h", 30.0, "g/h", "Burke 2011; Thomas 2016 (30-60 g/h for 1-2.5 h)"),
    Setting("pre_run_carbs_min_g_kg", 1.0, "g/kg", "Thomas 2016 (1-4 g/kg 1-4 h before runs > 60 min)"),
    Setting("glycogen_carb_shortfall_g_kg_day", 1.5, "g/kg/day", "science.md C01(b) [heuristic]",
            "3-day carbohydrate below the bottom of the day's band by this much a day"),
    Setting("decoupling_poor_pct", 10.0, "%", "Friel/TrainingPeaks (science.md §1.10) [Folk/Weak]"),
    Setting("decoupling_min_run_min", 75.0, "min", "science.md C01(b)"),
    Setting("glycogen_stacked_hard_days", 2.0, "days", "Kirwan et al. 1988 [heuristic]",
            "hard or long days in the last 3 that stack glycogen use"),
    Setting("carb_band_moderate_min", 45.0, "min/day", "Burke 2011 bands (moderate ≈ 1 h/day) [mapping]"),
    Setting("carb_band_high_min", 90.0, "min/day", "Burke 2011 bands (high 1-3 h/day) [mapping]"),
    Setting("carb_band_very_high_min", 240.0, "min/day", "Burke 2011 bands (very high > 4 h/day)"),
    Setting("carb_light_min_g_kg", 3.0, "g/kg/day", "Burke 2011; Thomas 2016 (light 3-5)"),
    Setting("carb_moderate_min_g_kg", 5.0, "g/kg/day", "Burke 2011; Thomas 2016 (moderate 5-7)"),
    Setting("carb_high_min_g_kg", 6.0, "g/kg/day", "Burke 2011; Thomas 2016 (high 6-10)"),
    Setting("carb_very_high_min_g_kg", 8.0, "g/kg/day", "Burke 2011; Thomas 2016 (very high 8-12)"),
)
HOW_FUEL = ("Log pre_run_carbs_g and run_carbs_g for runs over an hour, and carbs_g each day, "
            "in the daily log or with `heavylegs checkin`.")

Ind = tuple[str, float, Evidence]


def _minutes(acts: pl.DataFrame) -> pl.Series:
    return (td.num(acts, "moving_s").fill_null(td.num(acts, "elapsed_s")) / 60).fill_null(0.0)


def _band_floor(minutes: float, o: dict) -> float:
    """Bottom of the day's carbohydrate band (g/kg) from its training minutes (C11)."""
    if minutes >= BAND_VHIGH.value(o):
        return CHO_VHIGH.value(o)
    if minutes >= BAND_HIGH.value(o):
        return CHO_HIGH.value(o)
    return CHO_MOD.value(o) if minutes >= BAND_MOD.value(o) else CHO_LIGHT.value(o)


def _in_run(ctx: Context, run: dict, o: dict) -> tuple[Ind | None, str | None]:
    """In-run carbohydrate for a run of 90 min or more: (indicator, what was checked)."""
    if run["minutes"] < LONG_RUN.value(o):
        return None, None
    grams = td.log_number(ctx, "run_carbs_g", run["local_date"])
    if grams is None:
        return None, None
    rate = float(grams) / (run["minutes"] / 60)
    checked = f"{rate:.0f} g/h during {td.fmt_day(run['local_date'])}'s run"
    if rate >= INRUN.value(o):
        return None, checked
    day = run["local_date"]
    ev = Evidence("run_carbs_g_per_h", round(rate, 1), INRUN.value(o), (day, day),
                  f"You took {grams:.0f} g of carbohydrate during {td.fmt_day(day)}'s "
                  f"{td.fmt_duration(run['minutes'] * 60)} run ({rate:.0f} g/h); runs over 90 min "
                  "need 30-60 g/h.")
    return ("moderate", 1.0 if rate < INRUN.value(o) / 2 else 0.7, ev), checked


def _pre_run(ctx: Context, run: dict, mass: float | None, o: dict) -> tuple[Ind | None, str | None]:
    """Carbohydrate in the hours before a run over an hour (C11(b): shorter runs need none)."""
    if run["minutes"] <= MIN_RUN.value(o):
        return None, None
    grams = td.log_number(ctx, "pre_run_carbs_g", run["local_date"])
    if grams is None or mass is None:
        return None, None
    per_kg = float(grams) / mass
    checked = f"{per_kg:.1f} g/kg before it"
    if per_kg >= PRE.value(o):
        return None, checked
    day = run["local_date"]
    ev = Evidence("pre_run_carbs_g_per_kg", round(per_kg, 2), PRE.value(o), (day, day),
                  f"Before {td.fmt_day(day)}'s run you ate {grams:.0f} g of carbohydrate "
                  f"({per_kg:.1f} g/kg); runs over an hour go better on 1-4 g/kg ({mass:.0f}-{4 * mass:.0f} g).")
    return ("moderate", 0.6, ev), checked


def _balance(ctx: Context, mass: float | None, o: dict) -> tuple[Ind | None, str | None]:
    """Carbohydrate of the 3 days before the day asked about vs the bottom of each day's band."""
    days = ctx.window(3, 1)
    if mass is None or "carbs_g" not in days.columns or days.height < 3 or days["carbs_g"].null_count():
        return None, None
    floor = sum(_band_floor(m / 60, o) for m in days["duration_s"].to_list()) * mass
    eaten = float(days["carbs_g"].sum())
    short = (floor - eaten) / mass / 3
    checked = f"{eaten / mass / 3:.1f} g/kg/day of carbohydrate over the 3 days before"
    if short < SHORT.value(o):
        return None, checked
    span = (ctx.day - timedelta(days=3), ctx.day - timedelta(days=1))
    ev = Evidence("carbs_3d_shortfall_g_kg_day", round(short, 2), SHORT.value(o), span,
                  f"Over the 3 days before you ate {eaten / mass / 3:.1f} g/kg of carbohydrate a day, "
                  f"{short:.1f} g/kg a day below the minimum for your training ({floor / mass / 3:.1f} g/kg).")
    return ("moderate", 1.0 if short >= 2 * SHORT.value(o) else 0.8, ev), checked


def _decoupling(ctx: Context, recent: pl.DataFrame, o: dict) -> Ind | None:
    cand = recent.filter((pl.col("minutes") >= DECOUPLE_MIN.value(o)) & ~td.hot_or_hilly(recent, o))
    cand = cand.with_columns(dec=td.num(cand, "decoupling_pct")).drop_nulls("dec").sort("dec")
    if cand.height == 0 or cand["dec"][-1] <= DECOUPLE.value(o):
        return None
    run = cand.row(-1, named=True)
    day = run["local_date"]
    ev = Evidence("decoupling_pct", round(run["dec"], 1), DECOUPLE.value(o), (day, day),
                  f"In the second half of {td.fmt_day(day)}'s {td.fmt_duration(run['minutes'] * 60)} "
                  f"run your pace per heartbeat fell {run['dec']:.0f} % (over 10 % = fading), on a "
                  "run that was neither hot nor hilly.")
    return "weak", 1.0, ev


def _demand(ctx: Context, recent: pl.DataFrame, o: dict) -> tuple[Ind | None, dict | None]:
    """A long run 0-48 h before, or hard/long days stacked (Kirwan 1988)."""
    longest = recent.sort("minutes").row(-1, named=True) if recent.height else None
    stacked = int(ctx.window(3)["hard_day"].sum()) if "hard_day" in ctx.daily.columns else 0
    is_long = longest is not None and longest["minutes"] >= MIN_RUN.value(o)
    if longest is None or not (is_long or stacked >= STACKED.value(o)):
        return None, longest
    said, strength = [], 0.0
    if is_long:
        strength = min(1.0, longest["minutes"] / RISK_RUN.value(o))
        said.append(f"{td.fmt_day(longest['local_date'])}'s run lasted "
                    f"{td.fmt_duration(longest['minutes'] * 60)}, enough to draw heavily on glycogen")
    if stacked >= STACKED.value(o):
        strength = max(strength, 0.8)
        said.append(f"{stacked} of the last 3 days were hard or long, which stacks glycogen use")
    first = ctx.day - timedelta(days=2) if stacked >= STACKED.value(o) else longest["local_date"]
    ev = Evidence("longest_run_48h_min", round(longest["minutes"]), MIN_RUN.value(o),
                  (first, ctx.day), "; ".join(said) + ".")
    return ("weak", strength, ev), longest


def evaluate(ctx: Context) -> Result:
    o = dict(ctx.overrides)
    if td.runs(ctx).height == 0:
        return NotAssessed(CAUSE, ("runs",), td.HOW_IMPORT)
    recent = td.within_lag(ctx, zoned_runs(ctx), -24.0, LAG.value(o))
    recent = recent.with_columns(minutes=_minutes(recent))
    demand, longest = _demand(ctx, recent, o)
    if demand is None:
        what = (f"the longest was {td.fmt_duration(longest['minutes'] * 60)}" if longest else "there were none")
        return Ruled(CAUSE, f"No run in the 48 h before lasted {MIN_RUN.value(o):.0f} min or more ({what}) "
                            "and hard days were not stacked; shorter runs rarely empty glycogen stores.")
    assert longest is not None
    mass = td.body_mass(ctx)
    parts = [_in_run(ctx, longest, o), _pre_run(ctx, longest, mass, o), _balance(ctx, mass, o)]
    fuel = [ind for ind, _ in parts if ind]
    checked = [c for _, c in parts if c]
    drift = _decoupling(ctx, recent, o)
    return _verdict(ctx, demand, fuel, checked, drift, longest, mass)


def _verdict(ctx: Context, demand: Ind, fuel: list[Ind], checked: list[str], drift: Ind | None,
             run: dict, mass: float | None) -> Result:
    o = dict(ctx.overrides)
    if checked and not fuel:
        note = f" The {drift[2].value} % pace/HR fade is more likely heat, fluids or pacing." if drift else ""
        return Ruled(CAUSE, f"The long run was fuelled: {'; '.join(checked)}.{note}")
    if not fuel and drift is None and run["minutes"] < RISK_RUN.value(o):
        what = f"{td.fmt_day(run['local_date'])}'s {td.fmt_duration(run['minutes'] * 60)} run"
        return NotAssessed(CAUSE, ("pre_run_carbs_g", "run_carbs_g", "carbs_g"),
                           f"{what} could have run glycogen low, but no carbohydrate was logged. " + HOW_FUEL)
    indicators = [demand, *fuel] + ([drift] if drift else [])
    s = td.score(indicators)
    quality = 1.0 if fuel else 0.4  # without a food log only a risk estimate (C01(d))
    level = td.confidence_for(s, quality, GRADE) if depletion_flag(fuel, drift) else "low"
    return Finding(CAUSE, s, level, tuple(e for _, _, e in indicators), _fix(run, mass))


def depletion_flag(fuel: list[Ind], drift: Ind | None) -> bool:
    """science.md C01(b) ``depletion_flag``: a run of 90 min or more with under 30 g/h taken
    in it, a 3-day carbohydrate shortfall of 1.5 g/kg a day, or a fade of over 10 % on a run
    over 75 min that was neither hot nor hilly. A long run or a light pre-run meal alone
    (the 1-4 g/kg band is advice, not a detection line) is only a low-confidence note."""
    flags = {"run_carbs_g_per_h", "carbs_3d_shortfall_g_kg_day"}
    return drift is not None or any(ev.metric in flags for _, _, ev in fuel)


def _fix(run: dict, mass: float | None) -> tuple[str, ...]:
    pre = f" (for you about {mass:.0f}-{4 * mass:.0f} g)" if mass else ""
    return (f"Before runs over an hour eat 1-4 g of carbohydrate per kg in the 1-4 h before{pre}; "
            f"during runs of 1-2.5 h take 30-60 g an hour (for a {td.fmt_duration(run['minutes'] * 60)} run "
            f"about {30 * run['minutes'] / 60:.0f}-{60 * run['minutes'] / 60:.0f} g), up to 90 g/h beyond 2.5 h.",
            "After long or hard days refuel quickly (1.0-1.2 g/kg carbohydrate an hour for the first hours, "
            "with about 0.3 g/kg protein) and put an easy or rest day after the long run.",
            "If you are deliberately training low-carb, heavier legs on long runs are the trade-off; "
            "fuel the key sessions.")
