"""No answer contradicts itself (issue 13, item 5): the demo, asked about its own day and
about the zero/one/missing edges of its data, says nothing like "0 days before",
"Only 0 days", "(0 runs)" or "1 runs". The scenario suite runs the same check over every
scenario (tests/test_scenario_suite.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from rich.console import Console

from heavylegs import demo
from heavylegs.api import Workspace
from heavylegs.explain.text import render
from heavylegs.scenarios import answer_texts
from sentence_checks import contradictions


def test_the_checker_catches_the_known_phrasings() -> None:
    seen = ["No leg strength session in the 48 h before today (the last was on Sun 10 Feb, 0 days before).",
            "Only 0 days of activities are stored; import at least 2 weeks.",
            "Your longest run (0 runs) was short.", "You did 1 runs this week.",
            "Not muscle soreness: follow the warning above first.", "1 rest day(s) in the last 7."]
    assert len(contradictions(seen, triage_shown=False)) >= len(seen)
    fine = ["1 rest day in the last 7, form -3.", "In 11 days you ran 1 run of 21 km.",
            "Only 3 days of activities are stored; import at least 4 weeks."]
    assert contradictions(fine, triage_shown=False) == []


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("demo")
    files = root / "files"
    demo.write_demo_files(files)
    ws = Workspace(root / "home")
    ws.profile_set({"sex": "female", "birth_year": "1985"})
    assert not ws.import_paths([files]).failed
    return ws


def _days(ws: Workspace) -> list[date]:
    (first,) = ws.conn.execute("SELECT MIN(date(start_utc)) FROM activities").fetchone()
    start = date.fromisoformat(first)
    return [demo.DEMO_END, start, start + timedelta(days=1), start + timedelta(days=10),
            start - timedelta(days=3), demo.DEMO_END + timedelta(days=20),
            demo.DEMO_END + timedelta(days=3 * 365)]  # years after the data (2030 is now refused as future)


def test_the_demo_never_contradicts_itself(demo_ws: Workspace) -> None:
    bad: dict[str, list[str]] = {}
    for day in _days(demo_ws):
        body = demo_ws.why(day).to_json()
        found = contradictions(answer_texts(body), triage_shown=bool(body["triage"]))
        if found:
            bad[day.isoformat()] = found
    assert bad == {}


def test_the_demo_answer_prints_titles_and_the_order(demo_ws: Workspace, tmp_path: Path) -> None:
    console = Console(width=100, record=True, file=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    body = demo_ws.why(demo.DEMO_END).to_json()
    console.print(render(body))
    shown = console.export_text()
    assert "score × confidence weight" in shown
    assert "Training spike (too much, too soon) (training-spike)" in shown
    assert all(f["title"] and "rank_score" in f for f in body["findings"])
    ranks = [f["rank_score"] for f in body["findings"]]
    assert ranks == sorted(ranks, reverse=True)
