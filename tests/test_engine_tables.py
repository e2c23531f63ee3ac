"""The engine is a pure function of an athlete's tables (engine.py): the workspace's
answer (tables read from SQLite, trimmed to the day's window) and the answer from the
whole tables, as the team job reads them from Parquet, are byte-identical."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from heavylegs import engine, scenarios, sim
from heavylegs.api import Workspace
from heavylegs.demo import demo_zone, write_demo_files


def _parquet_round_trip(t: engine.Tables, folder: Path) -> engine.Tables:
    """The tables written to Parquet and read back (what the team job does)."""
    frames = {"activities": t.activities, "log": t.log, "values": t.values, "gear": t.gear,
              "profile": pl.DataFrame({"key": list(t.profile), "value": list(t.profile.values())},
                                      schema={"key": pl.String, "value": pl.String})}
    for name, frame in frames.items():
        frame.write_parquet(folder / f"{name}.parquet")
    back = {name: pl.read_parquet(folder / f"{name}.parquet") for name in frames}
    return engine.Tables(activities=back["activities"], log=back["log"], values=back["values"], gear=back["gear"],
                         profile=dict(back["profile"].iter_rows()))


def _same(ws: Workspace, day: date, tmp: Path) -> None:
    stored = json.dumps(ws.why_json(day))  # what `why --json` prints
    pure = json.dumps(engine.answer_json(_parquet_round_trip(ws.tables(), tmp), day))
    assert stored == pure


def test_demo_answer_is_the_same_from_the_tables(tmp_path: Path) -> None:
    write_demo_files(tmp_path / "files")
    with Workspace(tmp_path / "home", system_zone=None) as ws:
        ws.profile_set({"sex": "female", "birth_year": "1985", "timezone": demo_zone()})
        ws.import_paths([tmp_path / "files"])
        _same(ws, ws.latest_day(), tmp_path)


SPECS = [s for s in scenarios.specs(healthy=1) if s.name in
         ("overtraining#1", "worn-shoes#1", "triage-urgent-neuro")]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_scenario_runner_answer_is_the_same_from_the_tables(spec: scenarios.Spec, tmp_path: Path) -> None:
    scenario = sim.Scenario(seed=spec.seed, start=scenarios.START, weeks=scenarios.WEEKS, kind=spec.kind,
                            injections=spec.injections, formats="mixed")
    result = sim.simulate(scenario)
    sim.write_files(result, tmp_path / "files")
    with Workspace(tmp_path / "home", system_zone=None) as ws:
        r = result.runner
        ws.profile_set({"sex": r.sex, "birth_year": str(r.birth_year), "timezone": r.home.tz})
        for shoe in result.shoes:
            ws.gear_add(shoe.name, shoe.from_date, result.retired(shoe), shoe.start_km)
        ws.import_paths([tmp_path / "files"])
        _same(ws, scenario.end, tmp_path)


def test_latest_day_from_the_tables(tmp_path: Path) -> None:
    write_demo_files(tmp_path / "files")
    with Workspace(tmp_path / "home", system_zone=None) as ws:
        ws.import_paths([tmp_path / "files"])
        assert engine.latest_day(ws.tables(), date(2100, 1, 1)) == ws.latest_day()


def test_device_values_outside_the_window_count_the_same(tmp_path: Path) -> None:
    """The workspace reads device values of the day's window only, plus the rows the
    profile and the daily table need from before it; the answer equals the whole tables'."""
    from datetime import timedelta

    write_demo_files(tmp_path / "files")
    with Workspace(tmp_path / "home", system_zone=None) as ws:
        ws.import_paths([tmp_path / "files"])
        day = ws.latest_day()
        rows = [((day - timedelta(days=d)).isoformat(), "resting_hr_bpm", "oura", 50.0 + d % 5) for d in range(10)]
        rows += [((day - timedelta(days=800)).isoformat(), "hrv_rmssd_ms", "garmin", 41.0),  # the first day
                 ((day - timedelta(days=700)).isoformat(), "sleep_h", "garmin", 6.1),  # before the window only
                 ((day - timedelta(days=650)).isoformat(), "resting_hr_bpm", "garmin", 48.0)]
        ws.conn.executemany("INSERT INTO daily_values(date, column_name, source, num) VALUES (?,?,?,?)", rows)
        trimmed = ws.tables(day)
        assert trimmed.values.height < len(rows)
        assert json.dumps(ws.why(day).to_json()) == json.dumps(engine.answer_json(ws.tables(), day))
        assert "sleep_h_source" in ws.context(day).daily.columns
