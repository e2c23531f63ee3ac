"""Issue 12, permanent defences of the workspace, in real processes on a real SQLite file:

- kill -9 during a real import: the database stays intact, no orphan rows, and running
  the import again gives what a clean import gives;
- 3 imports and 20 check-ins at once into one new workspace: nothing lost, nothing
  doubled, no process dies;
- a full disk (a small tmpfs; CI runs as root): one line naming the workspace and "the
  disk is full", the summary and JSON of what was stored, and a re-run with space
  completes to a clean import's state.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from heavylegs import sim

CLI = [sys.executable, "-m", "heavylegs.cli"]
ORPHANS = {
    "streams without activity": "SELECT count(*) FROM streams s LEFT JOIN activities a ON a.id = s.activity_id "
                                "WHERE a.id IS NULL",
    "metrics without activity": "SELECT count(*) FROM activity_metrics m LEFT JOIN activities a "
                                "ON a.id = m.activity_id WHERE a.id IS NULL",
    "sources without file": "SELECT count(*) FROM activity_sources s LEFT JOIN files f ON f.sha256 = s.file_sha256 "
                            "WHERE f.sha256 IS NULL",
    "activity without source": "SELECT count(*) FROM activities a WHERE NOT EXISTS "
                               "(SELECT 1 FROM activity_sources s WHERE s.activity_id = a.id)",
    "activity without stream": "SELECT count(*) FROM activities a LEFT JOIN streams s ON s.activity_id = a.id "
                               "WHERE s.activity_id IS NULL",
}


def hl(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "--home", str(home), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight weeks of a simulated runner: 31 GPX/TCX activities and a daily log (17 MB)."""
    root = tmp_path_factory.mktemp("runs")
    scenario = sim.Scenario(seed=5, start=date(2026, 1, 5), weeks=8, kind="recreational", formats="mixed")
    sim.write_files(sim.simulate(scenario), root)
    return root


