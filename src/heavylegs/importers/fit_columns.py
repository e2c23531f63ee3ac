"""Columnar FIT records: the record arrays ``fit`` works on, and the stream frame they become.

Records are a ``dict[str, np.ndarray]`` named as ``fastfit`` names them: ``timestamp``
(datetime64, UTC), ``speed`` and ``altitude`` (the enhanced value where present),
``position_lat``/``position_long`` in degrees, every other field a float64 column with
NaN for missing. ``from_dicts`` builds the same from the Garmin SDK's per-record dicts.

>>> from datetime import UTC, datetime, timedelta
>>> records = from_dicts([{"timestamp": datetime(2024, 5, 1, tzinfo=UTC), "heart_rate": 150}])
>>> records["timestamp"], records["heart_rate"]
(array(['2024-05-01T00:00:00.000000'], dtype='datetime64[us]'), array([150.]))
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import polars as pl

from heavylegs.core import streams as stream_schema

Columns = dict[str, np.ndarray]

SEMICIRCLE_DEG = 180.0 / 2**31
TIME_UNIT = "datetime64[us]"
_NAT = np.iinfo(np.int64).min
_PREFERRED = {"speed": ("enhanced_speed", "speed"), "altitude": ("enhanced_altitude", "altitude")}
_DEGREES = ("position_lat", "position_long")


def _number_or_none(value: object) -> float | int | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _values(records: Sequence[Mapping], *names: str) -> np.ndarray:
    """The first of ``names`` each record has, as floats (``nan`` where none is a number)."""
    column: pl.Series | None = None
    for name in names:
        values = pl.Series([_number_or_none(r.get(name)) for r in records], dtype=pl.Float64,
                           strict=False)
        column = values if column is None else column.fill_null(values)
    found = column.to_numpy(writable=True) if column is not None else np.array([])
    found[~np.isfinite(found)] = np.nan
    return found


def _times(records: Sequence[Mapping]) -> np.ndarray:
    micros = [round(t.timestamp() * 1_000_000) if isinstance(t, datetime) else _NAT
              for t in (r.get("timestamp") for r in records)]
    return np.array(micros, dtype=np.int64).view(TIME_UNIT)


def from_dicts(records: Sequence[Mapping[object, object]]) -> Columns:
    """Record columns from the SDK's per-record dicts (every numeric field kept)."""
    names = {key for record in records for key in record if isinstance(key, str)}
    columns = {name: _values(records, name) for name in sorted(names - {"timestamp"})}
    for name, sources in _PREFERRED.items():
        columns[name] = _values(records, *sources)
    for name in _DEGREES:
        columns[name] = _values(records, name) * SEMICIRCLE_DEG
    columns["timestamp"] = _times(records)
    return columns


def with_times(records: Columns, count: int) -> Columns:
    """fastfit's record arrays with a timestamp column in the module's unit (NaT if none)."""
    times = records.get("timestamp")
    if times is None or times.dtype.kind != "M":
        times = np.full(count, np.datetime64("NaT"), dtype=TIME_UNIT)
    return {**records, "timestamp": times.astype(TIME_UNIT)}


def take(records: Columns, index: np.ndarray) -> Columns:
    """The rows ``index`` (a boolean mask or positions) of every column."""
    if index.dtype == bool and index.all():  # nothing dropped: share the arrays
        return dict(records)
    return {name: values[index] for name, values in records.items()}


def to_datetime(moment: np.datetime64) -> datetime:
    """A datetime64 as an aware UTC datetime."""
    micros = int(moment.astype(TIME_UNIT).astype(np.int64))
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def exact_copies(records: Columns) -> np.ndarray:
    """True for a record equal in every column to an earlier one with the same time
    (chained duplicate segments)."""
    times = records["timestamp"].view(np.int64)
    copies = np.zeros(times.size, dtype=bool)
    order = np.argsort(times, kind="stable")
    same = times[order[1:]] == times[order[:-1]]
    later, earlier = order[1:][same], order[:-1][same]
    equal = np.ones(later.size, dtype=bool)
    for name, values in records.items():
        if name != "timestamp" and later.size:
            a, b = values[later], values[earlier]
            equal &= (a == b) | (np.isnan(a) & np.isnan(b))
    copies[later[equal]] = True
    return copies


def stream_columns(columns: Mapping[str, np.ndarray], times: np.ndarray
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The stream frame's float columns (schema order from ``elapsed_s``, NaN for missing,
    absent channels all NaN) and its times in ``TIME_UNIT``, from sample columns and their
    datetime64 UTC times: exactly the values ``stream_frame`` holds, as numpy arrays."""
    unknown = set(columns) - set(stream_schema.COLUMNS)
    if unknown:
        raise KeyError(f"not stream columns: {sorted(unknown)}")
    times = times.astype(TIME_UNIT)
    elapsed = ((times - times.min()) / np.timedelta64(1, "s") if times.size
               else np.array([], dtype=float))
    data = {"elapsed_s": elapsed}
    for name in stream_schema.COLUMNS[2:]:
        values = columns.get(name)
        data[name] = (np.full(times.size, np.nan) if values is None
                      else np.asarray(values, dtype=float))
    hr = data["heart_rate_bpm"]  # 0 and 255 are sensors' "no reading"
    data["heart_rate_bpm"] = np.where((hr <= 0) | (hr >= 255), np.nan, hr)
    return data, times


def frame_of(data: Mapping[str, np.ndarray], times: np.ndarray) -> pl.DataFrame:
    """The stream frame of ``stream_columns``' output (NaN becomes null)."""
    series = [pl.Series("timestamp", times, dtype=stream_schema.SCHEMA["timestamp"])]
    series += [pl.Series(name, data[name], nan_to_null=True) for name in stream_schema.COLUMNS[1:]]
    return pl.DataFrame(series)  # float64 arrays in schema order: no re-cast


def stream_frame(columns: Mapping[str, np.ndarray], times: np.ndarray) -> pl.DataFrame:
    """The canonical stream frame from sample columns and their datetime64 UTC times."""
    return frame_of(*stream_columns(columns, times))
