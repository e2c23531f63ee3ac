"""Large inputs are read from disk, not held in memory (benchmarks/bench_import_memory.py
measures it on a 1.8 GB export).

A file given to ``import`` is opened, not read (importers/source.py): a zip is read by
``zipfile`` from the file, a damaged one salvaged through a memory map, a zip inside a zip
spooled to a temporary file past ``archive.NESTED_IN_MEMORY_BYTES``, a bare export.xml
parsed as a stream from its file, and Apple's export.xml inside a zip counts toward the
archive's limits as it streams. Thresholds and limits are patched small so the tests stay
fast; the code paths are those a multi-GB export takes. Hashes and names must not change:
workspaces store them for idempotent re-import.
"""

from __future__ import annotations

import errno
import hashlib
import io
import mmap
import zipfile
from pathlib import Path

import pytest

from heavylegs.api import Workspace
from heavylegs.errors import ImportFailed
from heavylegs.importers import apple_health, archive, dispatch, exports, zip_streams
from heavylegs.importers.source import FileSource, MemorySource, release

DATA = Path(__file__).resolve().parent / "data" / "activities"
RUN = (DATA / "garmin-fenix-5-run.fit").read_bytes()
WALK = (DATA / "garmin-fenix-5-walk.fit").read_bytes()
FR110 = (DATA / "2013-02-06-12-11-14.fit").read_bytes()
UPLOADS = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
APPLE_XML = "apple_health_export/export.xml"
HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_US">\n'
Q = "HKQuantityTypeIdentifier"


def zip_bytes(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compression)
    return buf.getvalue()


def garmin_zip(uploads: bytes) -> bytes:
    return zip_bytes([(UPLOADS, uploads), ("DI_CONNECT/DI-Connect-User/user_profile.json", b"{}")])


def health_xml(days: int = 3, body: str = "") -> bytes:
    """A small export.xml: a resting heart rate and a water record a day, then ``body``."""
    records = "".join(
        f' <Record type="{Q}{kind}" sourceName="Watch" unit="{unit}" '
        f'creationDate="2019-06-{d:02d} 07:10:00 -0700" startDate="2019-06-{d:02d} 07:10:00 -0700" '
        f'endDate="2019-06-{d:02d} 07:10:00 -0700" value="{value + d}"/>\n'
        for d in range(1, days + 1)
        for kind, unit, value in (("RestingHeartRate", "count/min", 45), ("DietaryWater", "mL", 500)))
    return (HEADER + records + body + "</HealthData>\n").encode()


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def keys(units: list) -> list[tuple[str, str, int]]:
    return [(u.name, u.sha256, u.size) for u in units]


def import_file(tmp_path: Path, path: Path, home: str = "home"):
    ws = Workspace(tmp_path / home)
    return ws, ws.import_paths([path])


def stored_files(ws: Workspace) -> list[tuple[str, str, int]]:
    rows = ws.conn.execute("SELECT sha256, path, size_bytes FROM files ORDER BY path").fetchall()
    return [tuple(row) for row in rows]


@pytest.fixture
def never_read_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading a file on disk whole fails the test."""
    def refuse(self: FileSource) -> bytes:
        raise AssertionError("a file was read whole")
    monkeypatch.setattr(FileSource, "read", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)


class TempFiles:
    """Spies on the temporary files the archive reader spools nested zips to."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list = []
        real = zip_streams.tempfile.TemporaryFile

        def spy(*args: object, **kwargs: object):
            made = real(*args, **kwargs)
            self.made.append(made)
            return made
        monkeypatch.setattr(zip_streams.tempfile, "TemporaryFile", spy)


# -- the same units, read from a file or from bytes -------------------------------------------
def test_units_from_a_file_are_those_from_its_bytes(tmp_path: Path) -> None:
    inner = zip_bytes([("9001_ACTIVITY.fit", FR110), ("9002_ACTIVITY.fit", WALK)])
    files = {"garmin.zip": garmin_zip(inner), "run.fit": RUN, "export.xml": health_xml(),
             "apple.zip": zip_bytes([(APPLE_XML, health_xml())]),
             "plain.zip": zip_bytes([("export.xml", health_xml()), ("a/run.fit", RUN)])}
    for name, data in files.items():
        path = write(tmp_path, name, data)
        with dispatch.open_file(path) as source:
            from_file = keys(dispatch.units_for(path, source))
        assert from_file == keys(dispatch.units_for(path, data)), name
    with dispatch.open_file(tmp_path / "run.fit") as source:  # a plain file: its bytes' hash
        assert source.sha256() == hashlib.sha256(RUN).hexdigest()
    garmin = keys(exports.units("g.zip", files["garmin.zip"]))
    assert garmin == [(f"g.zip!{UPLOADS}!9001_ACTIVITY.fit", hashlib.sha256(FR110).hexdigest(), len(FR110)),
                      (f"g.zip!{UPLOADS}!9002_ACTIVITY.fit", hashlib.sha256(WALK).hexdigest(), len(WALK))]


