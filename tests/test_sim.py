"""The runner simulator: determinism, valid files, a valid daily log, and each injection's
signal in the truth and in the written data."""

from __future__ import annotations

import csv
import hashlib
import math
from datetime import date, timedelta
from pathlib import Path

import gpxpy
import numpy as np
import pytest
from lxml import etree
from tcxreader.tcxreader import TCXReader

from heavylegs.core.logschema import COLUMN_BY_NAME, COLUMNS, SYMPTOM_CODES
from heavylegs.core.streams import COLUMNS as STREAM_COLUMNS
from heavylegs.errors import InvalidInput
from heavylegs.sim import (
    CAUSE_INJECTIONS,
    EDGE_INJECTIONS,
    INJECTIONS,
    KINDS,
    TRIAGE_INJECTIONS,
    Scenario,
    SimResult,
    runner,
    simulate,
    write_files,
)
from heavylegs.sim.injections import resolve
from heavylegs.sim.plan import key_run
from heavylegs.sim.signals import (
    decoupling_pct,
    descent_m,
    efficiency,
    hard_minutes,
    stops,
    thirds,
    time_share,
)

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


def test_injected_scenarios_with_fit_files_are_byte_identical(tmp_path):
    kw = dict(seed=2, start=START, weeks=2, kind="advanced",
              injections=("running-form", "dehydration", "worn-shoes"))
    first = write_files(simulate(Scenario(**kw)), tmp_path / "a")
    assert _sha(first) == _sha(write_files(simulate(Scenario(**kw)), tmp_path / "b"))
    assert {p.suffix for p in first} == {".fit", ".csv"}
    assert simulate(Scenario(**kw)).shoes == simulate(Scenario(**kw)).shoes


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
    {"formats": "csv"},
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
        assert inj.cause or inj.triage or inj.name in ("healthy", "dynamics-pod", *EDGE_INJECTIONS)
    if not CAUSES_MD.exists():
        pytest.skip("shared/spec/causes.md is not beside the clone")
    ids = {line.split("`")[1] for line in CAUSES_MD.read_text().splitlines()
           if line.startswith("| `")}
    assert {i.cause for i in INJECTIONS.values() if i.cause} == ids == set(CAUSE_INJECTIONS)
    assert all(INJECTIONS[name].cause == cause for cause, name in CAUSE_INJECTIONS.items())
    assert CAUSE_INJECTIONS["training-spike"] == "spike"
    assert CAUSE_INJECTIONS["sleep-deprivation"] == "short-sleep"


# -- every injection's signal, read back from the written files --------------------------
# A scenario is written to disk (the whole log; the runs of its last weeks) and read back
# with heavylegs' own importers; each signal is compared with the healthy twin: the same
# seed, runner and plan, without the injection.

