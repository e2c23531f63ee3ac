"""What a healthy runner also writes in the log: food and fluids, periods, a blood test.

All of it sits safely inside science.md's healthy ranges, with everyday noise, so that
a healthy control crosses no threshold; injections replace values where a cause acts.

- Food (runners with ``food_log`` > 0, on that share of days): carbohydrate matched to
  the day's training (C11 bands: 5.3 g/kg on rest days, 6.2 on runs under 75 min, 7.2
  on long or hard days, +-0.3), protein in three meals of about 0.42 g/kg (at least
  22 g) and a snack (C12: about 1.4-1.6 g/kg/day), energy matching expenditure
  (Mifflin-St Jeor BMR x 1.5 + 1 kcal/kg/km run + strength; C13), fluids of 30 ml/kg
  plus most of the sweat, pale urine (1-4). Before runs of an hour or more 1-1.6 g/kg of
  carbohydrate; during runs of 75 min or more 45 g/h (C01, C11).
- Long runs (75 min or more) of food loggers: weighed before and after, drinking so that
  0.5-1.5 % of body mass is lost (C09), electrolytes on runs of 90 min or more (C10).
- Periods (female runners): ``period`` on the first 4-5 days of each 25-32-day cycle.
- A routine blood test for some runners: ferritin, haemoglobin, vitamin D and B12 all
  normal (C18-C20).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from heavylegs.sim.days import STRUCTURED, Day
from heavylegs.sim.profile import REFERENCE_YEAR, RunnerProfile
from heavylegs.sim.rng import stream
from heavylegs.sim.weather import heat_load, run_temp_c

TDEE_FACTOR = 1.5
KCAL_PER_KG_KM = 1.0
STRENGTH_KCAL = {"none": 0, "upper": 120, "core": 90, "legs-light": 150, "legs-heavy": 220}
_PACE = {"long": 1.03, "recovery": 1.06}


def run_hours(d: Day, r: RunnerProfile) -> float:
    """Rough duration of ``d``'s run (0 on rest days)."""
    if not d.is_run:
        return 0.0
    pace = 0.95 if d.session in STRUCTURED else _PACE.get(d.session, 1.0)
    return d.planned_km * r.easy_pace_s_per_km * pace * d.effects.pace_factor / 3600.0


def body_mass(d: Day, r: RunnerProfile) -> float:
    """True morning body mass on ``d``."""
    return r.weight_kg + d.effects.mass_kg


def bmr_kcal(r: RunnerProfile, mass_kg: float) -> float:
    """Mifflin-St Jeor resting energy expenditure."""
    age = REFERENCE_YEAR - r.birth_year
    return 10 * mass_kg + 6.25 * r.height_cm - 5 * age + (-161 if r.sex == "female" else 5)


def expenditure_kcal(d: Day, r: RunnerProfile) -> float:
    """Energy spent on ``d``: everyday life, the run and any strength session."""
    mass = body_mass(d, r)
    return (TDEE_FACTOR * bmr_kcal(r, mass) + KCAL_PER_KG_KM * mass * d.planned_km
            + STRENGTH_KCAL[d.strength or "none"])


def sweat_l(d: Day, r: RunnerProfile, seed: int) -> float:
    """Sweat lost in ``d``'s run: the runner's rate, 4 % more per degree of heat."""
    if not d.is_run:
        return 0.0
    return r.sweat_lph * run_hours(d, r) * (1 + 0.04 * heat_load(run_temp_c(d, r, seed)))


def carb_target_g_per_kg(d: Day, r: RunnerProfile) -> float:
    """The middle of the day's carbohydrate band for this training."""
    if not d.is_run:
        return 5.3
    if run_hours(d, r) < 1.25 and d.session not in STRUCTURED:
        return 6.2
    return 7.2


def habit_values(d: Day, r: RunnerProfile, days: Sequence[Day], seed: int
                 ) -> dict[str, object]:
    """Habitual log values for ``d`` beyond the wellness ratings."""
    out: dict[str, object] = {}
    if r.sex == "female" and (d.index + r.cycle_offset) % r.cycle_days < r.period_days:
        out["menstrual"] = "period"
    rng = stream(seed, "food", d.index)
    if rng.random() < r.food_log:
        out.update(food(d, r, seed, rng))
        if run_hours(d, r) >= 1.25:
            out.update(long_run_fluids(d, r, seed, rng))
    if r.lab_at >= 0 and d.index == int(r.lab_at * len(days)):
        out.update(labs(r, stream(seed, "labs")))
    return out


def food(d: Day, r: RunnerProfile, seed: int, rng: np.random.Generator
         ) -> dict[str, object]:
    """A day's food and fluids, in the healthy ranges."""
    mass, hours = body_mass(d, r), run_hours(d, r)
    z = rng.normal(size=8)
    carbs = (carb_target_g_per_kg(d, r) + 0.3 * z[0]) * mass
    meals = [max(22.0, (0.42 + 0.05 * z[k]) * mass) for k in (1, 2, 3)]
    meals.append(max(6.0, 12.0 + 3.0 * z[4]))
    protein = sum(meals)
    floor = 4 * (carbs + protein) + 9 * 0.8 * mass
    energy = max(expenditure_kcal(d, r) * (1.0 + 0.05 * z[5]), floor)
    sweat = sweat_l(d, r, seed)
    out: dict[str, object] = {
        "energy_kcal": int(round(energy)), "carbs_g": int(round(carbs)),
        "protein_g": int(round(protein)), "protein_meals_g": tuple(round(m) for m in meals),
        "fluid_l": round(0.03 * mass + 0.8 * sweat + 0.3 * z[6], 1),
        "urine_color": int(np.clip(round(2.6 + 0.6 * z[7]), 1, 4)),
    }
    if hours >= 1.0:
        out["pre_run_carbs_g"] = int(round(rng.uniform(1.0, 1.6) * mass))
    elif hours and rng.random() < 0.5:
        out["pre_run_carbs_g"] = int(round(rng.uniform(25, 50)))
    if hours:
        out["run_carbs_g"] = int(round(rng.uniform(40, 55) * hours)) if hours >= 1.25 else 0
    return out


def long_run_fluids(d: Day, r: RunnerProfile, seed: int, rng: np.random.Generator
                    ) -> dict[str, object]:
    """Weighed before and after a long run; drank enough to lose 0.5-1.5 %."""
    hours, sweat = run_hours(d, r), sweat_l(d, r, seed)
    pre = body_mass(d, r) + rng.uniform(0.1, 0.5)
    post = pre * (1 - rng.uniform(0.005, 0.015))
    drank = max(sweat - (pre - post), 0.0)
    return {"pre_run_mass_kg": round(pre, 1), "post_run_mass_kg": round(pre - sweat + drank, 1),
            "run_fluid_l": round(drank, 1), "electrolytes": hours >= 1.5}


def labs(r: RunnerProfile, rng: np.random.Generator) -> dict[str, object]:
    """A routine blood test, all normal."""
    female = r.sex == "female"
    return {
        "ferritin_ug_l": round(float(max(45.0, rng.normal(75, 20))), 0),
        "hemoglobin_g_dl": round(float(rng.normal(13.5 if female else 14.9, 0.4)), 1),
        "vitamin_d_ng_ml": round(float(max(31.0, rng.normal(36, 4))), 0),
        "b12_pg_ml": round(float(max(380.0, rng.normal(520, 90))), 0),
    }
