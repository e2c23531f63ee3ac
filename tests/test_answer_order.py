"""The answer's order means one stated thing, every cause has a plain title, and legs that
feel fine get watch-outs, not likely causes (issue 13, items 2 and 4)."""

from __future__ import annotations

from datetime import date

from rich.console import Console

from heavylegs.causes import CAUSE_IDS
from heavylegs.causes.base import TITLES, Finding, NotAssessed, Ruled
from heavylegs.explain import build, legs_state
from heavylegs.explain.text import render

DAY = date(2026, 3, 15)


def _results() -> list:  # type: ignore[type-arg]
    return [Finding("overtraining", 0.89, "low", (), ()), Finding("training-spike", 0.75, "high", (), ()),
            Finding("running-form", 0.6, "medium", (), ()), Ruled("worn-shoes", "Shoes are young."),
            NotAssessed("iron-deficiency", ("ferritin",), "Log a ferritin result.")]


def _shown(body: dict) -> str:
    console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(render(body))
    return console.export_text()


def test_every_cause_has_a_plain_title() -> None:
    assert set(TITLES) == set(CAUSE_IDS) and all(t and t != c for c, t in TITLES.items())
    assert TITLES["glycogen-depletion"] == "Glycogen depletion (low fuel)"


def test_findings_are_ordered_by_the_stated_rank_score() -> None:
    body = build(DAY, 7, [], _results(), legs="heavy").to_json()
    assert [f["cause"] for f in body["findings"]] == ["training-spike", "running-form", "overtraining"]
    assert [f["rank_score"] for f in body["findings"]] == [0.75, 0.48, 0.445]
    assert "score × confidence weight" in body["order"]
    assert all(f["role"] == "likely-cause" for f in body["findings"])
    assert body["ruled_out"][0]["title"] == "Worn or unsuitable shoes"
    assert body["not_assessed"][0]["title"] == "Iron deficiency or anaemia"
    text = _shown(body)
    assert "Likely causes, ranked by score × confidence weight" in text
    assert "1. Training spike (too much, too soon) (training-spike)" in text


def test_legs_that_feel_fine_get_only_watch_outs() -> None:
    assert legs_state(1, None, None, None) == "fine" and legs_state(4, None, None, None) == "heavy"
    assert legs_state(None, None, 2, 3) == "fine" and legs_state(None, "cramps", 2, 2) == "unknown"
    assert legs_state(None, None, None, None) == "unknown"
    body = build(DAY, 1, [], _results(), legs="fine").to_json()
    roles = {f["cause"]: f["role"] for f in body["findings"]}
    assert roles == {"training-spike": "watch-out", "running-form": "not-shown", "overtraining": "not-shown"}
    assert body["legs"] == "fine" and any("seem fine" in n for n in body["notes"])
    text = _shown(body)
    assert "Your legs seem fine today. Watch-outs" in text and "Likely causes" not in text
    assert "running-form" not in text.split("Note:")[0]
