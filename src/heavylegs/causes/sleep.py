"""sleep-deprivation: short or poor sleep, sleep debt (science.md C05).

Adults need ≥ 7 h regularly (Watson 2015, AASM/SRS: Strong); athletes may need more (Mah
2011). Debt thresholds are [heuristic]. One short night alone is not flagged (the trap of
the nervous night before a race)."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled
from heavylegs.causes.training_data import confidence_for
from heavylegs.core.settings import Setting, register

CAUSE = "sleep-deprivation"
MIN_SLEEP, SHORT_NIGHTS, DEBT, MIN_NIGHTS = register(
    Setting("sleep_min_h", 7.0, "h", "Watson et al. 2015, Sleep 38:843 (AASM/SRS)"),
    Setting("short_nights_warn", 3.0, "nights", "science.md C05 [heuristic]",
            "nights under 7 h in the last 7"),
    Setting("sleep_debt_warn_h", 5.0, "h", "science.md C05 [heuristic]",
            "sum of (need − sleep) over the last 7 nights"),
    Setting("sleep_min_nights_logged", 3.0, "nights", "science.md §0.4 [heuristic]"),
)


FIX = ("Protect 8+ hours in bed on a regular schedule; after a short night take a 20-30 min nap "
       "rather than sleeping in.",
       "Cut late caffeine and alcohol, and keep runs easy on days after two or more short nights.")


def evaluate(ctx: Context) -> Result:
    o = ctx.overrides
    week = ctx.window(7).select("date", "sleep_h", "sleep_quality").drop_nulls("sleep_h")
    if week.height < MIN_NIGHTS.value(o):
        return NotAssessed(CAUSE, ("sleep_h",), "Log hours slept (sleep_h) in the daily log or "
                           "`heavylegs checkin`, or import sleep from a watch export.")
    need = ctx.profile.sleep_need_h
    hours = week["sleep_h"].to_list()
    mean = sum(hours) / len(hours)
    short = sum(1 for h in hours if h < MIN_SLEEP.value(o))
    debt = sum(max(0.0, need - h) for h in hours) * 7 / len(hours)
    flags = [mean < MIN_SLEEP.value(o), short >= SHORT_NIGHTS.value(o), debt >= DEBT.value(o)]
    if not any(flags):
        return Ruled(CAUSE, f"You slept {mean:.1f} h a night on average over the last 7 nights "
                            f"({short} under 7 h).")
    evidence = _evidence(ctx, week, mean, short, debt)
    severity = max(0.0, min(1.0, (need - mean) / 2.5))
    score = min(1.0, 0.45 + 0.4 * severity + 0.05 * sum(flags))
    return Finding(CAUSE, score, _level(ctx, week.height, score, flags), tuple(evidence), FIX)


def _evidence(ctx: Context, week: pl.DataFrame, mean: float, short: int, debt: float) -> list[Evidence]:
    """The week's mean, short nights and debt, and poor rated sleep when most nights say so."""
    o, need, nights = ctx.overrides, ctx.profile.sleep_need_h, week.height
    window = (ctx.day - timedelta(days=6), ctx.day)
    need_text = "" if "sleep_need_h" in ctx.profile.estimated else f" and your own need is {need:g} h"
    evidence = [Evidence("sleep_h_7d_mean", round(mean, 2), MIN_SLEEP.value(o), window,
                         f"You slept {mean:.1f} h a night on average over the last {nights} "
                         f"logged nights; adults need at least 7 h{need_text}."),
                Evidence("short_nights_7d", short, SHORT_NIGHTS.value(o), window,
                         f"{short} of the last {nights} nights were under 7 h."),
                Evidence("sleep_debt_7d_h", round(debt, 1), DEBT.value(o), window,
                         f"That adds up to a sleep debt of about {debt:.0f} h this week.")]
    quality = week["sleep_quality"].drop_nulls()
    if quality.len() >= 3 and float(quality.mean()) <= 2.5:  # type: ignore[arg-type]
        evidence.append(Evidence("sleep_quality_7d_mean", round(float(quality.mean()), 1), 3, window,  # type: ignore[arg-type]
                                 "You also rated your sleep as poor on most nights."))
    return evidence


def _level(ctx: Context, nights: int, score: float, flags: list[bool]) -> str:
    """How sure the flag is, from the nights logged and the grade of the threshold crossed."""
    data_quality = min(1.0, nights / 7) * (1.0 if nights >= 5 else 0.7)
    # How sure the flag is (C05(d)): under 7 h on average is the Strong health threshold.
    # Short nights and debt on an average of 7 h or more rest on heuristic thresholds (Weak),
    # and the debt and severity on a need of 8 h that is only a default unless the runner set it.
    grade = "strong" if flags[0] else "weak"
    if grade == "weak" and "sleep_need_h" in ctx.profile.estimated:
        data_quality *= 0.8
    # A debt alone (mean ≥ 7 h, fewer than 3 short nights) rests on the need setting, which
    # is a default of 8 h unless the runner set it (C05: 7-9 h is normal): a note only.
    return confidence_for(score, data_quality, grade) if flags[0] or flags[1] else "low"
