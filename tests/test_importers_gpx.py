"""GPX import, checked against gpxpy on real files; also format detection, gzip and
hostile XML (shared by every reader)."""

from __future__ import annotations

import gzip
import statistics
from datetime import UTC, datetime
from pathlib import Path

import gpxpy
import pytest

from heavylegs.core.streams import COLUMNS
from heavylegs.errors import CorruptFile, ImportFailed, UnsupportedFormat
from heavylegs.importers import archive, detect_format, inflate, read_activity_file

DATA = Path(__file__).parent / "data" / "activities"

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<gpx version="1.1"><trk><name>&lol9;</name><trkseg>
<trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>
"""

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<gpx version="1.1"><trk><name>&secret;</name><trkseg>
<trkpt lat="1" lon="1"><time>2020-01-01T00:00:00Z</time></trkpt></trkseg></trk></gpx>
"""


def gpx(points: str, head: str = "", ns: str = 'xmlns="http://www.topografix.com/GPX/1/1"'
        ) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" {ns}>'
            f"{head}<trk>{points}</trk></gpx>").encode()


def one(path: str | Path, data: bytes | None = None):
    activities = read_activity_file(path, data)
    assert len(activities) == 1
    return activities[0]


def gpxpy_points(path: Path) -> list:
    parsed = gpxpy.parse(path.read_text(encoding="utf-8-sig"))
    return parsed, [p for t in parsed.tracks for s in t.segments for p in s.points]


# --- real files, against gpxpy ------------------------------------------------------------

@pytest.mark.parametrize("name", ["activity_5039744860.gpx", "around-visnjan-with-car.gpx",
                                  "track-with-empty-segment.gpx", "route_2019-06-11_3.00pm.gpx"])
def test_matches_gpxpy(name: str) -> None:
    path = DATA / name
    parsed, points = gpxpy_points(path)
    activity = one(path)
    streams = activity.streams
    assert streams.columns == list(COLUMNS)
    assert streams.height == len(points)
    assert streams["timestamp"][0] == points[0].time
    assert streams["lat_deg"].to_list() == pytest.approx([p.latitude for p in points])
    assert activity.summary.distance_m == pytest.approx(parsed.length_2d(), rel=0.01)
    assert activity.summary.elapsed_s == parsed.get_duration()


def test_garmin_extension_values() -> None:
    activity = one(DATA / "activity_5039744860.gpx")
    summary = activity.summary
    assert summary.sport == "cycling"
    assert summary.start == datetime(2020, 6, 1, 14, 52, 40, tzinfo=UTC)
    assert summary.distance_m == pytest.approx(900.3, rel=0.01)
    assert summary.avg_hr_bpm == pytest.approx(150.03125)
    assert summary.max_hr_bpm == 156
    assert summary.device == "Garmin Connect"
    assert summary.name == "Leiden Fietsen"
    assert activity.streams["temperature_c"].drop_nulls().len() == 96
    assert activity.streams["cadence_spm"].drop_nulls().len() > 0  # cycling: rpm, unchanged


def test_no_type_is_unknown_not_running_with_a_warning() -> None:
    activity = one(DATA / "around-visnjan-with-car.gpx")
    assert activity.summary.sport == "unknown"
    assert any("stored as unknown" in w and "set-sport" in w for w in activity.warnings)


def test_route_without_times_is_a_clear_error() -> None:
    with pytest.raises(ImportFailed, match="no times") as caught:
        read_activity_file(DATA / "route.gpx")
    assert "route.gpx" in str(caught.value) and "\n" not in str(caught.value)


def test_waypoints_only_with_bom_is_a_clear_error() -> None:
    with pytest.raises(ImportFailed, match="no track or route points"):
        read_activity_file(DATA / "unicode_with_bom.gpx")


# --- shapes seen in the wild ---------------------------------------------------------------

def test_strava_leading_whitespace_parses() -> None:
    data = (DATA / "activity_5039744860.gpx").read_bytes()
    spaced = b"          " + data
    assert detect_format(spaced) == "gpx"
    assert one("strava.gpx", spaced).streams.height == 96
    assert one("bom.gpx", b"\xef\xbb\xbf   \n" + data).streams.height == 96


def test_extensions_under_any_prefix_and_without_namespace() -> None:
    points = """<trkseg>
      <trkpt lat="50.0" lon="8.0"><ele>100</ele><time>2021-05-01T08:00:00+02:00</time>
        <extensions><ns3:TrackPointExtension xmlns:ns3="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">
          <ns3:hr>120</ns3:hr><ns3:cad>80</ns3:cad><ns3:atemp>11.5</ns3:atemp>
        </ns3:TrackPointExtension></extensions></trkpt>
      <trkpt><time>2021-05-01T06:00:05Z</time><extensions><hr>125</hr><cadence>82</cadence>
        <power>250</power></extensions></trkpt>
      <trkpt lat="50.0001" lon="8.0"><time>2021-05-01T06:00:10.500Z</time></trkpt>
    </trkseg>"""
    activity = one("x.gpx", gpx(f"<type>running</type>{points}", ns=""))
    streams = activity.streams
    assert streams["timestamp"].to_list() == [
        datetime(2021, 5, 1, 6, 0, s, us, tzinfo=UTC) for s, us in ((0, 0), (5, 0), (10, 500000))]
    assert streams["heart_rate_bpm"].to_list() == [120, 125, None]
    assert streams["cadence_spm"].to_list() == [160, 164, None]  # per leg → steps/min
    assert streams["temperature_c"][0] == 11.5 and streams["power_w"][1] == 250
    assert streams["lat_deg"][1] is None  # a point without position keeps its time and HR
    assert streams["distance_m"][2] == pytest.approx(11.1, abs=0.1)
    assert any("per leg" in w for w in activity.warnings)


