"""Vectorised profile logic: compressed timestamps, components, accumulation, sub-fields.

Each function works on whole columns (all messages of one type in file order), following
the FIT protocol as the official SDK applies it:

* compressed timestamp headers carry the low 5 bits of the time; the full time is the
  previous timestamp (of any message) advanced to those bits, rolling over every 32 s;
* a field with components is read as a little-endian bit stream and each component
  (``bits``, ``scale``, ``offset``) becomes the value of its target field, which may have
  components of its own (``speed`` -> ``enhanced_speed``);
* an accumulated target (``distance`` from ``compressed_speed_distance``) adds the
  difference to the previous value modulo ``2**bits``;
* a sub-field (``event.data`` -> ``timer_trigger``) is the same raw value read with another
  profile entry where a reference field holds a given value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .gather import Column, Table
from .profile import FieldSpec, MessageSpec

_MAX_BITS = 64


def expand_compressed_times(
    explicit: list[tuple[np.ndarray, np.ndarray]], compressed: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Full timestamps (FIT seconds) of the messages with compressed timestamp headers.

    ``explicit`` holds (message indices, timestamps) of messages with a valid timestamp
    field; ``compressed`` (message index, 5-bit offset) pairs. Returns (indices, times).
    """
    comp = np.array(compressed, dtype=np.int64).reshape(-1, 2)
    idx = np.concatenate([comp[:, 0], *[i for i, _ in explicit]])
    value = np.concatenate([comp[:, 1], *[v.astype(np.int64) for _, v in explicit]])
    is_explicit = np.arange(len(idx)) >= len(comp)
    order = np.argsort(idx, kind="stable")
    idx, value, is_explicit = idx[order], value[order], is_explicit[order]
    low5 = value & 0x1F
    previous = np.concatenate([[0], low5[:-1]])
    delta = np.where(is_explicit, 0, (low5 - previous) & 0x1F)
    steps = np.cumsum(delta)
    last = np.maximum.accumulate(np.where(is_explicit, np.arange(len(idx)), -1))
    base = np.where(last >= 0, value[np.maximum(last, 0)], 0)
    base_steps = np.where(last >= 0, steps[np.maximum(last, 0)], 0)
    times = base + steps - base_steps
    return idx[~is_explicit], times[~is_explicit]


@dataclass(slots=True)
class Expanded:
    """Values of a component target field, already in the target's units."""

    spec: FieldSpec
    values: np.ndarray  # float64
    valid: np.ndarray  # bool
    set_rows: np.ndarray  # bool: rows where the expansion replaces any direct value


