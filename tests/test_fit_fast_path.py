"""The FIT importer's fast path (fastfit, columnar) against its Garmin SDK path, file by file.

For every distinct FIT file of ``../shared/corpus`` that the SDK reads without errors, both
paths must give the same activities: count, start, sport, distance and elapsed time
(within 0.5 %), stream rows, and heart-rate and distance columns (within resolution).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from fit_reference import CORPUS, corpus_fit_files
from heavylegs.core.model import ParsedActivity
from heavylegs.errors import ImportFailed
from heavylegs.importers.fit import decode_fit, parse_fit, parse_fit_sdk

RELATIVE = 0.005
RESOLUTION = {"heart_rate_bpm": 0.5, "distance_m": 0.011}  # 1 bpm, 1 cm


FILES = corpus_fit_files()


def _read(parse: object, data: bytes, path: str) -> list[ParsedActivity] | str:
    try:
        return parse(data, path)  # type: ignore[operator]
    except ImportFailed as error:
        return type(error).__name__


def _close(fast: float | None, slow: float | None) -> bool:
    if fast is None or slow is None:
        return fast is slow
    return math.isclose(fast, slow, rel_tol=RELATIVE, abs_tol=0.01)


def _same_column(fast: ParsedActivity, slow: ParsedActivity, name: str) -> None:
    a = fast.streams[name].to_numpy().astype(float)
    b = slow.streams[name].to_numpy().astype(float)
    assert np.array_equal(np.isnan(a), np.isnan(b)), name
    both = ~np.isnan(a)
    assert np.all(np.abs(a[both] - b[both]) <= RESOLUTION[name]), name


def _same_activity(fast: ParsedActivity, slow: ParsedActivity) -> None:
    assert fast.summary.start == slow.summary.start
    assert fast.summary.sport == slow.summary.sport
    assert _close(fast.summary.distance_m, slow.summary.distance_m)
    assert _close(fast.summary.elapsed_s, slow.summary.elapsed_s)
    assert fast.streams.height == slow.streams.height
    for name in RESOLUTION:
        _same_column(fast, slow, name)


@pytest.mark.skipif(not FILES, reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES] or None)
def test_fast_path_matches_the_sdk_path(path: Path) -> None:
    data = path.read_bytes()
    _, errors = decode_fit(data)
    if errors:
        pytest.skip(f"the SDK reports errors: {errors[0][:80]}")
    fast = _read(parse_fit, data, str(path))
    slow = _read(parse_fit_sdk, data, str(path))
    if isinstance(slow, str) or isinstance(fast, str):
        assert fast == slow
        return
    assert len(fast) == len(slow)
    for one, other in zip(fast, slow, strict=True):
        _same_activity(one, other)


def test_an_unexpected_decoder_failure_falls_back_to_the_sdk(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from heavylegs.importers import fit

    def broken(data: bytes, check_crc: bool) -> None:
        raise RuntimeError("decoder bug")

    monkeypatch.setattr(fit, "scan_file", broken)
    run = Path(__file__).parent / "data" / "activities" / "garmin-fenix-5-run.fit"
    before = fit.sdk_fallbacks()
    [parsed] = parse_fit(run.read_bytes(), str(run))
    assert fit.sdk_fallbacks() == before + 1  # counted, for make bench
    assert parsed.streams.height == 21
    assert any("fast FIT decoder failed (RuntimeError: decoder bug)" in w
               for w in parsed.warnings)
