"""The runner simulator: determinism, valid files, a valid daily log, and each injection's
signal in the truth and in the written data."""

from __future__ import annotations

import csv
import hashlib
import math
from datetime import date
from pathlib import Path

import gpxpy
import numpy as np
import pytest
from lxml import etree
from tcxreader.tcxreader import TCXReader

from heavylegs.core.logschema import COLUMN_BY_NAME, COLUMNS, SYMPTOM_CODES
from heavylegs.core.streams import COLUMNS as STREAM_COLUMNS
from heavylegs.errors import InvalidInput
from heavylegs.sim import INJECTIONS, KINDS, Scenario, SimResult, runner, simulate, write_files
from heavylegs.sim.injections import resolve

CAUSES_MD = Path(__file__).resolve().parents[2] / "shared" / "spec" / "causes.md"

TPX = "{http://www.garmin.com/xmlschemas/TrackPointExtension/v1}"
GPX = "{http://www.topografix.com/GPX/1/1}"
TCD = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"
START = date(2026, 1, 7)  # a Wednesday: weeks do not line up with the scenario


def _run(tmp_path_factory: pytest.TempPathFactory, name: str, **kw: object
         ) -> tuple[SimResult, list[Path]]:
    result = simulate(Scenario(**kw))  # type: ignore[arg-type]
    return result, write_files(result, tmp_path_factory.mktemp(name))


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    return _run(tmp_path_factory, "healthy", seed=11, start=START, weeks=10,
                injections=("healthy",))


@pytest.fixture(scope="module")
def spike(tmp_path_factory):
    return _run(tmp_path_factory, "spike", seed=11, start=START, weeks=10,
                injections=("spike",))


def _log(paths: list[Path]) -> list[dict[str, str]]:
    with paths[-1].open(newline="") as f:
        return list(csv.DictReader(f))


def _file_km(path: Path) -> float:
    """Distance of a written run: TCX lap total, or the GPX track's length."""
    root = etree.parse(str(path)).getroot()
    if path.suffix == ".tcx":
        return float(root.find(f".//{TCD}Lap/{TCD}DistanceMeters").text) / 1000
    pts = root.findall(f".//{GPX}trkpt")
    lat = np.radians([float(p.get("lat")) for p in pts])
    lon = np.radians([float(p.get("lon")) for p in pts])
    a = (np.sin(np.diff(lat) / 2) ** 2
         + np.cos(lat[1:]) * np.cos(lat[:-1]) * np.sin(np.diff(lon) / 2) ** 2)
    return float((2 * 6_378_137 * np.arcsin(np.sqrt(a))).sum()) / 1000


def _runs_by_day(paths: list[Path]) -> dict[date, float]:
    return {date.fromisoformat(p.name[:10]): _file_km(p) for p in paths[:-1]}