class Written:
    """A written simulation, read back: log rows by date; the runs of the last ``days``
    days written to disk and parsed (on first use) by heavylegs' importers."""

    def __init__(self, result: SimResult, folder: Path, days: int) -> None:
        from heavylegs.importers import daily_log
        from heavylegs.sim.files import LOG_NAME, log_csv, run_bytes

        self.result, self.last = result, result.plan[-1].date
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / LOG_NAME
        log.write_text(log_csv(result.log))
        parsed = daily_log.parse(log.read_bytes(), str(log))
        assert not parsed.errors, parsed.errors[:3]
        self.rows = {row["date"]: row for row in parsed.rows}
        self.paths: dict[date, Path] = {}
        for a in result.activities:
            if (self.last - a.local_date).days < days:
                self.paths[a.local_date] = folder / a.file_name
                self.paths[a.local_date].write_bytes(run_bytes(result, a))
        self._streams: dict[date, object] = {}

    def run(self, day: date):
        """The streams of ``day``'s run as heavylegs reads its file."""
        from heavylegs.importers import read_activity_file

        if day not in self._streams:
            self._streams[day] = read_activity_file(self.paths[day])[0].streams
        return self._streams[day]

    def runs(self, *sessions: str, lo: int = 0, hi: int = 10_000) -> dict:
        """Streams of the written runs (of ``sessions``) ``hi`` to ``lo`` days before the
        last day."""
        return {d: self.run(d) for d in sorted(self.paths) if lo <= (self.last - d).days <= hi
                and (not sessions or self.session(d) in sessions)}

    def ran(self, day: date) -> bool:
        return day in self.paths

    def day(self, back: int = 0) -> date:
        return self.last - timedelta(days=back)

    def log(self, column: str, back: int = 0) -> object:
        return self.rows.get(self.day(back), {}).get(column)

    def series(self, column: str, days: int, skip: int = 0) -> list:
        """Logged values of ``days`` days ending ``skip`` days before the last (no blanks)."""
        values = [self.log(column, k) for k in range(skip, skip + days)]
        return [v for v in values if v is not None]

    def mean(self, column: str, days: int, skip: int = 0) -> float:
        return float(np.mean(self.series(column, days, skip)))

    def session(self, day: date) -> str:
        return self.result.plan[(day - self.result.plan[0].date).days].session


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """``written(*injections, weeks=6, kind=..., days=21, ...)``: cached per scenario
    (``days=0``: the log alone, no runs simulated)."""
    cache: dict[tuple, Written] = {}

    def get(*names: str, days: int = 21, **kw: object) -> Written:
        kw = {"seed": 21, "start": START, "weeks": 6, "kind": "recreational", **kw}
        key = (names, days, tuple(sorted((k, repr(v)) for k, v in kw.items())))
        if key not in cache:
            result = simulate(Scenario(injections=names, **kw),  # type: ignore[arg-type]
                              runs=days > 0)
            cache[key] = Written(result, tmp_path_factory.mktemp("run"), days)
        return cache[key]

    return get


def _asks(w: Written, cause: str | None = None) -> None:
    assert w.log("heaviness") >= 6
    if cause:
        assert cause in w.result.plan[-1].causes


def _km(x: Written, lo: int, hi: int) -> float:
    """Km run (the written files' distances) from ``hi`` to ``lo`` days before the last."""
    return sum(float(s["distance_m"][-1]) for s in x.runs(lo=lo, hi=hi).values()) / 1000


def test_glycogen_depletion_fades_at_steady_hr_on_little_carbohydrate(written):
    w, twin = written("glycogen-depletion", days=2), written(days=7)
    run, mass = w.run(w.day(1)), w.result.runner.weight_kg
    assert run["elapsed_s"][-1] >= 90 * 60 and w.session(w.day(1)) == "long"
    speed, hr = thirds(run, "speed_mps"), thirds(run, "heart_rate_bpm")
    assert speed[1] < 0.93 * speed[0] and hr[1] >= hr[0] - 1
    assert decoupling_pct(run) > 10
    assert w.log("pre_run_carbs_g", 1) <= 15 and w.log("run_carbs_g", 1) == 0
    assert w.log("carbs_g", 2) < 4 * mass and w.log("rpe", 1) >= 7
    for s in twin.runs("long").values():  # the twin's long runs hold their pace
        assert thirds(s, "speed_mps")[1] > 0.96 * thirds(s, "speed_mps")[0]
        assert decoupling_pct(s) < 8
    _asks(w, "glycogen-depletion")


def test_metabolite_accumulation_is_a_dense_session_today(written):
    w, twin = written("metabolite-accumulation", days=1), written(days=7)
    lthr = w.result.runner.lthr
    today = hard_minutes(w.run(w.day()), lthr)
    assert today >= 18 and w.log("rpe") >= 8 and not w.result.plan[-2].intensity == "hard"
    twin_hard = twin.runs("intervals", "tempo", "fartlek", "time-trial").values()
    assert today > 1.4 * max(hard_minutes(s, lthr) for s in twin_hard)
    _asks(w, "metabolite-accumulation")


def test_muscle_damage_steep_descents_then_soreness_rising(written):
    w, twin = written("muscle-damage", days=3), written(days=14)
    total, steep = descent_m(w.run(w.day(2)))
    assert steep >= 250
    assert total > 3 * max(descent_m(s)[0] for s in twin.runs("long", "easy").values())
    sore = [w.log("soreness", k) for k in (3, 1, 0)]
    assert sore[1] >= sore[0] + 3 and sore[2] >= sore[0] + 2
    assert sore[1] > twin.log("soreness", 1) + 1
    _asks(w, "muscle-damage")


