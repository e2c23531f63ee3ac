"""Raw columns to the values a caller sees: record arrays and small-message dicts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .expand import expand_components, sub_field_columns
from .gather import Column, Table
from .profile import FIT_EPOCH_S, SEMICIRCLE_DEG, FieldSpec, MessageSpec

_NAT = np.iinfo(np.int64).min
_BYTE_CODE = 0x0D
_MERGED = {"speed": "enhanced_speed", "altitude": "enhanced_altitude"}


def _scaled(values: np.ndarray, spec: FieldSpec) -> np.ndarray:
    if spec.numeric:
        if spec.scale != 1.0:
            values = values / spec.scale
        if spec.offset:
            values = values - spec.offset
    if spec.semicircles:
        values = values * SEMICIRCLE_DEG
    return values


def _record_array(values: np.ndarray, spec: FieldSpec) -> np.ndarray:
    if spec.type == "date_time":
        ok = np.isfinite(values) & (np.abs(values) < 2**62)
        seconds = np.where(ok, values, 0).astype(np.int64) + FIT_EPOCH_S
        return np.where(ok, seconds, _NAT).view("datetime64[s]")
    return values


def record_arrays(table: Table, spec: MessageSpec) -> dict[str, np.ndarray]:
    """Float64 columns (NaN = invalid) of every scalar numeric record field in the file.

    ``speed`` and ``altitude`` hold the enhanced value where there is one; the
    ``enhanced_*`` columns are folded into them. ``timestamp`` is datetime64[s] UTC.
    """
    floats: dict[str, np.ndarray] = {}
    specs: dict[str, FieldSpec] = {}
    for num, col in table.columns.items():
        fspec = spec.fields.get(num)
        if fspec is None or col.values.ndim != 1 or col.base.is_string:
            continue
        floats[fspec.name] = _scaled(np.where(col.valid, col.values, np.nan), fspec)
        specs[fspec.name] = fspec
    for ex in expand_components(table, spec, []).values():
        value = np.where(ex.valid, ex.values, np.nan)
        current = floats.get(ex.spec.name)
        floats[ex.spec.name] = value if current is None else np.where(ex.set_rows, value, current)
        specs[ex.spec.name] = ex.spec
    for plain, enhanced in _MERGED.items():
        better = floats.pop(enhanced, None)
        better_spec = specs.pop(enhanced, None)
        if better is not None and better_spec is not None:
            specs.setdefault(plain, better_spec)
            current = floats.get(plain)
            floats[plain] = (
                better if current is None else np.where(np.isnan(better), current, better)
            )
    return {name: _record_array(values, specs[name]) for name, values in floats.items()}


def decode_text(raw: bytes) -> str | list[str] | None:
    text = raw.decode("utf-8", errors="replace").rstrip("\0")
    if not text:
        return None
    parts = text.split("\0")
    return parts[0] if len(parts) == 1 else parts


_CONVERTERS: dict[tuple[int, bool], Callable[[Any], Any]] = {}


def scalar_converter(spec: FieldSpec, integer: bool) -> Callable[[Any], Any]:
    """How one raw value of ``spec`` becomes what the SDK returns (cached per spec)."""
    key = (id(spec), integer)  # specs live as long as the module
    convert = _CONVERTERS.get(key)
    if convert is None:
        convert = _CONVERTERS[key] = _make_converter(spec, integer)
    return convert


def _to_datetime(raw: Any) -> Any:
    """FIT seconds to a UTC datetime (the raw number if no datetime can hold it)."""
    try:
        return datetime.fromtimestamp(raw + FIT_EPOCH_S, UTC)
    except (OverflowError, ValueError, OSError):
        return raw


def _make_converter(spec: FieldSpec, integer: bool) -> Callable[[Any], Any]:
    if spec.numeric:
        scale, offset = spec.scale, spec.offset
        if scale == 1.0 and integer and offset == int(offset):
            whole = int(offset)
            return (lambda r: r - whole) if whole else int
        return lambda r: r / scale - offset
    if spec.type == "date_time":
        return _to_datetime
    if spec.enum is not None:
        get = spec.enum.get
        return (lambda r: get(r, r)) if integer else (lambda r: get(int(r), int(r)))
    return int if integer else float


def _as_objects(col: Column, spec: FieldSpec) -> np.ndarray | None:
    """Converted values as an object array, or None when they need a per-value lookup."""
    integer = col.base.numpy[0] in "ui"
    if spec.numeric:
        if spec.scale == 1.0 and integer and spec.offset == int(spec.offset):
            return (col.values.astype(np.int64) - int(spec.offset)).astype(object)
        return (col.values / spec.scale - spec.offset).astype(object)
    if spec.type == "date_time" or spec.enum is not None:
        return None
    return (col.values.astype(np.int64) if integer else col.values).astype(object)


def _python_values(col: Column, spec: FieldSpec) -> list[Any]:
    """One value per message; ``None`` where the field is absent or invalid."""
    if col.base.is_string:
        return [decode_text(v) if ok else None for v, ok in zip(col.values, col.valid, strict=True)]
    objects = _as_objects(col, spec)
    if objects is None:
        integer = col.base.numpy[0] in "ui"
        convert = scalar_converter(spec, integer)
        raw = col.values[col.valid]
        objects = np.empty(col.values.shape, dtype=object)
        objects[col.valid] = [
            convert(v) for v in (raw.astype(np.int64) if integer else raw).tolist()
        ]
    keep_all = col.base.code == _BYTE_CODE and objects.ndim == 2
    if not keep_all:
        objects[~col.valid] = None
    if objects.ndim == 1:
        return objects.tolist()
    present: list[bool] = np.asarray(col.valid.any(axis=1)).tolist()
    if col.counts is not None:  # definitions with different array lengths
        lists = [row[:n] for row, n in zip(objects.tolist(), col.counts.tolist(), strict=True)]
        lists = [row[0] if len(row) == 1 else row for row in lists]
    else:
        lists = objects[:, 0].tolist() if objects.shape[1] == 1 else objects.tolist()
    return [items if ok else None for items, ok in zip(lists, present, strict=True)]


def expanded_value(value: float, spec: FieldSpec) -> Any:
    value = float(value)
    number: Any = int(value) if value.is_integer() else value
    if spec.enum is not None and isinstance(number, int):
        return spec.enum.get(number, number)
    return number


def _rows_from_columns(names: list[str], columns: list[list[Any]], n: int) -> list[dict]:
    if not columns:
        return [{} for _ in range(n)]
    if len(columns) == 1:  # e.g. hrv: one array field, tens of thousands of messages
        name = names[0]
        return [{} if value is None else {name: value} for value in columns[0]]
    return [
        {name: value for name, value in zip(names, values, strict=True) if value is not None}
        for values in zip(*columns, strict=True)
    ]


def message_dicts(table: Table, spec: MessageSpec) -> list[dict[str, Any]]:
    """One dict per message: profile field names to SDK-like values."""
    named = [(spec.fields.get(num), col) for num, col in table.columns.items()]
    subs = sub_field_columns(table, spec)
    names, columns = [], []
    for fspec, col in [*named, *subs]:
        if fspec is not None:
            names.append(fspec.name)
            columns.append(_python_values(col, fspec))
    rows = _rows_from_columns(names, columns, len(table.index))
    for ex in expand_components(table, spec, subs).values():
        for i in np.flatnonzero(ex.set_rows).tolist():
            if ex.valid[i]:
                rows[i][ex.spec.name] = expanded_value(ex.values[i], ex.spec)
            else:
                rows[i].pop(ex.spec.name, None)
    return rows
