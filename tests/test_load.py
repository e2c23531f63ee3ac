from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from heavylegs.core.load import ctl_atl_tsb, hr_histogram, hrss, monotony, trimp


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
    assert abs(monotony(loads) - mean / sd) < 1e-12
    assert monotony([50] * 7) == 10.0


@given(st.lists(st.integers(min_value=0, max_value=4000), min_size=256, max_size=256),
       st.sampled_from(["male", "female", "other", None]))
def test_vectorised_hrss_matches_the_scalar_one(counts: list[int], sex: str | None) -> None:
    from heavylegs.core.load import hrss_many

    hist = np.array(counts, dtype=np.int32)
    many = hrss_many(np.stack([hist, hist * 2]), 192, 48, 171, sex)
    assert abs(many[0] - hrss(hist, 192, 48, 171, sex)) < 1e-6 * max(1.0, many[0])
    assert abs(many[1] - 2 * many[0]) < 1e-6 * max(1.0, many[1])
