"""Issue 12, the command line under hostile input: dates no runner can have, deleting an
activity, formula cells in the exported log, closed pipes, unwritable output paths, HTML in
Markdown, read-only and missing workspaces, re-import summaries and import order. Real
processes on simulated and hand-made files."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from heavylegs import sim


def hl(home: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]


def one_error_line(run: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in run.stderr, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), run.stderr
    return lines[0]


def gpx(start: str, minutes: int = 3) -> str:
    hh, mm = int(start[11:13]), int(start[14:16])
    points = "".join(f'<trkpt lat="{52 + i / 1000:.3f}" lon="4.0"><time>{start[:11]}{hh + (mm + i) // 60:02d}:'
                     f"{(mm + i) % 60:02d}:00Z</time></trkpt>" for i in range(minutes + 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="t" '
            'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>running</type><trkseg>'
            f"{points}</trkseg></trk></gpx>")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three weeks of a simulated runner (GPX/TCX and a daily log)."""
    root = tmp_path_factory.mktemp("runs")
    scenario = sim.Scenario(seed=3, start=date(2026, 2, 2), weeks=3, kind="recreational", formats="mixed")
    sim.write_files(sim.simulate(scenario), root)
    return root


# -- 1. dates no runner can have ----------------------------------------------------------


def test_far_dates_are_refused_per_file_and_the_rest_is_stored(tmp_path: Path, runs: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "future.gpx").write_text(gpx("9999-12-31T10:00"))
    (bad / "old.gpx").write_text(gpx("1970-01-01T00:00"))
    (bad / "good.gpx").write_text(gpx("2026-02-03T06:00", 30))
    run = hl(tmp_path / "h", "import", str(bad), "--json")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    summary = json.loads(run.stdout)
    assert summary["imported"] == 1
    errors = {Path(f["path"]).name: f["error"] for f in summary["failed"]}
    assert set(errors) == {"future.gpx", "old.gpx"}
    assert "start time 9999-12-31" in errors["future.gpx"] and "more than a day in the future" in errors["future.gpx"]
    assert "before 1980" in errors["old.gpx"]
    acts = json.loads(hl(tmp_path / "h", "activities", "--json").stdout)
    assert [a["start"][:10] for a in acts] == ["2026-02-03"]
    assert hl(tmp_path / "h", "why").returncode == 0


@pytest.mark.parametrize("fmt", ["fit", "tcx"])
def test_a_device_clock_years_ahead_is_refused_file_by_file(tmp_path: Path, fmt: str) -> None:
    """A simulated week recorded in 2035 (FIT and TCX files, and its daily log): every
    activity file and every log row is refused with its reason, nothing is stored."""
    folder = tmp_path / "files"
    scenario = sim.Scenario(seed=7, start=date(2035, 1, 1), weeks=1, formats=fmt)
    sim.write_files(sim.simulate(scenario), folder)
    activities = [p for p in folder.iterdir() if p.suffix != ".csv"]
    assert activities and all(p.suffix == f".{fmt}" for p in activities)
    run = hl(tmp_path / "h", "import", str(folder), "--json")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    summary = json.loads(run.stdout)
    assert summary["imported"] == 0
    by_file = {Path(f["path"]).name for f in summary["failed"] if "start time 2035-" in f["error"]}
    assert by_file == {p.name for p in activities}
    log_rows = [f for f in summary["failed"] if ": column date: '2035-" in f["error"]]
    assert len(log_rows) == 7 and all("more than a day in the future" in f["error"] for f in log_rows)
    assert json.loads(hl(tmp_path / "h", "activities", "--json").stdout) == []


