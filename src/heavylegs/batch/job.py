"""`heavylegs team run`: checks the arguments, runs the chosen engine, prints a summary."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from heavylegs import dates
from heavylegs.errors import InvalidInput

ENGINES = ("local", "spark")


def run(root: Path, out: Path, day: date | None, engine: str = "local", master: str | None = None,
        workers: int = 2, progress: bool | None = None) -> int:
    if not root.is_dir():
        raise InvalidInput("ROOT", str(root), "a folder holding one folder per athlete")
    if engine not in ENGINES:
        raise InvalidInput("--engine", engine, " or ".join(ENGINES))
    if workers < 1:
        raise InvalidInput("--workers", str(workers), "a whole number of 1 or more")
    if day is not None and dates.day_problem(day):
        raise InvalidInput("--date", day.isoformat(), dates.accepted())
    if engine == "spark":
        from heavylegs.batch import spark

        summary = spark.run(root, out, day, dates.latest(), master or f"local[{workers}]")
    else:
        from heavylegs.batch import local

        summary = local.run(root, out, day, dates.latest(), workers,
                            progress=sys.stderr.isatty() if progress is None else progress)
    from heavylegs.causes.base import plural

    problems = f"{plural(summary.errors, 'problem')} in {out / 'errors.csv'}" if summary.errors else "no problems"
    print(f"team: {plural(summary.athletes, 'athlete')}, {summary.answered} answered, "
          f"{plural(summary.files_decoded, 'file')} decoded, {summary.files_unchanged} unchanged, {problems}")
    print(f"roster: {out / 'roster.html'}")
    return 0

