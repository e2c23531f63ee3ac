"""dehydration (science.md C09) and electrolyte-imbalance (C10).

Dehydration: physiology Strong, detection Moderate. Measured signal: body mass lost over a
run (pre/post_run_mass_kg; fluid drunk is already inside the post-run mass) above 2 % (ACSM
2007, a caution line, not a disaster line: Goulet 2011/2013). Otherwise the WUT approach
(Cheuvront & Sawka 2005): morning mass > 1 % under the 7-day mean, urine colour ≥ 5/8,
thirst (from notes); two of three = likely. Without any of these only hot long runs, as a
risk. Traps: scale noise (±0.5 kg), glycogen-water after long runs, urine coloured by
B-vitamin supplements, a loss already regained, and a run where mass *rose* (over-drinking,
not dehydration).

Electrolytes: sodium replacement for runs > ~2 h or hot long runs Moderate; electrolytes
as a cause of everyday heavy legs Weak; over-drinking → hyponatraemia Strong (Hew-Butler
2015). Cramps are mostly neuromuscular fatigue (Schwellnus 2009), so they only corroborate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from heavylegs.causes import lifestyle_data as ld
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled, plural
from heavylegs.core.settings import Setting, register

DEHYDRATION = "dehydration"
ELECTROLYTES = "electrolyte-imbalance"
(LOSS_PCT, NOISE, LOOKBACK, MORNING_PCT, URINE, HOT_C, HEAT_MIN, LONG_MIN, HOT_MIN,
 SWEAT_NA, GLYCOGEN_MIN) = register(
    Setting("hydration_mass_loss_pct", 2.0, "% body mass", "Sawka et al. 2007, ACSM position stand (MSSE 39:377)",
            "body mass lost over a run beyond this impairs performance, more so in heat"),
    Setting("hydration_scale_noise_kg", 0.5, "kg", "science.md C09(f)",
            "changes smaller than this are scale noise"),
    Setting("hydration_lookback_days", 3.0, "days", "science.md §0.2 (acute causes 0-72 h)"),
    Setting("hydration_morning_drop_pct", 1.0, "%", "Cheuvront & Sawka 2005, GSSI SSE #97 (WUT)",
            "morning mass below the 7-day mean by more than this"),
    Setting("hydration_urine_dark", 5.0, "1-8 chart", "Cheuvront & Sawka 2005 (WUT)"),
    Setting("hydration_hot_c", 25.0, "°C", "science.md C09(a) [heuristic]",
            "runs at least this warm raise sweat losses"),
    Setting("hydration_heat_run_min", 90.0, "min", "science.md C09(d) [heuristic]",
            "a hot run this long is a dehydration risk even without scale data"),
    Setting("electrolyte_long_run_min", 120.0, "min", "science.md C10(a),(e); ACSM 2007",
            "runs longer than this without sodium"),
    Setting("electrolyte_hot_run_min", 60.0, "min", "science.md C10(e) [heuristic]",
            "a salty sweater's run, or a hot run with cramps, this long counts as a sodium-losing run"),
    Setting("electrolyte_sweat_na_mmol_l", 40.0, "mmol/L", "Baker 2017, Sports Med 47 S1:111 (typical; 10-90)"),
    Setting("hydration_glycogen_run_min", 90.0, "min", "science.md C09(f) [heuristic]",
            "a run this long in the 48 h before makes a morning mass drop glycogen-water, not dehydration"),
)
B_VITAMINS = {"b vitamins": ("b vitamin", "b-vitamin", "b complex", "b-complex", "multivitamin", "riboflavin",
                             "vitamin b")}
THIRST = {"thirst": ("thirst",)}
SALTY = {"salty sweat": ("salty sweat", "salt residue", "salt stain", "salt mark", "salt line", "white residue",
                         "salt crust")}
DRUGS = {"a diuretic": ("diuretic", "furosemide", "thiazide"),
         "an acid-suppressing drug (PPI)": ("ppi", "omeprazole", "lansoprazole", "pantoprazole", "esomeprazole")}


@dataclass(frozen=True, slots=True)
class RunMass:
    day: date
    pre: float
    post: float
    fluid: float | None
    minutes: float | None

    @property
    def loss(self) -> float:
        return self.pre - self.post

    @property
    def pct(self) -> float:
        return 100 * self.loss / self.pre

    @property
    def sweat_l_h(self) -> float | None:
        if not self.minutes:
            return None
        return (self.loss + (self.fluid or 0.0)) / (self.minutes / 60)


def _run_masses(ctx: Context) -> list[RunMass]:
    return ctx.cached("hydration.run_masses", lambda: _find_run_masses(ctx))  # type: ignore[no-any-return]


def _find_run_masses(ctx: Context) -> list[RunMass]:
    days = int(LOOKBACK.value(ctx.overrides))
    win = ctx.window(days)
    rows = win.select("date", ld.num(win, "pre_run_mass_kg").alias("pre"), ld.num(win, "post_run_mass_kg").alias("post"),
                      ld.num(win, "run_fluid_l").alias("fluid")).drop_nulls(["pre", "post"])
    runs = ld.runs_between(ctx, ctx.day - timedelta(days=days - 1), ctx.day)
    longest = dict(runs.group_by("local_date").agg(pl.col("minutes").max()).iter_rows())
    return [RunMass(d, pre, post, fluid, longest.get(d)) for d, pre, post, fluid in rows.iter_rows()]


def _regained(ctx: Context, run: RunMass) -> float | None:
    """A morning mass after the run day that is back to the pre-run mass, or None."""
    later = ld.logged(ctx, "body_mass_kg", (ctx.day - run.day).days) if run.day < ctx.day else None
    if later is None or later.height == 0:
        return None
    kg = float(later["value"][-1])
    return kg if kg >= run.pre - NOISE.value(ctx.overrides) else None


def _run_loss(ctx: Context, masses: list[RunMass], checked: list[str]) -> ld.Ind | None:
    o = ctx.overrides
    found: list[RunMass] = []
    for r in masses:
        if r.loss <= -NOISE.value(o):
            checked.append(f"you gained {-r.loss:.1f} kg during {ld.fmt_day(r.day)}'s run — drinking more than you "
                           "sweat, which is an over-drinking risk (see electrolyte-imbalance), not dehydration")
        elif r.pct > LOSS_PCT.value(o) and r.loss >= NOISE.value(o):
            back = _regained(ctx, r)
            if back is None:
                found.append(r)
            else:
                checked.append(f"{ld.fmt_day(r.day)}'s {r.pct:.1f} % loss was regained (back to {back:.1f} kg since)")
        else:
            checked.append(f"{ld.fmt_day(r.day)}'s run cost {r.pct:.1f} % of body mass")
    if not found:
        return None
    r = max(found, key=lambda x: x.pct)
    drank = f" while drinking {r.fluid:.1f} L" if r.fluid is not None else ""
    ev = Evidence("run_mass_loss_pct", round(r.pct, 2), LOSS_PCT.value(o), (r.day, r.day),
                  f"You weighed {r.pre:.1f} kg before {ld.fmt_day(r.day)}'s run and {r.post:.1f} kg after{drank}: "
                  f"a {r.pct:.1f} % loss, past the 2 % where performance starts to suffer.")
    return "moderate", min(1.0, 0.6 + 0.2 * (r.pct - LOSS_PCT.value(o))), ev


def _weight(ctx: Context, checked: list[str]) -> Evidence | None:
    """Morning mass today vs the mean of the 7 days before (illness days left out)."""
    o = ctx.overrides
    today = ld.value_on(ctx, "body_mass_kg", ctx.day)
    win = ctx.window(7, 1)
    base = win.select(ld.num(win, "illness").fill_null(0.0).alias("ill"), ld.num(win, "body_mass_kg").alias("kg"))
    base = base.filter(pl.col("ill") < 1).drop_nulls("kg")
    if today is None or base.height < 3:
        return None
    mean = float(base["kg"].mean())  # type: ignore[arg-type]
    drop = 100 * (mean - today) / mean
    long_run = ld.runs_between(ctx, ctx.day - timedelta(days=2), ctx.day - timedelta(days=1))
    if drop > MORNING_PCT.value(o) and mean - today >= NOISE.value(o):
        if long_run.height and float(long_run["minutes"].max()) >= GLYCOGEN_MIN.value(o):  # type: ignore[arg-type]
            checked.append(f"this morning's {drop:.1f} % dip in body mass follows a long run, so it is likely "
                           "glycogen and its water, not a fluid deficit")
            return None
        return Evidence("morning_mass_drop_pct", round(drop, 2), MORNING_PCT.value(o), (ctx.day - timedelta(days=7), ctx.day),
                        f"You weighed {today:.1f} kg this morning, {mean - today:.1f} kg ({drop:.1f} %) under your "
                        f"7-day average of {mean:.1f} kg.")
    checked.append(f"morning body mass {today:.1f} kg against a 7-day average of {mean:.1f} kg")
    return None


def _urine(ctx: Context, checked: list[str]) -> Evidence | None:
    o = ctx.overrides
    colour = ld.value_on(ctx, "urine_color", ctx.day)
    if colour is None:
        return None
    if colour < URINE.value(o):
        checked.append(f"urine colour {colour:.0f}/8")
        return None
    if ld.mentions(ctx, B_VITAMINS, 7):
        checked.append(f"urine colour {colour:.0f}/8, but your notes mention B vitamins, which colour urine")
        return None
    return Evidence("urine_color", colour, URINE.value(o), (ctx.day, ctx.day),
                    f"Your urine was {colour:.0f} on the 8-point chart today (5 or darker suggests too little fluid).")


def _wut(ctx: Context, checked: list[str]) -> tuple[ld.Ind | None, list[Evidence], int]:
    """Weight-urine-thirst: (indicator when 2 or 3 agree, their evidence, how many were measurable)."""
    before = len(checked)
    weight, urine = _weight(ctx, checked), _urine(ctx, checked)
    measured = len(checked) - before + sum(1 for e in (weight, urine) if e is not None)  # components judged
    thirst = None
    if ld.mentions(ctx, THIRST, 1):
        thirst = Evidence("thirst_noted", "yes", None, (ctx.day, ctx.day), "Your notes today mention thirst.")
    found = [e for e in (weight, urine, thirst) if e is not None]
    if len(found) < 2:
        if len(found) == 1:
            checked.append(f"only one of weight, urine and thirst pointed to a deficit ({found[0].metric})")
        return None, [], measured
    return ("moderate", 0.7 if len(found) == 2 else 1.0, found[0]), found[1:], measured


def _heat_risk(ctx: Context) -> ld.Ind | None:
    o = ctx.overrides
    runs = ld.runs_between(ctx, ctx.day - timedelta(days=1), ctx.day)
    hot = runs.filter((pl.col("temp_c") >= HOT_C.value(o)) & (pl.col("minutes") >= HEAT_MIN.value(o)))
    if hot.height == 0:
        return None
    r = hot.sort("minutes").row(-1, named=True)
    ev = Evidence("hot_run_min", round(r["minutes"]), HEAT_MIN.value(o), (r["local_date"], r["local_date"]),
                  f"{ld.fmt_day(r['local_date'])}'s run lasted {ld.fmt_minutes(r['minutes'])} at about "
                  f"{r['temp_c']:.0f} °C, long and hot enough to lose a lot of sweat (no scale data to measure it).")
    return "weak", 0.6, ev


def _dehydration_fix(ctx: Context, masses: list[RunMass]) -> tuple[str, ...]:
    mass = ld.body_mass(ctx)
    worst = max(masses, key=lambda r: r.pct, default=None)
    fix = []
    if worst is not None and worst.sweat_l_h and worst.minutes:
        allowed = 0.02 * worst.pre
        sweat = worst.sweat_l_h * worst.minutes / 60
        fix.append(f"You sweat about {worst.sweat_l_h:.1f} L an hour: on a run like {ld.fmt_day(worst.day)}'s "
                   f"drink about {max(0.0, sweat - allowed):.1f} L or more so you lose under {allowed:.1f} kg (2 %).")
    elif mass is not None:
        fix.append(f"On runs over an hour or in heat plan fluid so you lose under {0.02 * mass.kg:.1f} kg (2 %); "
                   "weigh yourself before and after a few runs to learn your sweat rate.")
    if worst is not None and worst.loss > 0:
        fix.append(f"Afterwards replace about 150 % of what you lost with some salt: for {worst.loss:.1f} kg that is "
                   f"{1.25 * worst.loss:.1f}-{1.5 * worst.loss:.1f} L with a salty snack or meal.")
    else:
        fix.append("Rehydrate after runs with about 1.25-1.5 L for every kg lost, with sodium-containing food or drink.")
    fix.append("Start runs well hydrated (pale urine); on short runs in cool weather drink to thirst, and never so "
               "much that you weigh more after a run than before.")
    return tuple(fix)


def evaluate_dehydration(ctx: Context) -> Result:
    checked: list[str] = []
    masses = _run_masses(ctx)
    run = _run_loss(ctx, masses, checked)
    wut, wut_more, measured = _wut(ctx, checked)
    inds = [i for i in (run, wut) if i is not None]
    if not inds:
        if masses or measured:
            return Ruled(DEHYDRATION, "Checked " + "; ".join(checked) + ".")
        heat = _heat_risk(ctx)
        if heat is None:
            return NotAssessed(DEHYDRATION, ("pre_run_mass_kg", "post_run_mass_kg", "body_mass_kg", "urine_color"),
                               "Weigh yourself just before and after a run (pre_run_mass_kg, post_run_mass_kg, with "
                               "run_fluid_l), or log morning body_mass_kg and urine_color (1-8 chart) in the daily log.")
        inds = [heat]
    evidence = [e for _, _, e in inds] + wut_more
    quality = 1.0 if run else 0.7 if wut else 0.35
    s = ld.score(inds)
    # C09: a measured loss or the WUT signs detect it; heat and duration alone are a risk note.
    level = ld.confidence_for(s, quality, "moderate") if run or wut else "low"
    return Finding(DEHYDRATION, s, level, tuple(evidence),
                   _dehydration_fix(ctx, masses))


# -- electrolyte-imbalance -----------------------------------------------------------------

def _overdrink(ctx: Context, masses: list[RunMass]) -> ld.Ind | None:
    o = ctx.overrides
    gained = [r for r in masses if -r.loss >= NOISE.value(o)]
    if not gained:
        return None
    r = max(gained, key=lambda x: -x.loss)
    drank = f" after drinking {r.fluid:.1f} L" if r.fluid is not None else ""
    ev = Evidence("run_mass_gain_kg", round(-r.loss, 2), NOISE.value(o), (r.day, r.day),
                  f"You weighed {r.post:.1f} kg after {ld.fmt_day(r.day)}'s run, {-r.loss:.1f} kg more than before"
                  f"{drank}: you drank more than you sweated, which can dilute blood sodium.")
    return "strong", min(1.0, 0.5 + 0.5 * (-r.loss - NOISE.value(o))), ev


def _salt_runs(ctx: Context) -> pl.DataFrame:
    """Runs of the lookback that lose enough sodium to matter — over ~2 h, or over an hour
    for a salty sweater or in heat with cramps — with the day's electrolytes answer (null:
    not logged)."""
    o = ctx.overrides
    days = int(LOOKBACK.value(o))
    runs = ld.runs_between(ctx, ctx.day - timedelta(days=days - 1), ctx.day)
    salty = bool(ld.mentions(ctx, SALTY, 365))
    cramps = ld.flag_days(ctx, "cramps", days)
    cramped = pl.col("local_date").is_in(cramps + [d - timedelta(days=1) for d in cramps])
    hot = (pl.col("temp_c") >= HOT_C.value(o)).fill_null(False)
    demanding = (pl.col("minutes") >= LONG_MIN.value(o)) | (
        (pl.col("minutes") >= HOT_MIN.value(o)) & (pl.lit(salty) | (hot & cramped)))
    win = ctx.window(days)
    answers = win.select(pl.col("date").alias("local_date"), ld.num(win, "electrolytes").alias("electrolytes"))
    return runs.filter(demanding).join(answers, on="local_date", how="left").sort("minutes")


def _sodium_gap(ctx: Context, run: dict, masses: list[RunMass]) -> ld.Ind:
    o = ctx.overrides
    day, minutes = run["local_date"], run["minutes"]
    hot = run["temp_c"] is not None and run["temp_c"] >= HOT_C.value(o)
    rate = next((m.sweat_l_h for m in masses if m.day == day and m.sweat_l_h), None)
    where = f" at {run['temp_c']:.0f} °C" if hot else ""
    text = f"{ld.fmt_day(day)}'s run lasted {ld.fmt_minutes(minutes)}{where} and you logged no electrolytes"
    if rate:
        na = rate * minutes / 60 * SWEAT_NA.value(o) * 23
        text += f"; at your sweat rate of {rate:.1f} L/h that is roughly {na:,.0f} mg of sodium lost"
    strength = min(1.0, 0.6 + 0.4 * max(0.0, minutes - LONG_MIN.value(o)) / 60 + (0.2 if hot else 0.0))
    ev = Evidence("long_run_without_electrolytes_min", round(minutes), LONG_MIN.value(o), (day, day),
                  text + " (runs over ~2 h or in heat need sodium).")
    return "weak", strength, ev


def _cramps(ctx: Context, day: date) -> ld.Ind | None:
    cramp_days = [d for d in ld.flag_days(ctx, "cramps", int(LOOKBACK.value(ctx.overrides))) if 0 <= (d - day).days <= 1]
    if not cramp_days:
        return None
    ev = Evidence("cramps", "yes", None, (day, cramp_days[-1]),
                  f"You logged cramps on {ld.fmt_day(cramp_days[-1])}; after long efforts cramps are more often "
                  "muscle fatigue than salt, so this only adds a little.")
    return "weak", 0.3, ev


def _salty(ctx: Context) -> ld.Ind | None:
    if not ld.mentions(ctx, SALTY, 365):
        return None
    ev = Evidence("salty_sweater_noted", "yes", None, (ctx.day - timedelta(days=364), ctx.day),
                  "Your notes mention salt marks or salty sweat: you lose more sodium than most runners.")
    return "weak", 0.3, ev


def _drugs(ctx: Context) -> ld.Ind | None:
    found = ld.mentions(ctx, DRUGS, 365)
    if not found:
        return None
    ev = Evidence("electrolyte_medication", ", ".join(found), None, (ctx.day - timedelta(days=364), ctx.day),
                  f"Your notes mention {' and '.join(found)}, which can lower sodium, potassium or magnesium.")
    return "weak", 0.2, ev


def evaluate_electrolytes(ctx: Context) -> Result:
    masses = _run_masses(ctx)
    inds = [i for i in (_overdrink(ctx, masses),) if i]
    demanding = _salt_runs(ctx)
    bare = demanding.filter(pl.col("electrolytes") < 1)
    if bare.height:
        run = bare.row(-1, named=True)
        inds += [_sodium_gap(ctx, run, masses)] + [c for c in (_cramps(ctx, run["local_date"]), _salty(ctx)) if c]
    if not inds:
        return _no_electrolyte_finding(ctx, demanding, masses)
    inds += [d for d in (_drugs(ctx),) if d]
    grade = "strong" if inds[0][0] == "strong" else "weak"
    quality = 1.0 if masses else 0.7
    s = ld.score(inds)
    return Finding(ELECTROLYTES, s, ld.confidence_for(s, quality, grade), tuple(e for _, _, e in inds),
                   _electrolyte_fix(inds))


def _no_electrolyte_finding(ctx: Context, demanding: pl.DataFrame, masses: list[RunMass]) -> Result:
    days = int(LOOKBACK.value(ctx.overrides))
    if ctx.acts.height == 0 and not masses:
        return NotAssessed(ELECTROLYTES, ("runs",), "Import your activity files (FIT, GPX, TCX) or a Strava/Garmin export.")
    unknown = demanding.filter(pl.col("electrolytes").is_null())
    if unknown.height:
        run = unknown.row(-1, named=True)
        return NotAssessed(ELECTROLYTES, ("electrolytes",),
                           f"{ld.fmt_day(run['local_date'])}'s run lasted {ld.fmt_minutes(run['minutes'])}: log whether "
                           "you took electrolytes (electrolytes yes/no) in the daily log or `heavylegs checkin`.")
    runs = ld.runs_between(ctx, ctx.day - timedelta(days=days - 1), ctx.day)
    longest = f"the longest was {ld.fmt_minutes(float(runs['minutes'].max()))}" if runs.height else "there were none"  # type: ignore[arg-type]
    if demanding.height:
        return Ruled(ELECTROLYTES, f"Your long or hot runs of the last {days} days were covered with electrolytes "
                                   f"({plural(demanding.height, 'run')}), and no run ended heavier than it started.")
    cramp = " Cramps you logged came without a long or hot run; they are mostly muscle fatigue." \
        if ld.flag_days(ctx, "cramps", days) else ""
    return Ruled(ELECTROLYTES, f"No run in the last {days} days lasted over 2 h ({longest}) or lost salt in other "
                               "ways that matter (an hour or more as a salty sweater, or hot with cramps), and no run "
                               f"ended heavier than it started.{cramp}")


def _electrolyte_fix(inds: list[ld.Ind]) -> tuple[str, ...]:
    fix = []
    if inds[0][0] == "strong":
        fix.append("Drink to thirst and never so much that you weigh more after a run than before: over-drinking "
                   "dilutes blood sodium (hyponatraemia). Confusion, bad headache or vomiting after a long run "
                   "needs emergency care.")
    fix.append("For runs over ~2 h, in heat, or if you are a salty sweater, take sodium: a sports drink with "
               "20-30 mmol/L (about 460-690 mg per litre), salty food or salt capsules.")
    fix.append("Everyday potassium, magnesium and calcium come from normal food; don't take magnesium or "
               "potassium supplements without a documented deficiency, and take abnormal blood results to a doctor.")
    return tuple(fix)
