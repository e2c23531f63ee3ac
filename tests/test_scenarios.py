"""Scenario tests: a simulated runner's files and log go through import into a real
workspace, and the answer must name the injected causes (and nothing for healthy runners)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from heavylegs import sim
from heavylegs.api import Workspace


def answer_for(tmp_path: Path, seed: int, kind: str, injections: tuple[str, ...], weeks: int = 10):
    scenario = sim.Scenario(seed=seed, start=date(2026, 1, 5), weeks=weeks, kind=kind,
                            injections=injections, formats="mixed")
    sim.write_files(sim.simulate(scenario), tmp_path / "files")
    with Workspace(tmp_path / "home") as ws:
        report = ws.import_paths([tmp_path / "files"])
        assert not report.failed, report.failed
        return ws.why()


def found(answer) -> set[str]:
    return {f.cause for f in answer.findings}


@pytest.mark.parametrize("kind,seed", [("novice", 1), ("recreational", 2), ("advanced", 3)])
def test_spike_scenario_gets_training_spike(tmp_path: Path, kind: str, seed: int) -> None:
    answer = answer_for(tmp_path, seed, kind, ("spike",))
    assert "training-spike" in found(answer)
    assert answer.heaviness is not None and answer.heaviness >= 6


@pytest.mark.parametrize("kind,seed", [("novice", 4), ("recreational", 5), ("advanced", 6)])
def test_short_sleep_scenario_gets_sleep_deprivation(tmp_path: Path, kind: str, seed: int) -> None:
    answer = answer_for(tmp_path, seed, kind, ("short-sleep",))
    assert "sleep-deprivation" in found(answer)
    assert answer.findings[0].cause == "sleep-deprivation" or "training-spike" not in found(answer)


@pytest.mark.parametrize("kind,seed", [("novice", 7), ("recreational", 8), ("advanced", 9),
                                       ("recreational", 10)])
def test_healthy_control_gets_neither(tmp_path: Path, kind: str, seed: int) -> None:
    answer = answer_for(tmp_path, seed, kind, ())
    assert not found(answer) & {"training-spike", "sleep-deprivation"}
    assert answer.triage == ()


def test_one_sided_swelling_is_urgent_even_in_healthy_training(tmp_path: Path) -> None:
    answer = answer_for(tmp_path, 11, "recreational", ("calf-swelling",))
    assert answer.triage and answer.triage[0].tier == "urgent"
    assert answer.triage[0].rule == "one-sided-calf-swelling"
    assert "doctor" in answer.triage[0].message and "DOMS" not in answer.triage[0].message
