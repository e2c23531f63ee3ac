"""Whole columns of GPX/TCX text → numbers and UTC times, in a few C-level passes.

The readers gather each value's text in a list (``None`` or ``''`` where a point has
none) and convert the list once. Every result is exactly what the per-value helpers of
``xmlsafe`` give (``to_float``, ``parse_time``): unusual text (``' 12 '``, ``'abc'``,
mixed or odd time zones, missing times) takes the per-value path, so only the common
shapes are fast, never different.

>>> floats(["1.5", None, "", "nan", "1e999", "x"]).tolist()
[1.5, nan, nan, nan, nan, nan]
>>> times = utc_times(["2024-05-01T06:00:00Z", "2024-05-01T08:00:01.5+02:00"])
>>> [t.isoformat() for t in times.series()], times.elapsed_s().tolist()
(['2024-05-01T06:00:00+00:00', '2024-05-01T06:00:01.500000+00:00'], [0.0, 1.5])
>>> times.first().isoformat(), utc_times(["", None]).first() is None
('2024-05-01T06:00:00+00:00', True)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from heavylegs.importers.xmlsafe import local_name, parse_time, to_float

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_STAMP = (r"(?!0000)\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])"
          r"T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?")
# Every time (one a line) in one form, with one zone suffix: Z, an offset or none.
_UNIFORM = re.compile(rf"{_STAMP}(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d|)\n(?:{_STAMP}\1\n)*")
_TIMESTAMP = pl.Datetime("us", "UTC")


class TagMap(dict):
    """``tag → value(local name of tag)``, computed once per distinct tag of a document
    (lxml gives comments and entities a non-string tag: their local name is ``''``)."""

    def __init__(self, value: Callable[[str], object]) -> None:
        super().__init__()
        self._value = value

    def __missing__(self, tag: object) -> object:
        found = self[tag] = self._value(local_name(tag))
        return found


def floats(texts: Sequence[str | None]) -> np.ndarray:
    """``to_array([to_float(t) for t in texts])``: ``nan`` for missing or unreadable."""
    try:
        values = np.fromiter(map(float, [t or "nan" for t in texts]), float, len(texts))
    except ValueError:  # some text is not a number: each one on its own
        return np.array([np.nan if (v := to_float(t)) is None else v for t in texts],
                        dtype=float)
    values[~np.isfinite(values)] = np.nan
    return values


@dataclass(frozen=True)
class UtcTimes:
    """Sample times as microseconds since 1970 UTC; ``valid`` is False where a sample has
    no (readable) time. numpy throughout: polars expressions cost ~1 ms each to plan."""

    micros: np.ndarray
    valid: np.ndarray

    def any(self) -> bool:
        """Whether any sample has a time."""
        return bool(self.valid.any())

    def first(self) -> datetime | None:
        """The earliest time (aware UTC), or ``None``."""
        if not self.valid.any():
            return None
        return _EPOCH + timedelta(microseconds=int(self.micros[self.valid].min()))

    def elapsed_s(self) -> np.ndarray:
        """Seconds since the earliest time (``nan`` where a sample has none): exactly
        what ``importers.elapsed_seconds`` gives for the same times."""
        if not self.valid.any():
            return np.full(self.micros.shape, np.nan)
        seconds = (self.micros - self.micros[self.valid].min()) / 1e6
        seconds[~self.valid] = np.nan
        return seconds

    def series(self) -> pl.Series:
        """The ``timestamp`` stream column (null where a sample has no time)."""
        stamps = pl.Series("timestamp", self.micros).cast(_TIMESTAMP)
        missing = np.flatnonzero(~self.valid)
        return stamps.scatter(missing, None) if missing.size else stamps


def utc_times(texts: Sequence[str | None]) -> UtcTimes:
    """``[parse_time(t) for t in texts]``, as one ``UtcTimes``."""
    micros = _uniform_micros(texts)
    if micros is not None:
        return UtcTimes(micros, np.ones(micros.shape, dtype=bool))
    parsed = [_micros(parse_time(t)) for t in texts]
    return UtcTimes(np.array([m or 0 for m in parsed], dtype=np.int64),
                    np.array([m is not None for m in parsed], dtype=bool))


def _micros(moment: datetime | None) -> int | None:
    return None if moment is None else (moment - _EPOCH) // timedelta(microseconds=1)


def _uniform_micros(texts: Sequence[str | None]) -> np.ndarray | None:
    """Microseconds since 1970 when every text is a plain xsd:dateTime with the same zone
    suffix (the usual device file), else ``None``."""
    if not texts or None in texts:
        return None
    blob = "\n".join(texts) + "\n"
    match = _UNIFORM.fullmatch(blob)
    if match is None:
        return None
    suffix = match.group(1)
    naive = blob.replace(f"{suffix}\n", "\n") if suffix else blob
    try:
        stamps = np.array(naive.split("\n")[:-1], dtype="datetime64[us]")
    except ValueError:  # a day past the month's end: parse_time says None
        return None
    micros = stamps.astype(np.int64)
    if suffix not in ("", "Z"):
        sign = -1 if suffix[0] == "-" else 1
        micros = micros - sign * (int(suffix[1:3]) * 3600 + int(suffix[4:6]) * 60) * 1_000_000
    return micros
