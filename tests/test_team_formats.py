"""The team benchmark's file formats: 'fit-tcx' writes each run as FIT (mostly, as modern
watches do) or TCX, a seeded draw per run; the same scenario gives the same files."""

from __future__ import annotations

from collections import Counter
from datetime import date

from heavylegs import sim
from heavylegs.sim.simulate import FIT_SHARE


def test_fit_tcx_writes_mostly_fit_and_some_tcx_deterministically(tmp_path) -> None:
    scenario = sim.Scenario(seed=11, start=date(2026, 1, 5), weeks=12, kind="advanced", formats="fit-tcx")
    result = sim.simulate(scenario)
    counts = Counter(a.file_format for a in result.activities)
    assert set(counts) == {"fit", "tcx"}
    assert 0.6 < counts["fit"] / sum(counts.values()) < 0.95 and FIT_SHARE == 0.8
    again = sim.simulate(scenario)
    assert [a.file_format for a in again.activities] == [a.file_format for a in result.activities]
    written = sim.write_files(result, tmp_path)
    assert Counter(p.suffix for p in written) == {".fit": counts["fit"], ".tcx": counts["tcx"], ".csv": 1}
