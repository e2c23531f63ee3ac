"""Per-activity metrics (core/metrics.py): hand-built streams with known answers, invariants
under hypothesis, and simulated runs whose truth is known."""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heavylegs import sim
from heavylegs.core import load, streams
from heavylegs.core.metrics import METRICS, PROFILE_KEY_FIELDS, compute
from heavylegs.core.metrics_terrain import grade_factor
from heavylegs.core.profile import Profile
from heavylegs.core.settings import REGISTRY, Setting

PROFILE = Profile(sex="male", max_hr=200, resting_hr=50, lthr=170, threshold_pace_s_km=250)
EDWARDS = ("hr_z1_s", "hr_z2_s", "hr_z3_s", "hr_z4_s", "hr_z5_s")
SEILER = ("hr_easy_s", "hr_moderate_s", "hr_hard_s")
PACE = ("pace_easy_s", "pace_moderate_s", "pace_hard_s")


def make(t: Any, **columns: Any) -> pl.DataFrame:
    """A stream frame at times ``t``; scalars are broadcast, and distance is integrated from
    speed (each sample's speed covers the interval before it, not across pauses) unless
    given."""
    times = np.asarray(t, dtype=float)
    data: dict[str, Any] = {"elapsed_s": times}
    for name, value in columns.items():
        data[name] = np.full(times.size, float(value)) if np.ndim(value) == 0 else value
    if "speed_mps" in data and "distance_m" not in data:
        speed = np.asarray(data["speed_mps"], dtype=float)
        dt = np.diff(times)
        steps = np.concatenate(([0.0], np.where(dt <= 30, speed[1:] * dt, 0.0)))
        data["distance_m"] = np.cumsum(steps)
    return streams.from_columns(data)


def seconds(n: int, step: float = 1.0) -> np.ndarray:
    return np.arange(n + 1) * step


# --- the contract -----------------------------------------------------------------------


def test_keys_descriptions_and_profile_fields() -> None:
    m = compute(make(seconds(600), speed_mps=3.0, heart_rate_bpm=150), PROFILE, "running")
    assert list(m) == list(METRICS)
    assert all(text and text.endswith(")") for text in METRICS.values())  # a unit at the end
    assert set(PROFILE_KEY_FIELDS) <= {f.name for f in fields(Profile)}


def test_every_threshold_is_a_registered_setting_with_unit_and_source() -> None:
    from heavylegs.core import metrics_settings

    found = [v for v in vars(metrics_settings).values() if isinstance(v, Setting)]
    found += list(metrics_settings.EDWARDS_EDGES)
    assert len(found) >= 25
    for s in found:
        assert REGISTRY[s.name] is s and s.unit and s.source


def test_empty_and_bare_frames_give_every_key_as_none() -> None:
    for frame in (streams.empty(), pl.DataFrame({"elapsed_s": [0.0]}), pl.DataFrame()):
        m = compute(frame, PROFILE, "running")
        assert list(m) == list(METRICS) and all(v is None for v in m.values())


def test_under_a_minute_gives_totals_only() -> None:
    m = compute(make(seconds(40), speed_mps=3.0, heart_rate_bpm=150, cadence_spm=170),
                PROFILE, "running")
    assert m["moving_s"] == 40.0 and m["distance_m"] == pytest.approx(120.0)
    assert m["hr_z3_s"] is None and m["speed_mps_mean"] is None and m["cadence_spm_mean"] is None


# --- halves: EF, decoupling, fade, drift -------------------------------------------------


def test_constant_speed_and_hr_has_no_decoupling_fade_or_drift() -> None:
    m = compute(make(seconds(2400), speed_mps=3.0, heart_rate_bpm=150), PROFILE, "running")
    assert m["decoupling_pct"] == 0.0 and m["hr_drift_pct"] == 0.0 and m["pace_fade_pct"] == 0.0
    assert m["ef_first_half"] == m["ef_second_half"] == pytest.approx(180.0 / 150.0)


