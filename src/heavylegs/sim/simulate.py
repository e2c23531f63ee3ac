"""Scenarios and the simulation: plan -> injections -> daily log -> runs.

>>> result = simulate(Scenario(seed=4, start=date(2026, 2, 2), weeks=5,
...                            injections=("short-sleep",)))
>>> len(result.plan), result.plan[-1].causes, result.log[-1]["heaviness"] >= 6
(35, ('sleep-deprivation',), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from heavylegs.errors import InvalidInput
from heavylegs.sim.catalog import adjust_runner
from heavylegs.sim.days import Day
from heavylegs.sim.gear import Shoe, shoe_km, shoes
from heavylegs.sim.injections import apply_all, check_params, resolve
from heavylegs.sim.plan import base_plan, with_strength
from heavylegs.sim.profile import KINDS, RunnerProfile, runner
from heavylegs.sim.rng import stream
from heavylegs.sim.route import runner_loops
from heavylegs.sim.runs import SimActivity, build_run
from heavylegs.sim.wellness import DayState, LogRow, daily_log

FILE_FORMATS: tuple[str, ...] = ("gpx", "tcx", "fit", "mixed", "fit-tcx")
FIT_SHARE = 0.8  # fit-tcx: the share of runs written as FIT (the rest TCX)
MAX_WEEKS = 104


@dataclass(frozen=True, slots=True)
class Scenario:
    """What to simulate. ``injections`` are registry names (``sim.injections``) applied in
    order; ``params`` maps an injection name to the parameters it overrides. The last
    day is the day the runner asks why their legs are heavy."""

    seed: int = 0
    start: date = date(2026, 1, 5)
    weeks: int = 12
    kind: str = "recreational"  # the runner: novice, recreational or advanced
    injections: tuple[str, ...] = ()
    params: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    formats: str = "mixed"  # run files: 'gpx', 'tcx', 'fit', 'mixed' or 'fit-tcx'; mixed: FIT
    # for runners with a dynamics pod, otherwise GPX or TCX at random; fit-tcx: each run FIT
    # (FIT_SHARE, as modern watches write) or else TCX, a seeded draw per run

    def __post_init__(self) -> None:
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InvalidInput("seed", self.seed, "an integer >= 0")
        if not 1 <= self.weeks <= MAX_WEEKS:
            raise InvalidInput("weeks", self.weeks, f"1-{MAX_WEEKS}")
        if self.kind not in KINDS:
            raise InvalidInput("kind", self.kind, ", ".join(KINDS))
        if self.formats not in FILE_FORMATS:
            raise InvalidInput("formats", self.formats, ", ".join(FILE_FORMATS))
        for name in self.injections:
            resolve(name)
        for name, values in self.params.items():
            if name not in self.injections:
                raise InvalidInput("params", name, "names listed in injections")
            check_params(name, values)

    @property
    def end(self) -> date:
        """The final day: the day the runner asks."""
        return self.start + timedelta(days=self.weeks * 7 - 1)


@dataclass(frozen=True, slots=True, eq=False)
class SimResult:
    """Everything simulated: the runner, the day-by-day truth, the log and the runs."""

    scenario: Scenario
    runner: RunnerProfile
    plan: tuple[Day, ...]
    states: tuple[DayState, ...]
    log: tuple[LogRow, ...]
    activities: tuple[SimActivity, ...]
    shoes: tuple[Shoe, ...] = ()  # (name, from_date, start_km): for ``gear add``

    def retired(self, shoe: Shoe) -> date | None:
        """The last day ``shoe`` was worn (the day before the next pair), or None for the
        pair in use: ``gear add NAME --from FROM --to RETIRED --start-km START_KM``."""
        later = [s.from_date for s in self.shoes if s.from_date > shoe.from_date]
        return min(later) - timedelta(days=1) if later else None

    def shoe_km(self, day: date) -> float:
        """Km on the pair in use at the end of ``day``."""
        index = (day - self.plan[0].date).days
        return shoe_km(self.plan, self.runner)[index]

    @property
    def final_day(self) -> Day:
        return self.plan[-1]

    def activity_on(self, day: date) -> SimActivity | None:
        """The run on local date ``day``, if any."""
        return next((a for a in self.activities if a.local_date == day), None)


def simulate(scenario: Scenario, runs: bool = True) -> SimResult:
    """Simulate ``scenario``: deterministic, the same scenario gives the same result.
    ``runs=False`` skips the second-by-second runs (``activities`` is empty): the plan
    and the log alone, several times faster."""
    seed = scenario.seed
    r = adjust_runner(runner(scenario.kind, seed), scenario.injections, scenario.params)
    days = base_plan(r, seed, scenario.start, scenario.weeks)
    days = apply_all(days, scenario.injections, scenario.params, r, seed)
    days = with_strength(days, r, seed)
    states, log = daily_log(days, r, seed)
    loops = runner_loops(r, seed)
    recorded = tuple(build_run(d, s, r, loops, seed, _file_format(scenario, r, d))
                     for d, s in zip(days, states, strict=True) if d.is_run and runs)
    return SimResult(scenario, r, days, states, log, recorded, shoes(days, r))


def _file_format(scenario: Scenario, r: RunnerProfile, day: Day) -> str:
    if scenario.formats == "fit-tcx":
        return "fit" if stream(scenario.seed, "fit-tcx", day.index).random() < FIT_SHARE else "tcx"
    if scenario.formats != "mixed":
        return scenario.formats
    if r.dynamics_pod:
        return "fit"
    return "gpx" if stream(scenario.seed, "format", day.index).random() < 0.5 else "tcx"
