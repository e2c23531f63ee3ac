"""The CLI contract (spec/cli.md) in real processes: exit codes, one-line errors, no
tracebacks, idempotent re-import, and the `why --json` shape."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from heavylegs import sim
from heavylegs.causes import CAUSE_IDS

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "src/heavylegs/data/why.schema.json").read_text())


def hl(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six weeks of a simulated runner plus two broken files."""
    root = tmp_path_factory.mktemp("files")
    scenario = sim.Scenario(seed=3, start=date(2026, 2, 2), weeks=6, kind="recreational",
                            injections=("spike",), formats="mixed")
    sim.write_files(sim.simulate(scenario), root)
    (root / "broken.fit").write_bytes(b"\x0e\x10\x00\x00\xff\xff\xff\x7f.FIT" + b"\x00" * 20)
    (root / "not-xml.gpx").write_text("this is not a GPX file")
    return root


def test_folder_with_broken_files_keeps_the_good_ones_and_exits_1(tmp_path: Path, folder: Path) -> None:
    run = hl(tmp_path, "import", str(folder), "--json")
    assert run.returncode == 1, run.stderr
    summary = json.loads(run.stdout)
    assert summary["imported"] >= 20 and len(summary["failed"]) == 2
    errors = [line for line in run.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2 and all(("broken.fit" in e) or ("not-xml.gpx" in e) for e in errors)
    assert "Traceback" not in run.stderr
    listed = json.loads(hl(tmp_path, "activities", "--json").stdout)
    assert len(listed) == summary["imported"] - 1  # every activity file, minus the daily log
    assert {"id", "start", "sport", "distance_m", "elapsed_s", "moving_s", "avg_hr_bpm", "source"} <= set(listed[0])
    assert listed[0]["start"][-6] in "+-"  # ISO 8601 with offset


def test_reimport_changes_nothing(tmp_path: Path, folder: Path) -> None:
    from heavylegs.api import Workspace

    first = json.loads(hl(tmp_path, "import", str(folder), "--json").stdout)
    with Workspace(tmp_path) as ws:
        before = ws.counts()
    again = json.loads(hl(tmp_path, "import", str(folder), "--json").stdout)
    with Workspace(tmp_path) as ws:
        after = ws.counts()
    assert again["imported"] == 0 and again["unchanged"] == first["imported"]
    assert before == after


def test_why_json_has_the_contract_shape_and_every_cause_once(tmp_path: Path, folder: Path) -> None:
    hl(tmp_path, "import", str(folder))
    run = hl(tmp_path, "why", "--json")
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout)
    jsonschema.validate(answer, SCHEMA)
    seen = [x["cause"] for key in ("findings", "ruled_out", "not_assessed") for x in answer[key]]
    assert sorted(seen) == sorted(CAUSE_IDS)
    text = hl(tmp_path, "why")
    assert text.returncode == 0 and "training-spike" in text.stdout


def test_bad_input_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    bad = hl(tmp_path, "profile", "set", "max_hr=abc")
    assert bad.returncode == 2 and bad.stderr.startswith("error: max_hr='abc'") and "Traceback" not in bad.stderr
    assert hl(tmp_path, "why", "--date", "yesterday").returncode == 2
    empty = hl(tmp_path, "why")
    assert empty.returncode == 1 and "import" in empty.stderr and "Traceback" not in empty.stderr
    missing = hl(tmp_path, "import", str(tmp_path / "nope.fit"))
    assert missing.returncode == 1 and "no such file" in missing.stderr


def test_profile_and_gear_round_trip(tmp_path: Path, folder: Path) -> None:
    hl(tmp_path, "import", str(folder))
    assert hl(tmp_path, "profile", "set", "sex=female", "threshold_pace=4:50", "sleep_need_h=8.5").returncode == 0
    shown = json.loads(hl(tmp_path, "profile", "show", "--json").stdout)
    assert shown["values"]["sex"] == "female" and shown["values"]["threshold_pace"] == "4:50"
    assert "max_hr" in shown["estimated"] and "lthr" in shown["estimated"]
    assert hl(tmp_path, "gear", "add", "Pegasus", "--from", "2026-01-01", "--limit-km", "700").returncode == 0
    gear = json.loads(hl(tmp_path, "gear", "list", "--json").stdout)
    acts = json.loads(hl(tmp_path, "activities", "--json").stdout)
    run_km = sum(a["distance_m"] for a in acts if a["sport"] == "running") / 1000
    assert gear[0]["name"] == "Pegasus" and abs(gear[0]["km"] - run_km) < 0.2


def test_unzipped_apple_export_folder_reads_routes_only_through_export_xml(tmp_path: Path) -> None:
    from heavylegs.api import discover

    root = tmp_path / "apple_health_export"
    (root / "workout-routes").mkdir(parents=True)
    for name in ("export.xml", "export_cda.xml", "workout-routes/route_2019-06-11_3.00pm.gpx"):
        (root / name).write_text("<x/>")
    (tmp_path / "run.gpx").write_text("<gpx/>")
    found, missing = discover([tmp_path])
    assert sorted(p.relative_to(tmp_path).as_posix() for p in found) == ["apple_health_export/export.xml", "run.gpx"]
