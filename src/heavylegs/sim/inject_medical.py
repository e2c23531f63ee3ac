"""Circulation and compartments: venous return, exertional compartment syndrome and
arterial disease (science.md C21-C23). Mostly what the runner writes in the log; the
exertional patterns also show in the runs as stops at a consistent time.
"""

from __future__ import annotations

from heavylegs.sim.adjust import older
from heavylegs.sim.days import Day
from heavylegs.sim.injections import Context, Plan, as_run, injection, tail, usual_km


def _runs_to_the_end(days: Plan) -> list[Day]:
    """``days`` as a list, the final day a run (the runner asks after one)."""
    out = list(days)
    if not out[-1].is_run:
        out[-1] = as_run(out[-1], "easy", usual_km(days, len(days) - 1, "easy", 6.0))
    return out


@injection("venous-return", cause="venous-return", weeks=4.0, standing=0.75)
def _venous_return(days: Plan, ctx: Context) -> Plan:
    """For ``weeks`` weeks, on work days on their feet (a ``standing`` share of weekdays,
    always the final day) both legs ache and swell by the evening, worse than on other
    days whatever the training; varicose veins (science.md C21)."""
    window, rng = tail(days, ctx.params["weeks"] * 7), ctx.rng()
    out = list(days)
    for i in window:
        d = out[i]
        standing = (d.date.weekday() < 5 and rng.random() < ctx.params["standing"]) \
            or i == len(days) - 1
        if not standing:
            out[i] = ctx.activate(d, heaviness=0.4)
            continue
        symptoms = ["varicose-veins"]
        if rng.random() < 0.65 or i == len(days) - 1:
            symptoms.insert(0, "swelling-both")
        log = {"symptoms": tuple(symptoms), "pain": int(rng.integers(2, 4)),
               "pain_location": "both lower legs",
               "notes": "on my feet all day at work; legs heavy and ankles puffy by evening"}
        out[i] = ctx.activate(d, log=log, heaviness=2.6)
    return tuple(out)


@injection("compartment-syndrome", cause="compartment-syndrome", weeks=5.0, onset_min=22.0,
           stop_min=10.0)
def _compartment(days: Plan, ctx: Context) -> Plan:
    """For ``weeks`` weeks the shins tighten ``onset_min`` min into every run (+-8 %);
    the runner stops for about ``stop_min`` min until it eases, then jogs on; numb top
    of the foot now and then; nothing on rest days (CECS, science.md C22)."""
    window, rng = tail(days, ctx.params["weeks"] * 7), ctx.rng()
    out = _runs_to_the_end(days)
    for i in window:
        d = out[i]
        if not d.is_run:
            continue
        onset = ctx.params["onset_min"] * float(rng.normal(1.0, 0.08))
        symptoms = ["exertional-pain-resolves-with-rest"]
        if rng.random() < 0.25:
            symptoms.append("numbness")
        log = {"symptoms": tuple(symptoms), "pain": int(rng.integers(5, 8)),
               "pain_location": "both shins",
               "notes": f"shins tight and full after {onset:.0f} min; eased after "
                        f"{ctx.params['stop_min']:.0f} min standing"}
        out[i] = ctx.activate(d, log=log, heaviness=2.5,
                              stop_after_s=round(onset * 60),
                              stop_for_s=round(ctx.params["stop_min"] * 60
                                               * float(rng.uniform(0.8, 1.2))))
    return tuple(out)


@injection("arterial-disease", cause="arterial-disease", adjust=(older,), birth_year=1961.0,
           weeks=6.0, every_min=9.0, stop_min=3.0)
def _arterial(days: Plan, ctx: Context) -> Plan:
    """An older smoker (born ``birth_year`` or before): for ``weeks`` weeks both calves
    cramp after about ``every_min`` min of running, ease within ``stop_min`` min of
    standing, and come back ``every_min`` min later; never at rest, never a cold pale
    leg (claudication, science.md C23)."""
    window, rng = tail(days, ctx.params["weeks"] * 7), ctx.rng()
    out = _runs_to_the_end(days)
    out[0] = ctx.activate(out[0], log={"notes": "smoker, 15 a day; high blood pressure"})
    for i in window:
        d = out[i]
        if not d.is_run:
            continue
        every = ctx.params["every_min"] * 60 * float(rng.normal(1.0, 0.07))
        log = {"symptoms": ("exertional-pain-resolves-with-rest",),
               "pain": int(rng.integers(4, 7)), "pain_location": "both calves",
               "notes": f"calves cramp after {every / 60:.0f} min, ease within a few minutes "
                        "standing still; smoker, high blood pressure"}
        out[i] = ctx.activate(d, log=log, heaviness=2.0, stop_after_s=round(every),
                              stop_every_s=round(every),
                              stop_for_s=round(ctx.params["stop_min"] * 60
                                               * float(rng.uniform(0.8, 1.2))))
    return tuple(out)
