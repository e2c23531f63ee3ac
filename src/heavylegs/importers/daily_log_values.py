"""Cell converters and formatters for the daily log, one per column kind.

A converter takes one stripped, non-empty cell and returns the typed value, or raises
:class:`BadValue` saying what is wrong with it. A formatter does the reverse for export.
Both are built once per column at import time, so reading a row is a list of calls.

>>> CONVERTERS["sleep_h"]("6.5"), CONVERTERS["electrolytes"]("Yes")
(6.5, True)
>>> FORMATTERS["protein_meals_g"]((22.0, 30.5))
'22;30.5'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date

from heavylegs import dates
from heavylegs.core.logschema import (
    COLUMN_BY_NAME,
    COLUMNS,
    IMPERIAL_ALIASES,
    NO_SYMPTOMS,
    SYMPTOM_CODES,
    LogColumn,
)

Converter = Callable[[str], object]
Formatter = Callable[[object], str]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLS = {
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "y": True,
    "n": False,
    "1": True,
    "0": False,
}
_SYMPTOMS = frozenset(SYMPTOM_CODES)


class BadValue(Exception):
    """A cell that holds no accepted value; ``problem`` completes "'<cell>' ..."."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def parse_date(cell: str) -> date:
    """``YYYY-MM-DD`` and nothing else (not ``20240501``, not ``1/5/2024``), a day a
    runner's log can have (dates.py: 1980 to a day after today)."""
    if not _DATE.fullmatch(cell):
        raise BadValue("is not a date written YYYY-MM-DD")
    try:
        day = date.fromisoformat(cell)
    except ValueError:
        raise BadValue("is not a real calendar date") from None
    problem = dates.day_problem(day)
    if problem:
        raise BadValue(f"{problem} ({dates.accepted()})")
    return day


def _why_not(cell: str) -> str:
    """Why a numeric cell was refused (the slow path, taken only for bad cells)."""
    if _NUMBER.fullmatch(cell):
        return "is out of range"
    if "," in cell:
        return "has a comma (write decimals with a point, no thousands separator)"
    return "is not a number"


def _ranged(lo: float, hi: float, factor: float) -> Callable[[str], float]:
    """A decimal with a point, in ``lo``..``hi`` after scaling by ``factor``.

    ``float()`` is the fast path; what it accepts beyond plain decimals (``nan``,
    ``inf``, ``1_000``, non-ASCII digits) is refused by the checks after it.
    """

    def convert(cell: str) -> float:
        try:
            value = float(cell) * factor
        except ValueError:
            raise BadValue(_why_not(cell)) from None
        if lo <= value <= hi and cell.isascii() and "_" not in cell:
            return value
        raise BadValue(_why_not(cell))

    return convert


def _integer(lo: float, hi: float) -> Converter:
    """A whole number: ``7`` or ``7.0``, not ``7.5``."""
    ranged = _ranged(lo, hi, 1.0)

    def convert(cell: str) -> int:
        if cell.isdigit() and cell.isascii() and len(cell) < 16:  # the common case
            value = int(cell)
            if lo <= value <= hi:
                return value
            raise BadValue("is out of range")
        number = ranged(cell)
        if not number.is_integer():
            raise BadValue("is not a whole number")
        return int(number)

    return convert


def _boolean(cell: str) -> bool:
    try:
        return _BOOLS[cell.lower()]
    except KeyError:
        raise BadValue("is not yes or no") from None


def _choice(choices: tuple[str, ...]) -> Converter:
    by_lower = {c.lower(): c for c in choices}

    def convert(cell: str) -> str:
        try:
            return by_lower[cell.lower()]
        except KeyError:
            raise BadValue("is not one of the choices") from None

    return convert


# A text cell a spreadsheet would run as a formula starts with one of these; on export it
# gets a leading apostrophe (as OWASP's "CSV injection" advice and spreadsheet-safe CSV
# writers do), and import takes the apostrophe off again. A text that already starts with
# apostrophes before such a character gets one more, so the round trip is exact.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_START)


def neutralise(text: str) -> str:
    """``text`` safe to open in a spreadsheet: ``'=1+1`` for ``=1+1``; other text as is."""
    return "'" + text if _formula_like(text) else text


