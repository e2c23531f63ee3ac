r"""App exports as daily values: Oura, WHOOP, Cronometer and MyFitnessPal CSV files.

:func:`detect` tells an app's export from the runner's daily log by its header (after any
BOM, whatever the quoting, column order or extra columns); :func:`parse` turns it into
:class:`~heavylegs.core.wellness.DailyValue` rows with the app as ``source``. The formats
live in wellness_oura.py, wellness_whoop.py and nutrition_csv.py; this module holds what
they share: reading the table and the :class:`Job` a format reads it through. Numbers,
dates, units and the plausible range of each column are in wellness_values.py.

A cell that is not a number, or out of range once converted, is a row-level error naming
file, line, column and what is accepted; the rest of the file still imports.

>>> detect(b'\xef\xbb\xbf"date","Sleep Score","Total Sleep Duration","Average HRV"\n')
'oura'
>>> detect(b"date,heaviness,sleep_h\n2024-05-01,6,7.5\n") is None
True
>>> bundle = parse(b"date,Total Sleep Duration,Average HRV\n2024-05-02,27000,900\n",
...                "oura.csv", "oura")
>>> [(v.column, v.value) for v in bundle.daily_values]
[('sleep_h', 7.5)]
>>> print(bundle.errors[0])
oura.csv:2: column "Average HRV": '900' is out of range (accepted: 1-500 ms)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from types import ModuleType
from typing import Literal

from heavylegs.core.logschema import COLUMN_BY_NAME, IMPERIAL_ALIASES
from heavylegs.core.wellness import DailyValue
from heavylegs.errors import ImportFailed
from heavylegs.importers import csvguard, textenc
from heavylegs.importers.bundle import Bundle
from heavylegs.importers.wellness_values import (
    DATE_ACCEPTED,
    LIMITS,
    Field,
    clock_hours,
    parse_moment,
    to_number,
)

__all__ = ["KINDS", "LIMITS", "detect", "parse"]

# detect() kind -> (Bundle.kind, DailyValue.source)
KINDS: dict[str, tuple[str, str]] = {
    "oura": ("wellness", "oura"),
    "whoop-cycles": ("wellness", "whoop"),
    "whoop-sleeps": ("wellness", "whoop"),
    "whoop-other": ("wellness", "whoop"),
    "cronometer-daily": ("nutrition", "cronometer"),
    "cronometer-servings": ("nutrition", "cronometer"),
    "mfp-nutrition": ("nutrition", "myfitnesspal"),
    "hrv4training": ("wellness", "hrv4training"),
    "elite-hrv": ("wellness", "elite-hrv"),
}

_DELIMITERS = (",", ";", "\t")
_EMPTY = frozenset({"", "-", "--", "n/a", "na", "null", "none", "nan"})
_UNIT_SUFFIX = re.compile(r"\s*\([^()]*\)$")


class _Bad(Enum):
    BAD = "bad"


BAD = _Bad.BAD  # a cell that was reported as an error
Cell = float | None | Literal[_Bad.BAD]


# --- the header -------------------------------------------------------------------------


def key(name: str) -> str:
    """A header name as matched: no BOM, quotes or extra spaces, lower case."""
    name = name.replace("\ufeff", "").strip().strip("\"'").strip()
    return " ".join(name.lower().split())


_LOG_NAMES = frozenset((set(COLUMN_BY_NAME) | set(IMPERIAL_ALIASES)) - {"date"})


def base(name: str) -> str:
    """A header key without a trailing unit in parentheses."""
    return _UNIT_SUFFIX.sub("", name)


def _formats() -> tuple[ModuleType, ...]:
    from heavylegs.importers import nutrition_csv, wellness_hrv, wellness_oura, wellness_whoop

    return (wellness_whoop, wellness_oura, nutrition_csv, wellness_hrv)


def detect(data: bytes) -> str | None:
    """Which app export ``data`` is (a key of :data:`KINDS`), or None: a daily log, or
    not an export this module reads. A header naming any daily-log column (sleep_h,
    heaviness, ...) is always a daily log."""
    text = _decode(data[:65536])[0]
    first = next((line for line in text.splitlines() if line.strip()), "")
    keys = set(_split_header(first)[1])
    hrv = _formats()[-1].kind_of(keys)  # HRV apps' headers also hold fatigue, sleep_quality, ...
    if hrv or not keys or keys & _LOG_NAMES:
        return hrv
    for module in _formats():
        if kind := module.kind_of(keys):
            return str(kind)
    return None


def _split_header(line: str) -> tuple[str, tuple[str, ...]]:
    """The delimiter that splits ``line`` into the most recognised names (comma on ties)."""
    known = {"date", "day"}.union(*(module.NAMES for module in _formats()))
    best: tuple[int, str, tuple[str, ...]] = (-1, ",", ())
    for delimiter in _DELIMITERS:
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            continue
        keys = tuple(key(c) for c in cells)
        score = sum(base(k) in known or k in known for k in keys)
        if score > best[0]:
            best = (score, delimiter, keys)
    return best[1], best[2]


# --- reading the table ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One record: the physical line it starts on and its cells (padded to the header)."""

    line: int
    cells: tuple[str, ...]

    def text(self, index: int | None) -> str:
        return self.cells[index].strip() if index is not None else ""


