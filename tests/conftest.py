"""Shared fixtures: a fresh workspace, the shared corpus location, simulated runners."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The system's time zone places activities without their own offset (GPX, TCX) on local
# days when the profile names none: the same answers on every machine need the same one.
# Tests of other zones set TZ for their subprocess or pass Workspace(system_zone=...).
os.environ["TZ"] = "UTC"

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


@pytest.fixture(scope="session")
def spark_session():
    """One local Spark session (2 cores) shared by every Spark test: the JVM starts once."""
    from heavylegs.batch import spark

    session = spark.session("local[2]", app="heavylegs tests")
    yield session
    session.stop()