def _text(cell: str) -> str:
    """A text cell, with the apostrophe :func:`neutralise` put before a formula taken off."""
    return cell[1:] if cell.startswith("'") and _formula_like(cell) else cell


def _items(cell: str) -> list[str]:
    """The ``;``-separated items of a list cell; empty items (``a;;b;``) are skipped."""
    items = [p.strip() for p in cell.split(";")]
    items = [p for p in items if p]
    if not items:
        raise BadValue("has no items")
    return items


def _symptoms(cell: str) -> tuple[str, ...]:
    codes = tuple(p.lower() for p in _items(cell))
    if codes == (NO_SYMPTOMS,):
        return codes
    for code in codes:
        if code not in _SYMPTOMS:
            if len(codes) == 1:
                raise BadValue("is not a symptom code")
            raise BadValue(f"has unknown symptom code {code!r}")
    return codes


def _number_list(lo: float, hi: float) -> Converter:
    ranged = _ranged(lo, hi, 1.0)

    def convert(cell: str) -> tuple[float, ...]:
        values = []
        for item in _items(cell):
            try:
                values.append(ranged(item))
            except BadValue as bad:
                raise BadValue(f"has {item!r}, which {bad.problem}") from None
        return tuple(values)

    return convert


def _bounds(column: LogColumn) -> tuple[float, float]:
    if column.lo is None or column.hi is None:
        raise ValueError(f"daily-log column {column.name} has no range")
    return column.lo, column.hi


def converter_for(column: LogColumn, factor: float = 1.0) -> Converter:
    """The converter for ``column``; ``factor`` scales an imperial input to metric."""
    if column.kind == "float":
        return _ranged(*_bounds(column), factor)
    if column.kind == "int":
        return _integer(*_bounds(column))
    if column.kind == "floatlist":
        return _number_list(*_bounds(column))
    if column.kind == "enum":
        return _choice(column.choices)
    simple: dict[str, Converter] = {
        "date": parse_date,
        "bool": _boolean,
        "symptoms": _symptoms,
        "text": _text,
    }
    return simple[column.kind]


def alias_accepted(alias: str) -> str:
    """What an imperial column accepts, in its own unit, rounded inwards."""
    metric, factor = IMPERIAL_ALIASES[alias]
    column = COLUMN_BY_NAME[metric]
    lo, hi = _bounds(column)
    lo = math.ceil(lo / factor * 10) / 10
    hi = math.floor(hi / factor * 10) / 10
    unit = alias.rsplit("_", 1)[1]
    return f"number {lo:g}-{hi:g} {unit} (stored as {metric}, {column.accepted})"


def _short(value: object) -> str:
    """Shortest text that reads back as the same number: 6.5, 7, 1e-05."""
    if isinstance(value, int):
        return str(value)
    text = repr(float(value))  # type: ignore[arg-type]
    return text[:-2] if text.endswith(".0") else text


def _joined(fmt: Formatter) -> Formatter:
    def format_list(value: object) -> str:
        if isinstance(value, str):
            return value
        return ";".join(fmt(v) for v in value)  # type: ignore[attr-defined]

    return format_list


def _yes_no(value: object) -> str:
    return "yes" if value else "no"


def formatter_for(column: LogColumn) -> Formatter:
    """How ``column`` is written on export (``None`` is handled by the caller)."""
    if column.kind in ("int", "float"):
        return _short
    if column.kind == "bool":
        return _yes_no
    if column.kind == "floatlist":
        return _joined(_short)
    if column.kind == "symptoms":
        return _joined(str)
    if column.kind == "date":
        return date.isoformat  # type: ignore[return-value]
    if column.kind == "text":
        return neutralise  # type: ignore[return-value]
    return str


CONVERTERS: dict[str, Converter] = {c.name: converter_for(c) for c in COLUMNS}
FORMATTERS: dict[str, Formatter] = {c.name: formatter_for(c) for c in COLUMNS}
ALIAS_CONVERTERS: dict[str, Converter] = {
    alias: converter_for(COLUMN_BY_NAME[metric], factor)
    for alias, (metric, factor) in IMPERIAL_ALIASES.items()
}