def test_slower_second_half_at_the_same_hr() -> None:
    t = seconds(2400)
    speed = np.where(t <= 1200, 3.0, 2.7)
    m = compute(make(t, speed_mps=speed, heart_rate_bpm=150), PROFILE, "running")
    assert m["pace_fade_pct"] == pytest.approx(10.0)
    assert m["decoupling_pct"] == pytest.approx(10.0)
    assert m["ef_second_half"] == pytest.approx(162.0 / 150.0)
    assert m["hr_drift_pct"] is None  # the halves share no speed


def test_hr_rising_at_constant_speed_is_drift_and_decoupling() -> None:
    t = seconds(3000)
    m = compute(make(t, speed_mps=3.0, heart_rate_bpm=np.where(t < 1500, 150.0, 157.5)),
                PROFILE, "running")
    assert m["hr_drift_pct"] == pytest.approx(5.0)
    assert m["decoupling_pct"] == pytest.approx(100 * (1 - 150 / 157.5))
    assert m["pace_fade_pct"] == pytest.approx(0.0)


def test_halves_need_twenty_minutes_and_a_steady_run() -> None:
    short = compute(make(seconds(1100), speed_mps=3.0, heart_rate_bpm=150), PROFILE, "running")
    assert short["decoupling_pct"] is None and short["pace_fade_pct"] is None
    t = seconds(2400)
    intervals = np.where((t // 120) % 2 == 0, 4.2, 2.4)  # 2 min fast, 2 min jog
    m = compute(make(t, speed_mps=intervals, heart_rate_bpm=160), PROFILE, "running")
    assert m["decoupling_pct"] is None and m["ef_first_half"] is None
    assert m["pace_fade_pct"] == pytest.approx(0.0, abs=1.0)
    no_hr = compute(make(t, speed_mps=3.0), PROFILE, "running")
    assert no_hr["decoupling_pct"] is None and no_hr["pace_fade_pct"] == pytest.approx(0.0)


# --- terrain -----------------------------------------------------------------------------


def _hill(grade: float, start_m: float = 300, length_m: float = 400) -> pl.DataFrame:
    t = seconds(400)
    d = 2.5 * t
    alt = 100 + grade * np.clip(d - start_m, 0, length_m)
    return make(t, speed_mps=2.5, distance_m=d, altitude_m=alt)


def test_descent_at_minus_15_percent_is_steep_and_minus_5_is_not() -> None:
    steep = compute(_hill(-0.15), PROFILE, "running")
    assert steep["descent_steep_m"] == pytest.approx(60.0, abs=0.5)
    assert steep["elev_loss_m"] == pytest.approx(60.0, abs=0.5) and steep["elev_gain_m"] == 0.0
    gentle = compute(_hill(-0.05), PROFILE, "running")
    assert gentle["descent_steep_m"] == 0.0
    assert gentle["elev_loss_m"] == pytest.approx(20, abs=3)  # hysteresis keeps the last < 3 m
    stricter = compute(_hill(-0.15), PROFILE, "running",
                       overrides={"steep_descent_grade_pct": -20.0})
    assert stricter["descent_steep_m"] == 0.0


def test_grade_adjusted_speed_on_a_constant_climb_follows_minetti() -> None:
    m = compute(_hill(0.05, start_m=0, length_m=1e6), PROFILE, "running")
    factor = float(grade_factor(np.array([0.05]), {})[0])
    assert factor == pytest.approx((155.4 * 0.05**5 - 30.4 * 0.05**4 - 43.3 * 0.05**3
                                    + 46.3 * 0.05**2 + 19.5 * 0.05 + 3.6) / 3.6)
    assert m["grade_adjusted_speed_mps"] == pytest.approx(2.5 * factor, rel=1e-6)
    assert m["speed_mps_mean"] == pytest.approx(2.5)


def test_without_altitude_there_is_no_elevation_and_grade_is_flat() -> None:
    m = compute(make(seconds(600), speed_mps=3.0), PROFILE, "running")
    assert m["elev_gain_m"] is None and m["descent_steep_m"] is None
    assert m["grade_adjusted_speed_mps"] == pytest.approx(3.0)


# --- zones and load ----------------------------------------------------------------------


def test_zone_times_on_a_heart_rate_ramp() -> None:
    t = seconds(1000)
    hr = 90.0 + t // 10  # 90..190 bpm, 10 s per bpm; HRmax 200
    m = compute(make(t, speed_mps=3.0, heart_rate_bpm=hr), PROFILE, "running")
    assert [m[k] for k in EDWARDS] == [200.0, 200.0, 200.0, 200.0, 100.0]  # < 50 %: none
    assert [m[k] for k in SEILER] == [740.0, 110.0, 150.0]  # < 164, 164-174, > 174 bpm
    assert m["time_above_lthr_s"] == 190.0  # > 170 bpm
    assert m["hr_max_5s_bpm"] == 189.0


def test_pace_zones_against_threshold_pace() -> None:
    threshold = 1000 / 250  # 4 m/s
    t = seconds(1800)
    speed = np.select([t <= 600, t <= 1200], [threshold * 1.05, threshold / 1.2],
                      threshold / 1.07)
    m = compute(make(t, speed_mps=speed, heart_rate_bpm=150), PROFILE, "running")
    assert [m[k] for k in PACE] == [600.0, 600.0, 600.0]
    unset = compute(make(t, speed_mps=speed), Profile(), "running")
    assert all(unset[k] is None for k in (*PACE, "rtss"))


def test_an_hour_at_threshold_is_100_rtss_and_at_lthr_100_hrss() -> None:
    m = compute(make(seconds(3600), speed_mps=4.0, heart_rate_bpm=170), PROFILE, "running")
    assert m["rtss"] == pytest.approx(100.0)
    assert m["hrss"] == pytest.approx(100.0)
    assert m["time_above_lthr_s"] == 0.0 and m["hr_z4_s"] == 3600.0


def test_trimp_and_hrss_agree_with_the_load_model_on_a_simulated_run() -> None:
    result = sim.simulate(sim.Scenario(seed=2, weeks=1))
    activity, r = result.activities[0], result.runner
    profile = Profile(sex=r.sex, max_hr=r.max_hr, resting_hr=r.resting_hr, lthr=r.lthr)
    m = compute(activity.streams(), profile, "running")
    hist = load.hr_histogram(activity.elapsed_s, activity.heart_rate_bpm)
    assert m["trimp"] == pytest.approx(load.trimp(hist, r.max_hr, r.resting_hr, r.sex), rel=0.01)
    assert m["hrss"] == pytest.approx(load.hrss(hist, r.max_hr, r.resting_hr, r.lthr, r.sex),
                                      rel=0.01)


def test_heart_rate_artefacts_are_dropped() -> None:
    hr = np.full(601, 150.0)
    hr[100] = 225.0  # a one-second spike
    hr[200:203] = 250.0  # out of range
    hr[300] = 12.0
    m = compute(make(seconds(600), speed_mps=3.0, heart_rate_bpm=hr), PROFILE, "running")
    assert m["hr_max_5s_bpm"] == 150.0
    assert m["hr_z5_s"] == 0.0 and m["hr_z4_s"] == 0.0
    assert m["hr_z3_s"] == pytest.approx(600.0 - 5.0)  # the five artefact seconds


# --- form --------------------------------------------------------------------------------


def test_cadence_speed_slope_on_synthetic_data() -> None:
    rng = np.random.default_rng(7)
    t = seconds(1800)
    speed = 2.5 + 1.5 * (t // 300) / 5  # six 5-minute steps, 2.5-4.0 m/s
    cadence = 150.0 + 8.0 * speed + rng.normal(0, 1.0, t.size)
    m = compute(make(t, speed_mps=speed, cadence_spm=cadence), PROFILE, "running")
    assert m["cadence_speed_slope"] == pytest.approx(8.0, abs=0.3)
    steady = compute(make(t, speed_mps=3.0, cadence_spm=170), PROFILE, "running")
    assert steady["cadence_speed_slope"] is None  # no spread of speeds to fit
    walks = (t % 600) >= 540  # a one-minute walk break every ten minutes
    with_walks = compute(make(t, speed_mps=np.where(walks, 1.6, speed),
                              cadence_spm=np.where(walks, 120.0, cadence)), PROFILE, "running")
    assert with_walks["cadence_speed_slope"] == pytest.approx(8.0, abs=0.3)


def test_a_corrupt_near_zero_cadence_gives_no_stride_rather_than_infinity() -> None:
    """Found by the random-streams property test: 1e-300 spm is 'positive' but no cadence."""
    t = seconds(600)
    m = compute(make(t, speed_mps=3.0, cadence_spm=1e-300), PROFILE, "running")
    assert m["stride_m_mean"] is None
    assert all(v is None or math.isfinite(v) for v in m.values())


def test_form_drift_when_contact_time_rises_10_percent() -> None:
    t = seconds(3000)
    gct = np.interp(t, [0, 1000, 2000, 3000], [240.0, 240.0, 264.0, 264.0])
    m = compute(make(t, speed_mps=3.0, cadence_spm=180, stance_time_ms=gct,
                     vertical_oscillation_mm=90, stance_balance_pct=49.2), PROFILE, "running")
    assert m["form_drift_gct_pct"] == pytest.approx(10.0)
    assert m["form_drift_cadence_pct"] == 0.0 and m["form_drift_vo_pct"] == 0.0
    assert m["stride_m_mean"] == pytest.approx(1.0) and m["cadence_spm_mean"] == 180.0
    assert m["vertical_ratio_pct"] == pytest.approx(9.0) and m["vo_mm_mean"] == 90.0
    assert m["gct_ms_mean"] == pytest.approx(252.0, abs=0.1)
    assert m["gct_balance_left_pct_mean"] == pytest.approx(49.2)


def test_sport_decides_which_keys_apply() -> None:
    frame = make(seconds(1800), speed_mps=3.0, heart_rate_bpm=150, cadence_spm=170)
    ride = compute(frame, PROFILE, "cycling")
    assert ride["hr_z3_s"] == 1800.0 and ride["speed_mps_mean"] == 3.0
    assert all(ride[k] is None for k in ("rtss", "pace_easy_s", "grade_adjusted_speed_mps",
                                         "decoupling_pct", "cadence_spm_mean"))
    walk = compute(frame, PROFILE, "walking")
    assert walk["cadence_spm_mean"] == 170.0 and walk["rtss"] is None


# --- sampling: pauses, irregular samples, order ------------------------------------------


def test_pauses_and_stops_are_not_moving() -> None:
    t = np.concatenate((seconds(1200), 1800 + seconds(1200)))  # a 10-minute gap
    speed = np.full(t.size, 3.0)
    speed[(t > 600) & (t <= 720)] = 0.0  # a two-minute stop at a light, still recording
    m = compute(make(t, speed_mps=speed, heart_rate_bpm=150), PROFILE, "running")
    assert m["moving_s"] == 2400.0 - 120.0
    assert sum(m[k] for k in EDWARDS) == m["moving_s"] == sum(m[k] for k in SEILER)
    assert m["speed_mps_mean"] == 3.0
    assert m["distance_m"] == pytest.approx(3.0 * 2280)


def test_irregular_sampling_is_weighted_by_time() -> None:
    t = np.concatenate((np.arange(0.0, 601.0), np.arange(605.0, 1201.0, 5.0)))
    speed = np.where(t <= 600, 3.0, 2.0)
    hr = np.where(t < 600, 150.0, 170.0)  # z3 then z4; the 5-s samples are 1/6 as many
    m = compute(make(t, speed_mps=speed, heart_rate_bpm=hr), PROFILE, "running")
    assert m["moving_s"] == 1200.0
    assert m["speed_mps_mean"] == pytest.approx(2.5)
    assert (m["hr_z3_s"], m["hr_z4_s"]) == (600.0, 600.0)
    every_second = compute(make(np.arange(0.0, 1201.0), speed_mps=np.where(
        np.arange(1201) <= 600, 3.0, 2.0), heart_rate_bpm=np.where(np.arange(1201) < 600,
                                                                   150.0, 170.0)),
        PROFILE, "running")
    for key in ("trimp", "hrss", "hr_z4_s", "pace_fade_pct", "distance_m", "hr_max_5s_bpm"):
        assert m[key] == pytest.approx(every_second[key], rel=1e-9), key
    assert m["rtss"] == pytest.approx(every_second["rtss"], rel=2e-3)  # 30-s window, 5-s steps


def test_row_order_and_missing_elapsed_do_not_matter() -> None:
    frame = make(seconds(1500), speed_mps=3.0 + 0.3 * np.sin(seconds(1500) / 100),
                 heart_rate_bpm=150 + 10 * np.sin(seconds(1500) / 300))
    start = datetime(2026, 3, 1, 7, tzinfo=UTC)
    stamps = [start + timedelta(seconds=float(s)) for s in frame["elapsed_s"]]
    frame = frame.with_columns(timestamp=pl.Series(stamps).dt.cast_time_unit("us"))
    base = compute(frame, PROFILE, "running")
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=3)
    assert _same(compute(shuffled, PROFILE, "running"), base)
    no_elapsed = frame.with_columns(elapsed_s=pl.lit(None, pl.Float64))
    assert _same(compute(no_elapsed, PROFILE, "running"), base)


def test_heart_rate_only_counts_recorded_time_as_moving() -> None:
    m = compute(make(seconds(900), heart_rate_bpm=150), PROFILE, "treadmill_running")
    assert m["moving_s"] == 900.0 and m["hr_z3_s"] == 900.0
    assert m["distance_m"] is None and m["speed_mps_mean"] is None and m["rtss"] is None


def test_real_runs_with_running_dynamics(corpus: Path) -> None:
    from heavylegs.importers import read_activity_file

    path = corpus / "Runalyze_Runalyze/tests/testfiles/fit/with-new-dynamics.fit"
    if not path.exists():
        pytest.skip(f"{path.name} not in the corpus")
    activity = read_activity_file(path)[0]
    m = compute(activity.streams, PROFILE, activity.summary.sport)
    # the summary keeps the device's session timer time (issue 11); the metric counts the
    # samples that move, which a paused-but-not-stopped watch keeps a little below it
    assert m["moving_s"] == pytest.approx(activity.summary.moving_s, rel=0.02)
    assert 150 < m["cadence_spm_mean"] < 190 and 0.7 < m["stride_m_mean"] < 1.6
    assert 200 < m["gct_ms_mean"] < 350 and 50 < m["vo_mm_mean"] < 130
    assert 5 < m["vertical_ratio_pct"] < 12 and 45 < m["gct_balance_left_pct_mean"] < 55
    assert m["hr_max_5s_bpm"] is not None and m["trimp"] > 0


# --- properties --------------------------------------------------------------------------

CHANNELS = {"speed_mps": (0, 8), "distance_m": (0, 5000), "heart_rate_bpm": (0, 260),
            "cadence_spm": (0, 220), "altitude_m": (-50, 3000), "temperature_c": (-20, 40),
            "stance_time_ms": (0, 400), "vertical_oscillation_mm": (0, 150),
            "stance_balance_pct": (0, 100)}


@st.composite
def random_streams(draw: st.DrawFn) -> pl.DataFrame:
    n = draw(st.integers(0, 150))
    steps = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 1.0, 1.0, 3.0, 5.0, 45.0]),
                          min_size=n, max_size=n))
    elapsed = np.cumsum(steps)
    columns: dict[str, Any] = {"elapsed_s": elapsed}
    for name, (lo, hi) in CHANNELS.items():
        kind = draw(st.sampled_from(("absent", "values", "values")))
        if kind == "values":
            value = st.one_of(st.none(), st.just(math.nan), st.floats(lo, hi))
            columns[name] = draw(st.lists(value, min_size=n, max_size=n))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    columns["timestamp"] = [start + timedelta(seconds=float(s)) for s in elapsed]
    return streams.from_columns(columns)


