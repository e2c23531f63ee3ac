"""Per-activity metrics are computed once at import and recomputed from the stored streams
when the profile values they depend on change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from heavylegs import sim
from heavylegs.api import Workspace


def test_metrics_stored_at_import_and_recomputed_on_profile_change(tmp_path: Path) -> None:
    scenario = sim.Scenario(seed=12, start=date(2026, 4, 6), weeks=3, formats="tcx")
    sim.write_files(sim.simulate(scenario), tmp_path / "files")
    with Workspace(tmp_path / "home") as ws:
        ws.import_paths([tmp_path / "files"])
        n = ws.counts()["activities"]
        assert ws.counts()["activity_metrics"] == n and n >= 8
        before = ws.context().acts.select("id", "hr_hard_s", "decoupling_pct", "cadence_spm_mean")
        assert before["cadence_spm_mean"].drop_nulls().len() == n
        assert ws.refresh_metrics() == 0  # nothing stale
        ws.profile_set({"max_hr": "150"})  # far lower: much more time counts as hard
        after = ws.context().acts.select("id", "hr_hard_s", "decoupling_pct", "cadence_spm_mean")
    assert after["hr_hard_s"].sum() > before["hr_hard_s"].sum() + 600
    assert after["decoupling_pct"].to_list() == before["decoupling_pct"].to_list()
