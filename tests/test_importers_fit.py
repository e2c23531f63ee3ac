"""FIT import, checked field by field against the official Garmin SDK, plus the mapping
from plain message dicts (the seam a faster decoder plugs into) and broken files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from garmin_fit_sdk import Decoder, Stream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heavylegs.core.streams import COLUMNS
from heavylegs.errors import CorruptFile, ImportFailed
from heavylegs.importers import read_activity_file
from heavylegs.importers.fit import activities_from_messages, crc_problems

DATA = Path(__file__).parent / "data" / "activities"
RUN = DATA / "garmin-fenix-5-run.fit"
T0 = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)


def sdk(path: Path) -> dict:
    messages, _ = Decoder(Stream.from_byte_array(bytearray(path.read_bytes()))).read()
    return messages


def record(second: int, **fields: object) -> dict:
    return {"timestamp": T0 + timedelta(seconds=second), **fields}


# --- real files against the SDK ------------------------------------------------------------

@pytest.mark.parametrize("name", ["garmin-fenix-5-run.fit", "garmin-fenix-5-walk.fit",
                                  "2013-02-06-12-11-14.fit"])
def test_records_match_the_sdk(name: str) -> None:
    reference = sdk(DATA / name)
    records, session = reference["record_mesgs"], reference["session_mesgs"][0]
    [parsed] = read_activity_file(DATA / name)
    streams = parsed.streams
    assert streams.columns == list(COLUMNS)
    assert streams.height == len(records)
    assert streams["timestamp"].to_list() == [r["timestamp"] for r in records]
    assert streams["heart_rate_bpm"].to_list() == [r.get("heart_rate") or None for r in records]
    assert streams["distance_m"].to_list() == [r.get("distance") for r in records]
    assert streams["lat_deg"][-1] == pytest.approx(records[-1]["position_lat"] * 180 / 2**31)
    assert parsed.summary.start == session["start_time"]
    assert parsed.summary.distance_m == pytest.approx(session["total_distance"], abs=0.5)
    assert parsed.summary.sport == session["sport"]


def test_running_values_and_dynamics() -> None:
    [parsed] = read_activity_file(RUN)
    records = sdk(RUN)["record_mesgs"]
    streams = parsed.streams
    expected = [2 * (r["cadence"] + r.get("fractional_cadence", 0)) for r in records]
    assert streams["cadence_spm"].to_list() == pytest.approx(expected)  # per leg → steps
    assert streams["stance_time_ms"].to_list() == [r.get("stance_time") for r in records]
    assert streams["vertical_oscillation_mm"].drop_nulls().len() > 0
    assert streams["stance_balance_pct"].drop_nulls().len() > 0
    summary = parsed.summary
    assert summary.device == "garmin fenix5"
    assert summary.utc_offset_s == -7 * 3600
    assert summary.avg_hr_bpm == pytest.approx(sum(r["heart_rate"] for r in records) / 21)
    assert summary.max_hr_bpm == 112
    assert 160 < summary.avg_cadence_spm < 190
    assert parsed.warnings == ()


def test_walking_cadence_is_doubled_too() -> None:
    [parsed] = read_activity_file(DATA / "garmin-fenix-5-walk.fit")
    assert parsed.summary.sport == "walking"
    assert 100 < parsed.summary.avg_cadence_spm < 140


def test_multisport_gives_one_activity_per_session() -> None:
    path = DATA / "6471559601_ACTIVITY.fit"
    reference = sdk(path)
    found = read_activity_file(path)
    assert [a.summary.sport for a in found] == [s["sport"] for s in reference["session_mesgs"]]
    assert sum(a.streams.height for a in found) == len(reference["record_mesgs"])
    for activity, session in zip(found, reference["session_mesgs"], strict=True):
        assert activity.summary.start == session["start_time"]
        assert activity.streams["timestamp"].min() >= session["start_time"]


# --- broken files: warn and keep, or fail clearly -------------------------------------------

def test_bad_crc_is_a_warning_and_data_is_kept() -> None:
    [parsed] = read_activity_file(DATA / "activity-filecrc.fit")
    assert parsed.streams.height == 14
    assert any("CRC does not match" in w for w in parsed.warnings)
    assert crc_problems(RUN.read_bytes()) == []


@pytest.mark.parametrize(("name", "words"), [
    ("activity-unexpected-eof.fit", "ends early"),
    ("activity-settings-corruptheader.fit", "broken header"),
])
def test_partial_reads_keep_the_records(name: str, words: str) -> None:
    [parsed] = read_activity_file(DATA / name)
    assert parsed.streams.height == 14
    assert any(words in w for w in parsed.warnings)


def test_header_claiming_no_data_is_read_anyway() -> None:
    data = bytearray(RUN.read_bytes())
    data[4:8] = bytes(4)  # as sports-lib's broken.fit: data size 0, records follow
    [parsed] = read_activity_file("zero.fit", bytes(data))
    assert parsed.streams.height == 21
    assert any("holds no data" in w for w in parsed.warnings)


def test_settings_file_is_not_an_activity() -> None:
    with pytest.raises(ImportFailed, match="no activity data .a FIT settings file"):
        read_activity_file(DATA / "Settings.fit")


def test_device_relative_times_are_refused() -> None:
    with pytest.raises(ImportFailed, match="power-on"):
        read_activity_file(DATA / "antfs-dump.63.fit")


def test_truncated_inside_the_header_is_corrupt() -> None:
    data = RUN.read_bytes()
    with pytest.raises(CorruptFile) as caught:
        read_activity_file("cut.fit", data[:13])
    assert str(caught.value).startswith("cut.fit: ") and "\n" not in str(caught.value)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(14, 5596), flips=st.lists(st.tuples(st.integers(14, 5596),
                                                           st.integers(0, 255)), max_size=4))
def test_damaged_fit_never_raises_anything_else(cut: int, flips: list[tuple[int, int]]) -> None:
    data = bytearray(RUN.read_bytes())
    for at, value in flips:
        data[at] = value
    try:
        found = read_activity_file("damaged.fit", bytes(data[:cut]))
    except ImportFailed as error:
        assert "\n" not in str(error)
    else:
        assert all(a.summary.elapsed_s >= 0 for a in found)


# --- the message-dict seam ------------------------------------------------------------------

def test_sessions_split_the_records_by_start_time() -> None:
    messages = {
        "record_mesgs": [record(s, heart_rate=100 + s, cadence=80) for s in range(0, 20, 2)],
        "session_mesgs": [
            {"start_time": T0, "total_elapsed_time": 9.0, "sport": "running",
             "sub_sport": "trail", "total_distance": 30.0},
            {"start_time": T0 + timedelta(seconds=10), "total_elapsed_time": 9.0,
             "sport": "cycling", "sub_sport": "generic"}],
        "activity_mesgs": [{"timestamp": T0, "local_timestamp": int(
            T0.timestamp()) - 631_065_600 + 5400}],
        "file_id_mesgs": [{"manufacturer": "coros", "product": 12}],
    }
    first, second = activities_from_messages(messages, "x.fit")
    assert (first.summary.sport, first.summary.sub_sport) == ("trail_running", "trail")
    assert second.summary.sport == "cycling" and second.summary.sub_sport is None
    assert first.streams.height == second.streams.height == 5
    assert first.streams["cadence_spm"][0] == 160 and second.streams["cadence_spm"][0] == 80
    assert first.summary.utc_offset_s == 5400 and first.summary.device == "coros 12"


def test_no_session_uses_the_samples() -> None:
    messages = {"record_mesgs": [record(s, distance=3.0 * s) for s in range(30)],
                "sport_mesgs": [{"sport": "running"}]}
    [parsed] = activities_from_messages(messages, "x.fit")
    assert parsed.summary.sport == "running"
    assert parsed.summary.distance_m == 87 and parsed.summary.elapsed_s == 29
    assert any("no session" in w for w in parsed.warnings)


def test_session_without_records_keeps_its_totals() -> None:
    session = {"start_time": T0, "total_elapsed_time": 3600.0, "total_timer_time": 3500.0,
               "total_distance": 10000.0, "avg_heart_rate": 150, "sport": "running"}
    [parsed] = activities_from_messages({"session_mesgs": [session]}, "x.fit")
    summary = parsed.summary
    assert (summary.elapsed_s, summary.moving_s, summary.distance_m, summary.avg_hr_bpm) == (
        3600, 3500, 10000, 150)


def test_garbage_times_are_dropped_and_relative_times_correlated() -> None:
    records = [record(s) for s in range(5)] + [record(10**9)]
    [parsed] = activities_from_messages({"record_mesgs": records}, "x.fit")
    assert parsed.streams.height == 5
    system = datetime(1989, 12, 31, tzinfo=UTC)
    relative = {"record_mesgs": [{"timestamp": system + timedelta(seconds=s)} for s in range(3)],
                "timestamp_correlation_mesgs": [{"timestamp": T0, "system_timestamp": system}]}
    [moved] = activities_from_messages(relative, "x.fit")
    assert moved.summary.start == T0


def test_nothing_usable_is_no_activity_data() -> None:
    with pytest.raises(ImportFailed, match="no activity data"):
        activities_from_messages({"file_id_mesgs": [{"type": "activity"}]}, "x.fit")
