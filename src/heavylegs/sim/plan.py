"""The base training plan: a sensible week, lightly periodised, with everyday variability.

- The week: one quality session (Tuesday or Wednesday), a long run at the weekend, easy
  runs between, and rest days (novices run 3 days, advanced runners 5-6).
- Periodisation: 4-week blocks of 96 %, 100 %, 105 % and a lighter 72 % week (science.md
  C04: a lighter week every 3-4 weeks, 20-40 % less); each block 3 % above the last, at
  most +12 %. The lighter week's quality session is a 5 km time trial.
- Variability: weekly volume +-4 %, easy runs +-10 % (about 85 % of the long run at
  most), long runs +-3 %, 3 % of easy runs skipped.
- Strength: two sessions a week (``with_strength``, after injections, around the real
  runs): a heavy leg session (light for novices) at least 3 days before the next long
  or quality run (long: the long run, or any run 1.5 times the median run or more) and
  a light one at least 2 days before (science.md C14, C15: >= 48 h before key runs); a
  core session when no second day fits; 4 % skipped.
- Sensible progression: no run is more than 8 % longer than the longest run of the
  previous 30 days (science.md §1.6, C07: keep single runs within ~10 %). Before day 30
  the runner's pre-scenario long run counts as history.

>>> from heavylegs.sim.profile import runner
>>> days = base_plan(runner("novice", 2), 2, date(2026, 3, 2), 4)
>>> len(days), sorted({d.session for d in days} - {"rest"})[:2]
(28, ['easy', 'fartlek'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import numpy as np

from heavylegs.sim.days import STRUCTURED, Day
from heavylegs.sim.profile import RunnerProfile
from heavylegs.sim.rng import stream
from heavylegs.sim.session import min_km

LONG_RUN_FACTOR = 1.5  # a run this many times the median run is long (science.md C04)

CYCLE: tuple[float, ...] = (0.96, 1.0, 1.05, 0.72)
BLOCK_GROWTH = 0.03
MAX_GROWTH = 0.12
WORKOUTS: tuple[str, ...] = ("intervals", "tempo", "fartlek")
SPIKE_WINDOW_DAYS = 30  # science.md §1.6
SENSIBLE_SPIKE = 1.08
WORKOUT_SHARE = 0.18
EASY_MIN_KM = 3.0
SKIP_PROBABILITY = 0.03
STRENGTH_SKIP = 0.04
EASY_MAX_OF_LONG = 0.85

# weekday (0 = Monday) -> session, for a Tuesday workout and a Sunday long run
_TEMPLATES: dict[int, dict[int, str]] = {
    3: {1: "workout", 3: "easy", 6: "long"},
    4: {1: "workout", 3: "easy", 5: "easy", 6: "long"},
    5: {1: "workout", 2: "easy", 3: "easy", 5: "easy", 6: "long"},
    6: {0: "recovery", 1: "workout", 2: "easy", 3: "easy", 5: "easy", 6: "long"},
}


def base_plan(r: RunnerProfile, seed: int, start: date, weeks: int) -> tuple[Day, ...]:
    """``weeks`` x 7 days from ``start``: the runner's habitual training, no injections."""
    monday = start - timedelta(days=start.weekday())
    template = _template(r)
    days: list[Day] = []
    for i in range(weeks * 7):
        day = start + timedelta(days=i)
        week = (day - monday).days // 7
        days.append(Day(i, day, week, template.get(day.weekday(), "rest")))
    by_week: dict[int, list[Day]] = {}
    for d in days:
        by_week.setdefault(d.week, []).append(d)
    planned = [d for week, ds in by_week.items() for d in _fill_week(ds, week, r, seed)]
    return tuple(_sensible(planned, r))


def prehistory_km(r: RunnerProfile) -> float:
    """The longest run of the runner's (unsimulated) month before the scenario."""
    return round(r.weekly_km * r.long_run_share * 1.02, 1)


def reference_km(days: Sequence[Day], index: int, r: RunnerProfile) -> float:
    """Longest planned run in the 30 days before day ``index`` (science.md §1.6)."""
    lo = index - SPIKE_WINDOW_DAYS
    runs = [d.planned_km for d in days if lo <= d.index < index and d.is_run]
    if lo < 0:
        runs.append(prehistory_km(r))
    return max(runs, default=0.0)