def test_insufficient_recovery_no_rest_days_and_resting_hr_up(written):
    w, twin = written("insufficient-recovery", days=14), written(days=14)
    assert all(w.ran(w.day(k)) for k in range(14))
    assert sum(not twin.ran(twin.day(k)) for k in range(14)) >= 2
    lthr = w.result.runner.lthr
    hard = [hard_minutes(w.run(w.day(k)), lthr) >= 10 for k in range(7)]
    assert sum(a and b for a, b in zip(hard, hard[1:], strict=False)) >= 1  # back to back
    assert w.mean("resting_hr_bpm", 7) >= twin.mean("resting_hr_bpm", 7) + 2
    assert w.mean("hrv_rmssd_ms", 7) < twin.mean("hrv_rmssd_ms", 7)
    _asks(w, "insufficient-recovery")


def _ef(x: Written, lo: int, hi: int) -> float:
    """Median efficiency of the easy runs from ``hi`` to ``lo`` days before the last."""
    return float(np.median([efficiency(s) for s in x.runs("easy", lo=lo, hi=hi).values()]))


def test_overtraining_slower_at_the_same_hr_for_weeks_despite_a_lighter_week(written):
    kw = {"weeks": 10, "kind": "novice", "days": 70}
    w, twin = written("overtraining", **kw), written(**kw)
    assert _ef(w, 0, 13) / _ef(w, 56, 69) < _ef(twin, 0, 13) / _ef(twin, 56, 69) - 0.04
    assert _km(w, 0, 6) <= 0.6 * _km(w, 7, 34) / 4
    assert w.mean("fatigue", 14) >= twin.mean("fatigue", 14) + 2
    assert sum(v >= 5 for v in w.series("fatigue", 14)) >= 7
    assert w.mean("mood", 14) < twin.mean("mood", 14) - 1
    assert w.mean("motivation", 14) < twin.mean("motivation", 14) - 1
    assert w.mean("resting_hr_bpm", 7) >= twin.mean("resting_hr_bpm", 7) + 3
    _asks(w, "overtraining")


def test_excess_intensity_far_beyond_20_percent_above_easy(written):
    w, twin = written("excess-intensity", days=7), written(days=7)
    r = w.result.runner

    def share(x: Written, low: float, high: float = np.inf) -> float:
        parts = [time_share(s, low, high) for s in x.runs().values()]
        return sum(a for a, _ in parts) / sum(b for _, b in parts)

    assert share(w, r.lthr) > 0.2 and share(twin, r.lthr) < 0.12
    assert share(w, 0, 0.82 * r.max_hr) < 0.7 < share(twin, 0, 0.82 * r.max_hr)
    _asks(w, "excess-intensity")


def test_dehydration_heat_mass_loss_dark_urine_and_drift(written):
    w = written("dehydration", formats="gpx", days=1)
    pre, post = w.log("pre_run_mass_kg"), w.log("post_run_mass_kg")
    assert (pre - post) / pre > 0.02 and w.log("fluid_l") < 1.6 and w.log("urine_color") >= 6
    run = w.run(w.day())
    assert w.log("body_mass_kg") < w.mean("body_mass_kg", 7, skip=2) * 0.99
    twin = written(formats="gpx", days=7)
    assert all(s["temperature_c"].max() < 20 for s in twin.runs().values())  # January
    assert run["temperature_c"].mean() >= 27
    assert decoupling_pct(run) > max(decoupling_pct(s) for s in twin.runs("easy").values()) + 1.5
    _asks(w, "dehydration")


def test_electrolyte_imbalance_long_hot_runs_without_salt_and_cramps(written):
    w = written("electrolyte-imbalance", formats="gpx", days=8)
    for back in (0, 7):
        run = w.run(w.day(back))
        assert run["temperature_c"].mean() >= 25 and run["elapsed_s"][-1] >= 60 * 60
        assert w.log("electrolytes", back) is False and w.log("cramps", back) is True
        pre, post = w.log("pre_run_mass_kg", back), w.log("post_run_mass_kg", back)
        sweat = pre - post + w.log("run_fluid_l", back)
        assert 0.01 < (pre - post) / pre < 0.02 and sweat / (run["elapsed_s"][-1] / 3600) > 1.3
    assert written(days=0).log("cramps") is None
    _asks(w, "electrolyte-imbalance")


