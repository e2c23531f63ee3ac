"""The runner's body and kit: form, asymmetry, shoes, iron, vitamin D and B12
(science.md C16-C20, C24), and ``dynamics-pod``, a device rather than a cause.
"""

from __future__ import annotations

from dataclasses import replace

from heavylegs.sim.adjust import female, pod
from heavylegs.sim.days import Day
from heavylegs.sim.gear import shoe_km
from heavylegs.sim.injections import Context, Plan, injection, progress, tail

WORN_FROM_KM = 700.0  # the pair starts to feel flat


@injection("dynamics-pod", adjust=(pod,))
def _dynamics_pod(days: Plan, ctx: Context) -> Plan:
    """No cause: the runner wears a pod recording running dynamics (FIT files)."""
    return days


@injection("running-form", cause="running-form", adjust=(pod,), cadence_spm=-10.0,
           gct_ms=40.0, vo_mm=18.0, drift=1.0, weeks=3.0)
def _running_form(days: Plan, ctx: Context) -> Plan:
    """Overstriding in every run: cadence ``cadence_spm`` below the runner's normal for
    the speed, ground contact ``gct_ms`` longer, ``vo_mm`` more bounce, form decaying
    late in runs; in the last ``weeks`` weeks sore knees now and then (science.md C16)."""
    sore = tail(days, ctx.params["weeks"] * 7)
    rng = ctx.rng()
    out = []
    for d in days:
        log = ({"pain": int(rng.integers(2, 4)), "pain_location": "both knees"}
               if d.index in sore and d.is_run and rng.random() < 0.4 else None)
        out.append(ctx.activate(
            d, log=log, cadence_spm=ctx.params["cadence_spm"], gct_ms=ctx.params["gct_ms"],
            vo_mm=ctx.params["vo_mm"], form_drift=ctx.params["drift"],
            heaviness=0.8 if d.index in sore else 0.0))
    return tuple(out)


@injection("muscle-imbalance", cause="muscle-imbalance", adjust=(pod,), balance_pct=-2.5,
           weeks=4.0)
def _muscle_imbalance(days: Plan, ctx: Context) -> Plan:
    """For the last ``weeks`` weeks ground contact is lopsided (left share 50 +
    ``balance_pct`` %, e.g. 47.5/52.5), the right hamstring aches without swelling, and
    no strength work is done (science.md C24)."""
    window = tail(days, ctx.params["weeks"] * 7)
    rng = ctx.rng()
    out = list(days)
    for i in window:
        p = min(1.0, 3 * progress(i, window))
        ache = rng.random() < 0.45 or i == len(days) - 1
        log = {"pain": int(rng.integers(3, 5)), "pain_location": "right hamstring"} \
            if ache else None
        out[i] = ctx.activate(replace(out[i], strength="none"), log=log,
                              balance_pct=ctx.params["balance_pct"] * p, soreness=0.6 * p,
                              heaviness=1.0 * p)
    return tuple(out)


@injection("worn-shoes", cause="worn-shoes", km=880.0)
def _worn_shoes(days: Plan, ctx: Context) -> Plan:
    """One pair for the whole scenario, ``km`` km on it by the final day (past the 800 km
    of science.md C17): from about 700 km the legs feel heavier and the shoes flat."""
    total = sum(d.planned_km for d in days)
    first = replace(days[0], effects=days[0].effects.plus(old_shoe_km=max(ctx.params["km"]
                                                                           - total, 0.0)))
    out = [first, *days[1:]]
    kms = shoe_km(out, ctx.runner)
    notes = 0
    for i, km in enumerate(kms):
        p = min(max((km - WORN_FROM_KM) / 150.0, 0.0), 1.0)
        if p <= 0:
            continue
        log = None
        if km > 800 and out[i].is_run and notes < 3:
            log, notes = {"notes": "shoes feel flat and dead"}, notes + 1
        out[i] = ctx.activate(out[i], log=log, heaviness=1.8 * p, soreness=0.5 * p,
                              effort_cost=1 + 0.015 * p)
    return tuple(out)


