"""Stored answers (storage/answers.py): a repeated `why` prints the stored answer, and no
change to the data, the code or the runner's time zone ever lets a stale one through."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from heavylegs import sim, zones
from heavylegs.api import Workspace
from heavylegs.storage import answers
from heavylegs.storage.db import DATA_TABLES, DB_NAME

SYSTEM = zones.system_zone(os.environ)  # what the CLI and Workspace() read


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("files")
    scenario = sim.Scenario(seed=11, start=date(2026, 3, 2), weeks=5, kind="recreational",
                            injections=("spike",), formats="mixed")
    sim.write_files(sim.simulate(scenario), root)
    return root


@pytest.fixture()
def ws(tmp_path: Path, files: Path):
    with Workspace(tmp_path / "ws") as w:
        w.import_paths([files])
        yield w


def _stored(ws: Workspace) -> int:
    return ws.conn.execute("SELECT count(*) FROM answers").fetchone()[0]


def test_answer_is_stored_and_served_unchanged(ws: Workspace) -> None:
    assert answers.lookup(ws.conn, None, SYSTEM) is None
    first = ws.why_json()
    assert _stored(ws) == 1
    assert answers.lookup(ws.conn, None, SYSTEM) == first
    assert ws.why_json() == first == ws.why().to_json()
    day = date.fromisoformat(first["date"])  # type: ignore[arg-type]
    ws.why_json(day)  # an explicit day is its own entry
    assert _stored(ws) == 2 and answers.lookup_in(ws.home, day, SYSTEM) == first


@pytest.mark.parametrize("table", DATA_TABLES)
def test_every_data_table_has_triggers(ws: Workspace, table: str) -> None:
    names = {r[0] for r in ws.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,))}
    assert names == {f"answers_stale_{table}_{op}" for op in ("ins", "upd", "del")}


def test_a_new_data_table_would_need_triggers(ws: Workspace) -> None:
    tables = {r[0] for r in ws.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables - {"answers"} == set(DATA_TABLES), "add the new table to storage.db.DATA_TABLES"


def test_any_write_makes_the_answer_stale(ws: Workspace, files: Path) -> None:
    ws.why_json()
    day = date.fromisoformat(ws.why_json()["date"])  # type: ignore[arg-type]
    ws.log_set(day, {"sleep_h": "4.5"})  # the API
    assert _stored(ws) == 0
    changed = ws.why_json()
    assert "sleep" in json.dumps(changed) and changed == ws.why().to_json()
    ws.profile_set({"max_hr": "190"})
    assert _stored(ws) == 0
    ws.why_json()
    ws.gear_add("Clifton", None, None, 0.0, None)
    assert _stored(ws) == 0
    ws.why_json()
    # any other writer (a script, the sqlite3 shell) is caught by the triggers too
    with sqlite3.connect(ws.home / DB_NAME) as other:
        other.execute("UPDATE activities SET distance_m = distance_m + 1 WHERE id = 1")
    assert answers.lookup(ws.conn, None, SYSTEM) is None


def test_re_import_of_the_same_files_keeps_it(ws: Workspace, files: Path) -> None:
    first = ws.why_json()
    report = ws.import_paths([files])
    assert report.imported == 0 and ws.why_json() == first


def test_other_code_or_zone_is_a_miss(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.why_json()
    monkeypatch.setattr(answers, "_CODE", "another-version")
    assert answers.lookup(ws.conn, None, SYSTEM) is None
    monkeypatch.undo()
    assert answers.lookup(ws.conn, None, SYSTEM) is not None
    other = "Pacific/Chatham" if SYSTEM != "Pacific/Chatham" else "Europe/Berlin"
    assert answers.lookup(ws.conn, None, other) is None  # the system's zone changed (TZ)


def test_a_new_profile_zone_is_a_miss_and_its_answer_is_stored_under_it(ws: Workspace) -> None:
    before = ws.why_json()
    ws.profile_set({"timezone": "Pacific/Kiritimati"})  # UTC+14: every local time moves
    assert _stored(ws) == 0 and answers.lookup(ws.conn, None, SYSTEM) is None
    after = ws.why_json()
    assert answers.lookup(ws.conn, None, SYSTEM) == after == ws.why().to_json()
    assert after != before
    ws.sync_offsets()  # nothing to redo: the answer stays
    assert answers.lookup(ws.conn, None, None) == after


def test_code_version_sees_an_edited_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "heavylegs"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("x = 1\n")
    import heavylegs

    monkeypatch.setattr(heavylegs, "__file__", str(pkg / "__init__.py"))
    monkeypatch.setattr(answers, "_CODE", None)
    before = answers.code_version()
    (pkg / "__init__.py").write_text("x = 22\n")
    monkeypatch.setattr(answers, "_CODE", None)
    assert answers.code_version() != before


def test_no_workspace_or_older_schema_is_a_miss(tmp_path: Path) -> None:
    assert answers.lookup_in(tmp_path, None, SYSTEM) is None
    with sqlite3.connect(tmp_path / DB_NAME) as old:
        old.execute("PRAGMA user_version = 3")
    assert answers.lookup_in(tmp_path, None, SYSTEM) is None


def _cli(home: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]


def test_cli_why_after_import_and_checkin(tmp_path: Path, files: Path) -> None:
    home = tmp_path / "ws"
    assert _cli(home, "import", str(files)).returncode == 0
    stored = answers.lookup_in(home, None, SYSTEM)
    assert stored is not None  # import prepared the answer
    served = _cli(home, "why", "--json")
    assert served.returncode == 0 and json.loads(served.stdout) == stored
    with Workspace(home) as w:
        assert w.why().to_json() == stored  # what the engine computes now
    day = stored["date"]
    assert _cli(home, "checkin", "--date", str(day), "--set", "symptoms=swelling-left;calf-pain-one-side",
                "--set", "heaviness=8").returncode == 0
    prepared = answers.lookup_in(home, None, SYSTEM)  # the check-in prepared the new answer
    after = json.loads(_cli(home, "why", "--json").stdout)
    assert after == prepared
    assert after["triage"] and after["triage"][0]["tier"] in ("emergency", "urgent")
    assert after["heaviness"] == 8
    text = _cli(home, "why")
    assert text.returncode == 0 and "see a doctor" in text.stdout
    assert _cli(home, "profile", "set", "max_hr=191").returncode == 0
    assert answers.lookup_in(home, None, SYSTEM) is not None  # so did the profile change


def test_computed_why_json_needs_neither_numpy_nor_rich(ws: Workspace) -> None:
    """Half of a cold `why`'s time was imports; the answer path reads loads, the profile and
    the causes through polars alone, and `--json` never renders rich text."""
    ws.conn.execute("DELETE FROM answers")
    ws.conn.commit()
    code = ("import json, sys; from heavylegs import cli; rc = cli.main(['--home', sys.argv[1], 'why', '--json']); "
            "sys.stderr.write(json.dumps([rc, sorted({m.split('.')[0] for m in sys.modules} "
            "& {'numpy', 'rich', 'fitdecode', 'garmin_fit_sdk', 'pandas'})]))")
    run = subprocess.run([sys.executable, "-c", code, str(ws.home)], capture_output=True, text=True, timeout=300)
    rc, heavy = json.loads(run.stderr.strip().splitlines()[-1])
    assert rc == 0 and json.loads(run.stdout)["date"], run.stderr
    assert heavy == [], f"a computed `why --json` imported {heavy}"
    assert _stored(ws) == 1  # and it stored what it computed
