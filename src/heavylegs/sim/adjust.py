"""Runner changes an injection may need: ``(runner, params) -> runner``.

Only what the cause requires changes; the rest of the runner stays as drawn, so the
injected scenario still compares with its healthy twin (same seed).

>>> from heavylegs.sim.profile import runner
>>> r = runner("recreational", 2)
>>> older(r, {"birth_year": 1960.0}).birth_year, pod(r, {}).dynamics_pod
(1960, True)
>>> female(r, {}).sex
'female'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from heavylegs.sim.profile import RunnerProfile

TANAKA_SLOPE = 0.7  # HRmax falls 0.7 bpm a year (Tanaka 2001, science.md §1.1)


def female(r: RunnerProfile, params: Mapping[str, float]) -> RunnerProfile:
    """A woman (the causes that need menstrual notes): a man's mass and height scaled."""
    if r.sex == "female":
        return r
    return replace(r, sex="female", weight_kg=round(r.weight_kg * 0.8, 1),
                   height_cm=r.height_cm - 13.0)


def older(r: RunnerProfile, params: Mapping[str, float]) -> RunnerProfile:
    """Born in ``params['birth_year']`` at the latest; HRmax and LTHR lower with age."""
    year = int(params["birth_year"])
    if r.birth_year <= year:
        return r
    fraction = r.lthr_fraction
    max_hr = round(r.max_hr - TANAKA_SLOPE * (r.birth_year - year))
    lthr = round(r.resting_hr + fraction * (max_hr - r.resting_hr))
    return replace(r, birth_year=year, max_hr=max_hr, lthr=lthr)


def pod(r: RunnerProfile, params: Mapping[str, float]) -> RunnerProfile:
    """Wears a chest strap or pod recording running dynamics (FIT files)."""
    return replace(r, dynamics_pod=True)


def food_logger(r: RunnerProfile, params: Mapping[str, float]) -> RunnerProfile:
    """Logs food and fluids on most days."""
    return replace(r, food_log=max(r.food_log, 0.9))
