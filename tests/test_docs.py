"""Docs are tested: every implemented cause is documented with its signals, thresholds and
what it cannot see; every CLI command of the contract appears in the README or docs."""

from __future__ import annotations

import re
from pathlib import Path

from heavylegs.causes import CAUSE_IDS, EVALUATORS

ROOT = Path(__file__).resolve().parents[1]


def _doc_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "causes.md").read_text()
    parts = re.split(r"^## `([a-z-]+)`\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_cause_id_is_documented() -> None:
    sections = _doc_sections()
    assert set(EVALUATORS) == set(CAUSE_IDS), "every cause of the catalogue is implemented"
    assert set(EVALUATORS) <= set(sections), sorted(set(EVALUATORS) - set(sections))
    assert set(sections) <= set(CAUSE_IDS), sorted(set(sections) - set(CAUSE_IDS))
    for cause in EVALUATORS:
        body = sections[cause].lower()
        assert "signals" in body and "threshold" in body and "cannot see" in body, cause


def test_cli_commands_are_documented() -> None:
    text = (ROOT / "README.md").read_text() + (ROOT / "docs" / "causes.md").read_text()
    for command in ("import", "profile set", "why", "activities", "gear add", "gear list"):
        assert f"heavylegs {command}" in text, command
