"""`heavylegs team run`: checks the arguments, runs the chosen engine, prints a summary."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from heavylegs import dates
from heavylegs.errors import InvalidInput

ENGINES = ("local", "spark")


def is_uri(location: str) -> bool:
    """``hdfs://…``, ``s3a://…``, ``file://…``: a location Spark reads, kept as given
    (``Path`` would fold its ``//``)."""
    return "://" in location


def run(root: str, out: str, day: date | None, engine: str = "local", master: str | None = None,
        workers: int = 2, progress: bool | None = None) -> int:
    if engine not in ENGINES:
        raise InvalidInput("--engine", engine, " or ".join(ENGINES))
    for name, where in (("ROOT", root), ("--out", out)):
        if is_uri(where) and engine != "spark":
            raise InvalidInput(name, where, "a local folder (a URI such as hdfs://… needs --engine spark)")
    if not is_uri(root) and not Path(root).is_dir():
        raise InvalidInput("ROOT", root, "a folder holding one folder per athlete")
    if workers < 1:
        raise InvalidInput("--workers", str(workers), "a whole number of 1 or more")
    if day is not None and dates.day_problem(day):
        raise InvalidInput("--date", day.isoformat(), dates.accepted())
    if engine == "spark":
        from heavylegs.batch import spark

        summary = spark.run(root, out, day, dates.latest(), master or f"local[{workers}]")
    else:
        from heavylegs.batch import local

        summary = local.run(Path(root), Path(out), day, dates.latest(), workers,
                            progress=sys.stderr.isatty() if progress is None else progress)
    print("\n".join(summary_lines(summary, out)))
    return 0


def summary_lines(summary, out: str) -> list[str]:  # noqa: ANN001 (local.Summary: not imported here)
    """What a finished job prints: the counts, and where the roster is."""
    from heavylegs.causes.base import plural

    errors, roster = (f"{out.rstrip('/')}/{name}" if is_uri(out) else str(Path(out) / name)
                      for name in ("errors.csv", "roster.html"))
    problems = f"{plural(summary.errors, 'problem')} in {errors}" if summary.errors else "no problems"
    return [f"team: {plural(summary.athletes, 'athlete')}, {summary.answered} answered, "
            f"{plural(summary.files_decoded, 'file')} decoded, {summary.files_unchanged} unchanged, {problems}",
            f"roster: {roster}"]
