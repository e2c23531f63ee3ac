"""Hostile and unusual text files: CSV limits (one clear line naming file and line, a
memory cost that does not grow with an over-long line) and text in UTF-16 or with a BOM
(read like UTF-8, never refused as an unknown format). See importers/csvguard.py and
importers/textenc.py."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from heavylegs.api import Workspace
from heavylegs.importers import csvguard, read_activity_file

DATA = Path(__file__).resolve().parent / "data"
GPX = (DATA / "activities" / "activity_5039744860.gpx").read_bytes()
TCX = (DATA / "activities" / "sup_activity_1.tcx").read_bytes()
LOG = b"date,heaviness,sleep_h,notes\n2024-05-01,6,7.5,easy\n2024-05-02,8,5.0,\"long, hard\"\n"


def import_one(tmp_path: Path, name: str, data: bytes):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / name
    path.write_bytes(data)
    with Workspace(tmp_path / "home") as ws:
        report = ws.import_paths([path])
        return report, ws.activities(), ws.log_row(date(2024, 5, 2)), str(path)


def one_clear_line(report, path: str, *needles: str) -> str:
    assert [p for p, _ in report.failed] == [path], report.failed
    reason = report.failed[0][1]
    assert "\n" not in reason and "internal error" not in reason, reason
    for needle in needles:
        assert needle in reason, reason
    return reason


# -- CSV limits -----------------------------------------------------------------------------
def test_a_million_columns_is_one_clear_line(tmp_path: Path) -> None:
    data = b"date" + b"," * 999_999 + b"\n2024-05-01" + b",7" * 10 + b"\n"  # under 1 MiB a line
    report, *_, path = import_one(tmp_path, "wide.csv", data)
    one_clear_line(report, path, "line 1 has 1,000,000 cells", "2,000")


def test_a_csv_without_a_line_break_is_one_clear_line(tmp_path: Path) -> None:
    data = b"date,heaviness," + b"7," * (1 << 20)
    report, *_, path = import_one(tmp_path, "flat.csv", data)
    one_clear_line(report, path, "line 1 is longer than 1 MiB")


def test_an_over_long_line_is_named_by_its_number(tmp_path: Path) -> None:
    data = LOG + b"2024-05-03,5,7,\"" + b"x" * (csvguard.MAX_LINE_BYTES + 10) + b"\"\r\n"
    report, acts, row, path = import_one(tmp_path, "log.csv", data)
    one_clear_line(report, path, "line 4 is longer than 1 MiB")
    assert row == {}  # refused whole, before it is parsed


def test_a_cell_past_the_csv_field_limit_is_one_clear_line(tmp_path: Path) -> None:
    data = b"date,heaviness," + b"x" * 200_000 + b"\n2024-05-01,6,\n"
    report, *_, path = import_one(tmp_path, "cell.csv", data)
    one_clear_line(report, path, "line 1", "longer than 131,072 characters")


def test_csv_limits_hold_inside_an_archive(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("wide.csv", b"date" + b",x" * 5_000 + b"\n")
        zf.writestr("ok.csv", LOG)
    report, _, row, path = import_one(tmp_path, "logs.zip", buf.getvalue())
    one_clear_line(report, f"{path}!wide.csv", "line 1 has 5,001 cells")
    assert row["heaviness"] == 8


@pytest.mark.parametrize("make", ["one line", "many lines"])
def test_memory_is_flat_in_a_csvs_size(tmp_path: Path, make: str) -> None:
    """The issue's case, at 64 MB: a CSV given to import is read in chunks, never whole
    (it was read, decoded and copied: 1.5 GB of RSS for a 200 MB line). A valid daily log
    of 64 MB (64,000 rows of one day, so that what is kept stays small) is read the same way."""
    path = tmp_path / "big.csv"
    with path.open("wb") as out:
        out.write(b"date,notes\n")
        for _ in range(64):
            if make == "one line":
                out.write(b"2024-05-01," + b"a" * (1 << 20))
            else:
                out.write(b"".join(b"2024-05-01,%s\n" % (b"a" * 1000) for _ in range(1000)))
    script = f"""
import json, resource, sys
from heavylegs.api import Workspace
ws = Workspace({str(tmp_path / "home")!r})
def peak():  # VmHWM starts afresh at exec; ru_maxrss would keep the forking pytest's peak
    from pathlib import Path
    return next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
