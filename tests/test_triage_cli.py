"""Issue 10's table through the real CLI: a workspace of seven weeks of easy running (GPX
files; plus a 26 km downhill run and a 12 km tempo where a row says "after a spike"), the
row's check-ins entered with `heavylegs checkin --set`, then `why --date D --json` and the
terminal `why --date D`. Each row gives science.md §3's tier or a more urgent one, keeps
the copy rules, and the flag stops once `seen_doctor=yes` is logged."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import jsonschema
import pytest

from triage_helpers import DAY, ISSUE_ROWS, at_least, copy_rule_problems, write_runs

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "src/heavylegs/data/why.schema.json").read_text())


def hl(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "2000", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "heavylegs.cli", "--home", str(home), *args],
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="module")
def homes(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Path]:
    out = {}
    for spike in (False, True):
        root = tmp_path_factory.mktemp(f"spike{spike}")
        write_runs(root / "runs", spike)
        run = hl(root / "home", "import", str(root / "runs"))
        assert run.returncode == 0, run.stderr
        out[spike] = root / "home"
    return out


def _checkin(home: Path, days: dict[int, dict[str, object]]) -> None:
    for back, values in sorted(days.items(), reverse=True):
        sets = [a for k, v in values.items() for a in ("--set", f"{k}={v}")]
        run = hl(home, "checkin", "--date", (DAY - timedelta(days=back)).isoformat(), *sets)
        assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("name,days,spike,want", ISSUE_ROWS, ids=[r[0] for r in ISSUE_ROWS])
def test_issue_row_through_the_cli(tmp_path: Path, homes: dict[bool, Path], name: str,
                                   days: dict[int, dict[str, object]], spike: bool, want: str) -> None:
    home = tmp_path / "home"
    shutil.copytree(homes[spike], home)
    _checkin(home, days)
    run = hl(home, "why", "--date", DAY.isoformat(), "--json")
    assert run.returncode == 0, run.stderr
    body = json.loads(run.stdout)
    jsonschema.validate(body, SCHEMA)
    tiers = [h["tier"] for h in body["triage"]]
    assert at_least(tiers, want), (name, tiers)
    terminal = hl(home, "why", "--date", DAY.isoformat())
    assert terminal.returncode == 0, terminal.stderr
    assert copy_rule_problems(body, {"terminal": terminal.stdout}) == []
    if spike:  # the training cause is still shown, for the doctor, but without its fixes
        assert body["findings"] and all(f["fix"] == [] for f in body["findings"])
        assert "For your conversation with the doctor" in terminal.stdout
    if body["training_advice_withheld"]:
        _checkin(home, {0: {"seen_doctor": "yes"}})
        after = json.loads(hl(home, "why", "--date", DAY.isoformat(), "--json").stdout)
        assert after["triage"] == [] and after["training_advice_withheld"] is False
        assert any("doctor saw you" in n for n in after["notes"])
        if after["findings"]:
            assert any(f["fix"] for f in after["findings"])  # the fixes come back
