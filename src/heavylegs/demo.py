"""`heavylegs demo`: a simulated runner's files plus one real FIT file, imported into a
demo workspace and explained.

The demo runner trains for 16 weeks up to Sunday 2013-02-10 around a real Forerunner 110
run of 2013-02-06 (bundled, MIT). In the final week the long run jumps well past the
longest run of the previous month and sleep has been short for ten days: the answer
should name ``training-spike`` and ``sleep-deprivation``.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from rich.console import Console

from heavylegs.api import Workspace, default_home
from heavylegs.explain.text import render

DEMO_END = date(2013, 2, 10)
DEMO_WEEKS = 16
DEMO_SEED = 7
DEMO_INJECTIONS = ("spike", "short-sleep")
REAL_FIT = "fr110-run-2013-02-06.fit"


def demo_home(home: Path | None) -> Path:
    return (home or default_home()) / "demo"


def demo_zone() -> str:
    """The demo runner's time zone (its GPX/TCX files carry UTC times only)."""
    from heavylegs.sim.profile import runner

    return runner("recreational", DEMO_SEED).home.tz


def write_demo_files(folder: Path) -> list[Path]:
    """The demo's input files: simulated GPX/TCX and daily log, and the real FIT run
    (the simulated run of that day is left out so the real one takes its place)."""
    from heavylegs import sim

    scenario = sim.Scenario(seed=DEMO_SEED, start=DEMO_END - timedelta(days=7 * DEMO_WEEKS - 1), weeks=DEMO_WEEKS,
                            kind="recreational", injections=DEMO_INJECTIONS, formats="mixed")
    files = sim.write_files(sim.simulate(scenario), folder)
    real_day = "2013-02-06"
    kept = [f for f in files if not (f.name.startswith(real_day) and f.suffix in (".gpx", ".tcx"))]
    for f in set(files) - set(kept):
        f.unlink()
    target = folder / REAL_FIT
    with resources.as_file(resources.files("heavylegs") / "data" / REAL_FIT) as src:
        shutil.copyfile(src, target)
    return [*kept, target]


def run_demo(home: Path | None, out: Console, err: Console, rebuild: bool = True, full: bool = False) -> int:
    """Build (or reuse) the demo workspace, import, and print the answer (short unless ``full``)."""
    root = demo_home(home)
    files_dir = root / "files"
    if rebuild and root.exists():
        shutil.rmtree(root)
    if not files_dir.exists():
        files = write_demo_files(files_dir)
        out.print(f"demo: wrote {len(files)} files for a simulated runner to {files_dir}",
                  highlight=False, soft_wrap=True)
    with Workspace(root / "workspace") as ws:
        ws.profile_set({"sex": "female", "birth_year": "1985", "timezone": demo_zone()})
        report = ws.import_paths([files_dir])
        out.print(f"demo: imported {report.imported}, unchanged {report.unchanged}, "
                  f"failed {len(report.failed)}", highlight=False)
        for path, reason in report.failed:
            err.print(f"error: {path}: {reason}", markup=False)
        out.print()
        out.print(render(ws.why_json(), ws.units(), full))
    return 1 if report.failed else 0
