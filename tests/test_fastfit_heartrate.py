"""fastfit's merge of back-filled heart rates (``hr`` messages) against the SDK's own merge.

The corpus files are compared in test_fastfit_conformance; here seeded random beats and
records, in and out of time order, with repeated record times, go through both
heavylegs' merge (vectorised, and the walk used for out-of-order data) and
``garmin_fit_sdk.hr_mesg_utils.merge_heart_rates``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from garmin_fit_sdk import hr_mesg_utils

from heavylegs.importers.fastfit import heartrate
from heavylegs.importers.fastfit.gather import Column, Table
from heavylegs.importers.fastfit.profile import BASE_TYPES, FIT_EPOCH_S

START = 1_000_000_000  # FIT seconds


def _sdk_merge(beat_t: np.ndarray, beat_hr: np.ndarray, record_t: np.ndarray) -> np.ndarray:
    """The SDK's merge of beats (one anchor message per beat) into records."""
    hr_mesgs = [{"timestamp": datetime.fromtimestamp(int(t) + FIT_EPOCH_S, UTC),
                 "fractional_timestamp": float(t - int(t)), "event_timestamp": 0.0,
                 "filtered_bpm": int(h)} for t, h in zip(beat_t, beat_hr, strict=True)]
    records = [{"timestamp": datetime.fromtimestamp(int(t) + FIT_EPOCH_S, UTC)}
               for t in record_t]
    hr_mesg_utils.merge_heart_rates(hr_mesgs, records)
    return np.array([r.get("heart_rate", np.nan) for r in records], dtype=float)


def _ours(beat_t: np.ndarray, beat_hr: np.ndarray, record_t: np.ndarray, merge) -> np.ndarray:
    times, rates = heartrate._fill_gaps(beat_t, beat_hr.astype(float))
    out = np.full(len(record_t), np.nan)
    merge(times, rates, record_t.astype(float), out)
    return out


def _case(rng: np.random.Generator, ordered: bool) -> tuple[np.ndarray, ...]:
    beats = START + np.cumsum(rng.choice([0.25, 0.5, 0.9, 1.3, 7.0], size=200))
    beats = np.floor(beats * 1024) / 1024  # the strap's 1/1024 s clock
    records = START + np.cumsum(rng.choice([0, 1, 1, 2, 5], size=80)).astype(float)
    if not ordered:
        beats[rng.integers(0, 200, 4)] -= rng.uniform(0.1, 8, 4)
        records[rng.integers(1, 80, 3)] -= rng.integers(1, 20, 3)
    return beats, rng.integers(60, 190, 200), records


@pytest.mark.parametrize("seed", range(12))
def test_the_merge_equals_the_sdks(seed: int) -> None:
    rng = np.random.default_rng(seed)
    beat_t, beat_hr, record_t = _case(rng, ordered=True)
    want = _sdk_merge(beat_t, beat_hr, record_t)
    for merge in (heartrate._merge_sorted, heartrate._merge_in_order):
        np.testing.assert_array_equal(_ours(beat_t, beat_hr, record_t, merge), want)
    beat_t, beat_hr, record_t = _case(rng, ordered=False)
    want = _sdk_merge(beat_t, beat_hr, record_t)
    got = _ours(beat_t, beat_hr, record_t, heartrate._merge_in_order)
    np.testing.assert_array_equal(got, want)


def _table(**columns: tuple[list, int]) -> Table:
    fields = {"timestamp": 253, "fraction": 0, "bpm": 6, "event": 9, "event12": 10}
    out, n = {}, 0
    for name, (values, code) in columns.items():
        array = np.array(values, dtype=float)
        base = BASE_TYPES[code]
        out[fields[name]] = Column(array, array != base.invalid, base)
        n = len(array)
    return Table(np.arange(n), out)


def test_packed_event_times_accumulate_from_the_anchor() -> None:
    # anchor at event 1000/1024 s; then 8 packed 12-bit deltas of +512 (0.5 s) each
    pieces = [(1000 + 512 * (i + 1)) & 0xFFF for i in range(8)]
    packed = sum(p << (12 * i) for i, p in enumerate(pieces)).to_bytes(12, "little")
    table = _table(timestamp=([START, 0xFFFFFFFF], 6),
                   fraction=([0, 0xFFFF], 4),
                   event=([[1000] + [0xFFFFFFFF] * 7, [0xFFFFFFFF] * 8], 6),
                   bpm=([[100] + [0xFF] * 7, [101, 102, 103, 104, 105, 106, 107, 108]], 0x02),
                   event12=([[0xFF] * 12, list(packed)], 13))
    table.columns[9].counts = np.array([1, 8])  # the anchor holds one event time
    table.columns[6].counts = np.array([1, 8])
    times, rates = heartrate.beats(table)
    # each 0.5 s gap gets one 250 ms fill carrying the earlier beat's rate
    np.testing.assert_array_equal(times, START + 0.25 * np.arange(17))
    np.testing.assert_array_equal(rates, np.repeat(np.arange(100, 109), 2)[:17])


def test_beats_before_any_anchor_are_not_merged() -> None:
    table = _table(bpm=([70], 0x02), event=([5000], 6))
    with pytest.raises(heartrate.CannotMerge, match="anchor"):
        heartrate.beats(table)
