"""Healthy runners at the edges of the causes' thresholds (issue 13): the simulated truth
sits inside science.md's normal ranges, right next to the lines the causes draw."""

from __future__ import annotations

from datetime import date

import pytest

from heavylegs import scenarios, sim
from heavylegs.sim.habits import body_mass, run_hours
from heavylegs.sim.plan import reference_km

START = date(2026, 1, 5)


def _sim(name: str, kind: str, seed: int) -> sim.SimResult:
    return sim.simulate(sim.Scenario(seed=seed, start=START, weeks=12, kind=kind, injections=(name,)), runs=False)


def test_edge_runners_inject_no_cause_and_count_as_healthy() -> None:
    edge = scenarios.edge_specs(2)
    assert len(edge) == 6 and all(s.name.startswith("healthy-edge-") and s.cause is None for s in edge)
    assert set(sim.EDGE_INJECTIONS) <= set(sim.INJECTIONS) and not set(sim.EDGE_INJECTIONS) & set(
        sim.CAUSE_INJECTIONS.values())


@pytest.mark.parametrize("kind", ["novice", "recreational", "advanced"])
def test_long_runs_of_76_to_88_min_on_0_8_to_1_2_g_per_kg(kind: str) -> None:
    result = _sim("edge-long-run", kind, 11)
    longs = [(d, row) for d, row in zip(result.plan, result.log, strict=True) if d.session == "long" and d.is_run]
    assert longs
    for d, row in longs:
        assert 75 <= run_hours(d, result.runner) * 60 <= 90
        per_kg = row["pre_run_carbs_g"] / body_mass(d, result.runner)
        assert 0.78 <= per_kg <= 1.22
        assert 30 <= row["run_carbs_g"] / run_hours(d, result.runner) <= 41


@pytest.mark.parametrize("kind", ["novice", "advanced"])
def test_nights_of_6_8_to_7_2_h_with_a_7_day_mean_of_7_h_or_more(kind: str) -> None:
    result = _sim("edge-sleep", kind, 12)
    nights = [s.sleep_h for s in result.states]
    assert min(nights) >= 6.8 and max(nights) <= 7.2
    assert all(sum(nights[i - 7:i]) / 7 >= 7.0 for i in range(7, len(nights) + 1))
    assert all(sum(h < 7 for h in nights[i - 7:i]) <= 2 for i in range(7, len(nights) + 1))


def test_the_final_long_run_rises_9_to_11_percent() -> None:
    result = _sim("edge-rise", "recreational", 13)
    last = [d for d in result.plan[-7:] if d.session == "long" and d.is_run][-1]
    rise = last.planned_km / reference_km(result.plan, last.index, result.runner) - 1
    assert 0.085 <= rise <= 0.115