def _close(x: float | None, y: float | None) -> bool:
    if x is None or y is None:
        return x is y
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def _same(a: dict[str, float | None], b: dict[str, float | None]) -> bool:
    return list(a) == list(b) and all(_close(a[k], b[k]) for k in a)


@settings(max_examples=80, deadline=None)
@given(random_streams(), st.sampled_from(("running", "walking", "cycling")))
def test_random_streams_never_fail_and_zones_fit_in_moving_time(frame: pl.DataFrame,
                                                                 sport: str) -> None:
    m = compute(frame, PROFILE, sport)
    assert list(m) == list(METRICS)
    assert all(v is None or math.isfinite(v) for v in m.values())
    moving = m["moving_s"] or 0.0
    for keys in (EDWARDS, SEILER, PACE, ("time_above_lthr_s",)):
        assert sum(m[k] or 0.0 for k in keys) <= moving + 1e-6


@settings(max_examples=40, deadline=None)
@given(random_streams(), st.integers(-10**9, 10**9), st.booleans())
def test_shifting_timestamps_changes_nothing(frame: pl.DataFrame, shift_s: int,
                                             drop_elapsed: bool) -> None:
    if drop_elapsed:
        frame = frame.with_columns(elapsed_s=pl.lit(None, pl.Float64))
    shifted = frame.with_columns(pl.col("timestamp") + timedelta(seconds=shift_s))
    assert _same(compute(shifted, PROFILE, "running"), compute(frame, PROFILE, "running"))


