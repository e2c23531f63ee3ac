"""The simulator's truth: what the runner planned and did each day, and what was injected.

A ``Day`` is the plan for one date (session and distance) plus the injected causes
active that day and their ``Effects``: the knobs an injection turns. Effects are causes,
not answers: a short night is ``sleep_h``; the heavier legs, higher resting HR and worse
mood that follow come from the wellness model (``wellness.py``), so they flow the same
way whatever caused them.

>>> Effects().plus(heaviness=1.0, pace_factor=1.05).plus(heaviness=0.5).heaviness
1.5
>>> Effects().plus(log={"pain": 3}).log
(('pain', 3),)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

from heavylegs.core.logschema import COLUMN_BY_NAME

# session -> (intensity in the 3-zone sense of science.md §1.2, typical CR-10 RPE)
SESSIONS: dict[str, tuple[str, float]] = {
    "rest": ("rest", 0.0),
    "recovery": ("easy", 2.0),
    "easy": ("easy", 3.0),
    "long": ("easy", 4.5),
    "fartlek": ("moderate", 5.5),
    "tempo": ("hard", 6.5),
    "intervals": ("hard", 8.0),
    "track": ("hard", 8.5),  # dense intervals: lots of time above threshold
    "time-trial": ("hard", 9.0),
}
STRUCTURED: frozenset[str] = frozenset({"fartlek", "tempo", "intervals", "time-trial",
                                        "track"})
STRENGTH: tuple[str, ...] = ("none", "upper", "core", "legs-light", "legs-heavy")

_SET = frozenset({"sleep_h", "temp_c", "stop_after_s", "stop_for_s", "stop_every_s",
                  "hill_m", "old_shoe_km"})
_MULTIPLY = frozenset({"pace_factor", "drift_scale", "effort_cost"})


@dataclass(frozen=True, slots=True)
class Effects:
    """What injected causes change on a day, on top of the runner's habits.

    Additive unless noted. Ratings are on the daily-log scales (spec/daily-log.md).
    """

    sleep_h: float | None = None  # the night's sleep, replacing the habit (set, not added)
    sleep_quality: float = 0.0
    stress: float = 0.0
    heaviness: float = 0.0  # beyond what load, damage and sleep already explain
    fatigue: float = 0.0
    soreness: float = 0.0
    resting_hr_bpm: float = 0.0
    run_hr_bpm: float = 0.0  # HR during runs at the same effort
    pace_factor: float = 1.0  # multiplied; > 1 runs slower at the same effort
    drift_scale: float = 1.0  # multiplied; cardiac drift on long runs
    cadence_spm: float = 0.0
    mood: float = 0.0
    motivation: float = 0.0
    hrv_pct: float = 0.0  # morning HRV change, per cent
    mass_kg: float = 0.0  # true body mass change (a trend: set it on every day it lasts)
    damage: float = 0.0  # extra muscle damage today (soreness tomorrow, like a hard run)
    doms: float = 0.0  # eccentric damage today: soreness peaking 24-48 h later
    # the run
    effort_cost: float = 1.0  # multiplied; > 1: the same speed costs more HR (economy)
    fade: float = 0.0  # pace fade over the last third (0.15 = 15 % slower at the end)
    temp_c: float | None = None  # air temperature during the run (set)
    stop_after_s: float | None = None  # first forced stop (pain) after this many seconds
    stop_for_s: float | None = None  # how long each stop lasts
    stop_every_s: float | None = None  # repeat stops (claudication), or one stop if None
    hill_m: float | None = None  # the run goes up and steeply down a hill this high (m)
    gct_ms: float = 0.0  # ground contact time (dynamics pods)
    vo_mm: float = 0.0  # vertical oscillation
    balance_pct: float = 0.0  # left share of ground contact time, per cent points
    form_drift: float = 0.0  # late-run form decay (1 = marked)
    old_shoe_km: float | None = None  # (first day) km on the runner's only pair at start
    log: tuple[tuple[str, object], ...] = ()  # daily-log values set outright, by column

    def plus(self, log: Mapping[str, object] | None = None, **changes: float) -> Effects:
        """These effects with ``changes`` applied (added, multiplied or set by field)."""
        names = {f.name for f in fields(self)} - {"log"}
        values: dict[str, object] = {}
        for name, value in changes.items():
            if name not in names:
                raise TypeError(f"Effects has no field {name!r}")
            old = getattr(self, name)
            if name in _SET:
                values[name] = value
            elif name in _MULTIPLY:
                values[name] = old * value
            else:
                values[name] = old + value
        if log:
            unknown = sorted(set(log) - set(COLUMN_BY_NAME))
            if unknown:
                raise KeyError(f"not daily-log columns: {unknown}")
            values["log"] = tuple(sorted({**dict(self.log), **log}.items()))
        return replace(self, **values)


@dataclass(frozen=True, slots=True)
class Day:
    """One day of the plan and its truth. ``planned_km`` is 0 on rest days; a run's
    recorded distance equals it (to one sample)."""

    index: int
    date: date
    week: int  # calendar week of the scenario, 0-based (weeks start on Monday)
    session: str
    planned_km: float = 0.0
    injections: tuple[str, ...] = ()  # injection names active today
    causes: tuple[str, ...] = ()  # their cause ids (spec/causes.md) or triage rules
    effects: Effects = Effects()
    strength: str | None = None  # strength session; None: the runner's habit decides

    @property
    def intensity(self) -> str:
        """'rest', 'easy', 'moderate' or 'hard'."""
        return SESSIONS[self.session][0]

    @property
    def is_run(self) -> bool:
        return self.session != "rest" and self.planned_km > 0

    def as_rest(self) -> Day:
        return replace(self, session="rest", planned_km=0.0)
