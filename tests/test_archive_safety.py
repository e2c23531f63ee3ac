"""Hostile and damaged zips: each bad member fails alone, with one clear line naming it,
nothing of it is stored, and the rest of the archive is imported.

The zip-bomb limits of importers/archive.py are patched small so that the bombs here
stay a few kilobytes and the tests fast; the checks are the same at the real limits.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heavylegs.api import Workspace
from heavylegs.errors import ImportFailed
from heavylegs.importers import archive, exports, inflate

DATA = Path(__file__).resolve().parent / "data" / "activities"
RUN = (DATA / "garmin-fenix-5-run.fit").read_bytes()
WALK = (DATA / "garmin-fenix-5-walk.fit").read_bytes()
FR110 = (DATA / "2013-02-06-12-11-14.fit").read_bytes()


def fit_bomb(size: int, noise: int = 0) -> bytes:
    """A FIT header (so that sniffing lets it through) and ``size`` zeros after ``noise``
    incompressible bytes: only the ratio and size limits can stop it."""
    return RUN[:14] + hashlib.shake_256(b"noise").digest(noise) + bytes(size)


def zip_bytes(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compression)
    return buf.getvalue()


class Unseekable(io.RawIOBase):
    """A write-only stream: zipfile then writes data descriptors, as Java's exporters do."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.buf += data
        return len(data)


def streamed_zip(members: list[tuple[str, bytes]]) -> bytes:
    out = Unseekable()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            with zf.open(name, "w") as member:
                member.write(data)
    return bytes(out.buf)


def patch_headers(data: bytes, name: bytes, **fields: int) -> bytes:
    """Rewrite ``flags``/``method``/``size`` in both headers of the member ``name``."""
    out = bytearray(data)
    for sig, flag_at, method_at, size_at, name_at in ((b"PK\x03\x04", 6, 8, 22, 30),
                                                       (b"PK\x01\x02", 8, 10, 24, 46)):
        pos = out.find(sig)
        while pos >= 0:
            if out[pos + name_at:pos + name_at + len(name)] == name:
                if "flags" in fields:
                    out[pos + flag_at:pos + flag_at + 2] = struct.pack("<H", fields["flags"])
                if "method" in fields:
                    out[pos + method_at:pos + method_at + 2] = struct.pack("<H", fields["method"])
                if "size" in fields:
                    out[pos + size_at:pos + size_at + 4] = struct.pack("<I", fields["size"])
            pos = out.find(sig, pos + 4)
    return bytes(out)


def run_import(tmp_path: Path, data: bytes, name: str = "hostile.zip"):
    path = tmp_path / name
    path.write_bytes(data)
    ws = Workspace(tmp_path / "home")
    report = ws.import_paths([path])
    return ws, report, str(path)


def assert_one_line(report, expected_members: list[str]) -> None:
    assert sorted(name for name, _ in report.failed) == sorted(expected_members), report.failed
    for _, reason in report.failed:
        assert reason and "\n" not in reason and "Traceback" not in reason


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "RATIO_FLOOR_BYTES", 64 << 10)
    monkeypatch.setattr(archive, "MAX_MEMBER_BYTES", 512 << 10)
    monkeypatch.setattr(archive, "CHUNK_BYTES", 16 << 10)


def test_zip_slip_names_are_refused(tmp_path: Path) -> None:
    evil = ["../../evil.fit", "/etc/x.fit", "C:\\Windows\\y.fit", "..\\..\\z.fit", "a/../../b.fit"]
    data = zip_bytes([(n, RUN) for n in evil] + [("ok/run.fit", RUN), ("dir\\walk.fit", WALK)])
    ws, report, path = run_import(tmp_path, data)
    shown = [n.replace("\\", "/") for n in evil]
    assert_one_line(report, [f"{path}!{n}" for n in shown])
    assert all("unsafe member name" in reason for _, reason in report.failed)
    assert report.imported == 2 and ws.activities().height == 2  # a backslash folder is fine


def test_zip_bomb_by_ratio_is_refused(tmp_path: Path, small_limits: None) -> None:
    data = zip_bytes([("bomb.fit", fit_bomb(2 << 20)), ("run.fit", RUN)])
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!bomb.fit"])
    assert "200:1" in report.failed[0][1] and "zip bomb" in report.failed[0][1]
    assert ws.activities().height == 1 and ws.counts()["files"] == 1


