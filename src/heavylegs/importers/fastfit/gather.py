"""Read every field of every message of one definition at once, with numpy.

A definition is turned into a numpy structured dtype (field offsets, byte order, array
lengths) whose item starts at the record header byte. Viewing the whole file as an array
of such items with a stride of ONE byte makes "the message at byte ``o``" simply item
``o``, so ``view[offsets]`` copies all messages of the definition in one fancy-index call;
each field is then a typed column of that copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .profile import BaseType, numpy_dtype
from .scan import Definition, FieldDef


@dataclass(slots=True)
class Column:
    """Raw values of one field over N messages and which of them are valid.

    ``values`` holds the raw numbers as float64 (shape ``(N,)`` or ``(N, k)`` for arrays;
    invalid entries keep their raw bits) or, for strings, an object array of bytes.
    """

    values: np.ndarray
    valid: np.ndarray
    base: BaseType
    counts: np.ndarray | None = None  # elements per row when definitions differ in length

    @property
    def present(self) -> np.ndarray:
        """Per message: does the field hold any valid element?"""
        return self.valid if self.valid.ndim == 1 else np.asarray(self.valid.any(axis=1))


@dataclass(slots=True)
class Table:
    """The messages of one global type in file order: their indices and raw columns."""

    index: np.ndarray  # message indices into the scan's message list, ascending
    columns: dict[int, Column]


def _field_format(fdef: FieldDef, big_endian: bool) -> np.dtype:
    if fdef.base.is_string:
        return np.dtype(f"S{fdef.size}")
    one = numpy_dtype(fdef.base, big_endian)
    return one if fdef.count == 1 else np.dtype((one, (fdef.count,)))


def structured_dtype(definition: Definition) -> np.dtype:
    """A dtype for a data message: header byte, then the fields (developer fields left out)."""
    if definition.dtype is None:
        definition.dtype = _structured_dtype(definition)
    return definition.dtype


def _structured_dtype(definition: Definition) -> np.dtype:
    names, formats, offsets = [], [], []
    for i, fdef in enumerate(definition.fields):
        names.append(f"f{i}")
        formats.append(_field_format(fdef, definition.big_endian))
        offsets.append(1 + fdef.offset)
    return np.dtype(
        {"names": names, "formats": formats, "offsets": offsets, "itemsize": 1 + definition.size}
    )


def _column(raw: np.ndarray, base: BaseType) -> Column:
    if base.is_string:
        return Column(raw.astype(object), raw != b"", base)
    if base.invalid is None:
        values = raw.astype(np.float64)
        return Column(values, ~np.isnan(values), base)
    return Column(raw.astype(np.float64), raw != raw.dtype.type(base.invalid), base)


def take_messages(data: bytes, offsets: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """Copy the messages starting at ``offsets`` out of ``data`` as items of ``dtype``.

    The file is viewed as overlapping items one byte apart; indexing that view with a
    plain ``V<size>`` dtype copies whole messages (a structured dtype would copy field by
    field, ~15x slower), and the copy is then re-viewed with the fields.
    """
    items = len(data) - dtype.itemsize + 1
    raw = np.ndarray((items,), dtype=np.dtype((np.void, dtype.itemsize)), buffer=data, strides=(1,))
    return raw[offsets].view(dtype)


def gather(data: bytes, definition: Definition, offsets: np.ndarray) -> dict[int, Column]:
    """Columns of every field of ``definition`` for the messages at ``offsets``."""
    dtype = structured_dtype(definition)
    rows = take_messages(data, offsets, dtype)
    columns: dict[int, Column] = {}
    for i, fdef in enumerate(definition.fields):
        columns[fdef.num] = _column(rows[f"f{i}"], fdef.base)
    return columns


def _width(col: Column) -> int:
    return col.values.shape[1] if col.values.ndim == 2 else 0


def _widen(arr: np.ndarray, width: int) -> np.ndarray:
    """``arr`` as ``width`` columns (0: one value per row), padded with zeros."""
    if not width or (arr.ndim == 2 and arr.shape[1] == width):
        return arr
    out = np.zeros((arr.shape[0], width), dtype=arr.dtype)
    if arr.ndim == 1:
        out[:, 0] = arr
    else:
        out[:, : arr.shape[1]] = arr
    return out


def _empty_columns(
    parts: list[tuple[np.ndarray, dict[int, Column]]], total: int
) -> dict[int, Column]:
    """Columns wide enough for every part; ``counts`` where array lengths differ."""
    shapes: dict[int, tuple[BaseType, set[int]]] = {}
    for _, cols in parts:
        for num, col in cols.items():
            base, widths = shapes.setdefault(num, (col.base, set()))
            if base.is_string == col.base.is_string:
                widths.add(_width(col))
    columns: dict[int, Column] = {}
    for num, (base, widths) in shapes.items():
        width = max(widths)
        shape = (total, width) if width else (total,)
        dtype = object if base.is_string else np.float64
        counts = np.full(total, width) if width and len(widths) > 1 else None
        columns[num] = Column(np.zeros(shape, dtype), np.zeros(shape, bool), base, counts)
    return columns


def merge(parts: list[tuple[np.ndarray, dict[int, Column]]]) -> Table:
    """One table from the column sets of several definitions of the same message type."""
    if len(parts) == 1:
        return Table(parts[0][0], parts[0][1])
    every = np.concatenate([idx for idx, _ in parts])
    present = np.zeros(int(every.max()) + 1 if every.size else 0, dtype=bool)
    present[every] = True  # the parts hold distinct messages: no sort needed
    index = np.flatnonzero(present)
    columns = _empty_columns(parts, len(index))
    for idx, cols in parts:
        where = np.searchsorted(index, idx)
        for num, col in cols.items():
            target = columns[num]
            if target.base.is_string != col.base.is_string:
                continue  # a field that changes between text and numbers: keep the first kind
            width = _width(target)
            target.values[where] = _widen(col.values, width)
            target.valid[where] = _widen(col.valid, width)
            if target.counts is not None:
                target.counts[where] = max(_width(col), 1)
    return Table(index, columns)


def gather_one(data: bytes, definition: Definition, offsets: np.ndarray, num: int) -> Column | None:
    """The column of field ``num`` only (e.g. timestamps of messages not otherwise read)."""
    fdef = next((f for f in reversed(definition.fields) if f.num == num), None)
    if fdef is None:
        return None
    dtype = np.dtype(
        {
            "names": ["v"],
            "formats": [_field_format(fdef, definition.big_endian)],
            "offsets": [1 + fdef.offset],
            "itemsize": 1 + definition.size,
        }
    )
    return _column(take_messages(data, offsets, dtype)["v"], fdef.base)
