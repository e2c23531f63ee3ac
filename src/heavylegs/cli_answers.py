"""The commands that explain: `why` (the stored answer without the engine when no data
changed), `report`, `demo`, the web dashboard (`serve`) and many athletes (`team run`)."""

from __future__ import annotations

import argparse
import gc
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heavylegs.cli_common import (
    cannot_write,
    err,
    out,
    parse_date,
    say_error,
    with_workspace,
    workspace_home,
)
from heavylegs.errors import HeavyLegsError, InvalidInput

if TYPE_CHECKING:
    from heavylegs.api import Workspace


def _print_answer(body: dict[str, Any], as_json: bool, units: str = "metric", full: bool = False) -> None:
    if as_json:  # JSON stays SI, the unit in each key's name (docs/cli.md)
        print(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        from heavylegs.explain.text import render

        out().print(render(body, units, full))


def cmd_why(args: argparse.Namespace) -> int:
    try:
        day = parse_date(args.date)
    except InvalidInput as exc:
        say_error(f"error: {exc}")
        return 2
    from heavylegs import zones
    from heavylegs.storage import answers

    body = answers.lookup_in(workspace_home(args), day, zones.system_zone(os.environ))  # no engine needed
    if body is not None:
        _print_answer(body, args.json, answers.units_in(workspace_home(args)), args.full)
        return 0

    def show(ws: Workspace) -> None:
        _print_answer(ws.why_json(day), args.json, ws.units(), args.full)
    # The engine computes: a few hundred modules and frames, bounded work in a process that
    # ends next. Python's cyclic collector would walk all of them again and again (~30 ms).
    gc.disable()
    return with_workspace(args, show, create=False)


def cmd_report(args: argparse.Namespace) -> int:
    def write(ws: Workspace) -> None:
        if (args.html is None) == (args.md is None):
            raise InvalidInput("output", "both" if args.html else "none", "exactly one of --html FILE or --md FILE")
        target = Path(args.html or args.md)
        text = ws.report(parse_date(args.date), "html" if args.html else "md", args.full)
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            return cannot_write(target, exc)
        print(f"report: wrote {target}")
        return 0
    return with_workspace(args, write, create=False)


def cmd_demo(args: argparse.Namespace) -> int:
    from heavylegs.demo import run_demo

    try:
        return run_demo(Path(args.home).expanduser() if args.home else None, out(), err(),
                        rebuild=not args.keep, full=args.full)
    except HeavyLegsError as exc:
        say_error(f"error: {exc}")
        return 1


def cmd_serve(args: argparse.Namespace) -> int:
    """`serve`: the local web dashboard (src/heavylegs/web) until Ctrl-C."""
    home = workspace_home(args)
    if args.demo:
        from heavylegs.demo import demo_home, run_demo

        if not (demo_home(workspace_home(args) if args.home else None) / "workspace").exists():
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


def cmd_team_run(args: argparse.Namespace) -> int:
    from heavylegs.batch import job

    try:
        return job.run(args.root, args.out, parse_date(args.date), args.engine, args.master, args.workers)
    except HeavyLegsError as exc:
        say_error(f"error: {exc}")
        return 2
