"""The CSV layouts heavylegs reads, and one clear error for a CSV that is none of them.

A CSV goes to an app's importer when :func:`wellness_csv.detect` knows its header, else to
the daily log. A header that names neither a daily-log column (nor one close to a name, so
a typo still gets the daily log's "did you mean" warning) is not a daily log: instead of one
error per row, the file fails once, naming the columns it has and the layouts accepted.

>>> check(b"date,steps,weight\\n2024-05-01,9000,70\\n", "x.csv")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
heavylegs.errors.ImportFailed: x.csv: a CSV heavylegs does not read: its columns are date, steps, weight (accepted: ...
"""

from __future__ import annotations

import csv
import difflib

from heavylegs.core.logschema import COLUMN_BY_NAME, IMPERIAL_ALIASES
from heavylegs.errors import ImportFailed

LAYOUTS: tuple[str, ...] = (
    "the heavylegs daily log (date plus daily-log columns such as heaviness, sleep_h; docs/daily-log.md)",
    "Oura trends", "WHOOP physiological_cycles, sleeps or workouts",
    "Cronometer dailysummary or servings", "MyFitnessPal nutrition summary",
    "HRV4Training myMeasurements", "Elite HRV export",
)
_LOG_NAMES = tuple(n for n in (*COLUMN_BY_NAME, *IMPERIAL_ALIASES) if n != "date")
MAX_SHOWN = 12


def header(data: bytes) -> list[str]:
    """The first non-empty line's cells, split on the delimiter that gives the most cells."""
    text = data[:65536].decode("utf-8-sig", "replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    best: list[str] = []
    for delimiter in (",", ";", "\t"):
        try:
            cells = next(csv.reader([first], delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(cells) > len(best):
            best = cells
    return [c.replace("\ufeff", "").strip().strip("\"'").strip() for c in best]


def _log_like(name: str) -> bool:
    key = name.lower()
    return key in _LOG_NAMES or bool(difflib.get_close_matches(key, _LOG_NAMES, n=1, cutoff=0.8))


def check(data: bytes, path: str) -> None:
    """Raise :class:`ImportFailed` once when the CSV is not a daily log (a header with other
    columns than ``date`` and none of the daily log's); a daily log passes."""
    from heavylegs.importers import csvguard

    cells = header(data)
    if len(cells) > csvguard.MAX_CELLS:  # the reader refuses it with its real width, not as a layout
        return
    names = [n for n in cells if n]
    others = [n for n in names if n.lower() != "date"]
    if not others or any(_log_like(n) for n in others):
        return
    shown = ", ".join(names[:MAX_SHOWN]) + (f" and {len(names) - MAX_SHOWN} more" if len(names) > MAX_SHOWN else "")
    raise ImportFailed(path, f"a CSV heavylegs does not read: its columns are {shown} "
                             f"(accepted: {'; '.join(LAYOUTS)})")