def _sha(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


# -- determinism -------------------------------------------------------------------------

def test_same_scenario_gives_byte_identical_files(tmp_path):
    kw = dict(seed=5, start=START, weeks=3, kind="novice", formats="mixed")
    first = write_files(simulate(Scenario(**kw)), tmp_path / "a")
    second = write_files(simulate(Scenario(**kw)), tmp_path / "b")
    other = write_files(simulate(Scenario(**{**kw, "seed": 6})), tmp_path / "c")
    assert _sha(first) == _sha(second)
    assert {p.suffix for p in first} == {".gpx", ".tcx", ".csv"}
    assert _sha(first)["daily-log.csv"] != _sha(other)["daily-log.csv"]
    assert set(_sha(first).values()).isdisjoint(_sha(other).values())


def test_runner_is_deterministic_and_plausible():
    for kind in KINDS:
        for seed in range(20):
            r = runner(kind, seed)
            assert r == runner(kind, seed)
            assert 40 <= r.resting_hr < r.lthr < r.max_hr <= 210
            assert r.easy_pace_s_per_km > r.threshold_pace_s_per_km
            assert 7.0 <= r.sleep_need_h <= 9.0 and r.sex in ("female", "male")
    assert runner("novice", 1).weekly_km < runner("advanced", 1).weekly_km


# -- files --------------------------------------------------------------------------------

def test_gpx_parses_with_gpxpy_and_matches_the_streams(healthy):
    result, paths = healthy
    a = min((a for a in result.activities if a.file_format == "gpx"), key=lambda a: a.duration_s)
    gpx = gpxpy.parse((paths[0].parent / a.file_name).read_text())
    points = gpx.tracks[0].segments[0].points
    assert len(points) == a.elapsed_s.size
    hr = [int(p.extensions[0].find(f"{TPX}hr").text) for p in points]
    cad = [int(p.extensions[0].find(f"{TPX}cad").text) for p in points]
    assert hr == a.heart_rate_bpm.astype(int).tolist()
    assert [2 * c for c in cad] == a.cadence_spm.astype(int).tolist()  # per leg in GPX
    assert 150 <= min(2 * c for c in cad) and max(2 * c for c in cad) <= 200
    assert points[0].time.utcoffset().total_seconds() == 0
    assert gpx.length_2d() == pytest.approx(a.distance_m[-1], rel=0.02)


def test_tcx_parses_with_tcxreader_and_matches_the_streams(healthy):
    result, paths = healthy
    a = min((a for a in result.activities if a.file_format == "tcx"), key=lambda a: a.duration_s)
    path = paths[0].parent / a.file_name
    ex = TCXReader().read(str(path))
    assert ex.activity_type == "Running" and len(ex.trackpoints) == a.elapsed_s.size
    assert [p.hr_value for p in ex.trackpoints] == a.heart_rate_bpm.astype(int).tolist()
    assert [2 * p.tpx_ext["RunCadence"] for p in ex.trackpoints] == \
        a.cadence_spm.astype(int).tolist()
    assert ex.trackpoints[-1].distance == pytest.approx(a.distance_m[-1])
    assert ex.distance == pytest.approx(a.distance_m[-1], abs=0.1)
    assert ex.hr_max == int(a.heart_rate_bpm.max()) <= result.runner.max_hr
    assert "Z</Time>" in path.read_text()[:2000]


def test_files_are_named_by_local_date_and_streams_use_the_schema(healthy):
    result, paths = healthy
    assert [p.name for p in paths[:-1]] == [a.file_name for a in result.activities]
    assert paths[-1].name == "daily-log.csv"
    frame = result.activities[0].streams()
    assert frame.columns == list(STREAM_COLUMNS) and frame.height > 100
    assert str(frame["timestamp"].dtype) == "Datetime(time_unit='us', time_zone='UTC')"
    for a in result.activities:
        assert a.distance_km == pytest.approx(result.plan[a.day_index].planned_km, abs=0.01)
        assert a.local_date == result.plan[a.day_index].date
        assert 150 <= a.cadence_spm.min() and a.cadence_spm.max() <= 200


# -- daily log ------------------------------------------------------------------------------

def test_daily_log_has_spec_columns_and_valid_values(healthy):
    result, paths = healthy
    rows = _log(paths)
    header = list(rows[0])
    spec_order = [c.name for c in COLUMNS]
    assert header[0] == "date" and set(header) <= set(spec_order)
    assert header == sorted(header, key=spec_order.index)
    assert {"heaviness", "sleep_h", "resting_hr_bpm", "rpe"} <= set(header)
    assert [r["date"] for r in rows] == [d.date.isoformat() for d in result.plan]
    blanks = 0
    for row in rows:
        for name, text in row.items():
            blanks += text == ""
            if name != "date" and text:
                _check_cell(name, text)
    assert 0 < blanks < 0.3 * len(rows) * len(header)  # a person forgets, now and then


def _check_cell(name: str, text: str) -> None:
    column = COLUMN_BY_NAME[name]
    if column.kind == "int":
        assert column.lo <= int(text) <= column.hi, (name, text)
    elif column.kind == "float":
        assert column.lo <= float(text) <= column.hi, (name, text)
    elif column.kind == "symptoms":
        assert set(text.split(";")) <= set(SYMPTOM_CODES)
    elif column.kind == "enum":
        assert text in column.choices


# -- injections -----------------------------------------------------------------------------

def test_healthy_runner_progresses_sensibly_and_sleeps_enough(healthy):
    result, paths = healthy
    km = _runs_by_day(paths)
    for day, dist in km.items():
        prev = [v for d, v in km.items() if 0 < (day - d).days <= 30]
        if (day - START).days >= 30:
            assert dist <= 1.10 * max(prev), (day, dist, max(prev))
    sleep = [float(r["sleep_h"]) for r in _log(paths) if r["sleep_h"]]
    assert np.mean(sleep) >= 7.0 and np.mean(sleep[-7:]) >= 7.0
    assert not any(d.causes or d.injections for d in result.plan)
    assert any(d.session == "time-trial" for d in result.plan)
    rest = sum(d.session == "rest" for d in result.plan[-28:])
    assert 4 <= rest <= 16


def test_spike_final_long_run_is_far_beyond_the_30_day_longest(spike, healthy):
    result, paths = spike
    km = _runs_by_day(paths)
    last_run = max(km)
    prev = [v for d, v in km.items() if 0 < (last_run - d).days <= 30]
    assert km[last_run] >= 1.5 * max(prev)  # default +60 %
    day = result.plan[-2]
    assert day.session == "long" and day.causes == ("training-spike",)
    assert result.plan[-1].session == "rest" and "spike" in result.plan[-1].injections
    week = sum(d.planned_km for d in result.plan[-7:])
    before = sum(d.planned_km for d in result.plan[-35:-7]) / 4
    assert week == pytest.approx(1.4 * before, rel=0.1)
    assert not any(d.causes for d in result.plan[:-7])
    spiked, calm = _log(paths)[-1], _log(healthy[1])[-1]
    assert int(spiked["heaviness"]) >= 6
    assert int(spiked["soreness"]) > int(calm["soreness"])
    assert result.states[-1].damage > 2 * healthy[0].states[-1].damage


def test_spike_parameters_change_the_spike():
    small = simulate(Scenario(seed=3, start=START, weeks=6, kind="novice",
                              injections=("spike",), params={"spike": {"long_pct": 25}}))
    day = small.plan[-2]
    prev = max(d.planned_km for d in small.plan[-32:-2] if d.is_run)
    assert day.planned_km == pytest.approx(1.25 * prev, abs=0.1)


def test_short_sleep_shows_in_sleep_heaviness_and_resting_hr(tmp_path_factory, healthy):
    result, paths = _run(tmp_path_factory, "sleep", seed=11, start=START, weeks=10,
                         injections=("short-sleep",))
    rows, calm = _log(paths), _log(healthy[1])
    sleep7 = [float(r["sleep_h"]) for r in rows[-7:] if r["sleep_h"]]
    assert np.mean(sleep7) < 7.0 and all(5.5 <= h <= 6.3 for h in sleep7)
    assert all(d.causes == ("sleep-deprivation",) for d in result.plan[-10:])
    assert not any(d.causes for d in result.plan[:-10])
    assert int(rows[-1]["heaviness"]) >= 6
    rhr = [int(r["resting_hr_bpm"]) for r in rows[-7:] if r["resting_hr_bpm"]]
    calm_rhr = [int(r["resting_hr_bpm"]) for r in calm[-7:] if r["resting_hr_bpm"]]
    assert np.mean(rhr) > np.mean(calm_rhr)
    assert rows[:-10] == calm[:-10]  # the same runner: only the injected days differ


def test_calf_swelling_symptoms_on_the_final_day(tmp_path_factory):
    result, paths = _run(tmp_path_factory, "calf", seed=4, start=START, weeks=5,
                         kind="advanced", injections=("calf-swelling",))
    last = _log(paths)[-1]
    assert last["symptoms"] == "swelling-left;calf-pain-one-side"
    assert last["pain"] == "5" and last["pain_location"] == "left calf"
    assert int(last["heaviness"]) >= 6
    assert all(r["symptoms"] == "" for r in _log(paths)[:-1])
    assert result.final_day.session == "rest" and result.final_day.injections == (
        "calf-swelling",)
    assert resolve("calf-swelling").triage == "urgent"


def test_injections_combine():
    result = simulate(Scenario(seed=2, start=START, weeks=6, kind="novice",
                               injections=("short-sleep", "spike", "calf-swelling")))
    assert set(result.final_day.injections) == {"short-sleep", "spike", "calf-swelling"}
    assert set(result.final_day.causes) == {"sleep-deprivation", "training-spike"}
    assert result.log[-1]["heaviness"] >= 6


# -- heart rate -----------------------------------------------------------------------------

def test_hard_sessions_reach_max_hr_and_never_pass_it():
    result = simulate(Scenario(seed=8, weeks=12, kind="advanced", formats="gpx"))
    top = result.runner.max_hr
    hard = [a for a in result.activities if a.session in ("intervals", "time-trial")]
    assert len(hard) >= 4
    hr = np.concatenate([a.heart_rate_bpm for a in hard])
    assert np.percentile(hr, 99.5) >= top - 2
    assert max(a.heart_rate_bpm.max() for a in result.activities) <= top
    easy = np.concatenate([a.heart_rate_bpm for a in result.activities if a.session == "easy"])
    lo, hi = result.runner.resting_hr, result.runner.max_hr
    assert 0.55 < (np.median(easy) - lo) / (hi - lo) < 0.8  # easy is easy
    long_runs = [a for a in result.activities if a.session == "long"]
    drift = [a.heart_rate_bpm[-300:].mean() - a.heart_rate_bpm[100:400].mean()
             for a in long_runs]
    assert np.median(drift) > 2  # cardiac drift


# -- scenarios and registry -------------------------------------------------------------------

@pytest.mark.parametrize("kw", [
    {"injections": ("no-such-cause",)},
    {"injections": ("spike",), "params": {"spike": {"lnog_pct": 50}}},
    {"params": {"spike": {"long_pct": 50}}},
    {"kind": "elite"},
    {"formats": "fit"},
    {"weeks": 0},
    {"seed": -1},
])
def test_bad_scenarios_are_rejected(kw):
    with pytest.raises(InvalidInput):
        Scenario(**kw)


def test_registry_names_causes_by_their_spec_ids():
    assert {"healthy", "spike", "short-sleep", "calf-swelling"} <= set(INJECTIONS)
    assert resolve("training-spike") is INJECTIONS["spike"]
    for inj in INJECTIONS.values():
        assert inj.summary and all(math.isfinite(v) for _, v in inj.defaults)
        assert inj.cause or inj.triage or inj.name == "healthy"
    if not CAUSES_MD.exists():
        pytest.skip("shared/spec/causes.md is not beside the clone")
    ids = {line.split("`")[1] for line in CAUSES_MD.read_text().splitlines()
           if line.startswith("| `")}
    assert {i.cause for i in INJECTIONS.values() if i.cause} <= ids