def week_volume(week: int, r: RunnerProfile, rng: np.random.Generator) -> float:
    """Planned km for calendar week ``week`` of the scenario."""
    block = min(1.0 + BLOCK_GROWTH * (week // 4), 1.0 + MAX_GROWTH)
    return r.weekly_km * block * CYCLE[week % 4] * float(np.exp(rng.normal(0, 0.04)))


def _template(r: RunnerProfile) -> dict[int, str]:
    days = dict(_TEMPLATES[min(max(r.runs_per_week, 3), 6)])
    if r.workout_weekday == 2:
        days[1], days[2] = days.get(2, "rest"), days[1]
    if r.long_run_weekday == 5:
        days[5], days[6] = days[6], days.get(5, "rest")
    return {k: v for k, v in days.items() if v != "rest"}


def _workout(week: int) -> str:
    return "time-trial" if week % 4 == 3 else WORKOUTS[week % 3]


def _fill_week(days: list[Day], week: int, r: RunnerProfile, seed: int) -> list[Day]:
    rng = stream(seed, "plan", week)
    volume = week_volume(week, r, rng)
    noise, skip = rng.normal(0, 1, size=7), rng.random(size=7)
    workout = _workout(week)
    quality_km = max(WORKOUT_SHARE * volume, min_km(workout, r))
    easy = [d for d in days if d.session in ("easy", "recovery")]
    weights = np.array([0.7 if d.session == "recovery" else 1.0 for d in easy])
    long_km = max(volume * r.long_run_share,  # easy runs no longer than 85 % of it
                  (volume - quality_km) / (1 + EASY_MAX_OF_LONG * weights.sum()))
    long_km *= 1 + 0.03 * noise[6]
    left = max(volume - long_km - quality_km, 0.0)
    out = []
    for d in days:
        wd = d.date.weekday()
        if d.session == "long":
            km = long_km
        elif d.session == "workout":
            d, km = replace(d, session=workout), quality_km
        elif d.session in ("easy", "recovery"):
            share = 0.7 if d.session == "recovery" else 1.0
            km = max(left * share / weights.sum() * np.exp(0.1 * noise[wd]), EASY_MIN_KM)
            if skip[wd] < SKIP_PROBABILITY:
                d, km = d.as_rest(), 0.0
        else:
            km = 0.0
        out.append(replace(d, planned_km=round(float(km), 1)))
    return out


def _sensible(days: list[Day], r: RunnerProfile) -> list[Day]:
    out: list[Day] = []
    for d in days:
        if d.is_run:
            cap = np.floor(SENSIBLE_SPIKE * reference_km(out, d.index, r) * 10) / 10
            if d.planned_km > cap:
                d = shorten(d, float(cap), r)
        out.append(d)
    return out


def shorten(d: Day, km: float, r: RunnerProfile) -> Day:
    """``d`` cut to ``km``; a quality session too short for its main set becomes easy."""
    if d.session in STRUCTURED and km < min_km(d.session, r):
        return replace(d, session="easy", planned_km=round(km, 1))
    return replace(d, planned_km=round(km, 1))


def key_run(d: Day) -> bool:
    """A long or quality run: what strength work must not come just before."""
    return d.is_run and (d.session == "long" or d.session in STRUCTURED)


def with_strength(days: Sequence[Day], r: RunnerProfile, seed: int) -> tuple[Day, ...]:
    """``days`` with the runner's habitual strength sessions on days the plan left open
    (``strength`` None); weeks where an injection set any day's strength keep only that."""
    # Key runs as the engine sees them (science.md C04): long or quality sessions, and any run
    # 1.5 times the runner's median run or more (an advanced runner's long "easy" run).
    kms = sorted(d.planned_km for d in days if d.is_run)
    long_km = LONG_RUN_FACTOR * kms[len(kms) // 2] if kms else float("inf")
    keys = [d.index for d in days if key_run(d) or (d.is_run and d.planned_km >= long_km)]
    gaps = [min((k - d.index for k in keys if k > d.index), default=7) for d in days]
    key_days = set(keys)
    chosen: dict[int, str] = {}
    for week in sorted({d.week for d in days}):
        ds = [d for d in days if d.week == week]
        if any(d.strength is not None for d in ds):
            continue
        skip = stream(seed, "strength", week).random(size=2) < STRENGTH_SKIP
        open_days = sorted((d for d in ds if d.index not in key_days), key=lambda d: -gaps[d.index])
        heavy = next((d for d in open_days if gaps[d.index] >= 3), None)
        light = next((d for d in open_days if gaps[d.index] >= 2 and d is not heavy), None)
        if heavy is not None and not skip[0]:
            chosen[heavy.index] = "legs-light" if r.kind == "novice" else "legs-heavy"
        second = light or next((d for d in open_days if d is not heavy), None)
        if second is not None and not skip[1]:
            chosen[second.index] = "legs-light" if light is not None else "core"
    return tuple(replace(d, strength=d.strength or chosen.get(d.index, "none")) for d in days)