@dataclass(frozen=True, slots=True)
class Table:
    """A CSV file: its header as written, the matching keys, and its rows."""

    path: str
    names: tuple[str, ...]
    keys: tuple[str, ...]
    rows: tuple[Row, ...]

    def find(self, *candidates: str) -> int | None:
        """The position of the first candidate key present, else None."""
        for candidate in candidates:
            if candidate in self.keys:
                return self.keys.index(candidate)
        return None


def _decode(data: bytes) -> tuple[str, bool]:
    """The text, and whether it was UTF-8 (else Windows-1252, as Excel saves it)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", "replace"), True
    try:
        return data.decode("utf-8-sig"), True
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), False


def read_table(data: csvguard.Text, path: str) -> tuple[Table, list[str]]:
    """The file as a :class:`Table` (short rows padded with empty cells), and warnings.
    The text is decoded as it is read, under the limits of importers/csvguard.py (a
    source, the file given to import, is read in chunks)."""
    data = textenc.to_utf8(data) if isinstance(data, bytes) else data
    csvguard.check_lines(data, path)
    utf8 = csvguard.utf8_error(data) is None
    warnings = [] if utf8 else [f"{path}: not UTF-8 text; read as Windows-1252"]
    text = _decode(csvguard.head(data, 2 * csvguard.MAX_LINE_BYTES))[0]
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = _split_header(first)[0]
    stream = csvguard.text_stream(data, "utf-8-sig" if utf8 else "cp1252", "replace")
    reader = csv.reader(stream, delimiter=delimiter)
    records = list(_records(reader, path))
    if not records:
        raise ImportFailed(path, "the file is empty (accepted: an app's CSV export with its header)")
    (_, header), body = records[0], records[1:]
    names = tuple(c.replace("\ufeff", "").strip().strip("\"'").strip() for c in header)
    width = len(names)
    rows = tuple(Row(line, tuple(cells) + ("",) * (width - len(cells))) for line, cells in body)
    return Table(path, names, tuple(key(n) for n in names), rows), warnings


def _records(reader: Iterator[list[str]], path: str) -> Iterator[tuple[int, list[str]]]:
    start = 1
    try:
        for cells in reader:
            csvguard.check_cells(cells, path, start)
            if "".join(cells).strip():
                yield start, cells
            start = reader.line_num + 1  # type: ignore[attr-defined]
    except csv.Error as exc:
        problem = csvguard.csv_problem(exc)
        raise ImportFailed(path, f"line {start}: {problem} (accepted: CSV text)") from None


# --- one import -------------------------------------------------------------------------


@dataclass
class Job:
    """One file being imported: read cells through it so errors name file:line:column;
    values added for the same day and column replace earlier ones."""

    table: Table
    kind: str
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict[tuple[date, str], DailyValue] = field(default_factory=dict)

    @property
    def source(self) -> str:
        return KINDS[self.kind][1]

    def rows(self) -> Iterator[Row]:
        """Every row, except those with more cells than the header (reported)."""
        width = len(self.table.names)
        for row in self.table.rows:
            if len(row.cells) > width:
                self.errors.append(
                    f"{self.table.path}:{row.line}: the row has {len(row.cells)} cells but the "
                    f"header has {width} (accepted: one cell per header column; quote text "
                    "that contains the delimiter)")
                continue
            yield row

    def error(self, row: Row, index: int, problem: str, accepted: str, note: str = "") -> None:
        name = self.table.names[index]
        self.errors.append(f'{self.table.path}:{row.line}: column "{name}": '
                           f"{row.cells[index]!r} {problem} ({note}accepted: {accepted})")

    def moment(self, row: Row, index: int | None) -> datetime | None:
        """The cell as a date-time, None when empty; a bad one is reported."""
        text = row.text(index)
        if index is None or key(text) in _EMPTY:
            return None
        try:
            return parse_moment(text)
        except ValueError:
            self.error(row, index, "is not a date", DATE_ACCEPTED)
            return None

    def day(self, row: Row, index: int) -> date | None:
        """The row's date; an empty or bad one is reported (the row is skipped)."""
        moment = self.moment(row, index)
        if moment is None and key(row.text(index)) in _EMPTY:
            self.error(row, index, "is missing", DATE_ACCEPTED)
        return moment.date() if moment else None

    def number(self, row: Row, item: Field) -> Cell:
        """The cell in the column's unit: None when empty, BAD when reported."""
        text = row.text(item.index)
        if key(text) in _EMPTY:
            return None
        hours = clock_hours(text) if item.clock else None
        try:
            value = hours if hours is not None else to_number(text) * item.factor
        except ValueError:
            self.error(row, item.index, "is not a number", item.accepted())
            return BAD
        limit = LIMITS[item.column]
        if not limit.lo <= value <= limit.hi:
            note = f"{value:.3g} {limit.unit}; " if item.factor != 1 else ""
            self.error(row, item.index, "is out of range", item.accepted(), note)
            return BAD
        return value

    def add(self, day: date, column: str, value: float | str, detail: str = "") -> None:
        self.values[(day, column)] = DailyValue(day, column, value, self.source, detail)

    def forget(self, day: date) -> None:
        for found in [k for k in self.values if k[0] == day]:
            del self.values[found]

    def bundle(self) -> Bundle:
        values = [self.values[k] for k in sorted(self.values)]
        if not values and not self.errors and self.table.rows and self.kind != "whoop-other":
            self.warnings.append(f"{self.table.path}: no values heavylegs reads were found")
        return Bundle(kind=KINDS[self.kind][0], daily_values=values,
                      warnings=self.warnings, errors=self.errors)


def fields(table: Table, spec: dict[str, tuple[str, ...]], unit_of: Callable[[str], tuple[
        float, str, bool]]) -> list[Field]:
    """The fields a table has: ``spec`` maps a column to candidate header keys (first
    present wins); ``unit_of(key)`` gives (factor, file unit, accepts H:MM)."""
    out = []
    for column, candidates in spec.items():
        index = table.find(*candidates)
        if index is not None:
            factor, unit, clock = unit_of(table.keys[index])
            out.append(Field(column, index, table.names[index], factor, unit, clock))
    return out


def parse(data: csvguard.Text, path: str, kind: str) -> Bundle:
    """The daily values of an export :func:`detect` recognised as ``kind``; raises
    :class:`ImportFailed` when the file as a whole is unusable."""
    if kind not in KINDS:
        raise ImportFailed(path, f"unknown export kind {kind!r} (accepted: {', '.join(KINDS)})")
    table, warnings = read_table(data, path)
    job = Job(table, kind, warnings)
    whoop, oura, nutrition, hrv = _formats()
    module = (oura if kind == "oura" else whoop if kind.startswith("whoop")
              else hrv if kind in ("hrv4training", "elite-hrv") else nutrition)
    module.read(job)
    return job.bundle()
