"""heavylegs' FIT decoder against the official Garmin SDK, file by file, on the corpus.

For every distinct FIT file under ``../shared/corpus`` (identical copies are checked
once): where the SDK decodes without errors, record count, record values and session
totals must agree. Where the SDK reports an error it still returns what it read before
the error; heavylegs must return at least as many records, the first ones identical, and
either a CorruptFile or a warning saying why. Where fitdecode reads such a file without
error (e.g. compressed timestamp headers, which the SDK refuses), heavylegs must agree
with fitdecode too.

Both decoders merge the back-filled heart rates of ``hr`` messages into the records (the
SDK's default), so the HRM-Pro/HRM-Swim files compare merged heart rates; files whose
times count from the device's power-on compare their ``timestamp_correlation`` messages,
which place those times on the calendar. ``test_the_special_files_are_covered`` keeps
both kinds in the set by name.
"""

from __future__ import annotations

import math
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fit_reference import CORPUS, corpus_fit_files, sdk_decode
from heavylegs.errors import CorruptFile
from heavylegs.importers.fastfit import decode

FIT_EPOCH_S = 631065600
SEMICIRCLE_DEG = 180.0 / 2**31

#: record field -> (names to try in an SDK message, tolerance in the field's unit)
RECORD_FIELDS: dict[str, tuple[tuple[str, ...], float]] = {
    "timestamp": (("timestamp",), 0.0),
    "distance": (("distance",), 0.005),
    "speed": (("enhanced_speed", "speed"), 0.0005),
    "heart_rate": (("heart_rate",), 0.0),
    "cadence": (("cadence",), 0.0),
    "altitude": (("enhanced_altitude", "altitude"), 0.1),
    "position_lat": (("position_lat",), 1e-7),
    "position_long": (("position_long",), 1e-7),
}
SESSION_FIELDS = (
    "total_elapsed_time",
    "total_timer_time",
    "total_distance",
    "avg_heart_rate",
    "total_ascent",
)


FILES = corpus_fit_files()


def _number(value: Any, name: str) -> float:
    if value is None or isinstance(value, str | list | tuple):
        return math.nan
    if isinstance(value, datetime):
        return value.timestamp()
    if name == "timestamp":
        return float(value) + FIT_EPOCH_S
    if name.startswith("position_"):
        return float(value) * SEMICIRCLE_DEG
    return float(value)


def _reference_column(records: list[dict], name: str) -> np.ndarray:
    keys, _ = RECORD_FIELDS[name]
    out = []
    for rec in records:
        value = next((rec[k] for k in keys if rec.get(k) is not None), None)
        out.append(_number(value, name))
    return np.array(out, dtype=np.float64)


def _our_column(records: dict[str, np.ndarray], name: str, count: int) -> np.ndarray:
    values = records[name][:count]
    if values.dtype.kind == "M":
        ints = values.astype(np.int64).astype(np.float64)
        return np.where(np.isnat(values), np.nan, ints)
    return values.astype(np.float64)


def assert_records_match(ours: dict[str, np.ndarray], reference: list[dict], label: str) -> None:
    count = len(reference)
    for name, (_, tol) in RECORD_FIELDS.items():
        want = _reference_column(reference, name)
        got = _our_column(ours, name, count)
        bad = ~np.isclose(got, want, rtol=1e-9, atol=tol + 1e-9, equal_nan=True)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            pytest.fail(f"{label}: {name}[{i}] = {got[i]!r}, reference {want[i]!r}")


def assert_sessions_match(ours: list[dict], reference: list[dict]) -> None:
    assert len(ours) == len(reference)
    for mine, theirs in zip(ours, reference, strict=True):
        for name in SESSION_FIELDS:
            want = theirs.get(name)
            if want is None:
                assert mine.get(name) is None, name
            else:
                assert mine.get(name) == pytest.approx(want, rel=1e-9, abs=1e-6), name


def fitdecode_records(path: Path) -> list[dict] | None:
    """Record messages as fitdecode reads them, or None if fitdecode fails."""
    import fitdecode

    records = []
    try:
        with (
            warnings.catch_warnings(),
            fitdecode.FitReader(str(path), check_crc=fitdecode.CrcCheck.DISABLED) as reader,
        ):
            warnings.simplefilter("ignore")  # fitdecode's own notes on odd files
            for frame in reader:
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                    records.append({f.name: f.value for f in frame.fields})
    except Exception:  # any failure means "fitdecode cannot read it"
        return None
    return records


def _label(path: Path) -> str:
    return str(path.relative_to(CORPUS))


@pytest.mark.skipif(not FILES, reason=f"shared corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=[_label(p) for p in FILES] if FILES else None)
def test_against_official_sdk(path: Path) -> None:
    messages, errors = sdk_decode(path)
    reference = messages.get("record_mesgs", [])
    if not errors:
        result = decode(path.read_bytes(), path=str(path))
        assert result.truncated_at is None
        assert len(result.records["timestamp"]) == len(reference)
        assert_records_match(result.records, reference, _label(path))
        assert_sessions_match(result.messages["session"], messages.get("session_mesgs", []))
        assert result.messages["timestamp_correlation"] == messages.get(
            "timestamp_correlation_mesgs", [])
        return
    _check_rejected(path, reference)


def _check_rejected(path: Path, sdk_partial: list[dict]) -> None:
    """The SDK reported an error: a clear error, or at least what the SDK kept, and why."""
    try:
        result = decode(path.read_bytes(), path=str(path))
    except CorruptFile as exc:
        assert exc.path == str(path) and exc.reason
        assert fitdecode_records(path) is None, "fitdecode reads it, heavylegs refuses"
        return
    count = len(result.records["timestamp"])
    assert count >= len(sdk_partial)
    assert_records_match(result.records, sdk_partial, _label(path) + " (SDK partial)")
    full = fitdecode_records(path)
    if full is not None:
        assert count == len(full)
        assert_records_match(result.records, full, _label(path) + " (fitdecode)")
    elif count == len(sdk_partial):
        assert result.warnings, "the SDK and fitdecode fail but heavylegs says nothing"


#: corpus files with ``hr`` messages (HRM-Pro/HRM-Swim back-fill) and with device-relative
#: times placed on the calendar by a ``timestamp_correlation`` message
HR_FILES = (
    "Garmin945swimRRdata.fit", "GarminHRMswim.FIT", "activity_2677977976.fit",
    "event_timestamp.fit", "sample_mulitple_header.fit", "HrmPluginTestActivity.fit",
    "garmin-fr935-cr.fit", "activity_poolswim_with_hr.fit",
)
RELATIVE_FILES = ("garmin-virb-ultra-30.fit",)


@pytest.mark.skipif(not FILES, reason=f"shared corpus not found at {CORPUS}")
def test_the_special_files_are_covered() -> None:
    """The files that once took the SDK path are in the set, and their special parts are
    exercised: the merge changes heart rates, the correlation message is decoded."""
    by_name = {path.name: path for path in FILES}
    for name in HR_FILES:
        data = by_name[name].read_bytes()
        merged = decode(data, path=name).records["heart_rate"]
        plain = decode(data, path=name, merge_heart_rates=False).records["heart_rate"]
        assert not np.array_equal(merged, plain, equal_nan=True), name
        assert not sdk_decode(by_name[name])[1], name  # so the full comparison runs
    for name in RELATIVE_FILES:
        result = decode(by_name[name].read_bytes(), path=name)
        assert (result.records["timestamp"] < np.datetime64("1998-07-01")).any()
        assert result.messages["timestamp_correlation"], name
