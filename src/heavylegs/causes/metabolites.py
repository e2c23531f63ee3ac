"""metabolite-accumulation: H⁺ and phosphate from dense high-intensity work, felt during
and for hours after it (science.md C02).

Mechanism Strong. Timing is the whole test: the session must have ended at most 24 h
before the day asked about (the day is timed at its midday), because lactate clears within
about an hour and heaviness that lingers longer is damage, glycogen or accumulated fatigue
(Schwane et al. 1983). A routine hard session is expected fatigue and scores low; only a
session denser than the runner's own usual hard sessions scores higher. Hard minutes come
from HR ≥ LTHR or, for short reps where HR lags, from pace faster than threshold.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from heavylegs.causes import training_data as td
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled
from heavylegs.causes.intensity import HOW_ZONES, zoned, zoned_sessions
from heavylegs.core.settings import Setting, register

CAUSE = "metabolite-accumulation"
GRADE = "strong"
LAG, HARD_MIN, DENSE, BASE_DAYS, RPE_HARD = register(
    Setting("metabolite_lag_max_h", 24.0, "h", "science.md C02 (Schwane 1983): heaviness "
            "> 24 h after a hard session is not metabolites"),
    Setting("metabolite_hard_min", 10.0, "min", "science.md C02 acute_flag [heuristic]",
            "minutes at or above threshold that make a session metabolically dense"),
    Setting("metabolite_dense_ratio", 1.5, "ratio", "science.md §0.3 personal baseline [heuristic]",
            "hard minutes vs the runner's median hard session of the last 60 days"),
    Setting("metabolite_baseline_days", 60.0, "days", "science.md §0.2"),
    Setting("session_rpe_hard", 7.0, "CR-10", "science.md C04 (hard session: sRPE ≥ 7)"),
)
ROUTINE = 0.25  # a usual hard session: expected, transient fatigue [design choice]


def _baseline(ctx: Context, acts: pl.DataFrame, before: datetime, o: dict) -> float | None:
    """Median hard minutes of the runner's hard sessions in the 60 days before."""
    first = ctx.day - timedelta(days=int(BASE_DAYS.value(o)))
    prior = td.between(acts, first, ctx.day)
    hard = prior.filter((pl.col("end_local") < before) & (pl.col("hard_zone_min") >= HARD_MIN.value(o)))
    return float(hard["hard_zone_min"].median()) if hard.height >= 3 else None  # type: ignore[arg-type]


def _last_hard(ctx: Context, o: dict) -> str:
    acts = zoned(ctx).filter(pl.col("hard_zone_min") >= HARD_MIN.value(o))
    if acts.height == 0:
        return ""
    last = acts.sort("end_local").row(-1, named=True)
    return (f"; your last hard session ({td.fmt_day(last['local_date'])}, {last['hard_zone_min']:.0f} min "
            f"at or above threshold) ended {last['lag_h']:.0f} h before midday today, and metabolites "
            f"clear within about an hour, so heaviness that lingers is damage, fuel or fatigue, not "
            f"'lactic acid'")


def _rpe_only(ctx: Context, recent: pl.DataFrame, o: dict) -> Result:
    rpe = td.log_number(ctx, "rpe", ctx.day)
    if rpe is None or float(rpe) < RPE_HARD.value(o) or ctx.day not in recent["local_date"].to_list():
        return NotAssessed(CAUSE, ("heart rate or pace zones for the last 24 h",), HOW_ZONES)
    ev = Evidence("session_rpe", int(rpe), RPE_HARD.value(o), (ctx.day, ctx.day),
                  f"You rated today's run {int(rpe)}/10 for effort, a hard session.")
    s = td.score([("weak", 0.5, ev)])
    return Finding(CAUSE, s, td.confidence_for(s, 0.5, GRADE), (ev,), _fix())


def evaluate(ctx: Context) -> Result:
    o = dict(ctx.overrides)
    if ctx.acts.height == 0:
        return NotAssessed(CAUSE, ("activities",), td.HOW_IMPORT)
    acts = zoned_sessions(ctx)
    if acts.height == 0:
        return NotAssessed(CAUSE, ("activities",), td.HOW_IMPORT)
    recent = td.within_lag(ctx, acts, -24.0, LAG.value(o))
    if recent.height == 0:
        return Ruled(CAUSE, "No session in the last 24 hours" + _last_hard(ctx, o) + ".")
    if recent["hard_zone_min"].drop_nulls().len() == 0:
        return _rpe_only(ctx, recent, o)
    top = recent.sort("hard_zone_min", nulls_last=False).row(-1, named=True)
    if top["hard_zone_min"] < HARD_MIN.value(o):
        return Ruled(CAUSE, f"Sessions in the last 24 h had at most {top['hard_zone_min']:.0f} min at or "
                            f"above threshold (under {HARD_MIN.value(o):.0f})" + _last_hard(ctx, o) + ".")
    return _finding(ctx, acts, top, o)


def _finding(ctx: Context, acts: pl.DataFrame, top: dict, o: dict) -> Finding:
    base = _baseline(ctx, acts, top["end_local"], o)
    ratio = top["hard_zone_min"] / base if base else None
    strength = ROUTINE
    if ratio is not None and ratio >= DENSE.value(o):
        strength = min(1.0, ROUTINE + 0.35 * (ratio - 1))
    when = "Today's" if top["local_date"] == ctx.day else f"{td.fmt_day(top['local_date'])}'s"
    usual = (f", {ratio:.1f}× your usual hard session ({base:.0f} min)" if ratio is not None
             and ratio >= DENSE.value(o) else "; that is in line with your usual hard sessions" if base else "")
    ev = Evidence("hard_min_24h", round(top["hard_zone_min"], 1), HARD_MIN.value(o),
                  (top["local_date"], ctx.day),
                  f"{when} {td.fmt_duration(top['elapsed_s'])} session "
                  f"had {top['hard_zone_min']:.0f} min at or above threshold{usual}.")
    grade = GRADE if top["local_date"] == ctx.day else "moderate"
    s = td.score([(grade, strength, ev)])
    quality = 1.0 if base is not None else 0.7
    return Finding(CAUSE, s, td.confidence_for(s, quality, GRADE), (ev,), _fix())


def _fix() -> tuple[str, ...]:
    return ("This burn is expected and passes within hours: cool down easy, then make the next day "
            "easy or a rest day.",
            "Keep about 48 h between hard sessions; if your heart rate will not rise in intervals "
            "while the effort feels high, treat it as accumulated fatigue, not a bad day.")
