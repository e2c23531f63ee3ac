"""overtraining: the overreaching continuum, FOR → NFOR → OTS (science.md C06, §1.9-1.11).

Definitions Strong (Meeusen et al. 2013 ECSS/ACSM consensus); any automated classification
Weak, so this cause only ever says "pattern compatible with overreaching" and tops out at
medium confidence. Chronic: it needs 28 days of history and check-ins on half the last 14
days, because how the runner feels tracks overload best (Saw et al. 2016). A finding needs
heavy legs or high fatigue on 7 of 14 days AND an objective sign: performance at the same
heart rate below the runner's usual variation, or two of resting-HR rise, HRV outside its
60-day band (either direction: Plews 2012; Le Meur 2013) and low mood/motivation. A
pattern that survives a lighter week, or lasts 8 weeks, is sent to a doctor. Logged
illness down-weights it; hot, hilly, hard or unusual-length runs are left out of the
efficiency trend.
"""

from __future__ import annotations

import math
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
from heavylegs.causes.intensity import cadence_locked, zoned_runs
from heavylegs.causes.recovery import RHR_RISE
from heavylegs.core.settings import Setting, register

CAUSE = "overtraining"
GRADE = "weak"
(MIN_HISTORY, HEAVY, FATIGUE, FATIGUE_DAYS, MIN_LOGGED, REDUCED, OTS_WEEKS, EF_SD, HRV_SD, LOW_MOOD,
 MOOD_DAYS) = register(
    Setting("overtraining_min_history_days", 28.0, "days", "science.md §0.4"),
    Setting("overtraining_heaviness", 6.0, "0-10", "science.md C06 fatigue_days (heavy legs ≥ 6/10)"),
    Setting("overtraining_fatigue", 6.0, "0-10",
            "Hooper fatigue ≥ 5 of 7 (science.md C06, §1.8): 5 on 1-7 is 67 % of the scale, "
            "6 (rounded down) on 0-10"),
    Setting("overtraining_fatigue_days", 7.0, "days of 14", "science.md C06 NFOR_suspect [heuristic]"),
    Setting("overtraining_min_checkins", 7.0, "days of 14", "science.md §0.4 [heuristic]"),
    Setting("overtraining_reduced_load_pct", 60.0, "%", "science.md C06 reduced_load [heuristic]",
            "7-day load at most this share of the prior 28-day weekly mean"),
    Setting("overtraining_ots_weeks", 8.0, "weeks", "Meeusen et al. 2013 (OTS: > ~2 months)"),
    Setting("ef_drop_sd", 1.0, "SD", "science.md §1.10 [heuristic]",
            "drop in efficiency (speed per heartbeat) beyond this many SDs of the runner's history"),
    Setting("overtraining_hrv_band_sd", 0.5, "SD", "Plews 2012-2014; Javaloyes 2019 (science.md §1.9)"),
    Setting("overtraining_low_mood", 2.0, "1-5", "science.md C06 (mood/motivation) [heuristic]"),
    Setting("overtraining_low_mood_days", 5.0, "days of 14", "science.md C06 [heuristic]"),
)
Ind = tuple[str, float, Evidence]


def _fatigue(ctx: Context, days: int, end_offset: int = 0) -> tuple[int, int]:
    """(days with heavy legs or high fatigue, days with a check-in) in the window."""
    o, win = ctx.overrides, ctx.window(days, end_offset)
    answers = list(zip(td.num(win, "heaviness").to_list(), td.num(win, "fatigue").to_list(), strict=True))
    bad = sum(1 for heavy, tired in answers
              if (heavy is not None and heavy >= HEAVY.value(o)) or (tired is not None and tired >= FATIGUE.value(o)))
    return bad, sum(1 for heavy, tired in answers if heavy is not None or tired is not None)


def _weeks(ctx: Context) -> int:
    """Consecutive weeks back from today with heavy legs or fatigue on at least half the
    logged days (3+ logged)."""
    n = 0
    while n < 26:
        bad, logged = _fatigue(ctx, 7, 7 * n)
        if logged < 3 or bad * 2 < logged:
            break
        n += 1
    return n


