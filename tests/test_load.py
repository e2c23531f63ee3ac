from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from heavylegs.core.load import ctl_atl_tsb, hr_histogram, hrss, trimp


def monotony_days(loads: list[float]) -> list[float]:
    """The daily table's Foster monotony (core.daily.monotony_7d) of these daily loads."""
    import polars as pl

    from heavylegs.core.daily import monotony_7d

    return pl.DataFrame({"load": loads}, schema={"load": pl.Float64}).select(monotony_7d("load")).to_series().to_list()


@given(st.floats(min_value=0, max_value=300), st.floats(min_value=0, max_value=300))
def test_ctl_of_a_constant_load_converges_to_it(load: float, seed: float) -> None:
    ctl, atl, tsb = ctl_atl_tsb([load] * 600, seed_ctl=seed, seed_atl=seed)
    assert abs(ctl[-1] - load) < 1e-3 * max(1.0, abs(load - seed))
    assert abs(atl[-1] - load) < 1e-6 * max(1.0, abs(load - seed))
    assert abs(tsb[-1]) < 1e-3 * max(1.0, abs(load - seed))


def test_fatigue_reacts_faster_than_fitness() -> None:
    ctl, atl, tsb = ctl_atl_tsb([50.0] * 60 + [150.0] * 7)
    assert atl[-1] > ctl[-1] and tsb[-1] < -30


def test_hr_histogram_counts_seconds_and_skips_pauses() -> None:
    elapsed = np.array([0, 1, 2, 3, 100, 101], dtype=float)
    hr = np.array([150, 150, 151, 152, 160, 160], dtype=float)
    hist = hr_histogram(elapsed, hr)
    assert hist[150] == 2 and hist[151] == 1 and hist[160] == 1 and hist.sum() == 4


def test_hour_at_lthr_is_100_hrss_and_harder_is_more() -> None:
    hist = np.zeros(256, dtype=np.int32)
    hist[170] = 3600
    assert abs(hrss(hist, 190, 50, 170, "female") - 100) < 1e-9
    harder = np.zeros(256, dtype=np.int32)
    harder[180] = 3600
    assert trimp(harder, 190, 50, "male") > trimp(hist, 190, 50, "male")


def test_monotony_matches_foster_definition() -> None:
    loads = [60, 0, 80, 40, 0, 120, 50]
    mean = sum(loads) / 7
    sd = (sum((x - mean) ** 2 for x in loads) / 7) ** 0.5
    assert abs(monotony_days(loads)[-1] - mean / sd) < 1e-12
    assert monotony_days([50] * 7)[-1] == 10.0


# -- the daily table computes loads and monotony in polars (no numpy on `why`'s path) --------


@given(st.lists(st.one_of(st.just(0.0), st.just(80.0), st.floats(min_value=0, max_value=400)),
                min_size=1, max_size=40))
def test_polars_monotony_matches_the_foster_definition(loads: list[float]) -> None:
    """Mean / population SD of each trailing 7 days (fewer at the start), capped at 10."""
    got = monotony_days(loads)
    assert len(got) == len(loads)
    for i, g in enumerate(got):
        week = np.array(loads[max(0, i - 6): i + 1])
        sd = week.std()
        want = min(week.mean() / sd, 10.0) if sd > 1e-9 else (10.0 if week.mean() > 0 else 0.0)
        assert abs(g - want) < 1e-9 * max(1.0, want), (loads, got)


def test_polars_monotony_of_a_constant_week_is_capped_not_noise() -> None:
    got = monotony_days([97.3] * 10 + [0.0] * 8)
    assert got[:10] == [10.0] * 10 and got[-1] == 0.0


@given(st.lists(st.lists(st.integers(min_value=0, max_value=900), min_size=256, max_size=256),
                min_size=1, max_size=6),
       st.sampled_from(["male", "female", None]), st.integers(min_value=160, max_value=205))
def test_loads_from_stored_histograms_match_the_scalar_hrss(rows: list[list[int]], sex: str | None,
                                                           max_hr: int) -> None:
    """``daily.with_loads`` reads the stored histogram bytes with polars; the load and the
    hard minutes must be the scalar HRSS and the seconds above 87 % of max HR, and twice
    the seconds at each bpm twice the load."""
    import math

    import polars as pl

    from heavylegs.core import daily
    from heavylegs.core.load import fallback_load
    from heavylegs.core.profile import Profile

    profile = Profile(max_hr=float(max_hr), resting_hr=52.0, lthr=0.9 * max_hr, sex=sex)
    hists = np.array(rows + [[2 * v for v in rows[0]]], dtype=np.int32)
    blobs = [h.tobytes() for h in hists] + [None]  # the last activity has no heart rate
    acts = pl.DataFrame({
        "start_utc": ["2024-05-01T07:00:00+00:00"] * len(blobs), "utc_offset_s": [0] * len(blobs),
        "sport": ["running"] * len(blobs), "moving_s": [1800.0] * len(blobs),
        "elapsed_s": [1900.0] * len(blobs), "lon_deg": [None] * len(blobs), "hr_hist": blobs,
    }, schema_overrides={"hr_hist": pl.Binary, "lon_deg": pl.Float64})
    out = daily.with_loads(acts, profile, 0)
    assert "hr_hist" not in out.columns
    want = [hrss(h, profile.max_hr, profile.resting_hr, profile.lthr, sex) for h in hists]
    hard_from = math.ceil(0.87 * max_hr)
    for i, hist in enumerate(hists):
        row = out.row(i, named=True)
        if hist.sum() >= daily.MIN_HR_SECONDS:
            assert abs(row["load"] - want[i]) < 1e-9 * max(1.0, want[i]) and not row["load_estimated"]
            assert abs(row["hard_min"] - hist[hard_from:].sum() / 60.0) < 1e-9
        else:
            assert row["load"] == fallback_load(1800.0) and row["load_estimated"] and row["hard_min"] == 0.0
    assert out.row(-1, named=True)["load"] == fallback_load(1800.0)
    if hists[0].sum() >= daily.MIN_HR_SECONDS:
        doubled, single = out.row(len(rows), named=True)["load"], out.row(0, named=True)["load"]
        assert abs(doubled - 2 * single) < 1e-6 * max(1.0, doubled)
