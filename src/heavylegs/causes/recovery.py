"""insufficient-recovery: too few rest days, hard days back to back, accumulated fatigue
(science.md C04, §1.4, §1.7, §1.11). Concept Moderate; the cut-offs are Weak/Folk, so
each flag adds a modest share of the score and a finding needs at least two signals or
one strong one."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.causes.base import (
    Context,
    Evidence,
    Finding,
    NotAssessed,
    Result,
    Ruled,
    confidence,
    history_note,
    plural,
)
from heavylegs.core import markers
from heavylegs.core.settings import Setting, register

CAUSE = "insufficient-recovery"
STREAK, MONO_WARN, TSB_LOW, TSB_VERY_LOW, HARD_GAP_H, RHR_RISE = register(
    Setting("streak_days_warn", 10.0, "days", "science.md C04 [heuristic]",
            "consecutive days without a rest day (with no rest day in the last 7)"),
    Setting("monotony_warn", 2.0, "ratio", "Foster 1998, MSSE 30:1164"),
    Setting("tsb_low", -20.0, "TSB", "TrainingPeaks guidance (science.md §1.4)",
            "form below this on 2 or more days in 10"),
    Setting("tsb_very_low", -30.0, "TSB", "intervals.icu 'high risk' band (science.md §1.4)"),
    Setting("hard_gap_h", 36.0, "hours", "science.md C04 [heuristic]",
            "two hard days closer than this, twice in 7 days"),
    Setting("resting_hr_rise_bpm", 5.0, "bpm", "science.md §1.11 [heuristic]"),
)


def _streak(daily: pl.DataFrame) -> int:
    n = 0
    for rest in reversed(daily["rest_day"].to_list()):
        if rest:
            break
        n += 1
    return n


def _hard_pairs(last7: pl.DataFrame) -> int:
    days = last7.filter(pl.col("hard_day"))["date"].to_list()
    return sum(1 for a, b in zip(days, days[1:], strict=False) if (b - a).days * 24 < HARD_GAP_H.default)


def _rhr_rise(ctx: Context) -> tuple[float, float] | None:
    recent = ctx.window(7)["resting_hr_bpm"].drop_nulls()
    base = ctx.window(60, 7)["resting_hr_bpm"].drop_nulls()
    if recent.len() < 3 or base.len() < 14:
        return None
    return float(recent.mean()), float(base.mean())  # type: ignore[arg-type]


def _signals(ctx: Context, span: int) -> list[tuple[float, Evidence]]:
    o = ctx.overrides
    d7, d10 = ctx.window(7), ctx.window(10)
    w7 = (ctx.day - timedelta(days=6), ctx.day)
    out: list[tuple[float, Evidence]] = []
    rest7, streak = int(d7["rest_day"].sum()), _streak(ctx.daily)
    if rest7 == 0 and streak >= STREAK.value(o):
        out.append((0.35, Evidence("training_streak_days", streak, STREAK.value(o), w7,
                    f"You have trained {streak} days in a row without a rest day.")))
    mono = float(d7["monotony_7d"].tail(1)[0]) if d7.height else 0.0
    if mono > MONO_WARN.value(o) and d7["load"].sum() > 0:
        out.append((0.2, Evidence("monotony_7d", round(mono, 2), MONO_WARN.value(o), w7,
                    f"Your last 7 days were very uniform (monotony {mono:.1f}, above 2.0): hard and "
                    f"easy days are not different enough.")))
    if span >= 42:
        tsb_min = float(d10["tsb"].min())  # type: ignore[arg-type]
        low_days = int((d10["tsb"] < TSB_LOW.value(o)).sum())
        if tsb_min < TSB_VERY_LOW.value(o) or low_days >= 2:
            out.append((0.3 if tsb_min < TSB_VERY_LOW.value(o) else 0.2, Evidence(
                "tsb_min_10d", round(tsb_min, 1), TSB_LOW.value(o), (ctx.day - timedelta(days=9), ctx.day),
                f"Your form (fitness minus fatigue) fell to {tsb_min:.0f}; below −20 on {low_days} of the "
                f"last 10 days means fatigue is piling up faster than you absorb it.")))
    pairs = _hard_pairs(d7)
    if pairs >= 2:
        out.append((0.2, Evidence("hard_days_back_to_back_7d", pairs, 1, w7,
                    f"{pairs} times in the last 7 days a hard session came less than 36 h after another.")))
    rhr = _rhr_rise(ctx)
    if rhr and rhr[0] - rhr[1] >= RHR_RISE.value(o):
        out.append((0.15, Evidence("resting_hr_7d_rise_bpm", round(rhr[0] - rhr[1], 1), RHR_RISE.value(o), w7,
                    f"Your morning resting HR averaged {rhr[0]:.0f} bpm this week, {rhr[0] - rhr[1]:.0f} "
                    f"above your usual {rhr[1]:.0f}.")))
    band = markers.BAND_SD.value(o)  # C04: corroboration from HRV below its band
    hrv = markers.one(ctx.daily, ctx.day, "hrv_rmssd_ms", band) or markers.one(ctx.daily, ctx.day, "hrv_sdnn_ms", band)
    if hrv and hrv.side == "below":
        out.append((0.15, Evidence("hrv_7d_vs_band", "below", f"{hrv.low:.0f}-{hrv.high:.0f} ms", w7,
                    f"{hrv.text}: your body shows less recovery than usual.")))
    return out


def evaluate(ctx: Context) -> Result:
    if ctx.acts.height == 0:
        return NotAssessed(CAUSE, ("activities",), "Import your activity files to see your training load.")
    span = (ctx.day - ctx.acts["local_date"].min()).days
    if span < 14:
        return NotAssessed(CAUSE, ("14 days of activity history",),
                           history_note(span, "activities", "2 weeks"))
    signals = _signals(ctx, span)
    total = sum(w for w, _ in signals)
    if not signals or (len(signals) == 1 and total < 0.3):
        d7 = ctx.window(7)
        return Ruled(CAUSE, f"{plural(int(d7['rest_day'].sum()), 'rest day')} in the last 7, form "
                            f"{round(float(d7['tsb'].tail(1)[0]))} and no long run of days without a break.")
    score = min(0.25 + total, 1.0)
    quality = 1.0 if span >= 42 else 0.6
    fix = ("Take at least one full rest day this week and keep the days between hard sessions "
           "genuinely easy (about 48 h between quality sessions).",
           "Plan a lighter week (20-40 % less volume) every 3-4 weeks; let form climb back toward "
           "−10…+5 before judging whether the heaviness persists.")
    # C04: a flag "plus corroboration" (resting HR, another load flag): one flag alone is a note.
    level = confidence(score, quality) if len(signals) >= 2 else "low"
    return Finding(CAUSE, score, level, tuple(e for _, e in signals), fix)
