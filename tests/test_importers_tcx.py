"""TCX import, checked against tcxreader on real files, plus the shapes tcxreader misses
(multisport, courses, missing namespaces)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from tcxreader.tcxreader import TCXReader

from heavylegs.core.streams import COLUMNS
from heavylegs.errors import ImportFailed
from heavylegs.importers import detect_format, read_activity_file

DATA = Path(__file__).parent / "data" / "activities"
NS = 'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'


def trackpoint(second: int, extra: str = "") -> str:
    return (f"<Trackpoint><Time>2021-03-01T10:00:{second:02d}Z</Time>"
            f"<Position><LatitudeDegrees>50.0</LatitudeDegrees>"
            f"<LongitudeDegrees>{8 + second / 10000:.4f}</LongitudeDegrees></Position>"
            f"<HeartRateBpm><Value>{130 + second}</Value></HeartRateBpm>{extra}</Trackpoint>")


def activity(sport: str, start: int, points: str) -> str:
    return (f'<Activity Sport="{sport}"><Id>2021-03-01T10:00:{start:02d}Z</Id>'
            f'<Lap StartTime="2021-03-01T10:00:{start:02d}Z"><TotalTimeSeconds>10</TotalTimeSeconds>'
            f"<DistanceMeters>50</DistanceMeters><Calories>3</Calories>"
            f"<AverageHeartRateBpm><Value>140</Value></AverageHeartRateBpm>"
            f"<Track>{points}</Track></Lap><Creator><Name>Forerunner 945</Name></Creator>"
            f"</Activity>")


def tcx(body: str, ns: str = NS) -> bytes:
    return f'<?xml version="1.0"?><TrainingCenterDatabase {ns}>{body}</TrainingCenterDatabase>'.encode()


@pytest.mark.parametrize("name", ["sup_activity_1.tcx", "activity_5039744860.tcx"])
def test_matches_tcxreader(name: str) -> None:
    reference = TCXReader().read(str(DATA / name))
    [parsed] = read_activity_file(DATA / name)
    streams = parsed.streams
    assert streams.columns == list(COLUMNS)
    assert streams.height == len(reference.trackpoints)
    assert streams["timestamp"][0] == reference.trackpoints[0].time.replace(tzinfo=UTC)
    assert parsed.summary.distance_m == pytest.approx(reference.distance, abs=0.01)
    assert parsed.summary.avg_hr_bpm == pytest.approx(reference.hr_avg, abs=0.01)
    assert parsed.summary.elapsed_s == pytest.approx(reference.duration)
    assert streams["heart_rate_bpm"].to_list() == [t.hr_value for t in reference.trackpoints]


def test_sup_activity_values() -> None:
    [parsed] = read_activity_file(DATA / "sup_activity_1.tcx")
    summary = parsed.summary
    assert summary.sport == "other"
    assert summary.device == "vívoactive HR"
    assert summary.start == datetime(2022, 7, 16, 16, 8, 25, tzinfo=UTC)
    assert summary.distance_m == pytest.approx(1157.51)
    assert parsed.streams.height == 111


def test_biking_with_power() -> None:
    [parsed] = read_activity_file(DATA / "activity_5039744860.tcx")
    assert parsed.summary.sport == "cycling"
    assert parsed.summary.device == "Garmin Edge 1000"
    assert parsed.streams["power_w"].drop_nulls().len() > 0
    assert parsed.streams["speed_mps"].drop_nulls().len() > 0


def test_strava_leading_whitespace_parses() -> None:
    data = b"\n          " + (DATA / "sup_activity_1.tcx").read_bytes()
    assert detect_format(data) == "tcx"
    assert read_activity_file("strava.tcx", data)[0].streams.height == 111


def test_multisport_gives_one_activity_per_sport() -> None:
    body = ("<Activities><MultiSportSession><Id>2021-03-01T10:00:00Z</Id>"
            f"<FirstSport>{activity('Biking', 0, trackpoint(0) + trackpoint(5))}</FirstSport>"
            f"<NextSport>{activity('Running', 20, trackpoint(20) + trackpoint(25))}</NextSport>"
            "</MultiSportSession></Activities>")
    found = read_activity_file("multi.tcx", tcx(body))
    assert [a.summary.sport for a in found] == ["cycling", "running"]
    assert [a.summary.start.second for a in found] == [0, 20]
    assert found[1].streams["heart_rate_bpm"].to_list() == [150, 155]
    assert found[0].summary.device == "Forerunner 945"


def test_wrong_namespace_and_tpx_under_any_prefix() -> None:
    extension = ('<Extensions><x:TPX xmlns:x="urn:whatever"><x:Speed>3.2</x:Speed>'
                 "<x:RunCadence>88</x:RunCadence><x:Watts>240</x:Watts></x:TPX></Extensions>")
    points = trackpoint(0, extension) + trackpoint(1, extension.replace("88", "90"))
    body = f"<Activities>{activity('Running', 0, points)}</Activities>"
    [parsed] = read_activity_file("odd.tcx", tcx(body, ns='xmlns="urn:not-garmin"'))
    streams = parsed.streams
    assert streams["speed_mps"].to_list() == [3.2, 3.2]
    assert streams["cadence_spm"].to_list() == [176, 180]
    assert streams["power_w"].to_list() == [240, 240]
    [plain] = read_activity_file("plain.tcx", tcx(body, ns=""))
    assert plain.streams["cadence_spm"].to_list() == [176, 180]


def test_lap_totals_fill_what_the_samples_lack() -> None:
    body = ('<Activities><Activity Sport="Running"><Id>2021-03-01T10:00:00Z</Id>'
            '<Lap StartTime="2021-03-01T10:00:00Z"><TotalTimeSeconds>1800</TotalTimeSeconds>'
            "<DistanceMeters>5000</DistanceMeters>"
            "<AverageHeartRateBpm><Value>150</Value></AverageHeartRateBpm>"
            "<MaximumHeartRateBpm><Value>171</Value></MaximumHeartRateBpm></Lap>"
            "</Activity></Activities>")
    [parsed] = read_activity_file("manual.tcx", tcx(body))
    summary = parsed.summary
    assert parsed.streams.height == 0
    assert (summary.elapsed_s, summary.distance_m, summary.avg_hr_bpm, summary.max_hr_bpm) == (
        1800, 5000, 150, 171)


def test_course_with_times_imports_with_a_warning() -> None:
    body = ("<Courses><Course><Name>Loop</Name><Lap><TotalTimeSeconds>5</TotalTimeSeconds>"
            f"</Lap><Track>{trackpoint(0)}{trackpoint(5)}</Track></Course></Courses>")
    [parsed] = read_activity_file("course.tcx", tcx(body))
    assert parsed.summary.name == "Loop"
    assert any("course" in w for w in parsed.warnings)


def test_course_without_times_is_a_clear_error() -> None:
    point = ("<Trackpoint><Position><LatitudeDegrees>1</LatitudeDegrees>"
             "<LongitudeDegrees>1</LongitudeDegrees></Position></Trackpoint>")
    body = f"<Courses><Course><Name>Plan</Name><Track>{point}</Track></Course></Courses>"
    with pytest.raises(ImportFailed, match="course .*not a recorded activity"):
        read_activity_file("plan.tcx", tcx(body))


def test_empty_database_is_a_clear_error() -> None:
    with pytest.raises(ImportFailed, match="holds no activity"):
        read_activity_file("empty.tcx", tcx("<Folders/>"))


def test_xxe_in_tcx_is_refused() -> None:
    data = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
            b"<TrainingCenterDatabase><Activities/>&x;</TrainingCenterDatabase>")
    with pytest.raises(ImportFailed, match="entities"):
        read_activity_file("evil.tcx", data)


def test_garbage_xml_is_a_corrupt_file() -> None:
    with pytest.raises(ImportFailed, match="not well-formed XML"):
        read_activity_file("bad.tcx", b"<?xml version='1.0'?><TrainingCenterDatabase><<<")