def _ef(ctx: Context) -> dict | None:
    """Median efficiency (m/min per beat) of comparable steady runs: last 14 days vs days 15-60."""
    o = ctx.overrides
    runs = td.between(zoned_runs(ctx), ctx.day - timedelta(days=60), ctx.day)
    minutes = td.num(runs, "moving_s").fill_null(td.num(runs, "elapsed_s")) / 60
    speed = pl.coalesce(td.num(runs, "grade_adjusted_speed_mps"), td.num(runs, "speed_mps_mean"),
                        td.num(runs, "distance_m") / (minutes * 60))
    runs = runs.with_columns(ef=speed * 60 / td.num(runs, "avg_hr_bpm"), minutes=minutes)
    ok = (~td.hot_or_hilly(runs, o) & ~cadence_locked(runs, o) & (pl.col("hard_zone_min").fill_null(0) < 10)
          & pl.col("minutes").is_between(20, 120) & pl.col("ef").is_not_null())
    runs = runs.filter(ok)
    split = ctx.day - timedelta(days=13)
    recent = runs.filter(pl.col("local_date") >= split)["ef"]
    base = runs.filter(pl.col("local_date") < split)["ef"]
    if recent.len() < 4 or base.len() < 8:
        return None
    base_med, rec_med, sd = (float(x) for x in (base.median(), recent.median(), base.std()))  # type: ignore[arg-type]
    return {"drop_pct": 100 * (base_med - rec_med) / base_med, "sd_pct": 100 * sd / base_med, "n": recent.len()}


def _marker(ctx: Context, column: str, log: bool) -> tuple[float, float, float] | None:
    """(7-day mean, baseline mean, baseline SD) of a morning marker; baseline days 8-67."""
    recent, base = td.num(ctx.window(7), column).drop_nulls(), td.num(ctx.window(60, 7), column).drop_nulls()
    if recent.len() < 3 or base.len() < 14:
        return None
    if log:
        recent, base = recent.filter(recent > 0).log(), base.filter(base > 0).log()
    return float(recent.mean()), float(base.mean()), float(base.std())  # type: ignore[arg-type]


def _autonomic(ctx: Context) -> tuple[list[Ind], bool]:
    """Resting-HR rise and HRV outside its band; and whether either marker was measurable."""
    o, w7 = ctx.overrides, (ctx.day - timedelta(days=6), ctx.day)
    out: list[Ind] = []
    rhr, hrv = _marker(ctx, "resting_hr_bpm", False), _marker(ctx, "hrv_rmssd_ms", True)
    if rhr and rhr[0] - rhr[1] >= RHR_RISE.value(o):
        out.append((GRADE, 0.5, Evidence(
                    "resting_hr_7d_rise_bpm", round(rhr[0] - rhr[1], 1), RHR_RISE.value(o), w7,
                    f"Your morning resting HR averaged {rhr[0]:.0f} bpm this week, {rhr[0] - rhr[1]:.0f} above "
                    f"your usual {rhr[1]:.0f}.")))
    if hrv and abs(hrv[0] - hrv[1]) > HRV_SD.value(o) * hrv[2]:
        side = "below" if hrv[0] < hrv[1] else "above"
        band = f"{math.exp(hrv[1]):.0f} ms ± {HRV_SD.value(o):g} SD"
        out.append((GRADE, 0.5, Evidence(
                    "hrv_7d_vs_band", side, band, w7,
                    f"Your 7-day HRV ({math.exp(hrv[0]):.0f} ms) sat {side} your normal range (around "
                    f"{math.exp(hrv[1]):.0f} ms); both directions are seen in overreaching.")))
    return out, rhr is not None or hrv is not None


def _mood(ctx: Context) -> Ind | None:
    o, win = ctx.overrides, ctx.window(14)
    low = (td.num(win, "mood") <= LOW_MOOD.value(o)) | (td.num(win, "motivation") <= LOW_MOOD.value(o))
    n = int(low.fill_null(False).sum())
    if n < MOOD_DAYS.value(o):
        return None
    w14 = (ctx.day - timedelta(days=13), ctx.day)
    return (GRADE, 0.5, Evidence("low_mood_days_14d", n, MOOD_DAYS.value(o), w14,
            f"You logged low mood or motivation on {n} of the last 14 days."))


def _reduced_but_tired(ctx: Context) -> Ind | None:
    """Fatigue that persisted through a lighter week (7-day load ≤ 60 % of usual)."""
    week = float(ctx.window(7)["load"].sum())
    usual = float(ctx.window(28, 7)["load"].sum()) / 4
    bad, logged = _fatigue(ctx, 7)
    if usual <= 0 or week > REDUCED.value(ctx.overrides) / 100 * usual or logged < 4 or bad * 2 < logged:
        return None
    return (GRADE, 1.0, Evidence("load_7d_pct_of_usual", round(100 * week / usual), REDUCED.value(ctx.overrides),
            (ctx.day - timedelta(days=34), ctx.day),
            f"You cut this week's load to {100 * week / usual:.0f} % of your usual, yet felt heavy or "
            f"tired on {bad} of {plural(logged, 'logged day')}."))


