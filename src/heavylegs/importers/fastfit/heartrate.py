"""Back-filled heart rates: ``hr`` messages merged into the records, vectorised.

An HRM-Pro or HRM-Swim stores beats while the watch cannot hear it (under water, away
from the watch) and sends them afterwards as ``hr`` messages. The official SDK merges
them into the records (``merge_heart_rates``, on by default); this module gives the same
values, with numpy instead of a loop per beat. Semantics, as the SDK applies them:

* An *anchor* message has a ``timestamp``, a fractional part (``fractional_timestamp``,
  or ``time256`` / 256) and exactly one ``event_timestamp`` (1/1024 s of the strap's
  clock). Every beat until the next anchor is placed at
  ``anchor time + (event_timestamp - anchor event_timestamp)``; an event time below its
  anchor's counts as wrapped once the gap exceeds 2**22 s.
* Other messages pack up to 10 beat times in ``event_timestamp_12`` (12-bit pieces, read
  LSB first), accumulated modulo 2**12 from the last direct ``event_timestamp``.
* Between two consecutive beats more than 250 ms apart the earlier beat's rate is
  repeated every 250 ms, at most 20 times (5 s).
* Record ``i`` takes the mean of the beats in ``(t[i-1], t[i]]`` rounded half up (the
  first record: ``(t[0] - 1, t[0]]``; a record with its predecessor's time reaches back
  one beat over ``(t - 1, t]``). A record after the last beat keeps its own value.

Where the SDK would stop with an error (no anchor yet, mismatched array lengths, an
invalid beat) nothing is merged and :class:`CannotMerge` says why.
"""

from __future__ import annotations

import numpy as np

from .gather import Column, Table
from .profile import FIT_EPOCH_S

HR_MESSAGE = 132
_TIMESTAMP, _FRACTION, _TIME256, _BPM, _EVENT, _EVENT12 = 253, 0, 1, 6, 9, 10
_EVENT_SCALE = 1024.0
_PIECE_BITS, _MAX_PIECES = 12, 10
_WRAP_S = 0x400000  # 2**32 / 1024: where a raw event_timestamp rolls over
_GAP_MS, _GAP_STEP_S, _GAP_MAX_STEPS = 250.0, 0.25, 20


class CannotMerge(Exception):
    """The ``hr`` messages cannot be merged (the SDK raises for the same files)."""


def merge_heart_rates(table: Table, records: dict[str, np.ndarray]) -> None:
    """Write the merged heart rates into ``records["heart_rate"]`` (in place)."""
    times = records.get("timestamp")
    if times is None or not len(times):
        return
    if np.isnat(times).any():
        raise CannotMerge("a record has no timestamp")
    beat_times, beat_rates = beats(table)
    if not len(beat_times):
        return
    record_s = (times.astype("datetime64[s]").astype(np.int64) - FIT_EPOCH_S).astype(np.float64)
    rates = np.array(records.get("heart_rate", np.full(len(times), np.nan)), dtype=np.float64)
    merge = _merge_sorted if _sorted(beat_times) and _sorted(record_s) else _merge_in_order
    merge(beat_times, beat_rates, record_s, rates)
    records["heart_rate"] = rates


def _sorted(values: np.ndarray) -> bool:
    return bool(np.all(values[1:] >= values[:-1]))


# -- beats: one (time, rate) per beat, gaps filled ------------------------------------------
def _rows(col: Column | None, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values (n, k), valid (n, k), elements per message) of an array field."""
    if col is None:
        return np.zeros((n, 1)), np.zeros((n, 1), bool), np.zeros(n, np.int64)
    values = col.values if col.values.ndim == 2 else col.values[:, None]
    valid = col.valid if col.valid.ndim == 2 else col.valid[:, None]
    counts = col.counts if col.counts is not None else np.full(n, values.shape[1])
    return values, valid, np.where(valid.any(axis=1), counts, 0).astype(np.int64)


def _flat(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The first ``counts[i]`` elements of each row, in row order."""
    return values[np.arange(values.shape[1])[None, :] < counts[:, None]]


