"""`heavylegs team run`: checks the arguments, runs the chosen engine, prints a summary."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date
from pathlib import Path

from heavylegs import dates
from heavylegs.errors import InvalidInput, StorageError

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
    with nullcontext() if is_uri(out) else _only_run_into(Path(out)):
        if engine == "spark":
            from heavylegs.batch import spark

            summary = spark.run(root, out, day, dates.latest(), master or f"local[{workers}]")
        else:
            from heavylegs.batch import local

            summary = local.run(Path(root), Path(out), day, dates.latest(), workers,
                                progress=sys.stderr.isatty() if progress is None else progress)
    print("\n".join(summary_lines(summary, out)))
    return 0


LOCK_FILE = ".heavylegs-team.lock"


@contextmanager
def _only_run_into(out: Path) -> Iterator[None]:
    """The job's hold on a local OUT: a second `team run` into it (a cron job and a coach
    by hand) stops at once with a message instead of rewriting the same tables and
    workspaces. The kernel drops the lock if the job dies."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with (out / LOCK_FILE).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StorageError(f"{out}: another `heavylegs team run` is writing there; wait for it to finish "
                               "or choose another --out") from None
        yield


def summary_lines(summary, out: str) -> list[str]:  # noqa: ANN001 (local.Summary: not imported here)
    """What a finished job prints: the counts, and where the roster is."""
    from heavylegs.causes.base import plural

    errors, roster = (f"{out.rstrip('/')}/{name}" if is_uri(out) else str(Path(out) / name)
                      for name in ("errors.csv", "roster.html"))
    problems = f"{plural(summary.errors, 'problem')} in {errors}" if summary.errors else "no problems"
    return [f"team: {plural(summary.athletes, 'athlete')}, {summary.answered} answered, "
            f"{plural(summary.files_decoded, 'file')} decoded, {summary.files_unchanged} unchanged, {problems}",
            f"roster: {roster}"]
