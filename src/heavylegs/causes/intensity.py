"""excess-intensity: too much speed work, the 80/20 rule (science.md C08, §1.2).

Intensity distribution over 28 days (Seiler 3-zone time, and sessions by their hardest
sustained part) and hard sessions in the last 7. The direction (most running easy) is
Moderate (Seiler & Kjerland 2006; Esteve-Lanao 2005, 2007); the cut-offs and "80/20 for
every recreational runner" are Folk-to-Weak, so this cause tops out at medium confidence.
Traps handled: zones from a default or age-formula max HR (lower confidence, said so);
runs where HR locks onto cadence are dropped; hot or hilly runs do not count as easy runs
that drifted.

Zone times per run come from HR (``hr_easy_s``...) and, for runs without HR, from pace
zones (``pace_easy_s``...) when a threshold pace is set.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import polars as pl

from heavylegs.causes import training_data as td
from heavylegs.causes.base import (
    Context,
    Evidence,
    Finding,
    NotAssessed,
    Result,
    Ruled,
    history_note,
    plural,
)
from heavylegs.core.settings import Setting, register

CAUSE = "excess-intensity"
GRADE = "weak"
(Z1_MIN, EASY_SESS_MIN, HARD_WEEK, DRIFT_MAX, TID_DAYS, COVERAGE, SESSION_HARD, SESSION_GREY,
 EASY_HR, LOCK_BPM) = register(
    Setting("easy_time_share_min_pct", 70.0, "%", "science.md C08 [heuristic]; Seiler & Kjerland 2006",
            "share of 28-day running time below the first threshold"),
    Setting("easy_session_share_min_pct", 75.0, "%", "Seiler 2010 (session-goal method) [heuristic]"),
    Setting("hard_sessions_week_warn", 3.0, "sessions", "science.md C08 [heuristic] (cap ~2 a week)"),
    Setting("easy_drift_max_pct", 30.0, "%", "science.md C08 [heuristic]",
            "share of non-workout runs whose mean HR sat above the easy zone"),
    Setting("intensity_window_days", 28.0, "days", "science.md §0.2, C08"),
    Setting("intensity_min_coverage_pct", 60.0, "%", "science.md §0.4 [heuristic]",
            "share of 28-day running time with heart-rate or pace zones"),
    Setting("session_hard_min", 10.0, "min", "science.md C04 (hard session: ≥ 10 min in the hard zone)"),
    Setting("session_grey_min", 20.0, "min", "science.md C08 [heuristic]",
            "minutes above easy that make a run a moderate (grey-zone) session"),
    Setting("easy_hr_max_fraction", 0.82, "fraction of HRmax", "Seiler 3-zone (science.md §1.2)"),
    Setting("hr_cadence_lock_bpm", 3.0, "bpm", "science.md C08(f) [heuristic]",
            "mean HR this close to cadence (and ≥ 150) is treated as optical cadence lock"),
)
HOW_ZONES = ("Record runs with a heart-rate strap or watch, or set a threshold pace "
             "(`heavylegs profile set threshold_pace=m:ss`) so pace zones can be used.")


def zone_seconds(acts: pl.DataFrame) -> pl.DataFrame:
    """``acts`` plus ``easy_s``, ``mod_s``, ``hard_s`` (HR zones, else pace zones; null when
    neither) and ``hard_zone_min``: minutes at or above threshold (HR ≥ LTHR, else the
    hard-zone HR time, else pace faster than threshold)."""
    hr_known = pl.col("_he").is_not_null()
    acts = acts.with_columns(_he=td.num(acts, "hr_easy_s"), _hm=td.num(acts, "hr_moderate_s"),
                             _hh=td.num(acts, "hr_hard_s"), _pe=td.num(acts, "pace_easy_s"),
                             _pm=td.num(acts, "pace_moderate_s"), _ph=td.num(acts, "pace_hard_s"),
                             _lt=td.num(acts, "time_above_lthr_s"))
    from_hr = pl.coalesce(pl.col("_lt"), pl.col("_hh"))
    if "load_estimated" in acts.columns and "hard_min" in acts.columns:
        from_hr = pl.coalesce(from_hr, pl.when(~pl.col("load_estimated")).then(pl.col("hard_min") * 60))
    return acts.with_columns(
        easy_s=pl.when(hr_known).then(pl.col("_he")).otherwise(pl.col("_pe")),
        mod_s=pl.when(hr_known).then(pl.col("_hm")).otherwise(pl.col("_pm")),
        hard_s=pl.when(hr_known).then(pl.col("_hh")).otherwise(pl.col("_ph")),
        hard_zone_min=pl.max_horizontal(from_hr, pl.col("_ph")) / 60,
    ).drop("_he", "_hm", "_hh", "_pe", "_pm", "_ph", "_lt")


def zoned(ctx: Context) -> pl.DataFrame:
    """``ctx.acts`` with zone times (:func:`zone_seconds`) and timing against the day asked
    about (``training_data.with_lag``): several causes read them, so computed once."""
    return ctx.cached("zoned", lambda: zone_seconds(td.with_lag(ctx, ctx.acts)))  # type: ignore[no-any-return]


def zoned_runs(ctx: Context) -> pl.DataFrame:
    """The runs of :func:`zoned`."""
    return ctx.cached("zoned_runs", lambda: zoned(ctx).filter(pl.col("is_run")) if ctx.acts.height  # type: ignore[no-any-return]
                      else zoned(ctx))


def zoned_sessions(ctx: Context) -> pl.DataFrame:
    """The sessions of :func:`zoned` other than strength work."""
    return ctx.cached("zoned_sessions", lambda: zoned(ctx).filter(  # type: ignore[no-any-return]
        ~pl.col("sport").is_in(td.STRENGTH_SPORTS)) if ctx.acts.height else zoned(ctx))


def cadence_locked(acts: pl.DataFrame, o: Mapping[str, float]) -> pl.Series:
    """Runs whose mean HR sits on the cadence: an optical sensor locked onto the steps."""
    hr, cad = td.num(acts, "avg_hr_bpm"), td.num(acts, "cadence_spm_mean")
    return (((hr - cad).abs() <= LOCK_BPM.value(o)) & (hr >= 150)).fill_null(False)


def _clean(ctx: Context, o: dict) -> tuple[pl.DataFrame, int]:
    """Runs of the window with zone times, minus cadence-locked ones (and how many)."""
    first = ctx.day - timedelta(days=int(TID_DAYS.value(o)) - 1)
    runs = td.between(zoned_runs(ctx), first, ctx.day)
    runs = runs.with_columns(_locked=cadence_locked(runs, o))
    return runs.filter(~pl.col("_locked")).drop("_locked"), int(runs["_locked"].sum())


def _distribution(runs: pl.DataFrame, o: dict) -> dict:
    zoned = runs.drop_nulls("easy_s")
    easy, mod, hard = (float(zoned[c].fill_null(0).sum()) for c in ("easy_s", "mod_s", "hard_s"))
    total = easy + mod + hard
    above = (zoned["mod_s"].fill_null(0) + zoned["hard_s"].fill_null(0)) / 60
    workout = zoned["hard_s"].fill_null(0) / 60 >= SESSION_HARD.value(o)
    grey = ~workout & (above >= SESSION_GREY.value(o))
    weeks = TID_DAYS.value(o) / 7
    return {"z1_pct": 100 * easy / total if total else None, "n": zoned.height,
            "quality_per_week": (int(workout.sum()) + int(grey.sum())) / weeks,
            "easy_sess_pct": 100 * (zoned.height - int(workout.sum()) - int(grey.sum())) / max(zoned.height, 1),
            "time_s": total, "z3_pct": 100 * hard / total if total else 0.0}


def _drift(ctx: Context, runs: pl.DataFrame, o: dict) -> tuple[float, int] | None:
    """Share of non-workout, not hot or hilly runs whose mean HR sat above the easy zone."""
    easy_runs = runs.filter(~td.hot_or_hilly(runs, o) & td.num(runs, "avg_hr_bpm").is_not_null())
    easy_runs = easy_runs.filter(pl.col("hard_zone_min").fill_null(0) < SESSION_HARD.value(o))
    if easy_runs.height < 4:
        return None
    above = int((easy_runs["avg_hr_bpm"] > EASY_HR.value(o) * ctx.profile.max_hr).sum())
    return 100 * above / easy_runs.height, easy_runs.height


def _indicators(ctx: Context, runs: pl.DataFrame, dist: dict, o: dict) -> list[tuple[str, float, Evidence]]:
    days = int(TID_DAYS.value(o))
    w28, w7 = (ctx.day - timedelta(days=days - 1), ctx.day), (ctx.day - timedelta(days=6), ctx.day)
    out: list[tuple[str, float, Evidence]] = []
    z1 = dist["z1_pct"]
    if z1 is not None and z1 < Z1_MIN.value(o):
        out.append((GRADE, min(1.0, 0.5 + (Z1_MIN.value(o) - z1) / 30), Evidence(
            "easy_time_share_28d_pct", round(z1, 1), Z1_MIN.value(o), w28,
            (f"None of your running time in the last {days} days was easy" if round(z1) == 0 else
             f"Only {z1:.0f} % of your running time in the last {days} days was easy")
            + f" ({dist['z3_pct']:.0f} % was hard); well-trained runners keep about 75-80 % easy.")))
    # With few runs a week, two quality sessions (within advice) already exceed 25 % of them.
    if dist["easy_sess_pct"] < EASY_SESS_MIN.value(o) and dist["quality_per_week"] > HARD_WEEK.value(o) - 1:
        out.append((GRADE, min(1.0, 0.5 + (EASY_SESS_MIN.value(o) - dist["easy_sess_pct"]) / 50), Evidence(
            "easy_session_share_28d_pct", round(dist["easy_sess_pct"], 1), EASY_SESS_MIN.value(o), w28,
            (f"None of your {plural(dist['n'], 'run')} in the last {days} days was an easy run; they were"
             if round(dist["easy_sess_pct"]) == 0 else
             f"{dist['easy_sess_pct']:.0f} % of your {plural(dist['n'], 'run')} in the last {days} days were easy runs; "
             "the rest were") + f" workouts or grey-zone runs, {dist['quality_per_week']:.1f} a week.")))
    week = runs.filter(pl.col("local_date") >= w7[0])
    hard7 = int((week["hard_zone_min"].fill_null(0) >= SESSION_HARD.value(o)).sum())
    if hard7 >= HARD_WEEK.value(o):
        out.append((GRADE, 1.0 if hard7 > HARD_WEEK.value(o) else 0.6, Evidence(
            "hard_sessions_7d", hard7, HARD_WEEK.value(o) - 1, w7,
            f"You did {hard7} hard sessions (10+ min at or above threshold) in the last 7 days; "
            f"most recreational runners do best with about 2.")))
    drift = _drift(ctx, runs, o)
    if drift and drift[0] > DRIFT_MAX.value(o):
        out.append((GRADE, 0.5, Evidence(
            "easy_run_drift_pct", round(drift[0], 1), DRIFT_MAX.value(o), w28,
            f"{drift[0]:.0f} % of your {drift[1]} easy runs averaged above "
            f"{EASY_HR.value(o) * ctx.profile.max_hr:.0f} bpm (82 % of max HR): easy days were not easy.")))
    return out


def _zones_doubt(ctx: Context, runs: pl.DataFrame) -> str | None:
    """Why the zones may be wrong (science.md C08(f): a wrong HRmax is the most common false
    positive): any max HR not set by the runner, or a peak above the one in use."""
    how = ctx.profile.estimated.get("max_hr", "")
    if how:
        return f"your zones use an estimated max HR ({ctx.profile.max_hr:.0f} bpm, {how})"
    peaks = td.num(runs, "hr_max_5s_bpm").drop_nulls()
    peak = float(peaks.max()) if peaks.len() else 0.0  # type: ignore[arg-type]
    if peak > ctx.profile.max_hr + 5:
        return f"you reached {peak:.0f} bpm, above the max HR of {ctx.profile.max_hr:.0f} your zones use"
    return None


def evaluate(ctx: Context) -> Result:
    o = dict(ctx.overrides)
    span = td.history_days(ctx)
    if span < 14:
        return NotAssessed(CAUSE, ("28 days of run history",),
                           history_note(span, "activities", "4 weeks"))
    runs, locked = _clean(ctx, o)
    dist = _distribution(runs, o)
    run_time = float(td.num(runs, "moving_s").fill_null(td.num(runs, "elapsed_s")).fill_null(0).sum())
    if dist["z1_pct"] is None or dist["time_s"] < COVERAGE.value(o) / 100 * run_time:
        return NotAssessed(CAUSE, ("heart rate or pace zones on runs",), HOW_ZONES)
    found = _indicators(ctx, runs, dist, o)
    if not found:
        return Ruled(CAUSE, f"{dist['z1_pct']:.0f} % of your running time in the last "
                            f"{int(TID_DAYS.value(o))} days was easy (at least {Z1_MIN.value(o):.0f} %), "
                            f"{dist['easy_sess_pct']:.0f} % of runs were easy runs, and hard sessions "
                            f"stayed under {HARD_WEEK.value(o):.0f} in the last 7 days.")
    doubt = _zones_doubt(ctx, runs)
    quality = (1.0 if span >= 28 else 0.6) * (0.5 if doubt else 1.0) * (0.8 if locked else 1.0)
    s = td.score(found)
    level = "low" if doubt else td.confidence_for(s, quality, GRADE)
    evidence = tuple(e for _, _, e in found)
    fix = [f"Keep easy days conversational: below about {EASY_HR.value(o) * ctx.profile.max_hr:.0f} bpm "
           f"(82 % of your max HR of {ctx.profile.max_hr:.0f}).",
           "Cap hard sessions at about 2 a week, with easy days between them.",
           "Move grey-zone runs either down to truly easy or up into a purposeful workout."]
    if doubt:
        fix.append(f"Check your zones first: {doubt}. Set it with `heavylegs profile set max_hr=...`.")
    return Finding(CAUSE, s, level, evidence, tuple(fix))
