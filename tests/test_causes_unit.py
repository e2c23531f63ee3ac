"""Each implemented cause on hand-built data: its signal fires, its traps do not."""

from __future__ import annotations

from datetime import date, timedelta

from engine_helpers import make_context, steady_weeks
from heavylegs.causes import CAUSE_IDS, evaluate_all, progression, recovery, sleep
from heavylegs.causes.base import Finding, NotAssessed, Ruled
from heavylegs.triage import evaluate as triage

DAY = date(2026, 3, 15)  # a Sunday


def test_a_long_run_far_past_the_30_day_longest_is_a_spike() -> None:
    runs = steady_weeks(DAY - timedelta(days=7), 8)
    runs[DAY] = 21.0  # longest of the previous 30 days is 14 km -> +50 %
    result = progression.evaluate(make_context(DAY, runs))
    assert isinstance(result, Finding)
    spike = result.evidence[0]
    assert spike.metric == "single_run_spike_pct" and abs(spike.value - 50.0) < 0.01
    assert "14.0 km" in spike.text and "50 %" in spike.text
    assert any("15.4 km" in f for f in result.fix)  # 14 km + 10 %


def test_steady_training_is_ruled_out_and_small_absolute_spikes_are_ignored() -> None:
    runs = steady_weeks(DAY, 8)
    assert isinstance(progression.evaluate(make_context(DAY, runs)), Ruled)
    small = steady_weeks(DAY, 8, week=(3, 0, 3, 3, 0, 3, 4))
    small[DAY] = 5.5  # +37 % but only 1.5 km more
    assert isinstance(progression.evaluate(make_context(DAY, small)), Ruled)


def test_a_spike_of_10_to_30_percent_is_a_note_and_over_30_a_warning() -> None:
    # science.md C07 flags: > 10 % note, > 30 % warn (issue 13: confidence follows the rule)
    runs = steady_weeks(DAY - timedelta(days=7), 8)
    runs[DAY] = 16.0  # 14 km longest -> +14 %, 2 km more
    noted = progression.evaluate(make_context(DAY, runs))
    assert isinstance(noted, Finding) and noted.confidence == "low"
    runs[DAY] = 19.0  # +36 %
    warned = progression.evaluate(make_context(DAY, runs))
    assert isinstance(warned, Finding) and warned.confidence != "low"


def test_too_little_history_is_not_assessed() -> None:
    runs = {DAY - timedelta(days=3): 5.0, DAY: 10.0}
    result = progression.evaluate(make_context(DAY, runs))
    assert isinstance(result, NotAssessed) and "history" in result.missing[0]


def test_short_sleep_over_a_week_is_found_and_one_bad_night_is_not() -> None:
    runs = steady_weeks(DAY, 6)
    short = {DAY - timedelta(days=i): {"sleep_h": 5.8, "sleep_quality": 2} for i in range(7)}
    result = sleep.evaluate(make_context(DAY, runs, short))
    assert isinstance(result, Finding) and result.confidence == "high"
    assert result.evidence[0].value == 5.8
    one_bad = {DAY - timedelta(days=i): {"sleep_h": 8.0} for i in range(1, 7)} | {DAY: {"sleep_h": 4.5}}
    assert isinstance(sleep.evaluate(make_context(DAY, runs, one_bad)), Ruled)
    assert isinstance(sleep.evaluate(make_context(DAY, runs, {})), NotAssessed)


def test_seven_hour_nights_with_only_a_default_need_are_a_low_note() -> None:
    # 7.0-7.2 h a night: inside C05's >= 7 h, a debt only against the default 8 h need
    runs = steady_weeks(DAY, 6)
    nights = {DAY - timedelta(days=i): {"sleep_h": 6.9 if i == 3 else 7.1} for i in range(7)}
    result = sleep.evaluate(make_context(DAY, runs, nights))
    assert isinstance(result, Finding) and result.confidence == "low"


def test_daily_running_without_rest_and_deep_fatigue_is_insufficient_recovery() -> None:
    runs = steady_weeks(DAY - timedelta(days=21), 8)
    for i in range(21):
        runs[DAY - timedelta(days=i)] = 16.0 if i % 2 else 12.0
    result = recovery.evaluate(make_context(DAY, runs))
    assert isinstance(result, Finding)
    metrics = {e.metric for e in result.evidence}
    assert "training_streak_days" in metrics and "tsb_min_10d" in metrics
    assert isinstance(recovery.evaluate(make_context(DAY, steady_weeks(DAY, 8))), Ruled)


def test_every_cause_id_once_and_one_sided_swelling_is_urgent() -> None:
    ctx = make_context(DAY, steady_weeks(DAY, 8),
                       {DAY: {"symptoms": "swelling-left;calf-pain-one-side", "pain": 5,
                              "pain_location": "left calf"}})
    results = evaluate_all(ctx)
    assert sorted(r.cause for r in results) == sorted(CAUSE_IDS) and len(set(CAUSE_IDS)) == 24
    hits = triage(DAY, ctx.daily)
    assert [h.tier for h in hits] == ["urgent"] and "doctor" in hits[0].message
    both = triage(DAY, make_context(DAY, steady_weeks(DAY, 8), {DAY: {"symptoms": "swelling-both"}}).daily)
    assert [h.tier for h in both] == ["soon"]


def test_sleep_confidence_follows_the_evidence_grade() -> None:
    """Under 7 h on average (Strong) can be high; 7.4 h with three short nights against the
    default 8 h need rests on heuristics and a default: low; the runner's own need lifts it."""
    from dataclasses import replace

    runs = steady_weeks(DAY, 6)
    week = [7.6, 8.2, 8.8, 6.8, 7.4, 6.8, 6.5]
    mild = {DAY - timedelta(days=i): {"sleep_h": h} for i, h in enumerate(week)}
    ctx = make_context(DAY, runs, mild)
    result = sleep.evaluate(ctx)
    assert isinstance(result, Finding) and result.confidence == "low"
    own_need = replace(ctx.profile, sleep_need_h=9.0,
                       estimated={k: v for k, v in ctx.profile.estimated.items() if k != "sleep_need_h"})
    assert sleep.evaluate(replace(ctx, profile=own_need)).confidence == "medium"
    short = {DAY - timedelta(days=i): {"sleep_h": 6.2} for i in range(7)}
    assert sleep.evaluate(make_context(DAY, runs, short)).confidence == "high"


def test_overstriding_reads_all_four_garmin_gauges() -> None:
    """Cadence, ground contact, vertical oscillation and vertical ratio (science.md C16 table):
    two in the bottom 30 % of runners mark overstriding, each named with its median."""
    import polars as pl

    from heavylegs.causes import form

    runs = pl.DataFrame({"cadence_spm_mean": [166.0, 165.0, 167.0], "gct_ms_mean": [250.0, 255.0, 245.0],
                         "vo_mm_mean": [104.0, 108.0, 101.0], "vertical_ratio_pct": [8.8, 8.9, 8.7]})
    assert form._overstriding(runs, {}) == ["vertical oscillation 10.4 cm", "vertical ratio 8.8 %"]
    assert form._overstriding(runs.with_columns(vo_mm_mean=pl.lit(95.0)), {}) == ["vertical ratio 8.8 %"]
    assert form._overstriding(runs.drop("vo_mm_mean", "vertical_ratio_pct"), {}) == []