def test_low_carbohydrate_far_below_the_band(written):
    w = written("low-carbohydrate", days=0)
    mass = w.result.runner.weight_kg
    per_kg = [c / mass for c in w.series("carbs_g", 14)]
    assert len(per_kg) >= 10 and max(per_kg) < 4 and np.mean(per_kg) < 3.5
    assert min(c / mass for c in w.series("carbs_g", 21, skip=14)) >= 4.6  # the habit
    assert w.mean("body_mass_kg", 4) < w.mean("body_mass_kg", 14, skip=14) - 0.5
    _asks(w, "low-carbohydrate")


def test_low_protein_under_1_2_g_per_kg_in_small_meals(written):
    w = written("low-protein", days=0)
    assert w.mean("protein_g", 7) / w.result.runner.weight_kg < 1.1
    meals = w.series("protein_meals_g", 14)
    assert np.mean([sum(g < 20 for g in m) > len(m) / 2 for m in meals]) > 0.8
    assert all(sum(g >= 20 for g in m) >= 3 for m in w.series("protein_meals_g", 14, skip=21))
    _asks(w, "low-protein")


def test_low_energy_availability_deficit_mass_down_periods_missed(written):
    w = written("low-energy-availability", weeks=8, days=0)
    r = w.result.runner
    assert r.sex == "female"
    ffm = r.weight_kg * 0.78
    ea = [(w.log("energy_kcal", k) - r.weight_kg * w.result.plan[-1 - k].planned_km) / ffm
          for k in range(14) if w.log("energy_kcal", k) is not None]
    assert np.mean(ea) < 30
    assert w.mean("body_mass_kg", 7) < w.mean("body_mass_kg", 7, skip=49) - 1.5
    assert "missed" in w.series("menstrual", 56) and "period" not in w.series("menstrual", 56)
    _asks(w, "low-energy-availability")


def test_no_strength_training_for_eight_weeks(written):
    w, twin = written("no-strength-training", weeks=10, days=0), written(weeks=10, days=0)
    assert set(w.series("strength", 56)) == {"none"}
    assert len([v for v in twin.series("strength", 56) if v.startswith("legs")]) >= 14
    _asks(w, "no-strength-training")


def test_strength_overload_heavy_legs_the_day_before_a_long_run(written):
    w, twin = written("strength-overload", days=7), written(days=0)
    assert w.log("strength", 2) == "legs-heavy" and w.session(w.day(1)) == "long"
    runs = w.runs()
    assert runs[w.day(1)]["distance_m"][-1] >= max(s["distance_m"][-1] for s in runs.values())
    assert w.log("soreness", 1) > twin.log("soreness", 1)
    _asks(w, "strength-overload")


def _dynamics(x: Written, column: str, tail_rows: int | None = None) -> float:
    parts = [s[column].to_numpy()[-tail_rows if tail_rows else 0:] for s in x.runs().values()]
    return float(np.nanmean(np.concatenate(parts)))


