"""The command line: parse arguments, call the Workspace, print. No logic worth testing
on its own lives here (spec/cli.md is the contract)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from heavylegs.api import ImportReport, Workspace
from heavylegs.errors import HeavyLegsError, InvalidInput

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Why do my legs feel heavy? Explains heavy legs from your own data.")
profile_app = typer.Typer(no_args_is_help=True, help="The runner's profile.")
gear_app = typer.Typer(no_args_is_help=True, help="Shoes.")
app.add_typer(profile_app, name="profile")
app.add_typer(gear_app, name="gear")

out = Console(soft_wrap=False)
err = Console(stderr=True)
STATE: dict[str, Any] = {"home": None, "debug": False}


@app.callback()
def _global(
    home: Annotated[Path | None, typer.Option("--home", envvar="HEAVYLEGS_HOME",
                                              help="Workspace folder (default: the platform's data folder).")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    STATE["home"], STATE["debug"] = home, debug


def _parse_date(value: str | None, field: str = "--date") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, value, "a date as YYYY-MM-DD") from None


def _run(fn: Callable[[Workspace], int | None]) -> None:
    """Open the workspace, run ``fn``, turn errors into one-line messages and exit codes."""
    try:
        with Workspace(STATE["home"]) as ws:
            code = fn(ws) or 0
    except InvalidInput as exc:
        if STATE["debug"]:
            raise
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    except HeavyLegsError as exc:
        if STATE["debug"]:
            raise
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None
    except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
        if STATE["debug"]:
            raise
        err.print(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and "
                  f"please report it", markup=False, highlight=False)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


MAX_WARNINGS = 5


def _print_report(report: ImportReport, as_json: bool, verbose: bool = False) -> int:
    if as_json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        out.print(f"imported {report.imported}, unchanged {report.unchanged}, "
                  f"failed {len(report.failed)}", highlight=False)
    shown = report.warnings if verbose else report.warnings[:MAX_WARNINGS]
    for w in shown:
        err.print(f"warning: {w}", markup=False, highlight=False)
    if len(shown) < len(report.warnings):
        err.print(f"warning: ... and {len(report.warnings) - len(shown)} more (--verbose shows all)",
                  markup=False, highlight=False)
    for path, reason in report.failed:
        text = reason if reason.startswith(path) else f"{path}: {reason}"
        err.print(f"error: {text}", markup=False, highlight=False, soft_wrap=True)
    return 1 if report.failed else 0


def import_with_progress(ws: Workspace, paths: list[Path]) -> ImportReport:
    if not sys.stderr.isatty():
        return ws.import_paths(paths)
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (TextColumn("importing"), BarColumn(), MofNCompleteColumn(), DownloadColumn(),
               TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("import", total=None)

        def tick(done: int, total: int, nbytes: int, path: str) -> None:
            bar.update(task, completed=done, total=total)

        return ws.import_paths(paths, progress=tick)


@app.command("import")
def import_(paths: Annotated[list[Path], typer.Argument(help="Files, folders or archives.")],
            as_json: Annotated[bool, typer.Option("--json", help="Print a JSON summary.")] = False,
            verbose: Annotated[bool, typer.Option("--verbose", help="Show every warning.")] = False) -> None:
    """Import FIT/GPX/TCX files (also .gz), folders, exports (Strava, Garmin, Apple Health),
    daily-log and app CSV files."""
    _run(lambda ws: _print_report(import_with_progress(ws, paths), as_json, verbose))


@app.command()
def activities(since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
               as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List stored activities."""
    def show(ws: Workspace) -> None:
        from heavylegs.views import activities_rows, activities_table

        rows = activities_rows(ws.activities(_parse_date(since, "--since")))
        if as_json:
            print(json.dumps(rows, indent=2))
        else:
            out.print(activities_table(rows))
    _run(show)


@profile_app.command("set")
def profile_set(items: Annotated[list[str], typer.Argument(help="KEY=VALUE ...")]) -> None:
    """Set profile values, e.g. `max_hr=188 sex=female threshold_pace=4:30`."""
    def apply(ws: Workspace) -> None:
        pairs = {}
        for item in items:
            key, sep, value = item.partition("=")
            if not sep:
                raise InvalidInput("profile setting", item, "KEY=VALUE")
            pairs[key.strip()] = value
        ws.profile_set(pairs)
        out.print(f"profile: set {', '.join(pairs)}")
    _run(apply)