small = {str(tmp_path / "small.csv")!r}  # the same code paths (and their modules) first
open(small, "w").write("date,notes\\n2024-04-30,warm-up\\n")
ws.import_paths([small])
before = peak()
report = ws.import_paths([{str(path)!r}])
after = peak()
print(json.dumps({{"grew_kb": after - before, "failed": report.failed, "imported": report.imported}}))
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=300, check=True)
    out = json.loads(result.stdout)
    if make == "one line":
        assert "longer than 1 MiB" in out["failed"][0][1]
    else:
        assert out["imported"] == 1 and out["failed"] == []
    assert out["grew_kb"] < 32 << 10, out  # a copy of the file would be 64 MB


# -- encodings --------------------------------------------------------------------------------
def utf16(data: bytes, codec: str) -> bytes:
    text = data.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
    return "\ufeff".encode(codec) + text.encode(codec)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(("name", "original"), [("ride.gpx", GPX), ("sup.tcx", TCX)])
def test_utf16_gpx_and_tcx_are_read_as_their_utf8_selves(tmp_path: Path, codec: str, name: str,
                                                         original: bytes) -> None:
    expected = read_activity_file(name, original)[0].summary
    for variant, data in ((name, utf16(original, codec)),
                          (name + ".gz", gzip.compress(utf16(original, codec)))):
        got = read_activity_file(tmp_path / variant, data)[0].summary
        assert (got.start, got.distance_m, got.avg_hr_bpm) == (
            expected.start, expected.distance_m, expected.avg_hr_bpm)
    report, acts, *_ = import_one(tmp_path, name, utf16(original, codec))
    assert report.failed == [] and acts.height == 1


def test_utf8_bom_xml_and_csv_are_read(tmp_path: Path) -> None:
    report, acts, row, _ = import_one(tmp_path, "bom.gpx", b"\xef\xbb\xbf" + GPX)
    assert report.failed == [] and acts.height == 1
    report, _, row, _ = import_one(tmp_path, "bom.csv", b"\xef\xbb\xbf" + LOG)
    assert report.failed == [] and row["notes"] == "long, hard"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_daily_log_is_read(tmp_path: Path, codec: str) -> None:
    data = "\ufeff".encode(codec) + LOG.decode().replace("\n", "\r\n").encode(codec)
    report, _, row, _ = import_one(tmp_path, "log.csv", data)
    assert report.failed == [] and report.imported == 1
    assert row == {"heaviness": 8, "sleep_h": 5.0, "notes": "long, hard"}


def test_utf16_files_inside_a_zip_are_read(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("ride.gpx", utf16(GPX, "utf-16-le"))
        zf.writestr("log.csv", "\ufeff".encode("utf-16-le") + LOG.decode().encode("utf-16-le"))
    report, acts, row, _ = import_one(tmp_path, "both.zip", buf.getvalue())
    assert report.failed == [] and report.imported == 2
    assert acts.height == 1 and row["heaviness"] == 8


def test_utf16_app_export_is_read(tmp_path: Path) -> None:
    original = (DATA / "wellness" / "oura_trends.csv").read_bytes()
    report, *_ = import_one(tmp_path / "a", "oura.csv", original)
    data = "\ufeff".encode("utf-16-le") + original.decode("utf-8-sig").encode("utf-16-le")
    report16, *_ = import_one(tmp_path / "b", "oura.csv", data)
    assert report16.imported == report.imported == 1
    assert [r.replace("/b/", "/a/") for _, r in report16.failed] == [r for _, r in report.failed]
    assert len(report16.warnings) == len(report.warnings)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_apple_health_export_is_read(tmp_path: Path, codec: str) -> None:
    original = (DATA / "wellness" / "apple_health_export" / "export.xml").read_bytes()
    data = utf16(original, codec)
    reports = []
    for folder, blob in (("a", original), ("b", data)):
        report, acts, *_ = import_one(tmp_path / folder, "export.xml", blob)
        with Workspace(tmp_path / folder / "home") as ws:
            reports.append((report.imported, len(report.failed), acts.height, ws.counts()))
    assert reports[0] == reports[1] and reports[0][0] == 1
