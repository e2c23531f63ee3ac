"""Repeated import errors, summarised for a terminal.

A hostile zip with 100,000 bad members, or a CSV with 10,000 bad rows, would print a line
each. :func:`fold` keeps, per file given to ``import`` (the path before the first ``!``)
and kind of error (the reason with numbers and quoted values masked), the first
``SHOWN`` failures, and puts one line after them: ``... and 99,980 more like it``. The
order of what is shown is kept. ``--json`` still lists every failure (see cli_import.py).

>>> failed = [(f"a.zip!{i}.fit", "named .fit but the content is not FIT") for i in range(25)]
>>> failed += [("a.zip!x.csv", "a.zip!x.csv:3: column heaviness: '11' is out of range")]
>>> for path, reason in fold(failed, shown=2):
...     print(reason if reason.startswith(path) else f"{path}: {reason}")
a.zip!0.fit: named .fit but the content is not FIT
a.zip!1.fit: named .fit but the content is not FIT
a.zip: ... and 23 more like it (--verbose lists them all)
a.zip!x.csv:3: column heaviness: '11' is out of range
"""

from __future__ import annotations

import re
from collections import Counter

SHOWN = 20  # failures of one kind from one file shown before the rest are counted
_MASK = re.compile(r"'[^']*'|\"[^\"]*\"|\d+")


def kind(path: str, reason: str) -> tuple[str, str]:
    """(the file given to import, the reason with the member's own path and its numbers
    and quoted values masked)."""
    top = path.split("!", 1)[0]
    return top, _MASK.sub("#", reason.removeprefix(path))


def fold(failed: list[tuple[str, str]], shown: int = SHOWN) -> list[tuple[str, str]]:
    """The failures to print, repeated kinds summarised (see the module docstring)."""
    totals = Counter(kind(path, reason) for path, reason in failed)
    seen: Counter[tuple[str, str]] = Counter()
    out: list[tuple[str, str]] = []
    for path, reason in failed:
        key = kind(path, reason)
        seen[key] += 1
        if seen[key] <= shown:
            out.append((path, reason))
        if seen[key] == shown and totals[key] > shown:
            out.append((key[0], f"... and {totals[key] - shown:,} more like it "
                                 "(--verbose lists them all)"))
    return out
