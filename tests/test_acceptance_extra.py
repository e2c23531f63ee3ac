"""Acceptance points of the lifestyle and engine issues: shoe km and crossing dates,
profile estimates against the simulator's truth, every cause id once on random data."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine_helpers import make_context
from heavylegs import sim
from heavylegs.causes import CAUSE_IDS, evaluate_all
from heavylegs.core import gear


def test_shoe_km_and_500_800_crossing_dates() -> None:
    day0 = date(2026, 1, 1)
    runs = {day0 + timedelta(days=i): 10.0 for i in range(0, 200, 2)}  # 100 runs of 10 km
    ctx = make_context(day0 + timedelta(days=199), runs)
    shoes = [gear.Shoe(1, "A", day0, day0 + timedelta(days=99), start_km=20.0), gear.Shoe(2, "B", day0 + timedelta(days=100))]
    import polars as pl

    acts = ctx.acts.with_columns(gear_id=pl.lit(None, dtype=pl.Int64))
    rows = {r["name"]: r for r in gear.summary(gear.assign(acts, shoes), shoes)}
    # A: 50 runs (days 0..98) + 20 km start = 520 km, crossing 500 km on its 48th run (day 94)
    assert rows["A"]["km"] == 520.0 and rows["A"]["runs"] == 50
    assert rows["A"]["crossed_500_km"] == (day0 + timedelta(days=94)).isoformat() and rows["A"]["crossed_800_km"] is None
    assert rows["B"]["km"] == 500.0 and rows["B"]["crossed_500_km"] == (day0 + timedelta(days=198)).isoformat()
    assert rows["A"]["km"] + rows["B"]["km"] - 20.0 == sum(runs.values())


def test_profile_estimates_recover_the_simulated_runner(tmp_path: Path) -> None:
    from heavylegs.api import Workspace

    for seed, kind in ((21, "recreational"), (22, "advanced")):
        scenario = sim.Scenario(seed=seed, start=date(2026, 1, 5), weeks=16, kind=kind, formats="tcx")
        result = sim.simulate(scenario)
        sim.write_files(result, tmp_path / str(seed))
        with Workspace(tmp_path / f"home{seed}") as ws:
            ws.import_paths([tmp_path / str(seed)])
            p = ws.profile(scenario.end)
        assert "max_hr" in p.estimated and "resting_hr" in p.estimated
        assert abs(p.max_hr - result.runner.max_hr) <= 3, (p.max_hr, result.runner.max_hr)
        assert abs(p.resting_hr - result.runner.resting_hr) <= 3, (p.resting_hr, result.runner.resting_hr)


DAY = date(2026, 6, 30)
values = st.one_of(st.none(), st.integers(0, 10))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.integers(0, 120), st.floats(1.0, 45.0), max_size=90),
       st.dictionaries(st.integers(0, 60), st.fixed_dictionaries(
           {"heaviness": values, "sleep_h": st.one_of(st.none(), st.floats(3, 11)), "soreness": values,
            "fatigue": values, "pain": values}), max_size=60))
def test_every_cause_id_exactly_once_on_random_data(runs: dict, log: dict) -> None:
    ctx = make_context(DAY, {DAY - timedelta(days=d): km for d, km in runs.items()},
                       {DAY - timedelta(days=d): {k: v for k, v in row.items() if v is not None}
                        for d, row in log.items()})
    results = evaluate_all(ctx)
    assert sorted(r.cause for r in results) == sorted(CAUSE_IDS)
    for r in results:
        if hasattr(r, "score"):
            assert 0.0 <= r.score <= 1.0 and r.evidence and r.fix