def test_segments_are_pauses_and_strava_type_numbers() -> None:
    points = """<type>9</type>
      <trkseg><trkpt lat="0" lon="0.001"><time>2020-01-01T00:00:00Z</time></trkpt>
              <trkpt lat="0" lon="0.002"><time>2020-01-01T00:00:40Z</time></trkpt></trkseg>
      <trkseg><trkpt lat="0" lon="0.5"><time>2020-01-01T01:00:00Z</time></trkpt>
              <trkpt lat="0" lon="0.501"><time>2020-01-01T01:00:40Z</time></trkpt></trkseg>"""
    activity = one("x.gpx", gpx(points))
    assert activity.summary.sport == "running"
    assert activity.summary.distance_m == pytest.approx(2 * 111.2, rel=0.01)  # no jump
    assert activity.summary.elapsed_s == 3640
    assert activity.streams["speed_mps"].to_list()[2] is None  # a segment start


def test_gpx_1_0_speed_and_route_fallback() -> None:
    data = b"""<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0"><rte>
      <rtept lat="1" lon="1"><time>2020-01-01T00:00:00Z</time><speed>3.5</speed></rtept>
      <rtept lat="1" lon="1.001"><time>2020-01-01T00:00:30Z</time><speed>3.7</speed></rtept>
      </rte></gpx>"""
    activity = one("r.gpx", data)
    assert activity.streams["speed_mps"].to_list() == [3.5, 3.7]
    assert any("route" in w for w in activity.warnings)


def test_truncated_gpx_keeps_what_came_before() -> None:
    data = (DATA / "activity_5039744860.gpx").read_bytes()
    activity = one("cut.gpx", data[: len(data) // 2])
    assert 0 < activity.streams.height < 96
    assert any("XML is broken" in w for w in activity.warnings)


# --- hostile input --------------------------------------------------------------------------

@pytest.mark.parametrize("data", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_attacks_are_refused(data: bytes) -> None:
    with pytest.raises(ImportFailed, match="entities") as caught:
        read_activity_file("evil.gpx", data)
    message = str(caught.value)
    assert message.startswith("evil.gpx: ") and "\n" not in message
    assert "root:" not in message  # nothing from /etc/passwd


def test_not_xml_named_gpx_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat, match="named .gpx but the content is not GPX"):
        read_activity_file("x.gpx", b"track: init: Found track point without time!\n")


# --- detection and gzip (every reader) -----------------------------------------------------

@pytest.mark.parametrize(("data", "kind"), [
    (b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00", "fit"),
    (b"<?xml version='1.0'?>\n<!-- c -->\n<gpx/>", "gpx"),
    (b"\xef\xbb\xbf<?xml version='1.0'?><TrainingCenterDatabase/>", "tcx"),
    (b"<?xml version='1.0'?><!DOCTYPE x [<!ELEMENT x ANY>]><tcx:TrainingCenterDatabase/>",
     "tcx"),
    (b"date,heaviness\n2024-05-01,6\n", "csv"),
    (b'"Date";"sleep_h"\n', "csv"),
    (b"<?xml version='1.0'?><kml/>", None),
    (b"", None),
    (b"PK\x03\x04", None),
])
def test_detect_format(data: bytes, kind: str | None) -> None:
    assert detect_format(data) == kind


def test_gzip_is_unwrapped_by_content() -> None:
    data = (DATA / "activity_5039744860.gpx").read_bytes()
    packed = gzip.compress(data)
    assert one("a.gpx.gz", packed).streams.height == 96
    assert one("no-suffix", packed).streams.height == 96


def test_truncated_gzip_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a.gpx.gz"
    path.write_bytes(gzip.compress((DATA / "activity_5039744860.gpx").read_bytes())[:2000])
    with pytest.raises(CorruptFile, match="gzip file is truncated") as caught:
        read_activity_file(path)
    assert str(path) in str(caught.value)


def test_gzip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inflate, "MAX_GUNZIPPED_BYTES", 1 << 16)
    with pytest.raises(ImportFailed, match="gzip bomb"):
        read_activity_file("bomb.gpx.gz", gzip.compress(b"<gpx>" + b" " * (1 << 17)))


def test_gzip_bomb_over_the_ratio_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "RATIO_FLOOR_BYTES", 1 << 16)
    with pytest.raises(ImportFailed, match="200:1"):
        read_activity_file("bomb.gpx.gz", gzip.compress(b"<gpx>" + b" " * (1 << 20)))


def test_gzip_of_an_unread_type_is_refused_from_its_first_bytes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    sizes: list[int] = []
    real = inflate.gunzip
    monkeypatch.setattr(inflate, "gunzip", lambda *a: sizes.append(1) or real(*a))
    with pytest.raises(UnsupportedFormat, match="named .gpx but the content is not GPX"):
        read_activity_file("zeros.gpx.gz", gzip.compress(bytes(1 << 24)))
    assert sizes == []  # never inflated whole


def test_unknown_content_names_what_is_accepted() -> None:
    with pytest.raises(UnsupportedFormat, match="accepted: FIT, GPX or TCX"):
        read_activity_file("notes.txt", b"just some text")


def test_missing_file_is_an_import_failure(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="cannot read the file"):
        read_activity_file(tmp_path / "absent.gpx")


def test_gpx_hr_average_matches_extension_mean() -> None:
    _, points = gpxpy_points(DATA / "activity_5039744860.gpx")
    values = [float(e.text) for p in points for x in p.extensions for e in x.iter()
              if e.tag.endswith("}hr")]
    assert one(DATA / "activity_5039744860.gpx").summary.avg_hr_bpm == pytest.approx(
        statistics.mean(values))