@profile_app.command("show")
def profile_show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Show the profile, with which values were estimated from data."""
    def show(ws: Workspace) -> None:
        data = ws.profile_show()
        if as_json:
            print(json.dumps(data, indent=2))
            return
        for key, value in data["values"].items():  # type: ignore[union-attr]
            how = data["estimated"].get(key)  # type: ignore[union-attr]
            tail = f"  (estimated: {how})" if how else ""
            out.print(f"{key:15s} {'-' if value is None else value}{tail}", highlight=False)
    _run(show)


@gear_app.command("add")
def gear_add(name: str,
             from_: Annotated[str | None, typer.Option("--from", help="YYYY-MM-DD")] = None,
             to: Annotated[str | None, typer.Option("--to", help="YYYY-MM-DD")] = None,
             start_km: Annotated[float, typer.Option("--start-km")] = 0.0,
             limit_km: Annotated[float | None, typer.Option("--limit-km")] = None) -> None:
    """Add a pair of shoes; runs between the dates without explicit gear count on it."""
    _run(lambda ws: ws.gear_add(name, _parse_date(from_, "--from"), _parse_date(to, "--to"),
                                start_km, limit_km))


@gear_app.command("list")
def gear_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Shoes with km so far."""
    def show(ws: Workspace) -> None:
        rows = ws.gear_list()
        if as_json:
            print(json.dumps(rows, indent=2))
            return
        for g in rows:
            limit = f" / {g['limit_km']:.0f}" if g["limit_km"] else ""
            out.print(f"{g['name']:24s} {g['km']:8.1f}{limit} km  ({g['runs']} runs)", highlight=False)
    _run(show)


@app.command()
def why(day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: latest day with data)")] = None,
        as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Explain the heavy legs of a day."""
    def show(ws: Workspace) -> None:
        answer = ws.why(_parse_date(day))
        if as_json:
            print(json.dumps(answer.to_json(), indent=2, ensure_ascii=False))
        else:
            from heavylegs.explain.text import render

            out.print(render(answer))
    _run(show)


@app.command()
def report(html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML page.")] = None,
           md: Annotated[Path | None, typer.Option("--md", help="Write Markdown.")] = None,
           day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD")] = None) -> None:
    """The answer with its charts, as one file that works offline."""
    def write(ws: Workspace) -> None:
        if (html is None) == (md is None):
            raise InvalidInput("output", "both" if html else "none", "exactly one of --html FILE or --md FILE")
        target = html or md
        text = ws.report(_parse_date(day), "html" if html else "md")
        target.write_text(text, encoding="utf-8")  # type: ignore[union-attr]
        out.print(f"report: wrote {target}", highlight=False, soft_wrap=True)
    _run(write)


@app.command()
def demo(keep: Annotated[bool, typer.Option(help="Reuse the demo workspace instead of rebuilding it.")] = False) -> None:
    """Build a demo runner's files, import them into a demo workspace and explain."""
    from heavylegs.demo import run_demo

    try:
        code = run_demo(STATE["home"], out, err, rebuild=not keep)
    except HeavyLegsError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(1) from None
    raise typer.Exit(code)


@app.command()
def checkin(day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today)")] = None,
            sets: Annotated[list[str] | None, typer.Option("--set", metavar="KEY=VALUE", help="a daily-log column; "
                                                            "saves without asking")] = None) -> None:
    """The day's log, asked interactively (under a minute) or set directly with --set."""
    from heavylegs import checkin as flow

    def save(ws: Workspace) -> int:
        when = _parse_date(day) or date.today()
        stored = None
        if sets:
            values = flow.parse_sets(sets)
        elif not sys.stdin.isatty():
            err.print(flow.NOT_A_TTY, markup=False, highlight=False)
            return 2
        else:
            out.print(f"Check-in for {when.isoformat()}", style="bold", highlight=False)
            stored = ws.log_row(when)
            try:
                values = flow.collect(flow.terminal_ask(out, sys.stdin.fileno()),
                                      lambda line: out.print(line, markup=False, highlight=False),
                                      ws.log_row(date.fromordinal(when.toordinal() - 1)), stored)
            except (KeyboardInterrupt, EOFError):
                err.print("\nnothing saved", highlight=False)
                return 1
        hits = ws.log_set(when, values) if values else []
        for part in flow.triage_renderables(hits):  # triage first, before anything else
            out.print(part)
        out.print(flow.summary(when, values, stored), markup=False, highlight=False)
        return 0
    _run(save)


export_app = typer.Typer(no_args_is_help=True, help="Write stored data to files.")
app.add_typer(export_app, name="export")


@export_app.command("daily-log")
def export_daily_log(path: Annotated[Path, typer.Argument(metavar="FILE.csv", help="The CSV file to write.")]) -> None:
    """The daily log in the format of spec/daily-log.md."""
    def write(ws: Workspace) -> int:
        try:
            rows = ws.export_daily_log(path)
        except OSError as exc:
            err.print(f"error: cannot write {path}: {exc.strerror or exc}", markup=False, highlight=False)
            return 2
        out.print(f"wrote {rows} rows to {path}", markup=False, highlight=False, soft_wrap=True)
        return 0
    _run(write)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