@pytest.fixture(scope="module")
def clean(runs: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What a clean import of ``runs`` stores."""
    home = tmp_path_factory.mktemp("clean")
    run = hl(home, "import", str(runs))
    assert run.returncode == 0, run.stderr
    return state(home)


def state(home: Path) -> dict[str, object]:
    """The stored data, independent of row ids and import times."""
    conn = sqlite3.connect(f"file:{home / 'heavylegs.sqlite'}?mode=ro", uri=True)
    try:
        tables = ("files", "activities", "activity_sources", "streams", "activity_metrics", "daily_log")
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
        acts = conn.execute("SELECT start_utc, sport, distance_m, elapsed_s, avg_hr_bpm, hr_hist, s.data "
                            "FROM activities a JOIN streams s ON s.activity_id = a.id ORDER BY start_utc").fetchall()
        files = sorted(r[0] for r in conn.execute("SELECT sha256 FROM files"))
        columns = [r[1] for r in conn.execute("PRAGMA table_info(daily_log)") if r[1] != "updated_at"]
        log = conn.execute(f"SELECT {', '.join(columns)} FROM daily_log ORDER BY date").fetchall()
    finally:
        conn.close()
    return {"counts": counts, "activities": acts, "files": files, "log": log}


def check_intact(home: Path) -> None:
    conn = sqlite3.connect(home / "heavylegs.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for what, sql in ORPHANS.items():
            assert conn.execute(sql).fetchone()[0] == 0, what
    finally:
        conn.close()


def count_activities(home: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{home / 'heavylegs.sqlite'}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM activities").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_kill_9_during_an_import_leaves_an_intact_workspace_a_rerun_completes(
        tmp_path: Path, runs: Path, clean: dict[str, object]) -> None:
    home = tmp_path / "h"
    # killed early (a few files in), midway, and at a moment that is a matter of chance
    killed = 0
    for when in (3, 15, None):
        proc = subprocess.Popen([*CLI, "--home", str(home), "import", str(runs)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        if when is None:
            time.sleep(0.5)
        else:
            while count_activities(home) < when and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        code = proc.wait(30)
        if code == -signal.SIGKILL:
            killed += 1
        else:  # it finished first (before the poll, or between the poll and the kill): a clean exit
            assert code == 0
        check_intact(home)
    assert killed >= 2  # the early and the midway kill always land (31 files take seconds)
    again = hl(home, "import", str(runs), "--json")
    assert again.returncode == 0, again.stderr
    check_intact(home)
    assert state(home) == clean
    assert json.loads(hl(home, "import", str(runs), "--json").stdout)["imported"] == 0


def test_three_imports_and_twenty_checkins_at_once_lose_nothing(
        tmp_path: Path, runs: Path, clean: dict[str, object]) -> None:
    home = tmp_path / "h"  # not created yet: the processes also race to make it
    files = sorted(runs.iterdir())
    thirds = [tmp_path / f"part{i}" for i in range(3)]
    for i, part in enumerate(thirds):  # overlapping folders: every file is in two of them
        part.mkdir()
        for n, f in enumerate(files):
            if n % 3 != i:
                (part / f.name).symlink_to(f)
    days = [date(2025, 12, d) for d in range(1, 21)]  # before the log's first day: no overlap
    procs = [subprocess.Popen([*CLI, "--home", str(home), "import", str(part), "--json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for part in thirds]
    procs += [subprocess.Popen([*CLI, "--home", str(home), "checkin", "--date", d.isoformat(),
                                "--set", f"heaviness={d.day % 11}", "--set", f"notes=check-in {d.day}"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for d in days]
    results = [(p.args, *p.communicate(timeout=240), p.returncode) for p in procs]
    for args, out, err, code in results:
        assert code == 0 and "Traceback" not in err and "error" not in err, (args, out, err)
    summaries = [json.loads(out) for _, out, _, _ in results[:3]]
    assert sum(s["imported"] for s in summaries) + sum(s["unchanged"] for s in summaries) == 2 * len(files)
    check_intact(home)
    got = state(home)
    got["counts"]["daily_log"] -= len(days)  # type: ignore[index]
    got["log"] = [r for r in got["log"] if r[0] >= "2026"]  # type: ignore[attr-defined,index]
    assert got == clean
    conn = sqlite3.connect(home / "heavylegs.sqlite")
    stored = dict(conn.execute("SELECT date, notes FROM daily_log WHERE date < '2026'").fetchall())
    conn.close()
    assert stored == {d.isoformat(): f"check-in {d.day}" for d in days}
    rerun = json.loads(hl(home, "import", str(runs), "--json").stdout)
    assert rerun["imported"] == 0 and rerun["unchanged"] == len(files)


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MiB tmpfs (a full disk after a few activities); skipped where it cannot be mounted."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    run = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
                         capture_output=True, text=True)
    if run.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {run.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_says_so_keeps_what_was_stored_and_a_rerun_completes(
        small_disk: Path, runs: Path, clean: dict[str, object]) -> None:
    home = small_disk / "h"
    run = hl(home, "import", str(runs), "--json")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    summary = json.loads(run.stdout)  # the summary of what was stored is still printed
    assert 0 < summary["imported"] < len(list(runs.iterdir()))
    assert "the disk is full" in summary["stopped"] and str(home / "heavylegs.sqlite") in summary["stopped"]
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "the disk is full" in errors[0] and str(home) in errors[0], run.stderr
    assert "no transaction is active" not in run.stderr
    text = hl(home, "import", str(runs))
    assert text.returncode == 1 and text.stdout.startswith("imported ") and "the disk is full" in text.stderr
    check_intact(home)
    subprocess.run(["mount", "-o", "remount,size=256m", str(small_disk)], check=True)
    again = hl(home, "import", str(runs), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["imported"] == len(list(runs.iterdir())) - summary["imported"]
    check_intact(home)
    assert state(home) == clean
