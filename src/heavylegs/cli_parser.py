"""The argument parser of the ``heavylegs`` command (spec/cli.md is the contract): one
function per command adds its arguments, in the order `heavylegs --help` lists them."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from heavylegs import __version__
from heavylegs.cli_answers import cmd_demo, cmd_report, cmd_serve, cmd_team_run, cmd_why
from heavylegs.cli_import import cmd_import
from heavylegs.cli_records import (
    cmd_activities,
    cmd_activities_delete,
    cmd_activities_set_sport,
    cmd_checkin,
    cmd_export_daily_log,
    cmd_gear_add,
    cmd_gear_list,
    cmd_profile_set,
    cmd_profile_show,
)

Command = Callable[..., argparse.ArgumentParser]  # parser()'s `command`: adds one command


def _positive_int(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not accepted: a whole number of 1 or more")
    return int(value)


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

    for add in COMMANDS:  # in the order `heavylegs --help` lists them
        add(sub, command)
    return top


def _import(sub: Any, command: Command) -> None:
    p = command("import", cmd_import, "Import FIT/GPX/TCX files (also .gz), folders, exports (Strava, "
                "Garmin, Apple Health), daily-log and app CSV files.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or archives")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.add_argument("--verbose", action="store_true", help="show every warning and error")
    p.add_argument("--sport", metavar="SPORT", help="the sport of activities whose file names none "
                   "(a GPX without <type>), e.g. running")
    p.add_argument("--jobs", type=_positive_int, metavar="N", help="processes reading files at once "
                   "(default: the CPUs, at most 4; HEAVYLEGS_IMPORT_JOBS sets it too)")


def _activities(sub: Any, command: Command) -> None:
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


def _profile(sub: Any, command: Command) -> None:
    profile = sub.add_parser("profile", help="The runner's profile.", description="The runner's profile.")
    psub = profile.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser, required=True)
    p = command("set", cmd_profile_set, "Set profile values, e.g. `max_hr=188 sex=female "
                "threshold_pace=4:30`.", psub)
    p.add_argument("items", nargs="+", metavar="KEY=VALUE")
    p = command("show", cmd_profile_show, "Show the profile, with which values were estimated from data.", psub)
    p.add_argument("--json", action="store_true")


def _gear(sub: Any, command: Command) -> None:
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


def _why(sub: Any, command: Command) -> None:
    p = command("why", cmd_why, "Explain the heavy legs of a day.")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: the latest day with data)")
    p.add_argument("--json", action="store_true", help="the answer as JSON (docs/cli.md)")
    p.add_argument("--full", action="store_true", help="everything: every cause, patterns, markers, notes")


def _report(sub: Any, command: Command) -> None:
    p = command("report", cmd_report, "The answer with its charts, as one file that works offline.")
    p.add_argument("--html", metavar="FILE", help="write a self-contained HTML page")
    p.add_argument("--md", metavar="FILE", help="write Markdown")
    p.add_argument("--full", action="store_true", help="Markdown: everything, as `why --full` (HTML always is)")
    p.add_argument("--date", metavar="YYYY-MM-DD")


def _demo(sub: Any, command: Command) -> None:
    p = command("demo", cmd_demo, "Build a demo runner's files, import them into a demo workspace and explain.")
    p.add_argument("--keep", action=argparse.BooleanOptionalAction, default=False,
                   help="reuse the demo workspace instead of rebuilding it")
    p.add_argument("--full", action="store_true", help="print the full answer (as `why --full`)")


def _checkin(sub: Any, command: Command) -> None:
    p = command("checkin", cmd_checkin, "The day's log, asked interactively (under a minute) or set "
                "directly with --set / --clear.")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: today)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="a daily-log column; saves without asking (repeatable)")
    p.add_argument("--clear", action="append", metavar="KEY",
                   help="remove the day's value of a daily-log column (repeatable)")


def _serve(sub: Any, command: Command) -> None:
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


def _export(sub: Any, command: Command) -> None:
    export = sub.add_parser("export", help="Write stored data to files.", description="Write stored data to files.")
    esub = export.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser, required=True)
    p = command("daily-log", cmd_export_daily_log, "The daily log in the format of docs/daily-log.md.", esub)
    p.add_argument("path", metavar="FILE.csv", help="the CSV file to write")


def _team(sub: Any, command: Command) -> None:
    team = sub.add_parser("team", help="Many athletes: answers and a roster.", description="Many athletes.")
    tsub = team.add_subparsers(dest="subcommand", metavar="COMMAND", parser_class=_Parser, required=True)
    p = command("run", cmd_team_run, "Decode and explain every athlete folder of ROOT (docs/scale.md).", tsub)
    p.add_argument("root", metavar="ROOT", help="a folder with one folder per athlete (its name is the athlete id)")
    p.add_argument("--out", required=True, metavar="OUT", help="where tables, answers and the roster go")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day (default: each athlete's latest day with data)")
    p.add_argument("--engine", choices=("local", "spark"), default="local")
    p.add_argument("--master", metavar="URL", help="Spark master (default: local[WORKERS])")
    p.add_argument("--workers", type=int, default=2, metavar="N", help="processes (local) or local[N] (spark)")


COMMANDS = (_import, _activities, _profile, _gear, _why, _report, _demo, _checkin, _serve, _export, _team)