def _pieces(col: Column | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The 12-bit pieces of ``event_timestamp_12`` (n, 10) and how many each message has."""
    if col is None:
        return np.zeros((n, _MAX_PIECES), np.int64), np.zeros(n, np.int64)
    raw, _, counts = _rows(col, n)  # a byte array counts as present unless all 0xFF
    counts = np.where(col.present, counts, 0)
    bits = np.unpackbits(raw.astype(np.uint8), axis=1, bitorder="little")
    width = min(_MAX_PIECES, bits.shape[1] // _PIECE_BITS)
    pieces = np.zeros((n, _MAX_PIECES), np.int64)
    if width:
        chunks = bits[:, : width * _PIECE_BITS].reshape(n, width, _PIECE_BITS).astype(np.int64)
        pieces[:, :width] = chunks @ (1 << np.arange(_PIECE_BITS, dtype=np.int64))
    return pieces, np.minimum(_MAX_PIECES, counts * 8 // _PIECE_BITS)


def _accumulated(direct: np.ndarray, has_direct: np.ndarray, pieces: np.ndarray,
                 count: np.ndarray) -> np.ndarray:
    """Raw event times (1/1024 s) of the pieces, accumulated modulo 2**12 from the last
    direct value (the first piece starts the count when no direct value came before)."""
    n = len(count)
    keys = np.concatenate([np.flatnonzero(has_direct) * 16, np.repeat(np.arange(n), count) * 16
                           + 1 + _flat(np.tile(np.arange(_MAX_PIECES), (n, 1)), count)])
    raw = np.concatenate([direct[has_direct], _flat(pieces, count)]).astype(np.int64)
    is_reset = np.arange(len(raw)) < int(has_direct.sum())
    order = np.argsort(keys, kind="stable")
    raw, is_reset = raw[order], is_reset[order]
    start = is_reset.copy()
    start[:1] = True
    delta = np.where(start, 0, (raw - np.concatenate([raw[:1], raw[:-1]])) & 0xFFF)
    steps = np.cumsum(delta)
    last = np.maximum.accumulate(np.where(start, np.arange(len(raw)), 0))
    return (raw[last] + steps - steps[last])[~is_reset]


def _events(table: Table, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per message: event times in seconds (n, k) and how many."""
    direct, dvalid, dcount = _rows(table.columns.get(_EVENT), n)
    if not _flat(dvalid, dcount).all():
        raise CannotMerge("an hr message has an invalid event_timestamp")
    pieces, pcount = _pieces(table.columns.get(_EVENT12), n)
    if not pcount.any():
        return direct / _EVENT_SCALE, dcount
    has_direct = dcount > 0
    last_direct = direct[np.arange(n), np.maximum(dcount - 1, 0)]
    totals = _accumulated(last_direct, has_direct, pieces, pcount)
    width = max(direct.shape[1], _MAX_PIECES)
    out = np.zeros((n, width))
    out[:, : direct.shape[1]] = direct / _EVENT_SCALE
    expanded = pcount > 0
    out[expanded] = 0.0
    mask = np.arange(width)[None, :] < pcount[:, None]
    out[mask] = totals / _EVENT_SCALE  # row-major: the pieces in file order
    return out, np.where(expanded, pcount, dcount)


def _anchors(table: Table, events: np.ndarray, counts: np.ndarray, n: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Per message: its anchor's time (FIT seconds, fractional) and event time."""
    stamp = table.columns.get(_TIMESTAMP)
    is_anchor = stamp.valid.copy() if stamp is not None and stamp.values.ndim == 1 \
        else np.zeros(n, bool)
    fraction = np.full(n, np.nan)
    direct = table.columns.get(_FRACTION)
    if direct is not None and direct.values.ndim == 1:
        fraction = np.where(direct.valid, direct.values / 32768.0, fraction)
    coarse = table.columns.get(_TIME256)
    if coarse is not None and coarse.values.ndim == 1:
        fraction = np.where(coarse.valid, coarse.values / 256.0, fraction)
    if np.isnan(fraction[is_anchor]).any():
        raise CannotMerge("an anchor hr message has no fractional_timestamp")
    if (counts[is_anchor] != 1).any():
        raise CannotMerge("an anchor hr message must have one event_timestamp")
    anchor_s = np.where(is_anchor, (stamp.values if stamp is not None else 0) + fraction, 0.0)
    latest = np.maximum.accumulate(np.where(is_anchor, np.arange(n), -1))
    if (latest < 0).any():
        raise CannotMerge("beats come before the first anchor hr message")
    latest = np.maximum(latest, 0)
    return anchor_s[latest], events[latest, 0]


def beats(table: Table) -> tuple[np.ndarray, np.ndarray]:
    """Beat times (FIT seconds) and rates, gap fills included, in the SDK's order."""
    n = len(table.index)
    events, counts = _events(table, n)
    bpm, bvalid, bcount = _rows(table.columns.get(_BPM), n)
    if not (counts.all() and bcount.all()):
        raise CannotMerge("an hr message has no event_timestamp or no filtered_bpm")
    if (bcount != counts).any():
        raise CannotMerge("an hr message's event_timestamp and filtered_bpm differ in length")
    if not _flat(bvalid, bcount).all():
        raise CannotMerge("an hr message has an invalid filtered_bpm")
    anchor_s, anchor_event = _anchors(table, events, counts, n)
    event = _flat(events, counts)
    anchor_s, anchor_event = np.repeat(anchor_s, counts), np.repeat(anchor_event, counts)
    behind = event < anchor_event
    if (behind & ~(anchor_event - event > _WRAP_S)).any():
        raise CannotMerge("an event_timestamp runs behind its anchor's")
    event = np.where(behind, event + _WRAP_S, event)
    return _fill_gaps(anchor_s + (event - anchor_event), _flat(bpm, bcount))


def _fill_gaps(times: np.ndarray, rates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Repeat a beat every 250 ms (up to 20 times) before a beat more than 250 ms after it."""
    if len(times) < 2:
        return times, rates
    gap = np.abs(np.diff(times)) * 1000.0
    steps = np.ceil(gap / _GAP_MS) - 1
    steps = np.where(_GAP_MS * (steps + 1) < gap, steps + 1, steps)
    steps = np.where((steps > 0) & ~(_GAP_MS * steps < gap), steps - 1, steps)
    steps = np.clip(steps, 0, _GAP_MAX_STEPS).astype(np.int64)
    per_beat = np.concatenate([[1], steps + 1])  # the fills, then the beat itself
    total = int(per_beat.sum())
    owner = np.repeat(np.arange(len(times)), per_beat)
    first = np.concatenate([[0], np.cumsum(per_beat)[:-1]])
    step = np.arange(total) - np.repeat(first, per_beat) + 1  # 1..k fills, k+1 the beat
    is_fill = step <= np.repeat(per_beat - 1, per_beat)
    source = np.where(is_fill, owner - 1, owner)
    out_times = np.where(is_fill, times[np.maximum(source, 0)] + _GAP_STEP_S * step,
                         times[owner])
    return out_times, rates[source].astype(np.float64)


# -- the merge ------------------------------------------------------------------------------
def _mean_half_up(total: np.ndarray, count: np.ndarray) -> np.ndarray:
    return np.floor(total / np.maximum(count, 1) + 0.5)


def _merge_sorted(beat_t: np.ndarray, beat_hr: np.ndarray, record_t: np.ndarray,
                  rates: np.ndarray) -> None:
    """The merge for beats and records both in time order, as array operations."""
    upto = np.searchsorted(beat_t, record_t, side="right")  # beats at or before each record
    same = np.concatenate([[False], record_t[1:] == record_t[:-1]])
    start = np.concatenate([[record_t[0] - 1.0], record_t[:-1]])
    start = np.where(same, record_t - 1.0, start)
    low = np.searchsorted(beat_t, start, side="right")
    low = np.where(same, np.maximum(low, np.maximum(upto - 1, 0)), low)
    count = upto - low
    sums = np.concatenate([[0.0], np.cumsum(beat_hr)])
    total = sums[upto] - sums[np.minimum(low, upto)]
    done = (upto < len(beat_t)) & (count > 0)
    rates[done] = _mean_half_up(total[done], count[done])


def _merge_in_order(beat_t: np.ndarray, beat_hr: np.ndarray, record_t: np.ndarray,
                    rates: np.ndarray) -> None:
    """The same merge for beats or records out of time order: one walk over both."""
    times, hrs = beat_t.tolist(), beat_hr.tolist()
    at, start = 0, None
    for i, end in enumerate(record_t.tolist()):
        start = end if start is None else start
        if start == end:
            start, at = start - 1, max(at - 1, 0)
        total = count = 0.0
        while at < len(times):
            if times[at] > end:
                if count:
                    rates[i] = float(int(total / count + 0.5))
                start = end
                break
            if times[at] > start:
                total, count = total + hrs[at], count + 1
            at += 1
