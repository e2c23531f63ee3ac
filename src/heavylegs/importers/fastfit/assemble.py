"""From a scan to decoded messages: group by definition, pick a path per message kind.

Records and message kinds with many messages go through the columnar path (``gather``
then ``convert``); kinds with a few messages each go through the row path (``rows``).
Compressed timestamps are resolved here, over all messages of the file in order.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .convert import message_dicts, record_arrays
from .expand import expand_compressed_times
from .gather import Column, Table, gather, gather_one, merge
from .heartrate import HR_MESSAGE, CannotMerge, merge_heart_rates
from .profile import BASE_TYPES, FIT_EPOCH_S, RECORD_NAME, TIMESTAMP_FIELD, wanted_specs
from .rows import compile_plan, decode_rows
from .scan import Definition, Scan

ROW_PATH_MAX = 200  # message kinds with at most this many messages take the row path
_UINT32 = BASE_TYPES[0x06]


@dataclass(slots=True)
class Decoded:
    records: dict[str, np.ndarray] | None = None
    record_count: int = 0
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _groups(def_ids: np.ndarray, count: int) -> list[np.ndarray]:
    order = np.argsort(def_ids, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(def_ids, minlength=count))])
    return [order[bounds[i] : bounds[i + 1]] for i in range(count)]


def _times_for(
    index: np.ndarray, comp_idx: np.ndarray, comp_times: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(positions in ``index``, times) of the messages that had compressed headers."""
    if not len(comp_idx):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    pos = np.minimum(np.searchsorted(comp_idx, index), len(comp_idx) - 1)
    hit = comp_idx[pos] == index
    return np.flatnonzero(hit), comp_times[pos[hit]]


def _fill_table_times(table: Table, comp: tuple[np.ndarray, np.ndarray]) -> None:
    rows, times = _times_for(table.index, *comp)
    if not len(rows):
        return
    col = table.columns.get(TIMESTAMP_FIELD)
    if col is None or col.values.ndim != 1 or col.base.is_string:
        n = len(table.index)
        col = table.columns[TIMESTAMP_FIELD] = Column(np.zeros(n), np.zeros(n, bool), _UINT32)
    missing = ~col.valid[rows]  # an explicit timestamp field wins over the header's
    col.values[rows[missing]] = times[missing]
    col.valid[rows[missing]] = True


def _fill_row_times(
    index: np.ndarray, rows: list[dict[str, Any]], comp: tuple[np.ndarray, np.ndarray]
) -> None:
    positions, times = _times_for(index, *comp)
    for pos, time in zip(positions.tolist(), times.tolist(), strict=True):
        rows[pos].setdefault("timestamp", datetime.fromtimestamp(time + FIT_EPOCH_S, UTC))


def _compressed(
    data: bytes, scan: Scan, groups: list[np.ndarray], offsets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Message indices and full times of compressed-header messages (empty if none)."""
    if not len(scan.compressed):
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    explicit = []
    for definition, idx in zip(scan.definitions, groups, strict=True):
        stamp = gather_one(data, definition, offsets[idx], TIMESTAMP_FIELD) if len(idx) else None
        if stamp is not None and stamp.values.ndim == 1 and stamp.base.numpy[0] in "ui":
            explicit.append((idx[stamp.valid], stamp.values[stamp.valid]))
    return expand_compressed_times(explicit, scan.compressed)


def _row_messages(
    data: bytes, parts: list[tuple[Definition, np.ndarray]], offsets: np.ndarray, num: int
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    spec = wanted_specs()[num]
    index_parts, rows = [], []
    for definition, idx in parts:
        if definition.plan is None:
            definition.plan = compile_plan(definition, spec)
        rows.extend(decode_rows(data, definition.plan, spec, offsets[idx].tolist()))
        index_parts.append(idx)
    index = np.concatenate(index_parts)
    if len(parts) > 1:
        order = np.argsort(index, kind="stable")
        index, rows = index[order], [rows[i] for i in order.tolist()]
    return index, rows


def _column_table(
    data: bytes, parts: list[tuple[Definition, np.ndarray]], offsets: np.ndarray
) -> Table:
    return merge([(idx, gather(data, definition, offsets[idx])) for definition, idx in parts])


def _merge_hr(data: bytes, parts: list[tuple[Definition, np.ndarray]], offsets: np.ndarray,
              comp: tuple[np.ndarray, np.ndarray], out: Decoded) -> None:
    """Back-filled heart rates of ``hr`` messages into the records, as the SDK merges them."""
    if not parts or not out.records:
        return
    table = _column_table(data, parts, offsets)
    _fill_table_times(table, comp)
    try:
        merge_heart_rates(table, out.records)
    except CannotMerge as problem:
        out.warnings.append(f"heart rates of the hr messages not merged: {problem}")


def decode_scan(data: bytes, scan: Scan, merge_hr: bool = True,
                kinds: Collection[str] | None = None) -> Decoded:
    """Decode the record and small messages that ``scan`` located in ``data``; with
    ``merge_hr`` the back-filled heart rates of ``hr`` messages go into the records.
    ``kinds``: the small message kinds wanted (default all of ``MESSAGE_NAMES``)."""
    offsets = np.asarray(scan.offsets, dtype=np.int64)
    groups = _groups(np.asarray(scan.def_ids, dtype=np.int64), len(scan.definitions))
    specs = wanted_specs()
    by_kind: dict[int, list[tuple[Definition, np.ndarray]]] = {}
    for definition, idx in zip(scan.definitions, groups, strict=True):
        if len(idx) and (definition.global_num in specs or definition.global_num == HR_MESSAGE):
            by_kind.setdefault(definition.global_num, []).append((definition, idx))
    hr_parts = by_kind.pop(HR_MESSAGE, []) if merge_hr else []
    by_kind.pop(HR_MESSAGE, None)
    comp = _compressed(data, scan, groups, offsets)
    out = Decoded()
    for num, parts in by_kind.items():
        spec = specs[num]
        if kinds is not None and spec.name != RECORD_NAME and spec.name not in kinds:
            continue
        count = sum(len(idx) for _, idx in parts)
        if spec.name != RECORD_NAME and count <= ROW_PATH_MAX:
            index, rows = _row_messages(data, parts, offsets, num)
            _fill_row_times(index, rows, comp)
            out.messages[spec.name] = rows
            continue
        table = _column_table(data, parts, offsets)
        _fill_table_times(table, comp)
        if spec.name == RECORD_NAME:
            out.records, out.record_count = record_arrays(table, spec), len(table.index)
        else:
            out.messages[spec.name] = message_dicts(table, spec)
    _merge_hr(data, hr_parts, offsets, comp, out)
    return out
