"""The command line: parse arguments, call the Workspace, print. No logic worth testing
on its own lives here (spec/cli.md is the contract).

Start-up time is part of the product: `heavylegs why` prints a stored answer
(storage/answers.py) without importing the engine, polars, numpy or rich, and every
command imports only what it uses, when it runs."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heavylegs import __version__
from heavylegs.errors import HeavyLegsError, InvalidInput

# numpy's OpenBLAS starts a thread per core at import, and they spin: ~0.05 s of CPU on
# every command that imports numpy (3 % of importing the corpus' 158 FIT files), for matrix
# products heavylegs never makes large enough to share. Set before numpy's first import;
# a value the user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

if TYPE_CHECKING:
    from rich.console import Console

    from heavylegs.api import ImportReport, Workspace

MAX_WARNINGS = 5
_CONSOLES: dict[str, Console] = {}


def out() -> Console:
    if "out" not in _CONSOLES:
        from rich.console import Console

        _CONSOLES["out"] = Console(soft_wrap=False)
    return _CONSOLES["out"]


def err() -> Console:
    if "err" not in _CONSOLES:
        from rich.console import Console

        _CONSOLES["err"] = Console(stderr=True)
    return _CONSOLES["err"]


def say_error(text: str) -> None:
    """One plain line on stderr (no rich needed)."""
    print(text, file=sys.stderr)


def _parse_date(value: str | None, field: str = "--date") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, value, "a date as YYYY-MM-DD") from None


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not accepted: a whole number of 1 or more")
    return int(value)


def _home(args: argparse.Namespace) -> Path:
    from heavylegs.storage.db import default_home

    return Path(args.home).expanduser() if args.home else default_home()


def _run(args: argparse.Namespace, fn: Callable[[Workspace], int | None], *, create: bool = True) -> int:
    """Open the workspace, run ``fn``, turn errors into one-line messages and exit codes.
    Read commands pass ``create=False``: they never make a workspace where none is."""
    try:
        from heavylegs.api import Workspace

        with Workspace(_home(args), create=create) as ws:
            return fn(ws) or 0
    except BrokenPipeError:  # the reader went away (`| head`): handled in run()
        raise
    except InvalidInput as exc:
        if args.debug:
            raise
        say_error(f"error: {exc}")
        return 2
    except HeavyLegsError as exc:
        if args.debug:
            raise
        say_error(f"error: {exc}")
        return 1
    except Exception as exc:  # a bug: say so in one line; --debug shows the traceback
        if args.debug:
            raise
        import sqlite3

        if isinstance(exc, sqlite3.Error):  # a write the workspace refused (read-only, full, busy)
            from heavylegs.storage.db import storage_error

            say_error(f"error: {storage_error(_home(args), exc)}")
            return 1
        say_error(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and "
                  f"please report it")
        return 1


# -- commands --------------------------------------------------------------------------


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


def _prepare_answer(ws: Workspace) -> None:
    """After a command changed the data (import, check-in, profile, shoes), compute and
    store the latest day's answer so the next `why` is instant. Never fails the command
    that wrote the data: `why` reports any problem."""
    try:
        ws.why_json(None)
    except Exception:  # noqa: BLE001 - NotEnoughData, or a bug `why` will show
        pass


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
    workers = parallel_import.start(_home(args), files, shares[1:], args.sport) if jobs > 1 else []

    def run(ws: Workspace) -> int:
        report = import_with_progress(ws, files, missing, args.sport, shares[0] if workers else None, workers)
        if report.imported:
            _prepare_answer(ws)
        return _print_report(report, args.json, args.verbose)

    try:
        return _run(args, run)
    finally:
        gc.set_threshold(*before)
        for w in workers:  # the workspace could not be opened: the workers stop too
            w.abandon()


def cmd_activities(args: argparse.Namespace) -> int:
    def show(ws: Workspace) -> None:
        from heavylegs.views import activities_rows, activities_table

        rows = activities_rows(ws.activities(_parse_date(args.since, "--since")))
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            out().print(activities_table(rows, ws.units()))
    return _run(args, show, create=False)


def cmd_activities_delete(args: argparse.Namespace) -> int:
    def delete(ws: Workspace) -> int:
        if not args.ids and not args.source:
            raise InvalidInput("activities delete", "", "one or more IDs, or --source PATH")
        rows = ws.delete_activities(args.ids, args.source or [])
        if args.json:
            print(json.dumps({"deleted": rows}, indent=2))
        for r in rows if not args.json else []:
            print(f"deleted activity {r['id']}: {r['start']} {r['sport']} from {r['source']}")
        _prepare_answer(ws)
        return 0
    return _run(args, delete, create=False)


def cmd_activities_set_sport(args: argparse.Namespace) -> int:
    """`activities set-sport ID SPORT`."""
    def apply(ws: Workspace) -> None:
        before = ws.set_sport(args.id, args.sport)
        print(f"activity {args.id}: sport {before} -> {args.sport}")
        _prepare_answer(ws)
    return _run(args, apply, create=False)


def cmd_profile_set(args: argparse.Namespace) -> int:
    def apply(ws: Workspace) -> None:
        pairs = {}
        for item in args.items:
            key, sep, value = item.partition("=")
            if not sep:
                raise InvalidInput("profile setting", item, "KEY=VALUE")
            pairs[key.strip()] = value
        ws.profile_set(pairs)
        print(f"profile: set {', '.join(pairs)}")
        _prepare_answer(ws)
    return _run(args, apply)


def cmd_profile_show(args: argparse.Namespace) -> int:
    def show(ws: Workspace) -> None:
        data = ws.profile_show()
        if args.json:
            print(json.dumps(data, indent=2))
            return
        from heavylegs.explain.units import profile_value, sentence

        units = ws.units()
        print(f"as of {data['as_of']} (the day `why` explains)")
        for key, value in data["values"].items():  # type: ignore[union-attr]
            how = data["from"].get(key)  # type: ignore[union-attr]
            tail = f"  ({sentence(how, units)})" if how else ""
            label, text = profile_value(key, value, units)
            print(f"{label:15s} {text}{tail}")
    return _run(args, show, create=False)


def _distance_km(text: str | None, option: str, units: str, km: float | None) -> float | None:
    """``--start``/``--limit`` (``500km``, ``300mi``, a bare number in the runner's units)
    in km; else the ``--start-km``/``--limit-km`` value ``km``."""
    from heavylegs.core import quantity

    if text is None:
        return km
    if km:
        raise InvalidInput(option, text, f"{option} or {option}-km, not both")
    try:
        return quantity.distance_km(text, "mi" if units == "imperial" else "km")
    except ValueError:
        raise InvalidInput(option, text, quantity.DISTANCE_FORMS) from None


def cmd_gear_add(args: argparse.Namespace) -> int:
    from heavylegs.explain.units import distance_unit, km_value

    def add(ws: Workspace) -> None:
        start_km = _distance_km(args.start, "--start", ws.units(), args.start_km)
        limit_km = _distance_km(args.limit, "--limit", ws.units(), args.limit_km)
        saved = ws.gear_add(args.name, _parse_date(args.from_, "--from"), _parse_date(args.to, "--to"),
                            start_km or 0.0, limit_km, args.kind)
        span = ", ".join(f"{k} {saved[k]}" for k in ("from", "to") if saved[k])
        extra = [span] if span else []
        unit = distance_unit(ws.units())
        extra += [f"starting at {km_value(saved['start_km'], ws.units()):g} {unit}"] if saved["start_km"] else []
        extra += [f"limit {km_value(saved['limit_km'], ws.units()):.0f} {unit}"] if saved["limit_km"] else []
        print(f"gear: added {saved['kind']} '{saved['name']}'" + (f" ({'; '.join(extra)})" if extra else ""))
        _prepare_answer(ws)
    return _run(args, add)


def cmd_gear_list(args: argparse.Namespace) -> int:
    def show(ws: Workspace) -> None:
        rows = ws.gear_list()
        if args.json:
            print(json.dumps(rows, indent=2))
            return
        from heavylegs.explain.units import distance_unit, km_value

        units = ws.units()
        unit = distance_unit(units)
        for g in rows:
            dist = km_value(float(g["km"]), units)  # type: ignore[arg-type]
            if g["kind"] != "shoes":
                print(f"{g['name']:24s} {g['kind']:6s} {dist:8.1f} {unit}  ({g['activities']} activities)")
                continue
            limit = f" / {km_value(float(g['limit_km']), units):.0f}" if g["limit_km"] else ""  # type: ignore[arg-type]
            print(f"{g['name']:24s} shoes  {dist:8.1f}{limit} {unit}  ({g['runs']} runs)")
    return _run(args, show, create=False)


def _print_answer(body: dict[str, Any], as_json: bool, units: str = "metric", full: bool = False) -> None:
    if as_json:  # JSON stays SI, the unit in each key's name (docs/cli.md)
        print(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        from heavylegs.explain.text import render

        out().print(render(body, units, full))


def cmd_why(args: argparse.Namespace) -> int:
    try:
        day = _parse_date(args.date)
    except InvalidInput as exc:
        say_error(f"error: {exc}")
        return 2
    from heavylegs import zones
    from heavylegs.storage import answers

    body = answers.lookup_in(_home(args), day, zones.system_zone(os.environ))  # no engine needed
    if body is not None:
        _print_answer(body, args.json, answers.units_in(_home(args)), args.full)
        return 0

    def show(ws: Workspace) -> None:
        _print_answer(ws.why_json(day), args.json, ws.units(), args.full)
    # The engine computes: a few hundred modules and frames, bounded work in a process that
    # ends next. Python's cyclic collector would walk all of them again and again (~30 ms).
    gc.disable()
    return _run(args, show, create=False)


def cmd_report(args: argparse.Namespace) -> int:
    def write(ws: Workspace) -> None:
        if (args.html is None) == (args.md is None):
            raise InvalidInput("output", "both" if args.html else "none", "exactly one of --html FILE or --md FILE")
        target = Path(args.html or args.md)
        text = ws.report(_parse_date(args.date), "html" if args.html else "md", args.full)
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            say_error(f"error: cannot write {target}: {exc.strerror or exc}")
            return 2
        print(f"report: wrote {target}")
        return 0
    return _run(args, write, create=False)


def cmd_demo(args: argparse.Namespace) -> int:
    from heavylegs.demo import run_demo

    try:
        return run_demo(Path(args.home).expanduser() if args.home else None, out(), err(),
                        rebuild=not args.keep, full=args.full)
    except HeavyLegsError as exc:
        say_error(f"error: {exc}")
        return 1


def cmd_checkin(args: argparse.Namespace) -> int:
    from heavylegs import checkin as flow

    def save(ws: Workspace) -> int:
        when = _parse_date(args.date) or ws.today()
        from heavylegs import dates

        if dates.day_problem(when):  # before any question is asked
            raise InvalidInput("--date", when.isoformat(), dates.accepted())
        stored = None
        if args.set or args.clear:
            values = flow.parse_sets(args.set or [], args.clear)
        elif not sys.stdin.isatty():
            say_error(flow.NOT_A_TTY)
            return 2
        else:
            con = out()
            con.print(f"Check-in for {when.isoformat()}", style="bold", highlight=False)
            stored = ws.log_row(when)
            try:
                values = flow.collect(flow.terminal_ask(con, sys.stdin.fileno()),
                                      lambda line: con.print(line, markup=False, highlight=False),
                                      ws.log_row(date.fromordinal(when.toordinal() - 1)), stored, ws.units())
            except (KeyboardInterrupt, EOFError):
                say_error("\nnothing saved")
                return 1
        hits = ws.log_set(when, values) if values else []
        for part in flow.triage_renderables(hits, ws.units()):  # triage first, before anything else
            out().print(part)
        print(flow.summary(when, values, stored, ws.units()))
        if values:
            _prepare_answer(ws)
        return 0
    return _run(args, save)


def cmd_export_daily_log(args: argparse.Namespace) -> int:
    def write(ws: Workspace) -> int:
        path = Path(args.path)
        try:
            rows = ws.export_daily_log(path)
        except OSError as exc:
            say_error(f"error: cannot write {path}: {exc.strerror or exc}")
            return 2
        print(f"wrote {rows} rows to {path}")
        return 0
    return _run(args, write, create=False)


def cmd_serve(args: argparse.Namespace) -> int:
    """`serve`: the local web dashboard (src/heavylegs/web) until Ctrl-C."""
    home = _home(args)
    if args.demo:
        from heavylegs.demo import demo_home, run_demo

        if not (demo_home(_home(args) if args.home else None) / "workspace").exists():
            run_demo(Path(args.home).expanduser() if args.home else None, out(), err())
        home = demo_home(Path(args.home).expanduser() if args.home else None) / "workspace"
    try:
        from heavylegs.web.serve import serve
    except ImportError as exc:
        say_error(f"error: the web dashboard needs its packages ({exc.name}): pip install heavylegs")
        return 1
    try:
        return serve(home, args.host, args.port, args.open, args.max_upload_mb)
    except HeavyLegsError as exc:
        say_error(f"error: {exc}")
        return 2


# -- the parser ------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """Usage errors as one `error:` line plus where to look, exit code 2 (spec/cli.md)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message}\n(see `{self.prog} --help`)\n")


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    # Global options are accepted before or after the command; SUPPRESS keeps a value
    # given before the command from being reset by the subcommand's default.
    common.add_argument("--home", default=argparse.SUPPRESS, metavar="DIR",
                        help="workspace folder (default: $HEAVYLEGS_HOME, else the platform's data folder)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks")

    top = _Parser(prog="heavylegs", parents=[common],
                  description="Why do my legs feel heavy? Explains heavy legs from your own data.")
    top.add_argument("--version", action="version", version=f"heavylegs {__version__}")
    sub = top.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, fn: Callable[[argparse.Namespace], int], help_: str,
                within: Any = sub) -> argparse.ArgumentParser:
        p = within.add_parser(name, parents=[common], help=help_, description=help_)
        p.set_defaults(fn=fn)
        return p

    p = command("import", cmd_import, "Import FIT/GPX/TCX files (also .gz), folders, exports (Strava, "
                "Garmin, Apple Health), daily-log and app CSV files.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or archives")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument("--verbose", action="store_true", help="show every warning and error")
    p.add_argument("--sport", metavar="SPORT", help="the sport of activities whose file names none "
                   "(a GPX without <type>), e.g. running")
    p.add_argument("--jobs", type=_positive_int, metavar="N", help="processes reading files at once "
                   "(default: the CPUs, at most 4; HEAVYLEGS_IMPORT_JOBS sets it too)")

    p = command("activities", cmd_activities, "List stored activities; `activities delete` and "
                "`activities set-sport` change them.")
    p.add_argument("--since", metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    asub = p.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser)
    p = command("delete", cmd_activities_delete, "Delete activities (by id, or all from a file) and "
                "everything derived from them; importing the file again brings them back.", asub)
    p.add_argument("ids", nargs="*", type=int, metavar="ID", help="ids as `heavylegs activities` lists them")
    p.add_argument("--source", action="append", metavar="PATH",
                   help="every activity imported from this file or archive (repeatable)")
    p.add_argument("--json", action="store_true")
    p = command("set-sport", cmd_activities_set_sport, "Give a stored activity its sport, e.g. "
                "`set-sport 12 running` for a GPX stored as unknown.", asub)
    p.add_argument("id", type=int, metavar="ID", help="the id as `heavylegs activities` lists it")
    p.add_argument("sport", metavar="SPORT", help="e.g. running, trail_running, cycling")

    profile = sub.add_parser("profile", help="The runner's profile.", description="The runner's profile.")
    psub = profile.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser, required=True)
    p = command("set", cmd_profile_set, "Set profile values, e.g. `max_hr=188 sex=female "
                "threshold_pace=4:30`.", psub)
    p.add_argument("items", nargs="+", metavar="KEY=VALUE")
    p = command("show", cmd_profile_show, "Show the profile, with which values were estimated from data.", psub)
    p.add_argument("--json", action="store_true")

    gear = sub.add_parser("gear", help="Shoes, bikes and other gear.", description="Shoes, bikes and other gear.")
    gsub = gear.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser, required=True)
    p = command("add", cmd_gear_add, "Add a pair of shoes (or a bike or other gear with --kind); runs "
                "between the dates without explicit gear count on the shoes.", gsub)
    p.add_argument("name")
    p.add_argument("--from", dest="from_", metavar="YYYY-MM-DD")
    p.add_argument("--to", metavar="YYYY-MM-DD")
    p.add_argument("--start-km", type=float, default=0.0, metavar="KM")
    p.add_argument("--limit-km", type=float, default=None, metavar="KM")
    p.add_argument("--start", metavar="DIST", help="distance already on it: 500km, 300mi, or a number in your units")
    p.add_argument("--limit", metavar="DIST", help="distance to retire it at: 800km, 500mi, or a number in your units")
    p.add_argument("--kind", choices=("shoes", "bike", "other"), default="shoes",
                   help="shoes (default) carry running km; bikes and other gear do not")
    p = command("list", cmd_gear_list, "Shoes with running km so far and the dates they crossed 500 and "
                "800 km; bikes and other gear with their activities.", gsub)
    p.add_argument("--json", action="store_true")

    p = command("why", cmd_why, "Explain the heavy legs of a day.")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: the latest day with data)")
    p.add_argument("--json", action="store_true", help="the answer as JSON (docs/cli.md)")
    p.add_argument("--full", action="store_true", help="everything: every cause, patterns, markers, notes")

    p = command("report", cmd_report, "The answer with its charts, as one file that works offline.")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML page")
    p.add_argument("--md", metavar="FILE", help="write Markdown")
    p.add_argument("--full", action="store_true", help="Markdown: everything, as `why --full` (HTML always is)")
    p.add_argument("--date", metavar="YYYY-MM-DD")

    p = command("demo", cmd_demo, "Build a demo runner's files, import them into a demo workspace and explain.")
    p.add_argument("--keep", action=argparse.BooleanOptionalAction, default=False,
                   help="reuse the demo workspace instead of rebuilding it")
    p.add_argument("--full", action="store_true", help="print the full answer (as `why --full`)")

    p = command("checkin", cmd_checkin, "The day's log, asked interactively (under a minute) or set "
                "directly with --set / --clear.")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="a daily-log column; saves without asking (repeatable)")
    p.add_argument("--clear", action="append", metavar="KEY",
                   help="remove the day's value of a daily-log column (repeatable)")

    p = command("serve", cmd_serve, "The local web dashboard: today's answer, check-in, trends, calendar, "
                "activities and import in the browser.")
    p.add_argument("--port", type=int, default=8765, help="the port (default 8765)")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1, this machine only; any other needs "
                        "the access token printed at start)")
    p.add_argument("--open", action="store_true", help="open the browser")
    p.add_argument("--demo", action="store_true", help="serve the demo workspace (built when missing)")
    p.add_argument("--max-upload-mb", type=float, default=4096, metavar="MB",
                   help="the largest upload accepted (default 4096 MB)")

    export = sub.add_parser("export", help="Write stored data to files.", description="Write stored data to files.")
    esub = export.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser, required=True)
    p = command("daily-log", cmd_export_daily_log, "The daily log in the format of docs/daily-log.md.", esub)
    p.add_argument("path", metavar="FILE.csv", help="the CSV file to write")

    team = sub.add_parser("team", help="Many athletes: answers and a roster.", description="Many athletes.")
    tsub = team.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser, required=True)
    p = command("run", cmd_team_run, "Decode and explain every athlete folder of ROOT (docs/scale.md).", tsub)
    p.add_argument("root", metavar="ROOT", help="a folder with one folder per athlete (its name is the athlete id)")
    p.add_argument("--out", required=True, metavar="OUT", help="where tables, answers and the roster go")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: each athlete's latest day with data)")
    p.add_argument("--engine", choices=("local", "spark"), default="local")
    p.add_argument("--master", metavar="URL", help="Spark master (default: local[WORKERS])")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="processes (local) or local[N] (spark)")
    return top


def cmd_team_run(args: argparse.Namespace) -> int:
    from heavylegs.batch import job

    try:
        return job.run(Path(args.root), Path(args.out), _parse_date(args.date), args.engine, args.master, args.workers)
    except HeavyLegsError as exc:
        say_error(f"error: {exc}")
        return 2


def main(argv: list[str] | None = None) -> int:
    top = parser()
    args = top.parse_args(argv)
    args.home = getattr(args, "home", None)
    args.debug = getattr(args, "debug", False)
    if getattr(args, "fn", None) is None:
        top.print_help()
        return 0 if args.command is None else 2
    return args.fn(args)


def run() -> None:
    """The ``heavylegs`` command: :func:`main`, then leave at once. Every command has closed
    its files and the database by then (all in ``with`` blocks); tearing the interpreter
    down, freeing several hundred modules and polars' threads, would add 40-100 ms to a
    cold ``why``."""
    try:
        code = main()
    except BrokenPipeError:  # the reader went away (`why --json | head`): that is not an error
        code = 0
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        code = 0
    except ValueError:  # the stream is closed
        pass
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    run()
