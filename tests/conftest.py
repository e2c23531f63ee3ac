"""Shared fixtures: a fresh workspace, the shared corpus location, simulated runners."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def workspace(tmp_path: Path):
    from heavylegs.api import Workspace

    with Workspace(tmp_path / "home") as ws:
        yield ws


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS
