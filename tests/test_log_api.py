"""Daily-log values set through the workspace, exported, and re-imported unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from heavylegs.errors import InvalidInput


def test_set_export_reimport_is_identity(workspace, tmp_path: Path) -> None:
    d = date(2026, 5, 4)
    assert [h.rule for h in workspace.log_set(d, {"heaviness": "7", "sleep_h": "6.5", "symptoms": "numbness",
                                              "electrolytes": "yes", "protein_meals_g": "22;30"})] == ["swelling-or-numbness"]
    assert workspace.log_row(d) == {"heaviness": 7, "sleep_h": 6.5, "symptoms": "numbness",
                                    "electrolytes": 1, "protein_meals_g": "22;30"}
    out = tmp_path / "log.csv"
    assert workspace.export_daily_log(out) == 1
    from heavylegs.api import Workspace

    with Workspace(tmp_path / "other") as other:
        other.import_paths([out])
        assert other.log_row(d) == workspace.log_row(d)


def test_bad_value_names_the_field_and_range(workspace) -> None:
    with pytest.raises(InvalidInput, match="heaviness.*0-10"):
        workspace.log_set(date(2026, 5, 4), {"heaviness": "12"})


def test_one_sided_swelling_fires_triage_on_set(workspace) -> None:
    hits = workspace.log_set(date(2026, 5, 4), {"symptoms": "swelling-right"})
    assert [h.tier for h in hits] == ["urgent"]
