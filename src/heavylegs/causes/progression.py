"""training-spike: progression too fast (science.md C07, §1.6).

The single-run spike is the best runner-specific evidence: in 5,205 Garmin runners a run
more than 10 % longer than the longest of the previous 30 days raised overuse-injury
rates (HRR 1.64 for >10-30 %, 1.52 for >30-100 %, 2.28 for >100 %; Garmin-RUNSAFE 2025).
Week-on-week change is weaker evidence (Nielsen 2014: >30 % over two weeks; the 10 % rule
itself is Folk, Buist 2008). It is measured against the established volume, the biggest of
the previous four weeks, so the week after a planned lighter week is not called a ramp.
"""

from __future__ import annotations

from datetime import date, timedelta

from heavylegs.causes.base import (
    GRADE_WEIGHT,
    Context,
    Evidence,
    Finding,
    NotAssessed,
    Result,
    Ruled,
    confidence,
    history_note,
)
from heavylegs.causes.training_data import runs
from heavylegs.core.settings import Setting, register

CAUSE = "training-spike"
SPIKE_NOTE, SPIKE_WARN, SPIKE_STRONG, MIN_KM, WEEK_PCT, LOOKBACK, MIN_HISTORY = register(
    Setting("spike_note_pct", 10.0, "%", "Garmin-RUNSAFE 2025 (BJSM, doi:10.1136/bjsports-2024-109380)",
            "single run longer than the longest of the previous 30 days by more than this"),
    Setting("spike_warn_pct", 30.0, "%", "Garmin-RUNSAFE 2025"),
    Setting("spike_strong_pct", 100.0, "%", "Garmin-RUNSAFE 2025"),
    Setting("spike_min_increase_km", 2.0, "km", "science.md C07(f) [heuristic]",
            "ignore spikes smaller than this in absolute terms"),
    Setting("week_progression_pct", 30.0, "%", "Nielsen et al. 2014, JOSPT 44:739"),
    Setting("spike_lookback_days", 7.0, "days", "science.md §0.2 [heuristic]",
            "how recent a spiking run must be to explain today's legs"),
    Setting("spike_min_history_days", 28.0, "days", "science.md §0.4"),
)


def _runs(ctx: Context) -> list[tuple[date, float]]:
    """(local date, distance m) of every run with a distance, in activity order."""
    def make() -> list[tuple[date, float]]:
        if ctx.acts.height == 0:
            return []
        rows = zip(ctx.acts["is_run"].to_list(), ctx.acts["local_date"].to_list(),
                   ctx.acts["distance_m"].to_list(), strict=True)
        return [(day, dist) for is_run, day, dist in rows if is_run and dist is not None]

    return ctx.cached("progression.runs", make)  # type: ignore[no-any-return]


def _spikes(ctx: Context) -> list[tuple[date, float, float, float]]:
    """(date, run km, reference km, spike %) of each run in the lookback window."""
    return ctx.cached("progression.spikes", lambda: _find_spikes(ctx))  # type: ignore[no-any-return]


def _find_spikes(ctx: Context) -> list[tuple[date, float, float, float]]:
    runs = _runs(ctx)
    look = int(LOOKBACK.value(ctx.overrides))
    out = []
    for day, dist in runs:
        if day <= ctx.day - timedelta(days=look):
            continue
        first, last = day - timedelta(days=30), day - timedelta(days=1)
        ref = max((d for when, d in runs if first <= when <= last), default=None)
        if ref is None or ref <= 0:
            continue
        out.append((day, dist / 1000, ref / 1000, 100 * (dist / ref - 1)))
    return out


def established_long_run_km(ctx: Context) -> float | None:
    """The long run the runner is adapted to: the longest run of the 30 days before the
    biggest recent spike (a spike is not adapted to yet), else the longest of the last 30
    days. Next long runs stay within 10 % of it (Garmin-RUNSAFE 2025)."""
    o = ctx.overrides
    spikes = [s for s in _spikes(ctx) if s[3] > SPIKE_NOTE.value(o) and s[1] - s[2] >= MIN_KM.value(o)]
    if spikes:
        return max(spikes, key=lambda s: s[3])[2]
    since = ctx.day - timedelta(days=30)
    longest = max((d for when, d in _runs(ctx) if when > since), default=None)
    return float(longest) / 1000 if longest else None


def _score(spike_pct: float, o: dict) -> float:
    if spike_pct > SPIKE_STRONG.value(o):
        return 0.9
    if spike_pct > SPIKE_WARN.value(o):
        return 0.75
    return 0.55 if spike_pct > SPIKE_NOTE.value(o) else 0.0