def test_daily_log_rows_and_checkins_with_far_dates_are_refused(tmp_path: Path, runs: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("date,heaviness,notes\n2026-02-10,5,ok\n9999-12-31,7,typo\n1900-01-01,3,old\n")
    run = hl(tmp_path / "h", "import", str(log))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert any(f"{log}:3: column date: '9999-12-31' is more than a day in the future" in e for e in errors), errors
    assert any(f"{log}:4: column date: '1900-01-01' is before 1980" in e for e in errors), errors
    checkin = hl(tmp_path / "h", "checkin", "--date", "9999-12-31", "--set", "heaviness=5")
    assert checkin.returncode == 2 and "accepted: a date from 1980-01-01" in one_error_line(checkin)
    why = hl(tmp_path / "h", "why", "--json")
    assert why.returncode == 0, why.stderr
    assert json.loads(why.stdout)["date"] == "2026-02-10"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1979-12-31"])
def test_why_and_report_on_impossible_days_say_so_in_one_line(tmp_path: Path, runs: Path, day: str) -> None:
    hl(tmp_path, "import", str(runs))
    why = hl(tmp_path, "why", "--date", day)
    assert why.returncode == 2 and "accepted: a date from 1980-01-01" in one_error_line(why)
    report = hl(tmp_path, "report", "--md", str(tmp_path / "r.md"), "--date", day)
    assert report.returncode == 2 and day in one_error_line(report)


def test_a_far_date_stored_by_an_older_version_neither_breaks_the_default_day_nor_stays(
        tmp_path: Path, runs: Path) -> None:
    """A workspace that took a 9999-12-31 activity before dates were checked: the default
    `why` and `report` still work, and `activities delete` removes it and all derived
    from it, leaving the answer a workspace without it gives."""
    home, clean = tmp_path / "h", tmp_path / "clean"
    first = sorted(runs.glob("*.gpx"))[0]
    (tmp_path / "future.gpx").write_text(gpx("2026-02-03T06:00", 30))
    assert hl(home, "import", str(runs), str(tmp_path / "future.gpx")).returncode == 0
    assert hl(clean, "import", str(runs)).returncode == 0
    with sqlite3.connect(home / "heavylegs.sqlite") as conn:
        (far_id,) = conn.execute("SELECT max(id) FROM activities").fetchone()
        conn.execute("UPDATE activities SET start_utc = '9999-12-31T10:00:00+00:00' WHERE id = ?", (far_id,))
    why = hl(home, "why", "--json")
    assert why.returncode == 0, why.stderr
    assert json.loads(why.stdout)["date"] == json.loads(hl(clean, "why", "--json").stdout)["date"]
    assert hl(home, "report", "--md", str(tmp_path / "r.md")).returncode == 0
    assert "9999-12-31" in hl(home, "activities").stdout

    bad_id = hl(home, "activities", "delete", "99999")
    assert bad_id.returncode == 2 and "99999" in one_error_line(bad_id)
    gone = hl(home, "activities", "delete", "--source", str(tmp_path / "future.gpx"), "--json")
    assert gone.returncode == 0, gone.stderr
    assert [r["id"] for r in json.loads(gone.stdout)["deleted"]] == [far_id]
    with sqlite3.connect(home / "heavylegs.sqlite") as conn:
        for table in ("streams", "activity_metrics", "activity_sources"):
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE activity_id = ?", (far_id,)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM files WHERE path LIKE '%future.gpx'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] >= 1  # recomputed by the delete
    assert hl(home, "why", "--json").stdout == hl(clean, "why", "--json").stdout
    by_id = hl(home, "activities", "delete", "1")
    assert by_id.returncode == 0 and "deleted activity 1" in by_id.stdout and first.name in by_id.stdout


# -- 3. formula cells in the exported daily log ---------------------------------------------

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2 km walk", "@SUM(A1:A2)", '=HYPERLINK("http://x","y")',
            "'=already quoted", "plain 'quoted' text"]


