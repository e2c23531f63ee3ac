"""GPX/TCX reading is exact whichever path a file takes.

The fast path (``importers.xmlfast``: like points by regex, lxml on a skeleton; whole
columns converted by ``importers.xmlcolumns``) must give what the point-by-point lxml read
gives, to the last bit and the last warning. Every case here is read both ways and the
outcomes compared; the files of ``tests/data`` also against digests taken before the fast
path existed (``benchmarks/xml_parse_check.py`` runs the same check on the whole corpus).
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from heavylegs import sim
from heavylegs.errors import ImportFailed
from heavylegs.importers import gpx, read_activity_file, tcx, xmlfast
from heavylegs.importers.xmlcolumns import floats, utc_times
from heavylegs.importers.xmlsafe import parse_time, to_float

DATA = Path(__file__).parent / "data"
DIGESTS = json.loads((DATA / "xml_parse_digests.json").read_text())


def outcome(path: str, data: bytes | None = None) -> str:
    """Everything a read yields, as one digest (or the error)."""
    try:
        activities = read_activity_file(path, data)
    except ImportFailed as error:
        return f"ERROR {type(error).__name__}: {error}".replace(str(DATA.parent.parent) + "/", "")
    parts = []  # as benchmarks/xml_parse_check.py digests
    for activity in activities:
        frame = activity.streams
        columns = [f"{name}:{frame[name].dtype}:{frame[name].to_list()!r}" for name in frame.columns]
        parts += [repr(activity.summary), repr(activity.warnings),
                  hashlib.sha256("\n".join(columns).encode()).hexdigest()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def both_ways(monkeypatch: pytest.MonkeyPatch, path: str, data: bytes) -> tuple[str, str]:
    fast = outcome(path, data)
    with monkeypatch.context() as patch:
        patch.setattr(xmlfast, "split", lambda *args: None)
        slow = outcome(path, data)
    return fast, slow


@pytest.mark.parametrize("key", sorted(DIGESTS))
def test_test_data_reads_as_before(key: str) -> None:
    assert outcome(str(DATA.parent.parent / key)) == DIGESTS[key]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("sim")
    paths = []
    for fmt in ("gpx", "tcx"):
        result = sim.simulate(sim.Scenario(seed=7, weeks=1, formats=fmt))
        paths += [p for p in sim.write_files(result, folder / fmt) if p.suffix == f".{fmt}"]
    return paths


def test_simulated_files_take_the_fast_path_and_read_the_same(
        simulated: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    assert {p.suffix for p in simulated} == {".gpx", ".tcx"}
    for path in simulated:
        data = path.read_bytes()
        container, point, module = (("trkseg", "trkpt", gpx) if path.suffix == ".gpx"
                                    else ("Track", "Trackpoint", tcx))
        fast = xmlfast.split(data, container, point, module._point_reader())
        assert fast is not None and sum(run.size for run in fast.runs) > 100
        assert len(fast.skeleton) < len(data) / 20
        fast_outcome, slow_outcome = both_ways(monkeypatch, str(path), data)
        assert fast_outcome == slow_outcome, path.name


# --- made-up documents: the usual shape, then every oddity the fast path must survive --

GPX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" '
            'xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">\n'
            ' <trk><type>running</type>\n  <trkseg>\n')
GPX_TAIL = "  </trkseg>\n </trk>\n</gpx>\n"


def gpx_point(i: int, ele: str | None = None, hr: str | None = None, attrs: str | None = None,
              time: str | None = None) -> str:
    ele = f"{500 + i * 0.1:.1f}" if ele is None else ele
    hr = str(120 + i % 40) if hr is None else hr
    attrs = f'lat="{48.1 + i * 1e-5:.7f}" lon="{11.5 + i * 1e-5:.7f}"' if attrs is None else attrs
    time = f"2024-05-01T06:{i // 60:02d}:{i % 60:02d}Z" if time is None else time
    return (f"   <trkpt {attrs}>\n    <ele>{ele}</ele>\n    <time>{time}</time>\n"
            f"    <extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr>"
            f"<gpxtpx:cad>85</gpxtpx:cad></gpxtpx:TrackPointExtension></extensions>\n   </trkpt>\n")


def gpx_doc(changes: dict[int, str] | None = None, count: int = 60) -> str:
    changes = changes or {}
    return GPX_HEAD + "".join(changes.get(i, gpx_point(i)) for i in range(count)) + GPX_TAIL


GPX_CASES = {
    "usual": gpx_doc(),
    "first point without hr": gpx_doc({0: gpx_point(0).replace(
        "<gpxtpx:hr>120</gpxtpx:hr>", "")}),
    "a comment": gpx_doc({5: gpx_point(5).replace("<ele>", "<!-- c --><ele>")}),
    "CDATA value": gpx_doc({5: gpx_point(5, ele="<![CDATA[501]]>")}),
    "character reference": gpx_doc({5: gpx_point(5, ele="5&#48;1")}),
    "entity in a value": gpx_doc({5: gpx_point(5, ele="5&amp;1")}),
    "empty values": gpx_doc({5: gpx_point(5, ele="", hr="")}),
    "spaces around values": gpx_doc({5: gpx_point(5, ele=" 12.5 ", hr="\t99 ")}),
    "unreadable values": gpx_doc({5: gpx_point(5, ele="abc", hr="1e999"), 6: gpx_point(6, ele="nan")}),
    "long value": gpx_doc({5: gpx_point(5, ele="1" * 80)}),
    "quotes and order": gpx_doc({5: gpx_point(5, attrs="lon='11.5' lat='48.1'")}),
    "extra attribute": gpx_doc({5: gpx_point(5, attrs='lat="48.1" lon="11.5" x="1"')}),
    "crlf": gpx_doc().replace("\n", "\r\n"),
    "crlf in one point": gpx_doc({5: gpx_point(5).replace("\n", "\r\n")}),
    "mismatched tag in a point": gpx_doc({5: gpx_point(5).replace("</ele>", "</elx>")}),
    "truncated": gpx_doc()[:3000],
    "]]> in a value": gpx_doc({5: gpx_point(5, ele="1]]>2")}),
    "control character": gpx_doc({5: gpx_point(5, ele="1\x012")}),
    "unbound prefix": gpx_doc({5: gpx_point(5).replace("gpxtpx:hr", "zz:hr")}),
    "doctype": gpx_doc().replace("<gpx ", "<!DOCTYPE gpx>\n<gpx ", 1),
    "processing instruction": gpx_doc({5: gpx_point(5).replace("<ele>", "<?pi x?><ele>")}),
    "nested points": gpx_doc({5: gpx_point(5).replace("<extensions>", "<extensions>"
                                                       + gpx_point(99) * 3)}),
    "point element in extensions only": gpx_doc({5: gpx_point(5).replace(
        "<gpxtpx:cad>", "<gpxtpx:speed>3.1</gpxtpx:speed><gpxtpx:cad>")}),
    "two segments": gpx_doc().replace("   <trkpt", "  </trkseg><trkseg>\n   <trkpt", 1)
    .replace(gpx_point(30), "  </trkseg>\n  <trkseg>" + gpx_point(30).replace("<ele>", "<speed>2</speed><ele>")),
    "empty segment": gpx_doc().replace("<trkseg>", "<trkseg/><trkseg></trkseg><trkseg>", 1),
    "offset times": gpx_doc({i: gpx_point(i, time=f"2024-05-01T08:00:{i:02d}.5+02:00")
                             for i in range(60)}),
    "mixed zones": gpx_doc({5: gpx_point(5, time="2024-05-01T08:00:05+02:00")}),
    "no zone": gpx_doc({i: gpx_point(i, time=f"2024-05-01T06:00:{i:02d}") for i in range(60)}),
    "a bad date": gpx_doc({5: gpx_point(5, time="2024-02-30T06:00:05Z")}),
    "year zero": gpx_doc({5: gpx_point(5, time="0000-05-01T06:00:05Z")}),
    "missing time": gpx_doc({5: gpx_point(5).replace("<time>2024-05-01T06:00:05Z</time>", "")}),
    "hr 0 and 255": gpx_doc({5: gpx_point(5, hr="0"), 6: gpx_point(6, hr="255")}),
    "xml:lang attribute": gpx_doc({5: gpx_point(5, attrs='lat="48.1" lon="11.5" xml:lang="en"')}),
    "xmlns on a point": gpx_doc({i: gpx_point(i, attrs=f'xmlns:q="urn:q{i}" lat="48.1" lon="11.5"')
                                 for i in range(60)}),
    "one point": gpx_doc(count=1),
    "the run attribute in the file": gpx_doc({0: gpx_point(0, attrs='_hl_run="0" lat="1" lon="2"')
                                              .replace("<gpxtpx:hr>120</gpxtpx:hr>", "")}),
    "reference in a point attribute": gpx_doc({i: gpx_point(i, attrs='lat="4&#56;" lon="2"')
                                               for i in range(0, 60, 7)}),
    "alternating layouts": gpx_doc({i: gpx_point(i).replace("<ele>", "<speed>1</speed><ele>")
                                    for i in range(0, 60, 2)}),
    "layout changes once": gpx_doc({i: gpx_point(i).replace("<ele>", "<speed>1</speed><ele>")
                                    for i in range(40, 60)}),
}


@pytest.mark.parametrize("case", sorted(GPX_CASES))
def test_gpx_reads_the_same_either_way(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both_ways(monkeypatch, f"{case}.gpx", GPX_CASES[case].encode("utf-8"))
    assert fast == slow


def test_usual_gpx_is_cut_to_a_skeleton() -> None:
    data = GPX_CASES["usual"].encode()
    fast = xmlfast.split(data, "trkseg", "trkpt", gpx._point_reader())
    assert fast is not None and [run.size for run in fast.runs] == [60]
    assert fast.skeleton.count(b"<trkpt") == 1
    assert fast.runs[0].texts("hr")[:3] == ["120", "121", "122"]
    holes = xmlfast.split(GPX_CASES["first point without hr"].encode(), "trkseg", "trkpt",
                          gpx._point_reader())
    assert holes is not None and [run.size for run in holes.runs] == [59]
    assert holes.skeleton.count(b"<trkpt") == 2


@pytest.mark.parametrize("case", ["a comment", "CDATA value", "doctype", "processing instruction"])
def test_declarations_turn_the_fast_path_off(case: str) -> None:
    assert xmlfast.split(GPX_CASES[case].encode(), "trkseg", "trkpt", gpx._point_reader()) is None


def test_nested_or_too_many_containers_turn_the_fast_path_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    nested = gpx_doc().replace("<trkseg>", "<trkseg>\n<trkseg>", 1).replace(
        "</trkseg>", "</trkseg></trkseg>", 1)
    assert xmlfast.split(nested.encode(), "trkseg", "trkpt", gpx._point_reader()) is None
    assert len(set(both_ways(monkeypatch, "nested.gpx", nested.encode()))) == 1
    many = GPX_CASES["two segments"].encode()
    assert xmlfast.split(many, "trkseg", "trkpt", gpx._point_reader()) is not None
    monkeypatch.setattr(xmlfast, "MAX_CONTAINERS", 3)
    assert xmlfast.split(many, "trkseg", "trkpt", gpx._point_reader()) is None


TCX_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<TrainingCenterDatabase '
            'xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2" '
            'xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">\n <Activities>\n')
TCX_TAIL = " </Activities>\n</TrainingCenterDatabase>\n"


def tcx_point(i: int, hr: str = "", extra: str = "") -> str:
    heart = hr or f"<HeartRateBpm><Value>{120 + i % 30}</Value></HeartRateBpm>"
    return (f"     <Trackpoint>\n      <Time>2024-05-01T06:00:{i % 60:02d}.000Z</Time>\n"
            f"      <Position><LatitudeDegrees>{48.1 + i * 1e-5:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>11.5</LongitudeDegrees></Position>\n"
            f"      <DistanceMeters>{i * 2.5}</DistanceMeters>\n      {heart}\n"
            f"      <Extensions><ns3:TPX><ns3:Speed>2.5</ns3:Speed><ns3:RunCadence>{80 + i % 5}"
            f"</ns3:RunCadence></ns3:TPX></Extensions>{extra}\n     </Trackpoint>\n")


def tcx_activity(points: str, sport: str = "Running", start: str = "06:00:00") -> str:
    return (f'  <Activity Sport="{sport}"><Id>2024-05-01T{start}Z</Id>\n'
            f'   <Lap StartTime="2024-05-01T{start}Z"><TotalTimeSeconds>59</TotalTimeSeconds>'
            f"<DistanceMeters>147.5</DistanceMeters>\n    <Track>\n{points}    </Track>\n   </Lap>\n"
            f"  </Activity>\n")


def tcx_doc(changes: dict[int, str] | None = None, count: int = 60) -> str:
    changes = changes or {}
    points = "".join(changes.get(i, tcx_point(i)) for i in range(count))
    return TCX_HEAD + tcx_activity(points) + TCX_TAIL


XSI_DOC = tcx_doc({i: tcx_point(i, hr=f'<HeartRateBpm xsi:type="HeartRateInBeatsPerMinute_t">'
                                      f"<Value>{100 + i}</Value></HeartRateBpm>")
                   for i in range(60)}).replace(
    "<TrainingCenterDatabase ",
    '<TrainingCenterDatabase xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ')

TCX_CASES = {
    "usual": tcx_doc(),
    "hr without Value": tcx_doc({5: tcx_point(5, hr="<HeartRateBpm>77</HeartRateBpm>")}),
    "empty Value": tcx_doc({5: tcx_point(5, hr="<HeartRateBpm><Value></Value></HeartRateBpm>")}),
    "second speed": tcx_doc({5: tcx_point(5, extra="<Extensions><ns3:TPX><ns3:Speed>9"
                                                   "</ns3:Speed></ns3:TPX></Extensions>")}),
    "two activities": TCX_HEAD + tcx_activity("".join(tcx_point(i) for i in range(20)))
    + tcx_activity("".join(tcx_point(i) for i in range(30, 50)), "Biking", "06:00:30") + TCX_TAIL,
    "course": tcx_doc().replace("<Activities>", "<Courses>").replace("</Activities>", "</Courses>")
    .replace("<Activity Sport=\"Running\">", "<Course><Name>Loop</Name>").replace("</Activity>", "</Course>"),
    "truncated": tcx_doc()[:4000],
    "crlf": tcx_doc().replace("\n", "\r\n"),
    "typed heart rate (Garmin Training Center)": XSI_DOC,
    "continued distances": tcx_doc({i: tcx_point(i).replace(f">{i * 2.5}<", f">{1000 + i * 2.5}<")
                                    for i in range(60)}),
}


@pytest.mark.parametrize("case", sorted(TCX_CASES))
def test_tcx_reads_the_same_either_way(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = both_ways(monkeypatch, f"{case}.tcx", TCX_CASES[case].encode("utf-8"))
    assert fast == slow


def test_usual_tcx_takes_the_fast_path() -> None:
    fast = xmlfast.split(TCX_CASES["usual"].encode(), "Track", "Trackpoint", tcx._point_reader())
    assert fast is not None and [run.size for run in fast.runs] == [60]
    assert fast.runs[0].texts("runcad")[:2] == ["80", "81"]
    typed = xmlfast.split(XSI_DOC.encode(), "Track", "Trackpoint", tcx._point_reader())
    assert typed is not None and typed.runs[0].texts("hr")[:2] == ["100", "101"]


# --- whole-column conversions against the per-value readers ---------------------------

ODD_NUMBERS = ["1.5", "-0.0", "0", "1e3", "1E-3", "+7", ".5", "5.", "1_000", " 12 ", "\t3\n",
               "nan", "NaN", "-inf", "infinity", "1e999", "", None, "abc", "1.2.3", "٣",
               "0x10", "123456789012345678901234567890"]
ODD_TIMES = ["2024-05-01T06:00:00Z", "2024-05-01T06:00:00.5Z", "2024-05-01T06:00:00.123456Z",
             "2024-05-01T06:00:00.1234567Z", "2024-05-01T08:00:00+02:00",
             "2024-05-01T01:00:00-05:00", "2024-05-01T06:00:00", "2024-05-01 06:00:00Z",
             "2024-02-30T06:00:00Z", "2024-05-01T24:00:00Z", "0000-01-01T00:00:00Z",
             " 2024-05-01T06:00:00Z ", "2024-05-01T06:00:00+00:00", "2024-05-01T06:00:00z",
             "2024-05-01", "", None, "yesterday", "2024-05-01T06:00:00+14:00",
             "2024-05-01T06:00:00+23:59"]


def test_floats_equal_to_float_per_value() -> None:
    expected = [math.nan if (v := to_float(t)) is None else v for t in ODD_NUMBERS]
    assert np.array_equal(floats(ODD_NUMBERS), np.array(expected), equal_nan=True)
    assert floats(["-0.0"])[0] == 0.0 and math.copysign(1, floats(["-0.0"])[0]) == -1


@pytest.mark.parametrize("texts", [ODD_TIMES, [t for t in ODD_TIMES if t and t.endswith("Z")],
                                   ["2024-05-01T08:00:00+02:00", "2024-05-01T09:00:00.25+02:00"],
                                   ["2024-05-01T06:00:00"] * 3])
def test_utc_times_equal_parse_time_per_value(texts: list[str | None]) -> None:
    expected: list[datetime | None] = [parse_time(t) for t in texts]
    times = utc_times(texts)
    assert times.series().to_list() == expected
    origin = min((t for t in expected if t is not None), default=None)
    assert times.first() == origin
    elapsed = [math.nan if t is None else (t - origin).total_seconds() for t in expected]
    assert np.array_equal(times.elapsed_s(), np.array(elapsed, dtype=float), equal_nan=True)


# --- random damage: whatever a broken file holds, both paths read it alike -------------

SNIPPETS = [b"<", b">", b"&", b"&amp;", b"]]>", b"\x00", b"\r\n", b" ", b"\xff", b"\"", b"'",
            b"<trkpt>", b"</trkpt>", b"<Trackpoint>", b"</Track>", b"<!--", b"-->", b"1e9",
            b"<ele>", b"</ele>", b"xmlns:x='u'", b"\xc3\xa9", b"_hl_run=\"0\" "]


@pytest.mark.parametrize("kind", ["gpx", "tcx"])
def test_damaged_documents_read_the_same_either_way(kind: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(15)
    base = (GPX_CASES if kind == "gpx" else TCX_CASES)["usual"].encode()
    for _ in range(60):
        data = bytearray(base)
        for _ in range(int(rng.integers(1, 4))):
            at = int(rng.integers(0, len(data)))
            action = int(rng.integers(0, 3))
            if action == 0:
                data[at:at] = SNIPPETS[int(rng.integers(0, len(SNIPPETS)))]
            elif action == 1:
                del data[at:at + int(rng.integers(1, 40))]
            else:
                data[at] = int(rng.integers(0, 256))
        fast, slow = both_ways(monkeypatch, f"damaged.{kind}", bytes(data))
        assert fast == slow, bytes(data)
