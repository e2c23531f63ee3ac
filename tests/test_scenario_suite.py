"""The scenario suite (issue: the engine): every cause injected alone is found; healthy
controls (10, different seeds and runner types, plus one runner at each edge of the causes'
thresholds: long runs of 76-88 min on 0.8-1.2 g/kg, nights of 6.8-7.2 h, a 9-11 % long-run
rise) get nothing above low confidence; every triage day gets its tier or a more urgent
one, first; no answer sentence contradicts itself (issue 13). The per-cause table is printed."""

from __future__ import annotations

import pytest

from heavylegs import scenarios
from heavylegs.causes import CAUSE_IDS
from sentence_checks import contradictions


@pytest.fixture(scope="module")
def outcomes() -> list[scenarios.Outcome]:
    result = scenarios.run_all(scenarios.specs([1], healthy=10, edge=1))
    print("\n" + scenarios.table(result))
    return result


def test_no_scenario_errors(outcomes: list[scenarios.Outcome]) -> None:
    assert [o.error for o in outcomes if o.error] == []


def test_every_cause_is_injectable_and_found(outcomes: list[scenarios.Outcome]) -> None:
    injected = {o.spec.cause for o in outcomes if o.spec.cause}
    assert injected == set(CAUSE_IDS)
    missed = [o.spec.name for o in outcomes if o.spec.cause and o.spec.cause not in o.found]
    assert missed == []


def test_healthy_controls_have_nothing_above_low(outcomes: list[scenarios.Outcome]) -> None:
    healthy = [o for o in outcomes if o.spec.name.startswith("healthy")]
    assert len(healthy) >= 13 and len({o.spec.kind for o in healthy}) == 3
    assert sum(o.spec.name.startswith("healthy-edge-") for o in healthy) == 3
    loud = {o.spec.name: {c: v for c, v in o.found.items() if v != "low"} for o in healthy}
    assert {k: v for k, v in loud.items() if v} == {}


def test_healthy_controls_get_no_triage(outcomes: list[scenarios.Outcome]) -> None:
    """No new false alarms (issue 10): the free-text reading and the look-back window raise
    nothing for runners without a red flag."""
    healthy = [o for o in outcomes if o.spec.name.startswith("healthy")]
    assert {o.spec.name: o.tiers for o in healthy if o.tiers} == {}


def test_every_answer_keeps_the_copy_rules(outcomes: list[scenarios.Outcome]) -> None:
    """Terminal, JSON, Markdown and HTML of every scenario's answer (issue 10)."""
    assert {o.spec.name: o.copy for o in outcomes if o.copy} == {}
    active = [o for o in outcomes if set(o.tiers) & {"emergency", "urgent"}]
    assert len(active) >= 5  # the check ran over answers with advice withheld


def test_triage_days_get_their_tier_first(outcomes: list[scenarios.Outcome]) -> None:
    triage = [o for o in outcomes if o.spec.tier]
    assert len(triage) >= 8
    assert [(o.spec.name, o.tiers) for o in triage if not scenarios.tier_ok(o)] == []


def test_no_answer_sentence_contradicts_itself(outcomes: list[scenarios.Outcome]) -> None:
    assert all(o.texts for o in outcomes if not o.error)
    bad = {o.spec.name: found for o in outcomes if (found := contradictions(o.texts, triage_shown=bool(o.tiers)))}
    assert bad == {}