def test_exported_formula_cells_are_neutralised_and_read_back_as_written(tmp_path: Path) -> None:
    home, again = tmp_path / "h", tmp_path / "again"
    for i, note in enumerate(FORMULAS, start=1):
        run = hl(home, "checkin", "--date", f"2026-03-{i:02d}", "--set", f"notes={note}",
                 "--set", "pain_location=-left calf", "--set", f"heaviness={i}", "--set", "sleep_h=6.5")
        assert run.returncode == 0, run.stderr
    out = tmp_path / "log.csv"
    assert hl(home, "export", "daily-log", str(out)).returncode == 0
    import csv

    rows = list(csv.DictReader(out.open(newline="")))
    for row in rows:
        for column in ("notes", "pain_location"):
            assert not row[column].startswith(("=", "+", "-", "@", "\t", "\r")), row[column]
    assert rows[0]["notes"] == "'=cmd|' /C calc'!A0" and rows[5]["notes"] == "''=already quoted"
    assert rows[6]["notes"] == "plain 'quoted' text" and rows[0]["sleep_h"] == "6.5"
    assert hl(again, "import", str(out)).returncode == 0
    from heavylegs.api import Workspace

    with Workspace(again) as ws:
        assert [ws.log_row(date(2026, 3, i))["notes"] for i in range(1, 8)] == FORMULAS
        assert ws.log_row(date(2026, 3, 1))["pain_location"] == "-left calf"
        assert ws.log_row(date(2026, 3, 3))["heaviness"] == 3
    second = tmp_path / "log2.csv"
    assert hl(again, "export", "daily-log", str(second)).returncode == 0
    assert second.read_bytes() == out.read_bytes()


# -- 5. pipes, output paths, Markdown, read-only and missing workspaces ----------------------


def test_a_closed_pipe_ends_quietly(tmp_path: Path, runs: Path) -> None:
    hl(tmp_path, "import", str(runs))
    for args in (["why", "--json"], ["activities", "--json"]):
        for _ in range(2):  # the second `why` prints the stored answer (the fast path)
            shell = (f"{sys.executable} -m heavylegs.cli --home {tmp_path} {' '.join(args)} | head -c 10; "
                     "echo \" ${PIPESTATUS[0]}\"")
            run = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, timeout=120)
            assert run.stdout.endswith(" 0\n") and run.stderr == "", (args, run.stdout, run.stderr)


def test_an_unwritable_output_path_is_one_line(tmp_path: Path, runs: Path) -> None:
    hl(tmp_path, "import", str(runs))
    for args in (["report", "--html", "/no/such/dir/r.html"], ["report", "--md", "/no/such/dir/r.md"],
                 ["export", "daily-log", "/no/such/dir/log.csv"]):
        run = hl(tmp_path, *args)
        line = one_error_line(run)
        assert run.returncode == 2 and "/no/such/dir" in line and "internal error" not in line, line


def test_markdown_report_escapes_html_from_the_runners_data(tmp_path: Path, runs: Path) -> None:
    hl(tmp_path, "import", str(runs))
    assert hl(tmp_path, "gear", "add", "<script>alert(1)</script>", "--from", "2026-01-01",
              "--start-km", "900", "--limit-km", "700").returncode == 0
    assert hl(tmp_path, "report", "--md", str(tmp_path / "r.md")).returncode == 0
    text = (tmp_path / "r.md").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text


def test_read_commands_never_create_a_workspace(tmp_path: Path) -> None:
    home = tmp_path / "nowhere"
    for args in (["why"], ["why", "--json"], ["activities"], ["profile", "show"], ["gear", "list"],
                 ["report", "--md", str(tmp_path / "r.md")], ["export", "daily-log", str(tmp_path / "l.csv")],
                 ["activities", "delete", "1"]):
        run = hl(home, *args)
        line = one_error_line(run)
        assert run.returncode == 1 and "no workspace at" in line and "heavylegs import" in line, (args, line)
        assert not home.exists(), args


def _read_only(folder: Path) -> Callable[[], object]:
    """Make ``folder`` read-only for this process: chmod for a normal user; as root (CI),
    for whom chmod changes nothing, the tmpfs mounted there is remounted read-only.
    Returns how to undo it."""
    import os

    if os.geteuid() != 0:
        for p in [*folder.rglob("*"), folder]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        return lambda: [p.chmod(0o755 if p.is_dir() else 0o644) for p in [folder, *folder.rglob("*")]]
    run = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return lambda: None