def _objective(ctx: Context) -> tuple[list[Ind], dict | None, bool]:
    """Objective signs (performance drop, autonomic, mood), the efficiency trend, and
    whether anything objective could be measured at all."""
    o, out = ctx.overrides, []
    ef = _ef(ctx)
    if ef and ef["drop_pct"] > EF_SD.value(o) * ef["sd_pct"]:
        strength = min(1.0, 0.6 + 0.4 * (ef["drop_pct"] / max(ef["sd_pct"], 0.1) - 1))
        out.append((GRADE, strength, Evidence(
            "efficiency_drop_pct", round(ef["drop_pct"], 1), round(ef["sd_pct"], 1),
            (ctx.day - timedelta(days=60), ctx.day),
            f"On {ef['n']} comparable easy runs in the last 14 days you covered {ef['drop_pct']:.1f} % less "
            f"ground per heartbeat than over the previous 6 weeks, more than your usual variation "
            f"({ef['sd_pct']:.1f} %).")))
    auto, measured = _autonomic(ctx)
    mood = _mood(ctx)
    return out + auto + ([mood] if mood else []), ef, measured or ef is not None


def evaluate(ctx: Context) -> Result:
    o = ctx.overrides
    span = td.history_days(ctx)
    if span < MIN_HISTORY.value(o):
        return NotAssessed(CAUSE, ("28 days of history",),
                           history_note(span, "activities", "4 weeks"))
    bad, logged = _fatigue(ctx, 14)
    if logged < MIN_LOGGED.value(o):
        return NotAssessed(CAUSE, ("heaviness", "fatigue"), "Log heaviness and fatigue (0-10) most days in "
                           "the daily log or with `heavylegs checkin`: overreaching shows first in how you feel.")
    if bad < FATIGUE_DAYS.value(o):
        return Ruled(CAUSE, f"Heavy legs or high fatigue on {bad} of {plural(logged, 'logged day')} in the last 14 (a "
                            f"pattern needs {FATIGUE_DAYS.value(o):.0f}); short tired spells after hard weeks "
                            "are normal training.")
    signs, ef, measured = _objective(ctx)
    perf = any(e.metric == "efficiency_drop_pct" for _, _, e in signs)
    if not perf and len(signs) < 2:
        if ef is None:
            return NotAssessed(CAUSE, ("heart rate on easy runs",), "Record runs with a heart-rate strap or "
                               "watch (and log morning resting_hr_bpm or hrv_rmssd_ms) so pace at the same "
                               "heart rate can be tracked.")
        return Ruled(CAUSE, f"You felt heavy or tired on {bad} of {plural(logged, 'day')}, but pace at the same heart "
                            f"rate held ({-ef['drop_pct']:+.1f} %, usual variation {ef['sd_pct']:.1f} %) and "
                            "morning markers gave no consistent sign; look at sleep, fuel and recovery.")
    return _finding(ctx, bad, logged, signs, span)


NFOR_MIN_WEEKS = 3  # weeks of symptoms before the pattern is more than functional overreaching


def _finding(ctx: Context, bad: int, logged: int, signs: list[Ind], span: int) -> Finding:
    weeks = _weeks(ctx)
    core = (GRADE, min(1.0, bad / 10), Evidence(
        "fatigue_days_14d", bad, FATIGUE_DAYS.value(ctx.overrides), (ctx.day - timedelta(days=13), ctx.day),
        f"You felt heavy-legged or very tired on {bad} of {plural(logged, 'logged day')} in the last 14, most days "
        f"for {weeks} week{'s' if weeks != 1 else ''} now: a pattern compatible with overreaching."))
    persist = _reduced_but_tired(ctx)
    found = [core, *signs] + ([persist] if persist else [])
    ill = td.num(ctx.window(14), "illness").fill_null(0).sum()
    quality = (1.0 if span >= 60 else 0.7) * (0.5 if ill else 1.0)
    sc = td.score(found)
    evidence = tuple(e for _, _, e in found)
    if ill:
        evidence += (Evidence("illness_days_14d", int(ill), 0, (ctx.day - timedelta(days=13), ctx.day),
                              f"You were ill on {int(ill)} of these days, which can explain the same signs."),)
    doctor = persist is not None or weeks >= OTS_WEEKS.value(ctx.overrides)
    rest = "Prioritise sleep, enough energy and carbohydrate, and lower life stress; build back gradually."
    if doctor:
        since = "through a lighter week" if persist else f"{weeks} weeks"
        fix = [f"Because it has lasted {since}, see a sports-medicine doctor to rule out medical causes "
               "(blood count, ferritin, thyroid, B12, vitamin D, infection, low energy availability).",
               "Keep running short and easy until then, with no intervals or long runs.", rest]
    else:
        fix = ["Plan an easier week now (about half the volume, no intervals) and expect to feel better "
               "within about 2 weeks; that is the normal rebound from functional overreaching.", rest]
    # Without persistence through reduced load (or 3+ weeks) the pattern is functional
    # overreaching, a normal part of training (Meeusen 2013): never above low confidence.
    level = td.confidence_for(sc, quality, GRADE) if doctor or weeks >= NFOR_MIN_WEEKS else "low"
    return Finding(CAUSE, sc, level, evidence, tuple(fix))
