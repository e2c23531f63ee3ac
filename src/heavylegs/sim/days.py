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
    "time-trial": ("hard", 9.0),
}
STRUCTURED: frozenset[str] = frozenset({"fartlek", "tempo", "intervals", "time-trial"})

_SET = frozenset({"sleep_h"})
_MULTIPLY = frozenset({"pace_factor", "drift_scale"})


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

    @property
    def intensity(self) -> str:
        """'rest', 'easy', 'moderate' or 'hard'."""
        return SESSIONS[self.session][0]

    @property
    def is_run(self) -> bool:
        return self.session != "rest" and self.planned_km > 0

    def as_rest(self) -> Day:
        return replace(self, session="rest", planned_km=0.0)
