"""Healthy runners at the edges of the causes' thresholds (issue 13, item 6).

Each of these injects **no cause** (``cause=None``): the runner stays inside science.md's
normal ranges, only close to a line a cause draws, so a detector that fires on a fix-advice
band instead of its detection rule shows up as a false positive in the scenario suite.

- ``edge-long-run``: long runs of 76-88 min (science.md C01: the depletion rule starts at
  90 min; decoupling counts from 75 min), eaten on 0.8-1.2 g/kg of carbohydrate beforehand
  and 30-40 g/h during (C11: ≥ 30 g/h from 75 min), daily carbohydrate logged in its band.
- ``edge-sleep``: nights of 6.8-7.2 h for a runner who needs 7.25 h; at most one night a
  week under 7 h, so the 7-day mean stays at 7 h or more (C05: adults need ≥ 7 h).
- ``edge-rise``: the final week's long run 9-11 % longer than the longest run of the 30
  days before (§1.6: the hazard rises above 10 %; C07 calls 10-30 % a note, not a warning).

>>> from heavylegs.sim.injections import INJECTIONS
>>> [INJECTIONS[n].cause for n in EDGE_INJECTIONS]
[None, None, None]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from heavylegs.sim.adjust import food_logger
from heavylegs.sim.days import Day
from heavylegs.sim.habits import body_mass
from heavylegs.sim.injections import Context, Plan, injection
from heavylegs.sim.plan import reference_km
from heavylegs.sim.profile import RunnerProfile

EDGE_INJECTIONS: tuple[str, ...] = ("edge-long-run", "edge-sleep", "edge-rise")
LONG_PACE = 1.03  # long runs go 3 % slower than easy pace (habits.run_hours)


def _long_run_km(r: RunnerProfile, minutes: float) -> float:
    return round(minutes * 60 / (r.easy_pace_s_per_km * LONG_PACE), 1)


@injection("edge-long-run", adjust=(food_logger,), low_min=78.0, high_min=86.0,
           low_g_kg=0.8, high_g_kg=1.2, low_g_h=30.0, high_g_h=40.0)
def _edge_long_run(days: Plan, ctx: Context) -> Plan:
    """Healthy: long runs of 76-88 min fuelled on 0.8-1.2 g/kg before and 30-40 g/h during."""
    p, r = ctx.params, ctx.runner
    target = float(ctx.rng("target").uniform(p["low_min"], p["high_min"]))
    out = list(days)
    for d in days:
        if d.session != "long" or not d.is_run:
            continue
        rng = ctx.rng(d.index)
        minutes = target + float(rng.uniform(-1.5, 1.5))
        pre = float(rng.uniform(p["low_g_kg"], p["high_g_kg"])) * body_mass(d, r)
        during = float(rng.uniform(p["low_g_h"], p["high_g_h"])) * minutes / 60
        long_day = replace(d, planned_km=_long_run_km(r, minutes))
        out[d.index] = ctx.activate(long_day, log={"pre_run_carbs_g": int(round(pre)),
                                                   "run_carbs_g": int(round(during))})
    return tuple(out)


def _sleeps_enough(r: RunnerProfile, params: Mapping[str, float]) -> RunnerProfile:
    """Needs 7.25 h (inside C05's 7-9 h) and habitually sleeps close to it."""
    return replace(r, sleep_need_h=params["need_h"], sleep_shortfall_h=0.05)


@injection("edge-sleep", adjust=(_sleeps_enough,), need_h=7.25)
def _edge_sleep(days: Plan, ctx: Context) -> Plan:
    """Healthy: 7.1-7.2 h most nights, one night a week of 6.8-6.9 h (7-day mean ≥ 7 h)."""
    out = list(days)
    for week in sorted({d.week for d in days}):
        ds = [d for d in days if d.week == week]
        rng = ctx.rng("week", week)
        short = ds[int(rng.integers(len(ds)))].index
        for d in ds:
            hours = rng.choice((6.8, 6.9)) if d.index == short else rng.choice((7.1, 7.2))
            out[d.index] = ctx.activate(d, sleep_h=float(hours))
    return tuple(out)


@injection("edge-rise", low_pct=9.0, high_pct=11.0)
def _edge_rise(days: Plan, ctx: Context) -> Plan:
    """Healthy: the final week's long run 9-11 % past the longest run of the 30 days before."""
    last = len(days) - 1
    longs = [d for d in days[max(last - 6, 0):] if d.session == "long" and d.is_run]
    if not longs:
        return days
    at: Day = longs[-1]
    pct = float(ctx.rng().uniform(ctx.params["low_pct"], ctx.params["high_pct"]))
    km = round(reference_km(days, at.index, ctx.runner) * (1 + pct / 100), 1)
    out = list(days)
    out[at.index] = ctx.activate(replace(at, planned_km=km))
    return tuple(out)
