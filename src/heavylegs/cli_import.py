"""`heavylegs import`: files are found and split between processes before polars loads
(parallel_import.py), read with a progress bar on a terminal, and summed up in one report."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heavylegs.cli_common import err, prepare_answer, say_error, with_workspace, workspace_home
from heavylegs.errors import InvalidInput

if TYPE_CHECKING:
    from heavylegs.api import Workspace
    from heavylegs.workspace_import import ImportReport

MAX_WARNINGS = 5


def _print_report(report: ImportReport, as_json: bool, verbose: bool = False) -> int:
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        skipped = f", skipped {len(report.skipped)} (not activities)" if report.skipped else ""
        print(f"imported {report.imported}, unchanged {report.unchanged}{skipped}, failed {len(report.failed)}")
    shown = report.warnings if verbose else report.warnings[:MAX_WARNINGS]
    for w in shown:
        say_error(f"warning: {w}")
    if len(shown) < len(report.warnings):
        say_error(f"warning: ... and {len(report.warnings) - len(shown)} more (--verbose shows all)")
    if verbose:
        for path, why in report.skipped:
            say_error(f"skipped: {why if why.startswith(path) else f'{path}: {why}'}")
    from heavylegs.importers.failures import fold

    for path, reason in report.failed if verbose else fold(report.failed):
        say_error(f"error: {reason if reason.startswith(path) else f'{path}: {reason}'}")
    return 1 if report.failed else 0


def progress_columns() -> tuple[Any, ...]:
    """The import bar's columns: files done of files found (the count is files, not bytes)."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn

    return (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
            TimeRemainingColumn())


def import_with_progress(ws: Workspace, files: list[Path], missing: list[tuple[str, str]],
                         sport: str | None = None, share: list[int] | None = None,
                         workers: Sequence[Any] = ()) -> ImportReport:
    if not sys.stderr.isatty():
        return ws.import_files(files, missing, sport=sport, share=share, workers=workers)
    from rich.progress import Progress

    with Progress(*progress_columns(), console=err(), transient=True) as bar:
        task = bar.add_task("import", total=None)

        def tick(done: int, total: int, nbytes: int, path: str) -> None:
            bar.update(task, completed=done, total=total)

        return ws.import_files(files, missing, tick, sport, share=share, workers=workers)


def cmd_import(args: argparse.Namespace) -> int:
    from heavylegs import discovery, parallel_import

    # Each file makes tens of thousands of short-lived acyclic objects that reference
    # counting frees; the cyclic collector's passes over them cost ~8 % of an import's CPU.
    # It still runs, ~70x less often, so memory stays bounded.
    if args.sport is not None:  # before any process is forked to read files
        from heavylegs.sports import check_sport

        try:
            check_sport(args.sport)
        except InvalidInput as exc:
            say_error(f"error: {exc}")
            return 2
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 20)
    files, missing = discovery.discover(Path(p) for p in args.paths)
    jobs = parallel_import.jobs_for(len(files), args.jobs)
    shares = parallel_import.plan(parallel_import.file_sizes(files), jobs) if jobs > 1 else [list(range(len(files)))]
    # Forked now, before polars or any thread is loaded; each worker stores its share.
    workers = parallel_import.start(workspace_home(args), files, shares[1:], args.sport) if jobs > 1 else []

    def run(ws: Workspace) -> int:
        report = import_with_progress(ws, files, missing, args.sport, shares[0] if workers else None, workers)
        if report.imported:
            prepare_answer(ws)
        return _print_report(report, args.json, args.verbose)

    try:
        return with_workspace(args, run)
    finally:
        gc.set_threshold(*before)
        for w in workers:  # the workspace could not be opened: the workers stop too
            w.abandon()
