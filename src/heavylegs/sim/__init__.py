"""A deterministic runner simulator: training, daily log and activity files, with causes
of heavy legs switched on by name.

>>> from datetime import date
>>> result = simulate(Scenario(seed=1, start=date(2026, 3, 2), weeks=6,
...                            kind="novice", injections=("spike",)))
>>> result.final_day.causes, result.log[-1]["heaviness"] >= 6
(('training-spike',), True)

Public API:

- ``runner(kind, seed) -> RunnerProfile``: a plausible novice, recreational or advanced
  runner.
- ``Scenario(seed, start, weeks, kind, injections, params, formats)``.
- ``simulate(scenario) -> SimResult``: ``.runner``, ``.plan`` (one ``Day`` a day: the
  truth), ``.states`` (true load, fitness, fatigue, sleep), ``.log`` (``LogRow``s) and
  ``.activities`` (``SimActivity``: recorded samples; ``.streams()`` gives the
  canonical stream frame).
- ``write_files(result, folder) -> list[Path]``: GPX/TCX per run and ``daily-log.csv``.
- ``INJECTIONS``, ``injection(...)``: the registry of causes that can be switched on
  (see ``sim/injections.py`` for how to add one).

The pipeline: ``profile.runner`` -> ``plan.base_plan`` -> ``injections.apply_all`` ->
``wellness.daily_log`` -> ``runs.build_run`` per run -> ``files.write_files``.
"""

from heavylegs.sim.days import Day, Effects
from heavylegs.sim.files import write_files
from heavylegs.sim.injections import INJECTIONS, Context, Injection, injection
from heavylegs.sim.profile import KINDS, RunnerProfile, runner
from heavylegs.sim.runs import SimActivity
from heavylegs.sim.simulate import Scenario, SimResult, simulate
from heavylegs.sim.wellness import DayState, LogRow

__all__ = [
    "INJECTIONS", "KINDS", "Context", "Day", "DayState", "Effects", "Injection", "LogRow",
    "RunnerProfile", "Scenario", "SimActivity", "SimResult", "injection", "runner",
    "simulate", "write_files",
]