def _weekly(ctx: Context) -> tuple[float, float, float]:
    """This week's km, last week's, and the established volume: the highest of the four
    weeks before this one (so a week back from a planned lighter week is not a ramp)."""
    km = [ctx.window(7, 7 * i)["run_distance_m"].sum() / 1000 for i in range(5)]
    return km[0], km[1], max(km[1:])


def evaluate(ctx: Context) -> Result:
    o = dict(ctx.overrides)
    history = runs(ctx)
    if history.height == 0:
        return NotAssessed(CAUSE, ("runs",), "Import your activity files (FIT, GPX, TCX) or a Strava/Garmin export.")
    span = (ctx.day - history["local_date"].min()).days
    if span < 14:
        return NotAssessed(CAUSE, ("28 days of run history",),
                           history_note(span, "runs", "4 weeks"))
    quality = 1.0 if span >= MIN_HISTORY.value(o) else 0.5
    spikes = [s for s in _spikes(ctx) if s[1] - s[2] >= MIN_KM.value(o)]
    worst = max(spikes, key=lambda s: s[3], default=None)
    this_wk, last_wk, established = _weekly(ctx)
    score, evidence = _spike_evidence(worst, o)
    week = _week_evidence(ctx, this_wk, established, o)
    if week is not None:
        score = max(score, 0.35) + 0.1
        evidence.append(week)
    if not evidence:
        ref_txt = f"the longest recent run was {worst[1]:.1f} km" if worst else "no recent run was longer"
        return Ruled(CAUSE, f"No run in the last {int(LOOKBACK.value(o))} days went more than 10 % past "
                            f"your longest of the previous 30 days ({ref_txt}), and weekly distance "
                            f"rose gently ({last_wk:.0f} → {this_wk:.0f} km).")
    return _finding(ctx, min(score, 1.0), quality, evidence, worst, established, o)


def _spike_evidence(worst: tuple[date, float, float, float] | None, o: dict) -> tuple[float, list[Evidence]]:
    """The score and evidence of the worst recent single-run spike (none under the note level)."""
    if worst is None or _score(worst[3], o) <= 0:
        return 0.0, []
    day, km, ref, pct = worst
    return _score(pct, o) * (GRADE_WEIGHT["moderate"] / 0.7), [Evidence(
        "single_run_spike_pct", round(pct, 1), SPIKE_NOTE.value(o), (day - timedelta(days=30), day),
        f"{day:%A %d %b}'s {km:.1f} km run was {pct:.0f} % longer than your longest run in the "
        f"previous 30 days ({ref:.1f} km); in a study of 5,200 runners spikes over 10 % came with "
        f"~1.5-2.3× the injury rate.")]


def _week_evidence(ctx: Context, this_wk: float, established: float, o: dict) -> Evidence | None:
    """The evidence of a week-on-week rise past the established volume, if there is one."""
    prog = 100 * (this_wk / established - 1) if established >= 5 else None
    if not (prog is not None and prog > WEEK_PCT.value(o) and this_wk - established >= MIN_KM.value(o)):
        return None
    return Evidence(
        "weekly_progression_pct", round(prog, 1), WEEK_PCT.value(o), (ctx.day - timedelta(days=34), ctx.day),
        f"You ran {this_wk:.0f} km in the last 7 days, {prog:.0f} % more than your biggest week of "
        f"the four before ({established:.0f} km); rises over 30 % are linked to overuse injuries.")


def _finding(ctx: Context, score: float, quality: float, evidence: list[Evidence],
             worst: tuple[date, float, float, float] | None, established: float, o: dict) -> Finding:
    """The finding, with its fix sized on the established long run and weekly volume."""
    # C07 flags: a spike of 10-30 % is a note, over 30 % a warning; the weekly rise adds its own.
    noted_only = len(evidence) == 1 and evidence[0].metric == "single_run_spike_pct" and worst is not None \
        and worst[3] <= SPIKE_WARN.value(o)
    ref_km = established_long_run_km(ctx) or established / 3
    fix = (f"Keep your next long run under {ref_km * 1.1:.1f} km (within 10 % of your longest run "
           f"of the previous 30 days) until the legs feel normal again.",
           f"Cap next week at about {established * 1.1:.0f} km and add volume in small "
           f"steps, with a lighter week every 3-4 weeks.")
    level = "low" if noted_only else confidence(score, quality)
    return Finding(CAUSE, score, level, tuple(evidence), fix)