# --- simulated runs ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def simulated() -> tuple[sim.SimResult, list[dict[str, float | None]]]:
    result = sim.simulate(sim.Scenario(seed=1, weeks=4))
    r = result.runner
    profile = Profile(sex=r.sex, max_hr=r.max_hr, resting_hr=r.resting_hr, lthr=r.lthr,
                      threshold_pace_s_km=r.threshold_pace_s_per_km)
    return result, [compute(a.streams(), profile, "running") for a in result.activities]


def test_simulated_easy_runs_are_easy_and_intervals_hard(simulated) -> None:  # type: ignore[no-untyped-def]
    result, metrics = simulated
    sessions = [a.session for a in result.activities]
    assert {"easy", "long", "intervals"} <= set(sessions)
    for session, m in zip(sessions, metrics, strict=True):
        if session in ("easy", "long"):
            assert m["hr_easy_s"] >= 0.95 * m["moving_s"]
            assert m["pace_easy_s"] >= 0.95 * m["moving_s"]
            assert m["decoupling_pct"] is not None and 0 < m["decoupling_pct"] < 5
        if session == "intervals":
            assert m["hr_hard_s"] > 600 and m["pace_hard_s"] > 600
            assert m["decoupling_pct"] is None  # not a steady run


def test_simulated_cadence_rises_6_spm_per_mps(simulated) -> None:  # type: ignore[no-untyped-def]
    result, metrics = simulated
    slopes = [m["cadence_speed_slope"] for a, m in zip(result.activities, metrics, strict=True)
              if a.session in ("intervals", "tempo", "fartlek", "time-trial")]
    assert slopes and all(s is not None and 5.0 < s < 7.0 for s in slopes)
