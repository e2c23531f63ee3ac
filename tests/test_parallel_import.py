"""A parallel `heavylegs import` (parallel_import.py) stores what one process stores,
reports the same, loses nothing when a worker dies, and leaves no worker behind a killed
import."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from heavylegs import parallel_import, sim
from test_storage_safety import check_intact, count_activities, state

CLI = [sys.executable, "-m", "heavylegs.cli"]
DATA = Path(__file__).parent / "data" / "activities"


def metrics(home: Path) -> list[tuple]:
    """Every activity's stored metrics, by start time (row ids differ between imports)."""
    conn = sqlite3.connect(f"file:{home / 'heavylegs.sqlite'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT a.start_utc, m.* FROM activities a JOIN activity_metrics m "
                            "ON m.activity_id = a.id ORDER BY a.start_utc").fetchall()
    finally:
        conn.close()


def without_ids(rows: list[tuple]) -> list[tuple]:
    return [(r[0], *r[2:]) for r in rows]


def hl(home: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "--home", str(home), *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve weeks of a simulated runner's FIT and TCX runs and daily log: enough files
    (> 2 x MIN_FILES_PER_JOB) for two processes."""
    root = tmp_path_factory.mktemp("runs")
    scenario = sim.Scenario(seed=11, start=date(2026, 3, 2), weeks=12, kind="advanced", formats="fit")
    sim.write_files(sim.simulate(scenario), root)
    # what a real folder also holds: a triathlon-style multisport FIT, a truncated FIT, and
    # a red flag written in the runner's own words three days before the last run
    for name in ("6471559601_ACTIVITY.fit", "activity-unexpected-eof.fit"):
        shutil.copy(DATA / name, root / name)
    (root / "notes.csv").write_text("date,notes\n2026-05-21,my left calf is swollen and painful since Sunday\n",
                                    encoding="utf-8")
    assert sum(1 for _ in root.iterdir()) >= 2 * parallel_import.MIN_FILES_PER_JOB
    return root


@pytest.fixture(scope="module")
def one_process(runs: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, dict, str]:
    home = tmp_path_factory.mktemp("one")
    run = hl(home, "import", str(runs), "--json", "--jobs", "1")
    assert run.returncode == 0, run.stderr
    why = hl(home, "why", "--json")
    return state(home), json.loads(run.stdout), why.stdout, without_ids(metrics(home))


def test_two_processes_store_and_report_what_one_does(tmp_path: Path, runs: Path, one_process: tuple) -> None:
    stored, report, why, computed = one_process
    home = tmp_path / "two"
    run = hl(home, "import", str(runs), "--json", "--jobs", "2")
    assert run.returncode == 0, run.stderr
    check_intact(home)
    assert state(home) == stored
    assert without_ids(metrics(home)) == computed  # each process computed its share's metrics
    assert not any(row[2] == "pending" for row in metrics(home))
    assert json.loads(run.stdout) == report  # counts, and warnings in file order
    assert hl(home, "why", "--json").stdout == why
    assert json.loads(why)["triage"], "the calf written in words is a red flag, read the same either way"
    conn_pending = hl(home, "import", str(runs), "--json", "--jobs", "2")
    assert json.loads(conn_pending.stdout)["unchanged"] == report["imported"] + report["unchanged"]


def test_a_worker_that_dies_loses_nothing(tmp_path: Path, runs: Path, one_process: tuple) -> None:
    stored, report, _, computed = one_process
    home = tmp_path / "h"
    run = hl(home, "import", str(runs), "--json", "--jobs", "2",
             env={parallel_import.ENV_WORKER_EXIT_AFTER: "3"})
    assert run.returncode == 0, run.stderr
    check_intact(home)
    assert state(home) == stored
    assert without_ids(metrics(home)) == computed
    assert json.loads(run.stdout) == report


def _processes_with(marker: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker in cmdline.read_bytes().decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    """Running (not gone, not a zombie waiting to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with their parent on Linux")
def test_kill_9_of_a_parallel_import_stops_its_workers_and_a_rerun_completes(
        tmp_path: Path, runs: Path, one_process: tuple) -> None:
    stored, _, _, computed = one_process
    home = tmp_path / "killed"
    proc = subprocess.Popen([*CLI, "--home", str(home), "import", str(runs), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while count_activities(home) < 5 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the import ended before it could be killed"
    workers = [pid for pid in _processes_with(str(home)) if pid != proc.pid]
    assert workers, "no worker process"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    time.sleep(0.2)  # the kernel kills a worker as its parent dies; one left would still be reading
    assert [pid for pid in workers if _alive(pid)] == []
    check_intact(home)
    again = hl(home, "import", str(runs), "--json")
    assert again.returncode == 0, again.stderr
    assert state(home) == stored
    assert without_ids(metrics(home)) == computed


def test_plan_splits_by_bytes_and_keeps_file_order() -> None:
    sizes = [50, 10, 10, 30, 0, 20, 40]
    shares = parallel_import.plan(sizes, 2)
    assert sorted(i for s in shares for i in s) == list(range(len(sizes)))
    assert all(s == sorted(s) for s in shares)
    loads = [sum(sizes[i] for i in s) for s in shares]
    assert max(loads) - min(loads) <= max(sizes) and sum(loads) == sum(sizes)
    assert parallel_import.plan(sizes, 1) == [list(range(len(sizes)))]


def test_jobs_stay_at_one_for_small_imports_and_once_polars_is_loaded(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "polars" in sys.modules  # this test process: forking now could deadlock polars' threads
    assert parallel_import.jobs_for(1000, 4) == 1
    monkeypatch.delitem(sys.modules, "polars")
    assert parallel_import.jobs_for(1000, 4) == 4
    assert parallel_import.jobs_for(parallel_import.MIN_FILES_PER_JOB * 2 - 1, 4) == 1
    monkeypatch.setenv(parallel_import.ENV_JOBS, "3")
    assert parallel_import.default_jobs() == 3


def test_jobs_must_be_a_positive_whole_number(tmp_path: Path) -> None:
    run = hl(tmp_path / "h", "import", str(tmp_path), "--jobs", "0")
    assert run.returncode == 2
    assert "--jobs" in run.stderr and "1 or more" in run.stderr


def test_the_workspace_is_made_before_workers_open_it(tmp_path: Path) -> None:
    """Processes creating one database at the same instant can fail on SQLite's locks."""
    home = tmp_path / "new"
    assert parallel_import.ready(home) and (home / "heavylegs.sqlite").is_file()
    assert parallel_import.ready(home)  # and an existing one is fine
    assert parallel_import.start(home, [], [], None) == []


def test_an_unknown_sport_is_refused_before_any_reader_is_forked(tmp_path: Path, runs: Path) -> None:
    """Enough files for two processes, and a --sport heavylegs does not know: one error line
    naming the accepted sports, exit 2, and no workspace made (workers would have made it)."""
    home = tmp_path / "h"
    run = hl(home, "import", str(runs), "--jobs", "2", "--sport", "jogging")
    assert run.returncode == 2
    assert "sport='jogging' is not valid" in run.stderr and "trail_running" in run.stderr
    assert not home.exists()


def test_a_sydney_runner_in_imperial_units_gets_the_same_answer_from_two_processes(
        tmp_path: Path, runs: Path) -> None:
    """The workspace's zone and units are set before the import: each process reads them.
    A GPX run at 16:49 UTC on a Sunday is 03:49 on Monday in Sydney (AEDT, +11) in both."""
    from datetime import UTC, datetime

    from test_local_time import SYDNEY, run_file

    folder = tmp_path / "files"
    shutil.copytree(runs, folder)
    run_file(folder, datetime(2026, 5, 24, 16, 49, tzinfo=UTC), "gpx", where=SYDNEY)  # AEST, +10
    got = {}
    for jobs in ("1", "2"):
        home = tmp_path / f"jobs{jobs}"
        assert hl(home, "profile", "set", "timezone=Australia/Sydney", "units=imperial").returncode == 0
        run = hl(home, "import", str(folder), "--jobs", jobs)
        assert run.returncode == 0, run.stderr
        listed = json.loads(hl(home, "activities", "--json").stdout)
        got[jobs] = (state(home), without_ids(metrics(home)), hl(home, "why", "--json").stdout,
                     sorted(json.dumps({k: v for k, v in a.items() if k != "id"}, sort_keys=True) for a in listed),
                     hl(home, "why").stdout)
    assert got["1"] == got["2"]
    assert hl(tmp_path / "jobs2", "activities", "--since", "2026-05-25").stdout.count("02:49") == 1
    assert " mi" in got["2"][4] and " km" not in got["2"][4]