def _lab_day(days: Plan, before: int) -> int:
    return max(len(days) - 1 - before, 0)


@injection("iron-deficiency", cause="iron-deficiency", adjust=(female,), ferritin=18.0,
           hemoglobin=12.1, weeks=6.0)
def _iron(days: Plan, ctx: Context) -> Plan:
    """Heavy periods (7 days, noted), then ``weeks`` weeks of growing fatigue with HR
    higher at the same pace; a blood test a week before the final day: ferritin
    ``ferritin`` ug/L, haemoglobin ``hemoglobin`` g/dL (low-normal; science.md C18)."""
    r, window = ctx.runner, tail(days, ctx.params["weeks"] * 7)
    out = []
    for d in days:
        day = (d.index + r.cycle_offset) % r.cycle_days
        log = {"menstrual": "period"} if day < 7 else {}
        if day == 0:
            log["notes"] = "heavy period"
        p = progress(d.index, window) if d.index in window else 0.0
        out.append(ctx.activate(d, log=log or None, run_hr_bpm=6.0 * p, resting_hr_bpm=3.0 * p,
                                fatigue=2.2 * p, heaviness=1.5 * p, motivation=-0.5 * p)
                   if log or p else d)
    lab = _lab_day(days, 7)
    rng = ctx.rng("lab")
    out[lab] = ctx.activate(out[lab], log={
        "ferritin_ug_l": round(ctx.params["ferritin"] + float(rng.uniform(-1, 1)), 0),
        "hemoglobin_g_dl": ctx.params["hemoglobin"], "notes": "blood test at the GP"})
    return tuple(out)


def _tired(days: Plan, ctx: Context, window: range, **effects: float) -> list[Day]:
    """``days`` with ``effects`` growing over ``window`` (each scaled by progress)."""
    out = list(days)
    for i in window:
        p = progress(i, window)
        out[i] = ctx.activate(out[i], **{k: v * p for k, v in effects.items()})
    return out


@injection("vitamin-d-deficiency", cause="vitamin-d-deficiency", vitamin_d=14.0, weeks=6.0)
def _vitamin_d(days: Plan, ctx: Context) -> Plan:
    """Weeks of tiredness and aching muscles; a blood test shows 25(OH)D of
    ``vitamin_d`` ng/mL (< 20 deficient), in winter for a runner indoors all day
    (science.md C19)."""
    out = _tired(days, ctx, tail(days, ctx.params["weeks"] * 7), fatigue=1.6, soreness=1.3,
                 heaviness=1.3)
    lab = _lab_day(days, 5)
    winter = out[lab].date.month in (11, 12, 1, 2, 3, 4)
    note = "blood test; " + ("winter, " if winter else "") + "indoors most of the day"
    out[lab] = ctx.activate(out[lab], log={"vitamin_d_ng_ml": ctx.params["vitamin_d"],
                                           "notes": note})
    return tuple(out)


@injection("b-vitamin-deficiency", cause="b-vitamin-deficiency", b12=180.0, weeks=6.0)
def _b12(days: Plan, ctx: Context) -> Plan:
    """A vegan runner without a B12 source: weeks of fatigue, tingling feet now and then,
    serum B12 ``b12`` pg/mL (< 200 deficient; science.md C20)."""
    window = tail(days, ctx.params["weeks"] * 7)
    out = _tired(days, ctx, window, fatigue=2.0, heaviness=1.3, motivation=-0.5)
    out[0] = ctx.activate(out[0], log={"notes": "vegan"})
    for i in list(window)[5::9]:
        out[i] = ctx.activate(out[i], log={"symptoms": ("tingling",),
                                           "notes": "vegan; tingling in both feet"})
    lab = _lab_day(days, 5)
    out[lab] = ctx.activate(out[lab], log={"b12_pg_ml": ctx.params["b12"],
                                           "notes": "vegan; blood test at the GP"})
    return tuple(out)
