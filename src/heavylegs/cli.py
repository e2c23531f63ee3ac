"""The command line: parse arguments, call the Workspace, print. No logic worth testing
on its own lives here (spec/cli.md is the contract).

Start-up time is part of the product: `heavylegs why` prints a stored answer
(storage/answers.py) without importing the engine, polars, numpy or rich, and every
command imports only what it uses, when it runs.

The parts: the parser (cli_parser.py); the commands by area: import (cli_import.py), the
runner's records (cli_records.py), the answers (cli_answers.py); what they share
(cli_common.py). This module is the entry point: :func:`main` and :func:`run`."""

from __future__ import annotations

import os
import sys

from heavylegs.cli_import import progress_columns  # noqa: F401 - part of this module's API
from heavylegs.cli_parser import parser

# numpy's OpenBLAS starts a thread per core at import, and they spin: ~0.05 s of CPU on
# every command that imports numpy (3 % of importing the corpus' 158 FIT files), for matrix
# products heavylegs never makes large enough to share. Set before numpy's first import;
# a value the user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


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
