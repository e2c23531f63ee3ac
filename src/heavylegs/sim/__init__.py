"""A deterministic runner simulator: training, daily log and activity files, with causes
of heavy legs (every id of spec/causes.md) and red-flag days switched on by name.

>>> from datetime import date
>>> result = simulate(Scenario(seed=1, start=date(2026, 3, 2), weeks=6,
...                            kind="novice", injections=("spike",)))
>>> result.final_day.causes, result.log[-1]["heaviness"] >= 6
(('training-spike',), True)
>>> CAUSE_INJECTIONS["iron-deficiency"], TRIAGE_INJECTIONS["triage-urgent-dvt"]
('iron-deficiency', 'urgent')

Public API:

- ``runner(kind, seed) -> RunnerProfile``: a plausible novice, recreational or advanced
  runner, with habits (strength work, food logging, periods, shoes, a blood test).
- ``Scenario(seed, start, weeks, kind, injections, params, formats)``; formats 'gpx',
  'tcx', 'fit', 'mixed' (FIT for runners with a dynamics pod, else GPX or TCX) or
  'fit-tcx' (each run FIT with probability ``FIT_SHARE`` = 0.8, else TCX).
- ``simulate(scenario) -> SimResult``: ``.runner``, ``.plan`` (one ``Day`` a day: the
  truth), ``.states`` (true load, fitness, fatigue, sleep), ``.log`` (``LogRow``s),
  ``.activities`` (``SimActivity``: recorded samples; ``.streams()`` gives the
  canonical stream frame) and ``.shoes`` (``Shoe(name, from_date, start_km)``: what to
  register with ``heavylegs gear add``; ``.shoe_km(day)`` the km on the pair in use).
- ``write_files(result, folder) -> list[Path]``: GPX/TCX/FIT per run and
  ``daily-log.csv``.
- ``INJECTIONS``, ``injection(...)``: the registry (see ``sim/injections.py`` for how to
  add one); ``CAUSE_INJECTIONS`` maps each cause id to its injection, and
  ``TRIAGE_INJECTIONS`` each red-flag injection to its triage tier; ``EDGE_INJECTIONS``
  are healthy runners at the edges of the causes' thresholds (no cause injected).
- ``sim.signals``: measure a signal in read-back streams (hard minutes, decoupling,
  stops, descent) in science.md's terms.

The pipeline: ``profile.runner`` -> ``injections.adjust_runner`` -> ``plan.base_plan``
-> ``injections.apply_all`` -> ``plan.with_strength`` -> ``wellness.daily_log`` (with
``habits``) -> ``runs.build_run`` per run -> ``files.write_files``.
"""

from heavylegs.sim.catalog import CAUSE_INJECTIONS, TRIAGE_INJECTIONS
from heavylegs.sim.days import Day, Effects
from heavylegs.sim.files import write_files
from heavylegs.sim.gear import Shoe
from heavylegs.sim.inject_edge import EDGE_INJECTIONS
from heavylegs.sim.injections import INJECTIONS, Context, Injection, injection
from heavylegs.sim.profile import KINDS, RunnerProfile, runner
from heavylegs.sim.runs import SimActivity
from heavylegs.sim.simulate import FILE_FORMATS, Scenario, SimResult, simulate
from heavylegs.sim.wellness import DayState, LogRow

__all__ = [
    "CAUSE_INJECTIONS", "EDGE_INJECTIONS", "FILE_FORMATS", "INJECTIONS", "KINDS", "TRIAGE_INJECTIONS", "Context",
    "Day", "DayState", "Effects", "Injection", "LogRow", "RunnerProfile", "Scenario", "Shoe",
    "SimActivity", "SimResult", "injection", "runner", "simulate", "write_files",
]
