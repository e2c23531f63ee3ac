"""Repeated errors from one file are summarised on the terminal after the first 20 of a
kind ("... and N more like it"); ``--verbose`` and ``--json`` keep every one (JSON is
for scripts: each failed path is there, so it can be retried or listed). See
importers/failures.py."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from heavylegs.cli import main

RUN = (Path(__file__).resolve().parent / "data" / "activities" / "garmin-fenix-5-run.fit").read_bytes()


def hostile_zip(tmp_path: Path, bad: int) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(bad):
            zf.writestr(f"a/{i}.fit", b"not a fit file at all")
        for i in range(3):
            zf.writestr(f"b/{i}.zip", b"not a zip either")
        zf.writestr("run.fit", RUN)
    path = tmp_path / "hostile.zip"
    path.write_bytes(buf.getvalue())
    return path


def run(capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--home", str(tmp_path / "home"), "import", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_flood_of_one_kind_is_summarised_after_20(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = hostile_zip(tmp_path, 5_000)
    code, out, err = run(capsys, tmp_path, str(path))
    lines = err.splitlines()
    assert code == 1 and out.startswith("imported 1, unchanged 0, failed 5003")
    not_fit = [line for line in lines if "the content is not FIT" in line]
    assert len(not_fit) == 20 and not_fit[0].startswith(f"error: {path}!a/0.fit: ")
    assert f"error: {path}: ... and 4,980 more like it (--verbose lists them all)" in lines
    assert sum("not a zip archive" in line for line in lines) == 3  # another kind: all shown
    assert len(lines) == 24


def test_verbose_and_json_keep_every_failure(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = hostile_zip(tmp_path, 100)
    code, _, err = run(capsys, tmp_path, "--verbose", str(path))
    assert code == 1 and sum(line.startswith("error: ") for line in err.splitlines()) == 103
    code, out, err = run(capsys, tmp_path / "j", "--json", str(path))
    report = json.loads(out)
    assert len(report["failed"]) == 103 and report["failed"][0]["path"] == f"{path}!a/0.fit"
    assert len(err.splitlines()) == 24 and "... and 80 more like it" in err


def test_bad_rows_of_one_csv_are_summarised_by_kind(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    rows = [f"2024-0{1 + i // 28}-{1 + i % 28:02d},{11 + i}" for i in range(50)]
    rows += ["2024-03-01,abc", "2024-03-02,7"]
    path = tmp_path / "log.csv"
    path.write_text("date,heaviness\n" + "\n".join(rows) + "\n")
    code, out, err = run(capsys, tmp_path, str(path))
    lines = err.splitlines()
    assert code == 1 and "failed 51" in out
    assert sum("is out of range" in line for line in lines) == 20
    assert f"error: {path}: ... and 30 more like it (--verbose lists them all)" in lines
    assert any("'abc'" in line for line in lines)  # a different kind is never hidden