def test_a_read_only_workspace_can_be_read(tmp_path: Path, runs: Path) -> None:
    import os

    mount = tmp_path / "ro"
    mount.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True).returncode == 0
    if os.geteuid() == 0 and not mounted:
        pytest.skip("running as root without permission to mount a tmpfs: cannot make a folder read-only")
    try:
        home = mount / "h"
        assert hl(home, "import", str(runs)).returncode == 0
        expected = hl(home, "why", "--json", "--date", "2026-02-18").stdout
        conn = sqlite3.connect(home / "heavylegs.sqlite")
        conn.execute("DELETE FROM answers")  # the read-only `why` must compute, not only print
        conn.commit()
        conn.close()
        restore = _read_only(mount)
        assert not os.access(home, os.W_OK)
        why = hl(home, "why", "--json", "--date", "2026-02-18")
        assert why.returncode == 0, why.stderr
        assert why.stdout == expected
        assert hl(home, "why").returncode == 0
        acts = hl(home, "activities", "--json")
        assert acts.returncode == 0 and len(json.loads(acts.stdout)) >= 5
        assert hl(home, "profile", "show").returncode == 0
        assert hl(home, "report", "--md", str(tmp_path / "r.md")).returncode == 0
        write = hl(home, "checkin", "--set", "heaviness=3")
        assert write.returncode == 1 and "read-only" in one_error_line(write)
        restore()
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


# -- 5. re-import summaries and import order ---------------------------------------------------


def test_reimporting_csvs_with_rejected_rows_counts_them_unchanged(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    for i in range(4):
        (logs / f"log{i}.csv").write_text(f"date,heaviness,sleep_h\n2026-02-1{i},5,7\n2026-02-2{i},12,7\n")
    first = hl(tmp_path / "h", "import", str(logs), "--json")
    assert first.returncode == 1
    assert json.loads(first.stdout)["imported"] == 4 and len(json.loads(first.stdout)["failed"]) == 4
    hl(tmp_path / "h", "why")  # stores the answer
    again = hl(tmp_path / "h", "import", str(logs), "--json")
    summary = json.loads(again.stdout)
    assert (summary["imported"], summary["unchanged"], len(summary["failed"])) == (0, 4, 4), summary
    assert "imported 0, unchanged 4" in hl(tmp_path / "h", "import", str(logs)).stdout
    with sqlite3.connect(tmp_path / "h" / "heavylegs.sqlite") as conn:  # nothing changed: answer kept
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] >= 1
    (logs / "log0.csv").write_text("date,heaviness,sleep_h\n2026-02-10,6,7\n2026-02-20,12,7\n")
    changed = json.loads(hl(tmp_path / "h", "import", str(logs), "--json").stdout)
    assert (changed["imported"], changed["unchanged"]) == (1, 3)


def seconds_gpx(start_s: int, n: int, lat0: float = 52.0, hr: int = 140) -> str:
    points = []
    for i in range(n):
        t = 6 * 3600 + start_s + i
        points.append(f'<trkpt lat="{lat0 + i * 0.00003:.6f}" lon="4.0"><ele>{10 + i % 7}</ele>'
                      f"<time>2026-02-03T{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}Z</time>"
                      f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr + i % 11}</gpxtpx:hr>"
                      "</gpxtpx:TrackPointExtension></extensions></trkpt>")
    return ('<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="t" '
            'xmlns="http://www.topografix.com/GPX/1/1" '
            'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
            f"<trk><type>running</type><trkseg>{''.join(points)}</trkseg></trk></gpx>")


@pytest.mark.parametrize("second", [(7, 590, 52.0001, 150), (3, 600, 52.0002, 135)],
                         ids=["fewer-samples", "as-many-samples"])
def test_a_merged_two_device_activity_does_not_depend_on_import_order(
        tmp_path: Path, second: tuple[int, int, float, int]) -> None:
    watch, other = tmp_path / "watch.gpx", tmp_path / "bike-computer.gpx"
    watch.write_text(seconds_gpx(0, 600))
    other.write_text(seconds_gpx(*second))
    listed = []
    for order in ((watch, other), (other, watch)):
        home = tmp_path / f"h-{order[0].stem}"
        for path in order:
            assert hl(home, "import", str(path)).returncode == 0
        rows = json.loads(hl(home, "activities", "--json").stdout)
        assert len(rows) == 1  # one activity, from both files
        listed.append({k: v for k, v in rows[0].items() if k != "id"})
    assert listed[0] == listed[1]