def test_member_over_the_size_cap_is_refused_whatever_its_header_says(
        tmp_path: Path, small_limits: None) -> None:
    big = RUN[:14] + hashlib.shake_256(b"x").digest(600 << 10)  # incompressible: passes the ratio
    data = zip_bytes([("big.fit", big), ("run.fit", RUN)], zipfile.ZIP_STORED)
    lying = patch_headers(data, b"big.fit", size=100)  # declares 100 bytes
    for blob in (data, lying):
        ws, report, path = run_import(tmp_path, blob)
        assert_one_line(report, [f"{path}!big.fit"])
        assert ws.activities().height == 1
        ws.close()


def test_gzip_inside_a_zip_counts_against_the_zips_ratio(tmp_path: Path,
                                                         small_limits: None) -> None:
    data = zip_bytes([("bomb.fit.gz", gzip.compress(fit_bomb(2 << 20))), ("run.fit", RUN)],
                     zipfile.ZIP_STORED)  # the zip layer alone is 1:1
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!bomb.fit.gz"])
    assert "zip bomb" in report.failed[0][1]
    assert ws.activities().height == 1


def test_member_of_an_unread_type_is_never_inflated_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's case: a zip of gzipped zeros named .fit.gz (each 2.4 MB -> 240 MB there)."""
    inflated: list[str] = []
    real_gunzip, real_read = inflate.gunzip, archive.Archive.read
    monkeypatch.setattr(inflate, "gunzip", lambda d, n, c: inflated.append(n) or real_gunzip(d, n, c))
    monkeypatch.setattr(archive.Archive, "read",
                        lambda self, e, **k: inflated.append(e.name) or real_read(self, e, **k))
    zeros = gzip.compress(bytes(8 << 20))
    data = zip_bytes([(f"activities/{i}.fit.gz", zeros) for i in range(3)]
                     + [("junk.csv", bytes(4 << 20)), ("x.zip", bytes(4 << 20))])
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!activities/{i}.fit.gz" for i in range(3)]
                    + [f"{path}!x.zip"])
    assert "the content is not FIT" in report.failed[0][1]
    assert "not a zip archive" in report.failed[-1][1]
    assert inflated == []


def test_zip_inside_a_zip_is_held_to_the_outer_archives_ratio(tmp_path: Path,
                                                              small_limits: None) -> None:
    # Each layer alone stays under 200:1; together the member expands thousands to one.
    # a.fit deflates ~90:1; pad.bin (never read) is stored, so the outer zip deflates the
    # inner one ~40:1.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.fit", fit_bomb(300 << 10, noise=3 << 10), zipfile.ZIP_DEFLATED)
        zf.writestr("pad.bin", hashlib.shake_256(b"pad").digest(2 << 10) + bytes(200 << 10))
    inner = buf.getvalue()
    data = zip_bytes([("in.zip", inner), ("run.fit", RUN)])
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!in.zip!a.fit"])
    reason = report.failed[0][1]
    assert "200:1" in reason and "in all" not in reason, reason
    assert ws.activities().height == 1


def test_members_together_are_held_to_the_archives_ratio(tmp_path: Path,
                                                         small_limits: None) -> None:
    # Each member stays under the floor where a member's own ratio applies.
    data = zip_bytes([(f"{i}.fit", fit_bomb(60 << 10)) for i in range(40)])
    ws, report, path = run_import(tmp_path, data)
    reasons = [reason for _, reason in report.failed]
    assert any("expand more than 200:1 in all" in r for r in reasons), reasons


def test_header_that_understates_the_size_fails_the_member(tmp_path: Path) -> None:
    data = patch_headers(zip_bytes([("walk.fit", WALK), ("run.fit", RUN)]), b"walk.fit", size=10)
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!walk.fit"])
    assert "damaged" in report.failed[0][1] and ws.activities().height == 1


