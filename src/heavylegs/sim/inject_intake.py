"""Intake-side causes: fluids, electrolytes, carbohydrate, protein and energy
(science.md C09-C13). The runner logs food and fluids (``adjust.food_logger``); the
injection writes what they ate and drank where the cause acts, with everyday noise.
"""

from __future__ import annotations

from heavylegs.sim.adjust import female, food_logger
from heavylegs.sim.days import STRUCTURED, Day
from heavylegs.sim.habits import body_mass, expenditure_kcal, run_hours
from heavylegs.sim.injections import (
    Context,
    Plan,
    as_run,
    injection,
    intake,
    progress,
    tail,
    usual_km,
)
from heavylegs.sim.plan import SENSIBLE_SPIKE, reference_km
from heavylegs.sim.weather import air_temp_c, start_hour

FAT_FRACTION = {"female": 0.22, "male": 0.15}  # for fat-free mass (science.md C13)


def _heat_note(d: Day, ctx: Context) -> str:
    usual = air_temp_c(ctx.runner.home, d.date, start_hour(d, ctx.runner, ctx.seed), 0.0)
    return "heatwave, ran in the heat" if usual > 18 else "warm-weather trip, ran in the heat"


def _hot_run(d: Day, ctx: Context, fluids: dict[str, float], k: int) -> Day:
    """``d`` as a hot run with pre/post mass, drinks and urine colour logged."""
    rng, mass = ctx.rng(k), body_mass(d, ctx.runner)
    hours = run_hours(d, ctx.runner)
    pre = mass + rng.uniform(0.1, 0.4)
    post = pre * (1 - rng.uniform(*fluids["loss_pct"]) / 100)
    drank = fluids["drink_lph"] * hours * rng.uniform(0.8, 1.2)
    log = {"pre_run_mass_kg": round(pre, 1), "post_run_mass_kg": round(post, 1),
           "run_fluid_l": round(drank, 1), "fluid_l": round(rng.uniform(*fluids["day_l"]), 1),
           "urine_color": int(rng.integers(*fluids["urine"])),
           "notes": _heat_note(d, ctx)}
    return ctx.activate(d, temp_c=round(float(rng.uniform(*fluids["temp"])), 1), log=log)


@injection("dehydration", cause="dehydration", adjust=(food_logger,), temp_c=30.0,
           loss_pct=2.8)
def _dehydration(days: Plan, ctx: Context) -> Plan:
    """The last two days' runs are hot (about ``temp_c`` C), the runner drinks little:
    ``loss_pct`` % of body mass lost over the final run, dark urine, low daily fluid,
    morning mass down, HR drifting up (science.md C09)."""
    last, t, loss = len(days) - 1, ctx.params["temp_c"], ctx.params["loss_pct"]
    out = list(days)
    for k, i in enumerate((last - 1, last)):
        d = out[i]
        if not d.is_run or d.session in STRUCTURED:
            d = as_run(d, "easy", usual_km(days, i, "easy", 7.0))
        final = i == last
        fluids = {"loss_pct": (loss - 0.2, loss + 0.4) if final else (2.0, 2.4),
                  "drink_lph": 0.15, "day_l": (1.1, 1.5) if final else (1.4, 1.8),
                  "urine": (6, 8) if final else (5, 7), "temp": (t - 1.5, t + 2.0)}
        d = ctx.activate(d, mass_kg=-(0.02 if final else 0.008) * ctx.runner.weight_kg)
        out[i] = ctx.activate(_hot_run(d, ctx, fluids, k), drift_scale=3.5 if final else 2.0,
                              run_hr_bpm=4.0, heaviness=1.2, fatigue=1.0)
    return tuple(out)


@injection("electrolyte-imbalance", cause="electrolyte-imbalance", adjust=(food_logger,),
           temp_c=27.0, sweat_lph=1.7)
def _electrolytes(days: Plan, ctx: Context) -> Plan:
    """Two long, hot runs a week apart (the last on the final day) sweating
    ``sweat_lph`` L/h, drinking plenty of plain water but no electrolytes: cramps, salt
    marks, mass loss under 2 % (science.md C10)."""
    r, last, t = ctx.runner, len(days) - 1, ctx.params["temp_c"]
    out = list(days)
    for k, i in enumerate((last - 7, last)):
        if i < 0:
            continue
        km = min(usual_km(days, i, "long", 12.0), SENSIBLE_SPIKE * reference_km(out, i, r))
        for j in range(max(i - 2, 0), min(i + 3, last + 1)):
            if out[j].session == "long" and j != i:
                out[j] = as_run(out[j], "easy", usual_km(days, j, "easy", 6.0))
        d = as_run(out[i], "long", km)
        fluids = {"loss_pct": (1.4, 1.9), "drink_lph": ctx.params["sweat_lph"] * 0.7,
                  "day_l": (3.2, 4.0), "urine": (1, 3), "temp": (t - 1.0, t + 2.0)}
        d = _hot_run(d, ctx, fluids, 10 + k)
        log = {"electrolytes": False, "cramps": True, "pain": 4, "pain_location": "both calves",
               "notes": "calf cramps late in the run; white salt marks on my cap"}
        out[i] = ctx.activate(d, log=log, heaviness=1.5, drift_scale=1.3)
    return tuple(out)


