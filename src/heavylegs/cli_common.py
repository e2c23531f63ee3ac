"""What every command shares: the consoles, one-line errors and exit codes around a
workspace (:func:`with_workspace`), dates and the workspace folder from the arguments,
and the answer prepared after a command changed the data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from heavylegs.errors import HeavyLegsError, InvalidInput

if TYPE_CHECKING:
    from rich.console import Console

    from heavylegs.api import Workspace

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


def cannot_write(path: Path, exc: OSError) -> int:
    """An output file the command could not write (a report, an export): one line, exit 2."""
    say_error(f"error: cannot write {path}: {exc.strerror or exc}")
    return 2


def parse_date(value: str | None, field: str = "--date") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, value, "a date as YYYY-MM-DD") from None


def workspace_home(args: argparse.Namespace) -> Path:
    from heavylegs.storage.db import default_home

    return Path(args.home).expanduser() if args.home else default_home()


def with_workspace(args: argparse.Namespace, fn: Callable[[Workspace], int | None], *, create: bool = True) -> int:
    """Open the workspace, run ``fn``, turn errors into one-line messages and exit codes.
    Read commands pass ``create=False``: they never make a workspace where none is."""
    try:
        from heavylegs.api import Workspace

        with Workspace(workspace_home(args), create=create) as ws:
            return fn(ws) or 0
    except BrokenPipeError:  # the reader went away (`| head`): handled in cli.run()
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

            say_error(f"error: {storage_error(workspace_home(args), exc)}")
            return 1
        say_error(f"error: internal error ({type(exc).__name__}: {exc}); rerun with --debug and "
                  f"please report it")
        return 1


def prepare_answer(ws: Workspace) -> None:
    """After a command changed the data (import, check-in, profile, shoes), compute and
    store the latest day's answer so the next `why` is instant. Never fails the command
    that wrote the data: `why` reports any problem."""
    try:
        ws.why_json(None)
    except Exception:  # noqa: BLE001 - NotEnoughData, or a bug `why` will show
        pass