def test_total_limit_stops_the_rest_of_the_archive(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", len(RUN) + len(WALK) + 10)
    data = zip_bytes([("a.fit", RUN), ("b.fit", WALK), ("c.fit", FR110)])
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!c.fit"])
    assert "in all" in report.failed[0][1] and ws.activities().height == 2


def test_nesting_deeper_than_the_limit_is_refused(tmp_path: Path) -> None:
    inner = zip_bytes([("deep.fit", FR110)])
    names = ["l4.zip", "l3.zip", "l2.zip", "l1.zip"]
    for name in names[:-1]:
        inner = zip_bytes([(name, inner)])
    data = zip_bytes([(names[-1], inner), ("top.fit", RUN), ("ok.zip", zip_bytes([("w.fit", WALK)]))])
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!l1.zip!l2.zip!l3.zip!l4.zip"])
    assert "nested more than 3 deep" in report.failed[0][1]
    assert ws.activities().height == 2


def test_archive_that_contains_itself_is_refused() -> None:
    inner = zip_bytes([("run.fit", RUN)])
    outer = zip_bytes([("self.zip", inner), ("walk.fit", WALK)])
    # A zip quine holds its own bytes; the check is by hash against every enclosing archive.
    lineage = frozenset({hashlib.sha256(inner).hexdigest()})
    units = exports.archive_units(archive.Archive("q.zip", outer, ancestors=lineage))
    by_name = {u.name: u for u in units}
    assert set(by_name) == {"q.zip!self.zip", "q.zip!walk.fit"}
    with pytest.raises(ImportFailed, match="contains itself"):
        by_name["q.zip!self.zip"].parse()
    assert by_name["q.zip!walk.fit"].parse().activities


@pytest.mark.parametrize("streamed", [False, True], ids=["sized", "data-descriptors"])
def test_truncated_zip_keeps_the_complete_members(tmp_path: Path, streamed: bool) -> None:
    members = [("a.fit", RUN), ("b.fit", WALK), ("c.fit", FR110)]
    data = streamed_zip(members) if streamed else zip_bytes(members)
    cut = data.find(b"c.fit") + 2000  # inside c.fit's compressed bytes
    ws, report, path = run_import(tmp_path, data[:cut])
    assert_one_line(report, [f"{path}!c.fit"])
    assert "cut off" in report.failed[0][1]
    assert ws.activities().height == 2 and report.imported == 2


def test_zip_cut_inside_its_table_of_contents_says_so(tmp_path: Path) -> None:
    data = zip_bytes([("a.fit", RUN), ("b.fit", WALK)])
    cut = data.find(b"PK\x01\x02") + 20
    ws, report, path = run_import(tmp_path, data[:cut])
    assert_one_line(report, [path])
    assert "truncated" in report.failed[0][1] and ws.activities().height == 2


def test_not_a_zip_at_all_fails_the_file(tmp_path: Path) -> None:
    ws, report, path = run_import(tmp_path, b"PK\x03\x04" + bytes(10))
    assert_one_line(report, [path])
    assert "not a readable zip" in report.failed[0][1]


def test_encrypted_member_is_refused(tmp_path: Path) -> None:
    data = patch_headers(zip_bytes([("secret.fit", WALK), ("run.fit", RUN)]), b"secret.fit", flags=1)
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!secret.fit"])
    assert "encrypted" in report.failed[0][1] and ws.activities().height == 1


def test_unsupported_compression_is_named(tmp_path: Path) -> None:
    data = patch_headers(zip_bytes([("d64.fit", WALK), ("run.fit", RUN)]), b"d64.fit", method=9)
    ws, report, path = run_import(tmp_path, data)
    assert_one_line(report, [f"{path}!d64.fit"])
    assert "Deflate64" in report.failed[0][1] and ws.activities().height == 1


def test_damaged_member_bytes_fail_that_member(tmp_path: Path) -> None:
    data = bytearray(zip_bytes([("walk.fit", WALK), ("run.fit", RUN)], zipfile.ZIP_STORED))
    at = data.find(b"walk.fit") + len(b"walk.fit") + 200
    data[at] ^= 0xFF
    ws, report, path = run_import(tmp_path, bytes(data))
    assert_one_line(report, [f"{path}!walk.fit"])
    assert "CRC" in report.failed[0][1] and ws.activities().height == 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_damage_never_escapes_as_anything_but_import_failed(data: st.DataObject) -> None:
    good = zip_bytes([("a.fit", RUN), ("in.zip", zip_bytes([("b.gpx", b"<gpx/>")])),
                      ("log.csv", b"date,heaviness\n2024-01-01,5\n")])
    blob = bytearray(good)
    for _ in range(data.draw(st.integers(1, 8))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(4, len(blob)))
    try:
        units = exports.units("fuzz.zip", bytes(blob[:cut]))
    except ImportFailed:
        return
    for unit in units:
        try:
            unit.parse()
        except ImportFailed as error:
            assert "\n" not in error.reason


def test_overlapping_members_are_refused(tmp_path: Path) -> None:
    data = bytearray(zip_bytes([("a.fit", WALK), ("b.fit", RUN), ("c.fit", FR110)]))
    central = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4)  # b.fit's entry
    data[central + 42:central + 46] = struct.pack("<I", 0)  # its data is a.fit's
    ws, report, path = run_import(tmp_path, bytes(data))
    assert_one_line(report, [f"{path}!a.fit", f"{path}!b.fit"])
    assert all("overlaps" in reason for _, reason in report.failed)
    assert ws.activities().height == 1