@injection("low-carbohydrate", cause="low-carbohydrate", adjust=(food_logger,), days=14.0,
           g_per_kg=3.0)
def _low_carbohydrate(days: Plan, ctx: Context) -> Plan:
    """For ``days`` days the runner eats about ``g_per_kg`` g/kg of carbohydrate while
    training as usual (band 5-10 g/kg, science.md C11), little before runs; fat makes up
    most of the energy; glycogen and its water go, so the scales drop about 1 kg."""
    window, r = tail(days, ctx.params["days"]), ctx.runner
    out = list(days)
    for i in window:
        p, rng = progress(i, window), ctx.rng(i)
        d = ctx.activate(out[i], mass_kg=-1.0 * min(1.0, 2 * p), heaviness=1.5 * p,
                         fatigue=1.0 * p, effort_cost=1 + 0.03 * p)
        mass = body_mass(d, r)
        carbs = rng.uniform(0.85, 1.15) * ctx.params["g_per_kg"] * mass
        protein = rng.uniform(1.6, 1.9) * mass
        fat = max(expenditure_kcal(d, r) * 0.95 - 4 * (carbs + protein), 0.8 * 9 * mass) / 9
        log = {**intake(carbs, protein, fat, rng), "body_mass_kg": round(mass, 1)}
        if d.is_run:
            log.update(pre_run_carbs_g=int(rng.integers(0, 21)), run_carbs_g=0)
        out[i] = ctx.activate(d, log=log)
    return tuple(out)


@injection("low-protein", cause="low-protein", adjust=(food_logger,), days=21.0,
           g_per_kg=0.9)
def _low_protein(days: Plan, ctx: Context) -> Plan:
    """For ``days`` days about ``g_per_kg`` g/kg of protein (advised 1.2-2.0), in meals
    mostly under 20 g; energy and carbohydrate as usual; soreness lingers (C12)."""
    window, r = tail(days, ctx.params["days"]), ctx.runner
    out = list(days)
    for i in window:
        p, rng = progress(i, window), ctx.rng(i)
        d = ctx.activate(out[i], soreness=1.0 * p, heaviness=1.2 * p, fatigue=0.6 * p)
        mass = body_mass(d, r)
        protein = rng.uniform(0.8, 1.0) * ctx.params["g_per_kg"] / 0.9 * mass
        carbs = rng.uniform(6.0, 7.0) * mass
        fat = max(expenditure_kcal(d, r) - 4 * (carbs + protein), 0.8 * 9 * mass) / 9
        out[i] = ctx.activate(d, log=intake(carbs, protein, fat, rng,
                                            shares=(0.15, 0.24, 0.28, 0.18, 0.15)))
    return tuple(out)


@injection("low-energy-availability", cause="low-energy-availability",
           adjust=(female, food_logger), weeks=8.0, ea=22.0, mass_loss_kg=2.5)
def _low_energy(days: Plan, ctx: Context) -> Plan:
    """For ``weeks`` weeks the runner eats far less than she spends (energy availability
    about ``ea`` kcal/kg fat-free mass a day; 45 is adequate, < 30 low): mass falls
    ``mass_loss_kg`` kg, periods are missed, fatigue grows (REDs, science.md C13)."""
    window, r = tail(days, ctx.params["weeks"] * 7), ctx.runner
    out = list(days)
    for i in window:
        p, rng = progress(i, window), ctx.rng(i)
        d = ctx.activate(out[i], mass_kg=-ctx.params["mass_loss_kg"] * p, fatigue=2.0 * p,
                         heaviness=1.5 * p, mood=-0.8 * p, effort_cost=1 + 0.03 * p)
        mass = body_mass(d, r)
        ffm = mass * (1 - FAT_FRACTION[r.sex])
        exercise = mass * d.planned_km * 0.85
        energy = exercise + ctx.params["ea"] * ffm * rng.uniform(0.9, 1.1)
        protein, fat = rng.uniform(1.2, 1.4) * mass, 0.6 * mass
        carbs = max((energy - 4 * protein - 9 * fat) / 4, 1.5 * mass)
        log = {**intake(carbs, protein, fat, rng), "body_mass_kg": round(mass, 1),
               **_cycle(d, r.cycle_offset, r.cycle_days, r.period_days)}
        out[i] = ctx.activate(d, log=log)
    return tuple(out)


def _cycle(d: Day, offset: int, length: int, period: int) -> dict[str, object]:
    """Menstrual note for an expected period day that does not come."""
    day = (d.index + offset) % length
    if day == 0:
        return {"menstrual": "missed"}
    return {"menstrual": "none"} if day < period else {}
