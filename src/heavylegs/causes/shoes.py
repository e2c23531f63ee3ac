"""worn-shoes: worn or unsuitable footwear (science.md C17).

Kilometres on the shoe in use against 800 km (or the runner's own limit from `heavylegs
gear add --limit-km`); between the 500 km note and that mark a pair is only worth checking.
The mileage rule comes from shock-absorption tests (Cook et al. 1985) and no study links a
cut-off to fatigue, so on kilometres alone this is Folk and never above low confidence;
heavier legs that started with a new pair (Weak) and wearing a single pair (rotation:
Malisoux 2015, Moderate for injury) support it. Only shoes carrying a real share of recent running count; runs without a shoe lower
the confidence (unassigned-runs trap). Shoe drop and stack are not stored, so a switch to
a very different shoe is seen only through the heaviness that followed it.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.causes import training_data as td
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled
from heavylegs.core.gear import NOTE_KM, WARN_KM  # 500 / 800 km (Cook 1985; Folk)
from heavylegs.core.settings import Setting, register

CAUSE = "worn-shoes"
IN_USE, MAIN_SHARE, SINGLE, NEW_DAYS, ASSIGNED, RISE = register(
    Setting("shoe_in_use_days", 14.0, "days", "science.md C17 [heuristic]"),
    Setting("shoe_main_share_pct", 30.0, "%", "science.md C17 new_type_flag [heuristic]",
            "share of the last 14 days' km that makes a shoe one in use"),
    Setting("shoe_single_share_pct", 90.0, "%", "Malisoux et al. 2015 (rotation) [heuristic]",
            "share of 30-day km in one pair that counts as no rotation"),
    Setting("shoe_new_days", 14.0, "days", "science.md C17 (first 2 weeks of a new shoe)"),
    Setting("shoe_assigned_min_pct", 50.0, "%", "science.md C17(f) [heuristic]",
            "share of 30-day km with a shoe below which confidence drops"),
    Setting("shoe_heaviness_rise", 2.0, "0-10", "science.md C17 (symptoms that start with a shoe) [heuristic]"),
)
HOW = ("Add your shoes: heavylegs gear add NAME --from DATE (runs between the dates without "
       "explicit gear are counted on it).")
Ind = tuple[str, float, Evidence]


def _shoes(ctx: Context) -> tuple[pl.DataFrame, pl.DataFrame, float]:
    """Per shoe: km now, limit, first use, share of the last 14 and 30 days' km; and the
    share of 30-day km with a shoe."""
    o = ctx.overrides
    runs = td.runs(ctx)
    runs = runs.with_columns(gear=td.text(runs, "gear_name"), gkm=td.num(runs, "gear_km"),
                             glim=td.num(runs, "gear_limit_km"), dist=td.num(runs, "distance_m"))
    last30 = td.between(runs, ctx.day - timedelta(days=29), ctx.day)
    use_from = ctx.day - timedelta(days=int(IN_USE.value(o)) - 1)
    total30 = float(last30["dist"].fill_null(0).sum()) or 1.0
    total14 = float(last30.filter(pl.col("local_date") >= use_from)["dist"].fill_null(0).sum()) or 1.0
    per = runs.drop_nulls("gear").group_by("gear").agg(
        km=pl.col("gkm").max(), limit=pl.col("glim").drop_nulls().last(), first=pl.col("local_date").min(),
        share30=pl.col("dist").filter(pl.col("local_date") >= ctx.day - timedelta(days=29)).sum() / total30,
        share14=pl.col("dist").filter(pl.col("local_date") >= use_from).sum() / total14)
    assigned = float(last30.drop_nulls("gear")["dist"].fill_null(0).sum()) / total30
    return last30, per.filter(pl.col("share14") * 100 >= MAIN_SHARE.value(o)).sort("km"), assigned


def _limits(shoe: dict, o: dict) -> tuple[float, float]:
    warn = shoe["limit"] or WARN_KM.value(o)
    return min(NOTE_KM.value(o), warn), warn


def _worn(shoe: dict, o: dict, window: tuple) -> Ind | None:
    """Past the replacement mark (800 km or the runner's own limit). Between the 500 km note
    and that mark a shoe is only worth checking: no finding on kilometres alone (C17(b))."""
    _, warn = _limits(shoe, o)
    if shoe["km"] is None or shoe["km"] <= warn:
        return None
    past = "your own limit" if shoe["limit"] else "the usual 500-800 km replacement range"
    return ("folk", 1.0, Evidence(
        "shoe_km", round(shoe["km"]), warn, window,
        f"Your {shoe['gear']} have {shoe['km']:.0f} km on them ({shoe['share14'] * 100:.0f} % of your running "
        f"in the last 2 weeks), past {past} ({warn:.0f} km)."))


def _new_shoe(ctx: Context, shoe: dict, o: dict) -> Ind | None:
    """Heaviness since a new shoe's first run vs the 28 days before it."""
    first = shoe["first"]
    if (ctx.day - first).days >= NEW_DAYS.value(o) or "heaviness" not in ctx.daily.columns:
        return None
    since = ctx.daily.filter(pl.col("date") >= first)["heaviness"].drop_nulls()
    prior = ctx.daily.filter(pl.col("date").is_between(first - timedelta(days=28), first - timedelta(days=1)))
    before = prior["heaviness"].drop_nulls()
    if since.len() < 3 or before.len() < 7:
        return None
    now, was = float(since.mean()), float(before.mean())  # type: ignore[arg-type]
    rise = now - was
    if rise < RISE.value(o):
        return None
    return ("weak", 1.0, Evidence(
        "heaviness_rise_since_new_shoe", round(rise, 1), RISE.value(o), (first - timedelta(days=28), ctx.day),
        f"Since you started running in the {shoe['gear']} on {td.fmt_day(first)} your legs have felt "
        f"heavier: {now:.1f}/10 on average, against {was:.1f} before."))


def evaluate(ctx: Context) -> Result:
    o = dict(ctx.overrides)
    last30, shoes, assigned = _shoes(ctx)
    if last30.height == 0:
        return Ruled(CAUSE, "No runs in the last 30 days, so shoes cannot be weighing on your legs.")
    if assigned == 0 or shoes.height == 0:
        return NotAssessed(CAUSE, ("shoes",), HOW)
    window = (ctx.day - timedelta(days=int(IN_USE.value(o)) - 1), ctx.day)
    found: list[Ind] = []
    for shoe in shoes.iter_rows(named=True):
        found += [i for i in (_worn(shoe, o, window), _new_shoe(ctx, shoe, o)) if i]
    main = shoes.sort("share30").row(-1, named=True)
    if not found:
        top = shoes.row(-1, named=True)
        note, warn = _limits(top, o)
        check = (f", past the {note:.0f} km mark: press the midsole and replace them if they feel flat"
                 if (top["km"] or 0) > note else "")
        return Ruled(CAUSE, f"Your {top['gear']}, the pair in use with the most km, have {top['km'] or 0:.0f} km "
                            f"(replace around {warn:.0f} km){check}; no new pair coincided with heavier legs.")
    if main["share30"] * 100 >= SINGLE.value(o):
        found.append(("weak", 0.5, Evidence(
            "single_shoe_share_pct", round(main["share30"] * 100), SINGLE.value(o),
            (ctx.day - timedelta(days=29), ctx.day),
            f"{main['share30'] * 100:.0f} % of your last 30 days' running was in one pair; runners who rotate "
            f"pairs had 39 % fewer injuries in one study.")))
    sc = td.score(found)
    grade = "weak" if any(e.metric == "heaviness_rise_since_new_shoe" for _, _, e in found) else "folk"
    quality = 1.0 if assigned * 100 >= ASSIGNED.value(o) else 0.6
    return Finding(CAUSE, sc, td.confidence_for(sc, quality, grade), tuple(e for _, _, e in found), _fix(shoes))


def _fix(shoes: pl.DataFrame) -> tuple[str, ...]:
    top = shoes.row(-1, named=True)
    return (f"Your {top['gear']} have {top['km'] or 0:.0f} km: press the midsole and look at the wear. If it "
            "feels flat, shows deep creases or wears unevenly, replace the pair.",
            "Rotate two or more pairs, and phase a new or very different shoe in over 2-4 weeks, "
            "starting with short easy runs.")