def test_running_form_overstriding_in_fit_running_dynamics(written):
    w, twin = written("running-form", days=4), written("dynamics-pod", days=4)
    assert {a.file_format for a in w.result.activities} == {"fit"}
    assert _dynamics(w, "stance_time_ms") >= 280 > _dynamics(twin, "stance_time_ms") + 20
    assert _dynamics(w, "vertical_oscillation_mm") >= 100
    assert _dynamics(w, "cadence_spm") < _dynamics(twin, "cadence_spm") - 7

    def drift(x: Written) -> float:
        return float(np.mean([np.nanmean(s["stance_time_ms"].to_numpy()[-s.height // 5:])
                              - np.nanmean(s["stance_time_ms"].to_numpy()[:s.height // 5])
                              for s in x.runs().values()]))

    assert drift(w) > drift(twin) + 3
    assert "both knees" in w.series("pain_location", 21)
    _asks(w, "running-form")


def test_muscle_imbalance_lopsided_contact_and_one_sided_ache(written):
    w, twin = written("muscle-imbalance", days=4), written("dynamics-pod", days=4)
    assert max(np.nanmean(s["stance_balance_pct"].to_numpy()) for s in w.runs().values()) < 48.3
    assert abs(_dynamics(twin, "stance_balance_pct") - 50) < 1
    assert w.log("pain_location") == "right hamstring" and w.log("symptoms") is None
    assert set(w.series("strength", 21)) == {"none"}
    _asks(w, "muscle-imbalance")


def test_worn_shoes_past_800_km_and_felt(written):
    w, twin = written("worn-shoes", days=0), written(days=0)
    (pair,) = w.result.shoes
    assert pair.from_date == w.result.plan[0].date and w.result.shoe_km(w.last) >= 800
    assert twin.result.shoe_km(twin.last) < 500 and w.result.retired(pair) is None
    assert "shoes feel flat and dead" in w.series("notes", 21)
    long = simulate(Scenario(seed=21, start=START, weeks=16, kind="advanced"), runs=False)
    first, *later = long.shoes
    assert later and long.retired(first) == later[0].from_date - timedelta(days=1)
    assert all(p.start_km == 0 for p in later) and long.shoe_km(long.plan[-1].date) < 500
    assert w.mean("heaviness", 7) > twin.mean("heaviness", 7) + 1
    _asks(w, "worn-shoes")


def test_iron_deficiency_low_ferritin_heavy_periods_higher_hr(written):
    kw = {"weeks": 8, "kind": "novice", "days": 56}
    w, twin = written("iron-deficiency", **kw), written(**kw)
    assert w.result.runner.sex == "female"
    assert w.series("ferritin_ug_l", 14) == [18.0] and w.series("hemoglobin_g_dl", 14) == [12.1]
    assert w.series("menstrual", 56).count("period") >= 10
    assert "heavy period" in w.series("notes", 56)
    assert _ef(w, 0, 13) / _ef(w, 42, 55) < _ef(twin, 0, 13) / _ef(twin, 42, 55) - 0.02
    assert w.mean("fatigue", 14) > twin.mean("fatigue", 14) + 1
    _asks(w, "iron-deficiency")


@pytest.mark.parametrize("name,column,limit", [
    ("vitamin-d-deficiency", "vitamin_d_ng_ml", 20), ("b-vitamin-deficiency", "b12_pg_ml", 200)])
def test_vitamin_deficiencies_show_in_a_lab_result(written, name, column, limit):
    w, twin = written(name, days=0), written(days=0)
    assert min(w.series(column, 14)) < limit
    assert all(v >= 30 for v in twin.series(column, 42))
    assert w.mean("fatigue", 14) > twin.mean("fatigue", 14)
    if name == "b-vitamin-deficiency":
        assert any("vegan" in n for n in w.series("notes", 42))
        assert ("tingling",) in w.series("symptoms", 42)
    _asks(w, name)


def test_venous_return_swelling_after_standing_not_after_running(written):
    w = written("venous-return", days=28)
    assert {"swelling-both", "varicose-veins"} <= set(w.log("symptoms"))
    rated = [k for k in range(28) if w.log("heaviness", k) is not None]
    standing = [w.log("heaviness", k) for k in rated if w.log("notes", k)]
    other = [w.log("heaviness", k) for k in rated if not w.log("notes", k)]
    assert np.mean(standing) > np.mean(other) + 1.5
    on_runs = [w.log("heaviness", k) for k in rated if w.ran(w.day(k))]
    assert np.mean(on_runs) <= np.mean(standing + other) + 0.5  # not tied to training
    _asks(w, "venous-return")


def test_compartment_syndrome_stops_at_a_consistent_time_on_run_days(written):
    w, twin = written("compartment-syndrome", days=10), written(days=10)
    onsets = [stops(s, 240)[0][0] / 60 for s in w.runs().values() if s["elapsed_s"][-1] > 1800]
    assert len(onsets) >= 4 and 17 <= np.mean(onsets) <= 27
    assert np.std(onsets) / np.mean(onsets) <= 0.25
    assert all("exertional-pain-resolves-with-rest" in w.rows[d]["symptoms"] for d in w.paths)
    assert not any(w.log("symptoms", k) for k in range(35) if not w.result.plan[-1 - k].is_run)
    assert not any(stops(s, 120) for s in twin.runs(hi=3).values())
    _asks(w, "compartment-syndrome")


def test_arterial_disease_older_smoker_with_claudication(written):
    w = written("arterial-disease", days=5)
    assert w.result.runner.birth_year <= 1966
    assert any("smoker" in n for n in w.series("notes", 42))
    for s in w.runs().values():
        found = stops(s, 100)
        assert len(found) >= int(s["elapsed_s"][-1] / 60 // 12)
        assert all(60 <= length <= 300 for _, length in found)
    assert not any("cold-pale-leg" in (w.log("symptoms", k) or ()) for k in range(42))
    _asks(w, "arterial-disease")


@pytest.mark.parametrize("name,tier,symptoms", [
    ("triage-emergency-chest", "emergency", {"chest-pain", "breathless"}),
    ("triage-emergency-rhabdo", "emergency", {"dark-urine", "weakness"}),
    ("triage-urgent-dvt", "urgent", {"swelling-left", "calf-pain-one-side", "warm-red-leg"}),
    ("triage-urgent-fever", "urgent", {"fever"}),
    ("triage-urgent-neuro", "urgent", {"numbness", "weakness", "foot-drop"}),
    ("triage-soon-bone", "soon", {"bone-pain", "night-pain"}),
    ("triage-soon-persistent", "soon", {"pain-worsening"}),
    ("triage-routine-form", "routine", set()),
])
def test_triage_days_write_their_red_flags(written, name, tier, symptoms):
    days = 2 if name == "triage-routine-form" else 0
    w, twin = written(name, days=days), written(days=0)
    assert TRIAGE_INJECTIONS[name] == tier == INJECTIONS[name].triage
    assert set(w.log("symptoms") or ()) == symptoms
    assert not any(twin.log("symptoms", k) for k in range(42))
    assert name in w.result.plan[-1].injections and w.log("heaviness") >= 6
    if name == "triage-emergency-rhabdo":
        assert w.log("soreness") == 9
    if name == "triage-urgent-fever":
        assert w.log("illness") is True
    if name == "triage-soon-persistent":
        assert min(w.series("heaviness", 21)) >= 6
        km = [sum(d.planned_km for d in x.result.plan[-21:]) for x in (w, twin)]
        assert km[0] < 0.6 * km[1]
    if name == "triage-routine-form":
        assert _dynamics(w, "stance_balance_pct", 200) < 48.5 and w.log("pain") is None


def test_every_tier_and_chronic_causes_combine():
    assert set(TRIAGE_INJECTIONS.values()) == {"emergency", "urgent", "soon", "routine"}
    assert TRIAGE_INJECTIONS["calf-swelling"] == "urgent"
    names = ("iron-deficiency", "no-strength-training", "short-sleep", "venous-return",
             "low-protein", "worn-shoes")
    result = simulate(Scenario(seed=5, start=START, weeks=8, injections=names))
    assert set(result.final_day.injections) == set(names)
    assert result.runner.sex == "female" and result.log[-1]["heaviness"] >= 6


# -- the FIT writer ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fit_run():
    result = simulate(Scenario(seed=3, start=START, weeks=2, formats="fit",
                               injections=("dynamics-pod", "compartment-syndrome")))
    return result, max(result.activities, key=lambda a: a.duration_s)


def test_fit_files_decode_with_the_official_sdk(fit_run):
    from garmin_fit_sdk import Decoder, Stream

    from heavylegs.sim.fit import fit_bytes

    result, a = fit_run
    data = fit_bytes(a, result.runner.weight_kg)
    assert Decoder(Stream.from_byte_array(bytearray(data))).check_integrity()
    messages, errors = Decoder(Stream.from_byte_array(bytearray(data))).read(
        enable_crc_check=True)
    assert errors == []
    records, session = messages["record_mesgs"], messages["session_mesgs"][0]
    assert len(records) == a.elapsed_s.size and messages["file_id_mesgs"][0]["type"] == "activity"
    assert [r["heart_rate"] for r in records] == a.heart_rate_bpm.astype(int).tolist()
    assert [2 * r["cadence"] for r in records] == a.cadence_spm.astype(int).tolist()
    assert np.allclose([r["enhanced_speed"] for r in records], a.speed_mps)
    assert np.allclose([r["distance"] for r in records], a.distance_m)
    assert np.allclose([r["enhanced_altitude"] for r in records], a.altitude_m, atol=0.11)
    assert [r["temperature"] for r in records] == a.temperature_c.astype(int).tolist()
    stance = [r.get("stance_time", np.nan) for r in records]
    assert np.allclose(stance, a.stance_time_ms, equal_nan=True)
    assert np.allclose([r.get("stance_time_balance", np.nan) for r in records],
                       a.stance_balance_pct, equal_nan=True)
    assert session["sport"] == "running" and session["start_time"] == a.start
    assert session["total_distance"] == pytest.approx(a.distance_m[-1], abs=0.01)
    assert session["total_elapsed_time"] == a.duration_s
    assert messages["activity_mesgs"][0]["local_timestamp"] - int(
        session["timestamp"].timestamp() - 631_065_600) == a.utc_offset_s


def test_fit_files_read_back_through_heavylegs_with_the_same_values(fit_run, tmp_path):
    from heavylegs.importers import read_activity_file

    result, a = fit_run
    paths = write_files(result, tmp_path)
    assert {p.suffix for p in paths} == {".fit", ".csv"}
    (parsed,) = read_activity_file(tmp_path / a.file_name)
    got, want = parsed.streams, a.streams()
    assert got["timestamp"].to_list() == want["timestamp"].to_list()
    for column, tolerance in (("heart_rate_bpm", 0), ("cadence_spm", 0), ("speed_mps", 1e-9),
                              ("distance_m", 1e-9), ("altitude_m", 0.11), ("lat_deg", 1e-7),
                              ("lon_deg", 1e-7), ("temperature_c", 0), ("stance_time_ms", 1e-9),
                              ("vertical_oscillation_mm", 1e-9),
                              ("stance_balance_pct", 1e-9)):
        assert np.allclose(got[column].to_numpy().astype(float),
                           want[column].to_numpy().astype(float), atol=tolerance,
                           equal_nan=True), column
    assert want["stance_time_ms"].null_count() < want.height
    assert parsed.summary.sport == "running"
    assert parsed.summary.distance_m == pytest.approx(a.distance_m[-1], abs=0.01)


def test_crc_matches_the_sdk():
    from garmin_fit_sdk.crc_calculator import CrcCalculator

    from heavylegs.sim.fit import crc16

    data = bytes(range(256)) * 3 + b"odd"
    assert crc16(data) == CrcCalculator.calculate_crc(bytearray(data), 0, len(data))


# -- a healthy runner crosses no line -----------------------------------------------------------

@pytest.mark.parametrize("kind,seed", [("novice", 7), ("recreational", 8), ("advanced", 9),
                                       ("recreational", 10)])
def test_healthy_runner_stays_inside_the_science_thresholds(written, kind, seed):
    w = written(kind=kind, seed=seed, weeks=8, days=3)
    r, plan = w.result.runner, w.result.plan
    sleep = w.series("sleep_h", 7)
    assert np.mean(sleep) >= 7 and sum(h < 7 for h in sleep) < 3
    assert any(not d.is_run for d in plan[-7:])  # a rest day every week
    assert len([v for v in w.series("strength", 28) if v != "none"]) >= 6  # ~2 a week
    for i, d in enumerate(plan):  # no leg session just before a long or quality run
        if d.strength in ("legs-light", "legs-heavy"):
            gap = 2 if d.strength == "legs-light" else 3
            assert not any(key_run(k) for k in plan[i + 1:i + gap]), d
    assert w.result.shoe_km(w.last) < 500
    assert not any(w.log("symptoms", k) or w.log("pain", k) for k in range(56))
    assert "missed" not in w.series("menstrual", 56)
    for s in w.runs().values():
        assert decoupling_pct(s) < 10 and not stops(s, 60)
    for k in range(28):
        if w.log("carbs_g", k) is not None:
            assert w.log("carbs_g", k) / r.weight_kg >= 4.5
            assert sum(g >= 20 for g in w.log("protein_meals_g", k)) >= 3
        if w.log("pre_run_mass_kg", k) is not None:
            pre, post = w.log("pre_run_mass_kg", k), w.log("post_run_mass_kg", k)
            assert 0 <= (pre - post) / pre < 0.02
    assert not any(d.causes or d.injections for d in plan)
