"""The commands over what the runner records: the activity list (delete, set-sport), the
profile, the gear, the daily check-in and the daily log's export."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from heavylegs.cli_common import (
    cannot_write,
    out,
    parse_date,
    prepare_answer,
    say_error,
    with_workspace,
)
from heavylegs.errors import InvalidInput

if TYPE_CHECKING:
    from heavylegs.api import Workspace


def cmd_activities(args: argparse.Namespace) -> int:
    def show(ws: Workspace) -> None:
        from heavylegs.views import activities_rows, activities_table

        rows = activities_rows(ws.activities(parse_date(args.since, "--since")))
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            out().print(activities_table(rows, ws.units()))
    return with_workspace(args, show, create=False)


def cmd_activities_delete(args: argparse.Namespace) -> int:
    def delete(ws: Workspace) -> int:
        if not args.ids and not args.source:
            raise InvalidInput("activities delete", "", "one or more IDs, or --source PATH")
        rows = ws.delete_activities(args.ids, args.source or [])
        if args.json:
            print(json.dumps({"deleted": rows}, indent=2))
        for r in rows if not args.json else []:
            print(f"deleted activity {r['id']}: {r['start']} {r['sport']} from {r['source']}")
        prepare_answer(ws)
        return 0
    return with_workspace(args, delete, create=False)


def cmd_activities_set_sport(args: argparse.Namespace) -> int:
    """`activities set-sport ID SPORT`."""
    def apply(ws: Workspace) -> None:
        before = ws.set_sport(args.id, args.sport)
        print(f"activity {args.id}: sport {before} -> {args.sport}")
        prepare_answer(ws)
    return with_workspace(args, apply, create=False)


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
        prepare_answer(ws)
    return with_workspace(args, apply)


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
    return with_workspace(args, show, create=False)


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
        saved = ws.gear_add(args.name, parse_date(args.from_, "--from"), parse_date(args.to, "--to"),
                            start_km or 0.0, limit_km, args.kind)
        span = ", ".join(f"{k} {saved[k]}" for k in ("from", "to") if saved[k])
        extra = [span] if span else []
        unit = distance_unit(ws.units())
        extra += [f"starting at {km_value(saved['start_km'], ws.units()):g} {unit}"] if saved["start_km"] else []
        extra += [f"limit {km_value(saved['limit_km'], ws.units()):.0f} {unit}"] if saved["limit_km"] else []
        print(f"gear: added {saved['kind']} '{saved['name']}'" + (f" ({'; '.join(extra)})" if extra else ""))
        prepare_answer(ws)
    return with_workspace(args, add)


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
    return with_workspace(args, show, create=False)


def cmd_checkin(args: argparse.Namespace) -> int:
    from heavylegs import checkin as flow
    from heavylegs import checkin_terminal as term

    def save(ws: Workspace) -> int:
        when = parse_date(args.date) or ws.today()
        from heavylegs import dates

        if dates.day_problem(when):  # before any question is asked
            raise InvalidInput("--date", when.isoformat(), dates.accepted())
        stored = None
        if args.set or args.clear:
            values = flow.parse_sets(args.set or [], args.clear)
        elif not sys.stdin.isatty():
            say_error(term.NOT_A_TTY)
            return 2
        else:
            con = out()
            con.print(f"Check-in for {when.isoformat()}", style="bold", highlight=False)
            stored = ws.log_row(when)
            try:
                values = flow.collect(term.terminal_ask(con, sys.stdin.fileno()),
                                      lambda line: con.print(line, markup=False, highlight=False),
                                      ws.log_row(date.fromordinal(when.toordinal() - 1)), stored, ws.units())
            except (KeyboardInterrupt, EOFError):
                say_error("\nnothing saved")
                return 1
        hits = ws.log_set(when, values) if values else []
        for part in term.triage_renderables(hits, ws.units()):  # triage first, before anything else
            out().print(part)
        print(flow.summary(when, values, stored, ws.units()))
        if values:
            prepare_answer(ws)
        return 0
    return with_workspace(args, save)


def cmd_export_daily_log(args: argparse.Namespace) -> int:
    def write(ws: Workspace) -> int:
        path = Path(args.path)
        try:
            rows = ws.export_daily_log(path)
        except OSError as exc:
            return cannot_write(path, exc)
        print(f"wrote {rows} rows to {path}")
        return 0
    return with_workspace(args, write, create=False)