def _bit_source(col: Column, spec: FieldSpec) -> tuple[np.ndarray, int]:
    """The raw value as one unsigned integer per row, and how many bits it holds."""
    assert spec.base is not None
    width = spec.base.size * 8
    values = np.nan_to_num(col.values, nan=0.0)
    if values.ndim == 1:
        return values.astype(np.uint64), width
    count = min(values.shape[1], _MAX_BITS // width)
    ints = values[:, :count].astype(np.uint64)
    shifts = (np.arange(count, dtype=np.uint64) * np.uint64(width))[None, :]
    combined = np.bitwise_or.reduce(ints << shifts, axis=1)
    return combined, width * values.shape[1]


def accumulate(values: np.ndarray, rows: np.ndarray, bits: int, start: np.ndarray) -> np.ndarray:
    """Running total of ``values`` (at ``rows``) that count modulo ``2**bits``.

    ``start`` (NaN where absent) resets the total to a directly recorded value.
    """
    out = np.zeros(len(values), dtype=np.float64)
    mask = (1 << bits) - 1
    resets = ~np.isnan(start)
    if not resets.any():
        seq = values[rows].astype(np.int64)
        if len(seq):
            steps = (np.diff(seq) & mask).astype(np.float64)
            out[rows] = seq[0] + np.concatenate([[0.0], np.cumsum(steps)])
        return out
    total = last = None
    for i in np.flatnonzero(rows | resets).tolist():
        if resets[i]:
            total = last = int(start[i])
        if rows[i]:
            value = int(values[i])
            if total is None or last is None:
                total = last = value
            total += (value - last) & mask
            last = value
            out[i] = total
    return out


def _direct_in_component_units(
    table: Table, target: FieldSpec, scale: float, off: float
) -> np.ndarray:
    """Directly recorded values of an accumulated target, in the component's units."""
    col = table.columns.get(target.num)
    if col is None or not target.accumulated or col.values.ndim != 1:
        return np.full(len(table.index), np.nan)
    direct = (col.values / target.scale - target.offset + off) * scale
    return np.where(col.valid, np.round(direct), np.nan)


_Source = tuple[FieldSpec, np.ndarray, int, np.ndarray]  # spec, bits, bits available, rows


def sub_field_columns(table: Table, spec: MessageSpec) -> list[tuple[FieldSpec, Column]]:
    """Columns of the sub-fields that apply, each valid only where its reference matches."""
    out = []
    for num, col in table.columns.items():
        fspec = spec.fields.get(num)
        if fspec is None or not fspec.sub_fields:
            continue
        for sub in fspec.sub_fields:
            cond = np.zeros(len(table.index), dtype=bool)
            for ref_num, raw_value in sub.ref:
                ref = table.columns.get(ref_num)
                if ref is not None and ref.values.ndim == 1:
                    cond |= ref.valid & (ref.values == raw_value)
            if cond.any():
                valid = col.valid & (cond if col.valid.ndim == 1 else cond[:, None])
                out.append((sub.spec, Column(col.values, valid, col.base)))
    return out


def _sources(
    table: Table, spec: MessageSpec, subs: list[tuple[FieldSpec, Column]]
) -> list[_Source]:
    pairs = [(spec.fields.get(num), col) for num, col in table.columns.items()] + subs
    stack: list[_Source] = []
    for fspec, col in pairs:
        if fspec is None or not fspec.components or fspec.base is None or col.base.is_string:
            continue
        rows = col.present
        if rows.any():
            stack.append((fspec, *_bit_source(col, fspec), rows))
    return stack


def _target(out: dict[int, Expanded], target: FieldSpec, n: int) -> Expanded:
    ex = out.get(target.num)
    if ex is None:
        ex = Expanded(target, np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool))
        out[target.num] = ex
    return ex


def _expand_one(
    table: Table,
    spec: MessageSpec,
    source: _Source,
    out: dict[int, Expanded],
    stack: list[_Source],
) -> None:
    fspec, bits, available, rows = source
    position = 0
    for comp in fspec.components:
        if position + comp.bits > min(available, _MAX_BITS):
            break
        raw = (bits >> np.uint64(position)) & np.uint64((1 << comp.bits) - 1)
        position += comp.bits
        target = spec.fields.get(comp.target)
        if target is None:
            continue
        if target.accumulated:
            start = _direct_in_component_units(table, target, comp.scale, comp.offset)
            raw = accumulate(raw, rows, comp.bits, start)
        value = raw / comp.scale - comp.offset
        target_raw = np.round((value + target.offset) * target.scale)
        valid = rows.copy()
        if target.base is not None and target.base.invalid is not None:
            valid &= target_raw != target.base.invalid
        ex = _target(out, target, len(rows))
        ex.values[rows], ex.valid[rows], ex.set_rows[rows] = value[rows], valid[rows], True
        if target.components and target.base is not None:
            chained = np.where(rows, target_raw, 0).astype(np.uint64)
            stack.append((target, chained, target.base.size * 8, rows))


def expand_components(
    table: Table, spec: MessageSpec, subs: list[tuple[FieldSpec, Column]]
) -> dict[int, Expanded]:
    """Values of every component target in ``table``, keyed by target field number."""
    out: dict[int, Expanded] = {}
    stack = _sources(table, spec, subs)
    while stack:
        _expand_one(table, spec, stack.pop(), out, stack)
    return out
