"""The answer a runner reads (issue 13): a short default answer (`why`, `demo`), everything
under `--full`, a half-line glossary, and the seeds' remedies offered where they fit but
never next to an active tier 0-1 flag."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console

from heavylegs import explain
from heavylegs.causes.base import Evidence, Finding, NotAssessed, Ruled
from heavylegs.explain import remedies, report, summary
from heavylegs.explain.glossary import Glossary
from heavylegs.explain.plan import PlanItem
from heavylegs.explain.text import render
from heavylegs.triage.rules import TriageHit
from sentence_checks import contradictions

DAY = date(2026, 3, 10)
MAX_LINES = 45  # issue 13: the demo's default answer at 100 columns


def _hl(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100", "HEAVYLEGS_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "heavylegs.cli", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def test_the_demo_answer_fits_45_lines_and_full_shows_the_rest(tmp_path: Path) -> None:
    run = _hl(tmp_path, "demo")
    assert run.returncode == 0, run.stderr
    lines = run.stdout.rstrip("\n").splitlines()
    answer = lines[lines.index("") + 1:]  # after the demo's own two lines and a blank line
    assert answer[0].startswith("Why are my legs heavy?")
    assert len(answer) <= MAX_LINES, "\n".join(answer)
    assert "To learn more, add:" in run.stdout and "Ruled out by your data:" in run.stdout
    assert "Not assessed" not in run.stdout and "Your own patterns" not in run.stdout
    assert sum(line.startswith("Morning markers:") for line in answer) == 1  # one line, not a section
    full = _hl(tmp_path, "--home", str(tmp_path / "demo" / "workspace"), "why", "--full")
    assert full.returncode == 0, full.stderr
    for heading in ("Ruled out", "Not assessed", "Morning markers\n", "Your own patterns", "Note: Profile used"):
        assert heading in full.stdout, heading
    assert len(full.stdout.splitlines()) > 2 * len(answer)
    body = json.loads(_hl(tmp_path, "--home", str(tmp_path / "demo" / "workspace"), "why", "--json").stdout)
    assert "(heart-rate variability" not in json.dumps(body)  # the glossary is the renderers' alone


def test_glossary_explains_each_term_once_and_leaves_running_form_alone() -> None:
    g = Glossary()
    assert g.explain("Running form (overstriding, low cadence)") == "Running form (overstriding, low cadence)"
    first = g.explain("HRV 7-day mean 45 ms; let form climb back toward −10…+5.")
    assert first.startswith("HRV (heart-rate variability") and "form (fitness minus fatigue" in first
    assert g.explain("HRV again, form −20") == "HRV again, form −20"
    assert g.explain("Your form (fitness minus fatigue) fell to −25, monotony 2.3") == \
        "Your form (fitness minus fatigue) fell to −25, monotony (how alike your training days are; high means " \
        "too little easy/hard contrast) 2.3"
    assert g.used() == ["form", "HRV", "monotony"]


def test_learn_more_picks_the_additions_that_settle_most_causes() -> None:
    missing = [{"cause": "a", "title": "A", "missing": ["b12_pg_ml"]},
               {"cause": "b", "title": "B", "missing": ["body_mass_kg", "urine_color"]},
               {"cause": "c", "title": "C", "missing": ["energy_kcal", "body_mass_kg"]},
               {"cause": "d", "title": "D", "missing": ["vitamin_d_ng_ml"]},
               {"cause": "e", "title": "E", "missing": ["carbs_g"]},
               {"cause": "f", "title": "F", "missing": ["not implemented"]}]
    assert summary.learn_more(missing) == [("body_mass_kg", ["B", "C"]), ("carbs_g", ["E"]), ("b12_pg_ml", ["A"])]


def _finding(cause: str, n_evidence: int = 1) -> Finding:
    ev = tuple(Evidence("m", i, None, (DAY, DAY), f"Evidence {i} of {cause}.") for i in range(n_evidence))
    return Finding(cause, 0.8, "high", ev, (f"Own fix of {cause}.",))


def _text(body: dict, full: bool = False, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(render(body, full=full))
    return console.file.getvalue()


def test_short_answer_caps_findings_and_evidence() -> None:
    causes = ("muscle-damage", "training-spike", "sleep-deprivation", "overtraining", "worn-shoes")
    answer = explain.build(DAY, 8, [], [_finding(c, 5) for c in causes] +
                           [Ruled("venous-return", "No sign."), NotAssessed("low-protein", ("protein_g",), "Log it.")])
    short, full = _text(answer.to_json(), width=2000), _text(answer.to_json(), full=True, width=2000)
    assert short.count("Evidence 4 of") == 0 and short.count("Evidence 2 of") == 3
    assert "2 more possible:" in short and "Worn or unsuitable shoes (worn-shoes)" in short
    assert "protein_g (for Too little protein)" in short and "Ruled out by your data: 1 cause; 1 more needs data" in short
    assert full.count("Evidence 4 of") == 5 and "Poor venous return (vein problems) (venous-return): No sign." in full
    md = report.markdown(answer)
    assert md.count("Evidence 2 of") == 3 and "Evidence 4 of" not in md
    assert report.markdown(answer, full=True).count("Evidence 4 of") == 5


def test_remedies_join_the_fixes_that_fit_and_say_where_the_seed_overstates() -> None:
    answer = explain.build(DAY, 8, [], [_finding(c) for c in ("muscle-damage", "sleep-deprivation",
                                                               "electrolyte-imbalance", "worn-shoes", "training-spike")])
    fixes = {f["cause"]: " ".join(f["fix"]) for f in answer.to_json()["findings"]}
    assert "will not make the soreness pass faster" in fixes["muscle-damage"]
    assert "foam rolling" in fixes["muscle-damage"]
    assert "sleep-hygiene" in fixes["sleep-deprivation"]
    assert "hardly contain" in fixes["electrolyte-imbalance"] and "sodium" in fixes["electrolyte-imbalance"]
    assert "did not prevent injuries" in fixes["worn-shoes"]
    assert fixes["training-spike"] == "Own fix of training-spike."
    plan = remedies.plan_items([PlanItem("rest", "Rest days: Monday."), PlanItem("intensity", "Keep it easy.")])
    said = " ".join(p.text for p in plan)
    assert {p.topic for p in plan} == {"recovery"} and "walk, spin or swim" in said and "cool-down" in said
    assert remedies.plan_items([PlanItem("data", "No activity.")]) == []


@pytest.mark.parametrize("tier", ["emergency", "urgent"])
def test_no_remedy_while_a_tier_0_1_flag_is_active(tier: str) -> None:
    hit = TriageHit(tier, "dvt", "Possible clot.", ("today: calf swelling",), DAY)
    plan = (PlanItem("rest", "Rest days: Monday."), *remedies.plan_items([PlanItem("rest", "x")]))
    answer = explain.build(DAY, 8, [hit], [_finding(c) for c in remedies.FOR_CAUSE], plan=plan)
    body = answer.to_json()
    outputs = [json.dumps(body), _text(body), _text(body, full=True), report.markdown(answer, full=True)]
    for text in outputs:
        for remedy in remedies.REMEDY.values():
            assert remedy[:40] not in text
    assert all(f["fix"] == [] for f in body["findings"]) and body["plan"] == []


def test_legs_fine_hides_the_not_shown_findings_in_the_reports() -> None:
    answer = explain.build(DAY, 2, [], [_finding("muscle-damage"), _finding("training-spike")], legs="fine")
    md = report.markdown(answer, full=True)
    assert "Your legs seem fine today. Watch-outs" in md and "Training spike" in md
    assert "Evidence 0 of muscle-damage" not in md
    alone = explain.build(DAY, 2, [], [_finding("muscle-damage")], legs="fine")
    assert "Your legs seem fine today, and no risk signal stands out." in report.markdown(alone)


@pytest.mark.parametrize("n_ruled,n_missing", [(0, 0), (1, 1), (2, 0), (0, 2)])
def test_the_summary_lines_never_contradict_themselves(n_ruled: int, n_missing: int) -> None:
    ruled = [Ruled(c, "No sign.") for c in ("venous-return", "arterial-disease")[:n_ruled]]
    missing = [NotAssessed(c, ("protein_g",), "Log it.") for c in ("low-protein", "low-carbohydrate")[:n_missing]]
    for legs, heaviness in (("heavy", 8), ("fine", 2)):
        answer = explain.build(DAY, heaviness, [], [_finding("training-spike")] + ruled + missing, legs=legs)
        lines = [line.strip() for line in _text(answer.to_json(), width=2000).splitlines() if line.strip()]
        assert contradictions(lines, triage_shown=False) == []
        assert not any(re.search(r"\b(?:0 causes|1 causes|1 more need data)\b", line) for line in lines), lines