def test_an_archive_on_disk_is_never_read_whole(tmp_path: Path, never_read_whole: None) -> None:
    path = write(tmp_path, "garmin.zip", garmin_zip(zip_bytes([("9001_ACTIVITY.fit", FR110)])))
    progress: list[int] = []
    ws, report = import_file(tmp_path, path)
    assert report.failed == [] and report.imported == 1 and ws.activities().height == 1
    ws.import_paths([path], progress=lambda done, total, size, name: progress.append(size))
    assert progress == [path.stat().st_size]


def test_a_bare_export_xml_streams_from_its_file(tmp_path: Path, never_read_whole: None) -> None:
    path = write(tmp_path, "export.xml", health_xml(days=5))
    ws, report = import_file(tmp_path, path)
    assert report.failed == [] and report.imported == 1
    assert stored_files(ws) == [(hashlib.sha256(health_xml(days=5)).hexdigest(), str(path),
                                 len(health_xml(days=5)))]
    values = ws.conn.execute("SELECT count(*) FROM daily_values").fetchone()[0]
    assert values == 10  # resting HR and water, 5 days


def test_an_export_xml_member_of_a_plain_zip_streams_into_the_same_bundle(tmp_path: Path) -> None:
    xml = health_xml(days=4)
    arc = archive.Archive("p.zip", zip_bytes([("export.xml", xml), ("run.fit", RUN)]))
    units = {u.name: u for u in exports.archive_units(arc)}
    streamed = units["p.zip!export.xml"].parse()
    whole = dispatch.bundle_for("p.zip!export.xml", xml)
    assert streamed.daily_values == whole.daily_values and streamed.kind == whole.kind
    assert units["p.zip!export.xml"].sha256 == hashlib.sha256(xml).hexdigest()


# -- nested zips: in memory when small, else spooled to a temporary file -------------------
@pytest.mark.parametrize("limit", [256 << 20, 1024], ids=["in-memory", "spooled"])
def test_nested_zip_source_depends_on_its_size(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", limit)
    outer = archive.Archive("g.zip", garmin_zip(zip_bytes([("a.fit", FR110)])))
    entry = next(e for e in outer.entries if e.name == UPLOADS)
    inner = outer.nested(entry)
    assert isinstance(inner.source, MemorySource if limit > 1024 else FileSource)
    assert inner.sha256() == hashlib.sha256(outer.read(entry)).hexdigest()
    assert [u.parse().activities[0].summary.sport for u in exports.plain_units(inner)] == ["running"]
    outer.source.close()  # closes the nested sources too
    if isinstance(inner.source, FileSource):
        assert inner.source.file.closed


def test_spooled_nested_zip_imports_as_if_held_in_memory(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    inner = zip_bytes([("9001_ACTIVITY.fit", FR110), ("9002_ACTIVITY.fit", WALK)],
                      zipfile.ZIP_STORED)
    path = write(tmp_path, "garmin.zip", garmin_zip(inner))
    ws, report = import_file(tmp_path, path, "memory")
    expected = stored_files(ws)
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", len(inner) // 3)
    spooled = TempFiles(monkeypatch)
    ws2, report2 = import_file(tmp_path, path, "spooled")
    assert len(spooled.made) == 1 and spooled.made[0].closed  # deleted once imported
    assert report2.failed == report.failed == [] and report2.imported == report.imported == 2
    assert stored_files(ws2) == expected and len(expected) == 2


def test_spooled_nested_zip_that_is_cut_is_salvaged_through_a_memory_map(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = zip_bytes([("a.fit", RUN), ("b.fit", WALK), ("c.fit", FR110)])
    cut = whole[:whole.find(b"c.fit") + 2000]  # inside c.fit's data, no table of contents
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", 4096)
    path = write(tmp_path, "outer.zip", zip_bytes([("n.zip", cut), ("x.fit", FR110)]))
    maps: list = []
    real_view = FileSource.view

    def spy(self: FileSource):
        maps.append(real_view(self))
        return maps[-1]
    monkeypatch.setattr(FileSource, "view", spy)
    ws, report = import_file(tmp_path, path)
    assert [name for name, _ in report.failed] == [f"{path}!n.zip!c.fit"]
    assert "cut off" in report.failed[0][1]
    assert report.imported == 3 and ws.activities().height == 3
    assert maps and all(isinstance(m, mmap.mmap) for m in maps)


def test_nested_zip_moves_to_a_file_when_it_outgrows_memory(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A salvaged member declares no uncompressed size: it starts in memory and moves to a
    temporary file once past the threshold, keeping what it had read."""
    inner = zip_bytes([("run.fit", RUN), ("pad.bin", bytes(40_000))], zipfile.ZIP_STORED)
    outer = zip_bytes([("n.zip", inner), ("x.fit", FR110)])
    cut = outer[:outer.find(b"x.fit") + 1000]  # no table of contents: salvaged
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", 8192)
    arc = archive.Archive("cut.zip", cut)
    entry = arc.entries[0]
    assert arc.zipfile is None and entry.compress_size < 8192 < len(inner)
    spooled = TempFiles(monkeypatch)
    nested = arc.nested(entry)
    assert len(spooled.made) == 1 and isinstance(nested.source, FileSource)
    assert nested.source.read() == inner and nested.sha256() == hashlib.sha256(inner).hexdigest()
    assert [u.name for u in exports.plain_units(nested)] == ["cut.zip!n.zip!run.fit"]


def test_spooled_quine_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", 1024)
    inner = zip_bytes([("run.fit", RUN)])
    outer = zip_bytes([("self.zip", inner), ("walk.fit", WALK)])
    lineage = frozenset({hashlib.sha256(inner).hexdigest()})
    units = {u.name: u for u in exports.archive_units(archive.Archive("q.zip", outer,
                                                                      ancestors=lineage))}
    with pytest.raises(ImportFailed, match="contains itself"):
        units["q.zip!self.zip"].parse()
    assert units["q.zip!walk.fit"].parse().activities


def test_a_spool_that_cannot_be_written_fails_that_member(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", 1024)

    def full(*args: object, **kwargs: object):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(zip_streams.tempfile, "TemporaryFile", full)
    path = write(tmp_path, "a.zip", zip_bytes([("in.zip", zip_bytes([("r.fit", RUN)])),
                                               ("w.fit", WALK)]))
    ws, report = import_file(tmp_path, path)
    assert report.failed == [(f"{path}!in.zip", "cannot spool it to a temporary file (No space "
                                                "left on device); free some disk space or set TMPDIR")]
    assert report.imported == 1


def test_nested_limits_still_count_when_spooled(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    inner = zip_bytes([("r.fit", RUN)])
    monkeypatch.setattr(archive, "NESTED_IN_MEMORY_BYTES", 1024)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", len(inner) + len(RUN) - 1)
    path = write(tmp_path, "a.zip", zip_bytes([("in.zip", inner)]))
    ws, report = import_file(tmp_path, path)
    assert [name for name, _ in report.failed] == [f"{path}!in.zip!r.fit"]
    assert "in all" in report.failed[0][1]


# -- memory maps ------------------------------------------------------------------------------
def test_a_damaged_zip_on_disk_is_salvaged_from_its_map(tmp_path: Path) -> None:
    whole = zip_bytes([("a.fit", RUN), ("b.fit", WALK), ("c.fit", FR110)], zipfile.ZIP_STORED)
    path = write(tmp_path, "cut.zip", whole[:whole.find(b"c.fit") + 500])
    with FileSource.open_path(path) as source:
        arc = archive.Archive(str(path), source)
        assert arc.zipfile is None and isinstance(source.view(), mmap.mmap)
        assert [e.name for e in arc.entries] == ["a.fit", "b.fit", "c.fit"]
        assert arc.read(arc.entries[0]) == RUN and arc.read(arc.entries[1]) == WALK
        release(source.view(), 0, source.size)  # out of resident memory, still readable
        assert arc.read(arc.entries[1]) == WALK


def test_released_pages_read_back_the_same(tmp_path: Path) -> None:
    data = hashlib.shake_256(b"pages").digest(5 * mmap.PAGESIZE + 123)
    with FileSource.open_path(write(tmp_path, "blob", data)) as source:
        view = source.view()
        assert view[:] == data
        release(view, 100, 3 * mmap.PAGESIZE + 7)  # an unaligned start is rounded down
        release(view, 0, 10 * mmap.PAGESIZE)  # past the end is cut
        assert view[:] == data and source.sha256() == hashlib.sha256(data).hexdigest()
        assert source.head(10) == data[:10] and source.read() == data
    with FileSource.open_path(write(tmp_path, "empty", b"")) as source:
        assert source.view() == b"" and source.read() == b"" and source.size == 0


# -- Apple's export.xml counts toward the archive's limits ----------------------------------
def apple_zip(xml: bytes, extra: list[tuple[str, bytes]] = ()) -> bytes:  # type: ignore[assignment]
    return zip_bytes([(APPLE_XML, xml), *extra])


def test_apple_export_xml_counts_toward_the_total(monkeypatch: pytest.MonkeyPatch) -> None:
    xml = health_xml(days=20)
    arc = archive.Archive("e.zip", apple_zip(xml))
    units = exports.archive_units(arc)
    assert arc.budget.total_bytes == len(xml)
    assert units[0].parse().daily_values
    assert arc.budget.total_bytes == len(xml)  # parsing reads it again, but counted once


def test_apple_export_xml_past_the_total_is_refused(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    xml = health_xml(days=20)
    path = write(tmp_path, "export.zip", apple_zip(xml))
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", len(xml) - 1)
    ws, report = import_file(tmp_path, path)
    assert [name for name, _ in report.failed] == [f"{path}!{APPLE_XML}"]
    assert "in all" in report.failed[0][1] and "\n" not in report.failed[0][1]
    assert report.imported == 0 and ws.counts()["files"] == 0
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", len(xml))
    ws, report = import_file(tmp_path, path, "home2")
    assert report.failed == [] and report.imported == 1


def test_apple_export_xml_is_not_held_to_the_member_cap(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """An export.xml passes 1 GiB in real exports: only the total and the ratio hold it."""
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 1024)
    path = write(tmp_path, "export.zip", apple_zip(health_xml(days=20)))
    ws, report = import_file(tmp_path, path)
    assert report.failed == [] and report.imported == 1


def test_apple_export_xml_expanding_like_a_bomb_is_refused(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "RATIO_FLOOR_BYTES", 64 << 10)
    padding = " <Correlation/>\n" * 40_000  # 640 KB that deflate packs > 200:1
    path = write(tmp_path, "export.zip", apple_zip(health_xml(body=padding)))
    ws, report = import_file(tmp_path, path)
    assert [name for name, _ in report.failed] == [f"{path}!{APPLE_XML}"]
    assert "200:1" in report.failed[0][1]


def test_apple_route_files_count_toward_the_total() -> None:
    workout = (' <Workout workoutActivityType="HKWorkoutActivityTypeRunning" duration="5" '
               'durationUnit="min" sourceName="Watch" startDate="2019-06-11 15:00:00 -0700" '
               'endDate="2019-06-11 15:05:00 -0700">\n  <WorkoutRoute sourceName="Watch">\n'
               '   <FileReference path="/workout-routes/route.gpx"/>\n  </WorkoutRoute>\n'
               ' </Workout>\n')
    points = "".join(f'<trkpt lat="37.78{i:02d}" lon="-122.39"><time>2019-06-11T22:0{i // 12}:'
                     f'{i % 12 * 5:02d}Z</time></trkpt>' for i in range(60))
    gpx = (f'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
           f'<trk><trkseg>{points}</trkseg></trk></gpx>').encode()
    xml = health_xml(body=workout)
    arc = archive.Archive("e.zip", apple_zip(xml, [("apple_health_export/workout-routes/route.gpx",
                                                    gpx)]))
    units = exports.archive_units(arc)
    bundle = units[0].parse()
    assert bundle.activities[0].streams.height == 60  # the route was read
    assert arc.budget.total_bytes == len(xml) + len(gpx)


def test_apple_reader_without_a_budget_is_unchanged(tmp_path: Path) -> None:
    path = write(tmp_path, "export.zip", apple_zip(health_xml(days=2)))
    with zipfile.ZipFile(path) as zf:
        units = apple_health.units_from_zip(str(path), zf)
        assert keys(units) == [(f"{path}!{APPLE_XML}", hashlib.sha256(health_xml(days=2)).hexdigest(),
                                len(health_xml(days=2)))]
        assert len(units[0].parse().daily_values) == 4
