"""Red-flag days, one or more per triage tier of science.md §3: what a runner would write
in the log (symptom codes, pain, notes) on the days it happens. Each is registered with
its tier (``triage=``) and no cause: triage is not an explanation of heavy legs.
"""

from __future__ import annotations

from dataclasses import replace

from heavylegs.sim.adjust import pod
from heavylegs.sim.days import STRUCTURED
from heavylegs.sim.injections import Context, Plan, as_run, injection, progress, tail
from heavylegs.sim.plan import reference_km


def _final(days: Plan, ctx: Context, log: dict[str, object], rest: bool = True,
           **effects: float) -> Plan:
    last = days[-1].as_rest() if rest else days[-1]
    return (*days[:-1], ctx.activate(last, log=log, **effects))


@injection("triage-emergency-chest", triage="emergency", stop_km=3.0)
def _chest(days: Plan, ctx: Context) -> Plan:
    """Chest pain and breathlessness out of proportion during the final day's run, cut
    short after ``stop_km`` km (Tier 0: possible cardiac event)."""
    d = days[-1] if days[-1].is_run else as_run(days[-1], "easy", 6.0)
    d = replace(d, session="easy", planned_km=min(d.planned_km, ctx.params["stop_km"]))
    log = {"symptoms": ("chest-pain", "breathless"),
           "notes": "chest tight and could not get my breath; stopped and walked home"}
    return (*days[:-1], ctx.activate(d, log=log, heaviness=1.0, run_hr_bpm=8.0))


@injection("triage-emergency-rhabdo", triage="emergency", km_pct=60.0, hill_m=300.0)
def _rhabdo(days: Plan, ctx: Context) -> Plan:
    """A huge effort two days before the final day (a hilly run ``km_pct`` % beyond the
    month's longest, then a heavy leg session); now severe soreness, weakness and dark,
    cola-coloured urine (Tier 0: exertional rhabdomyolysis)."""
    r, last = ctx.runner, len(days) - 1
    at = max(last - 2, 0)
    km = reference_km(days, at, r) * (1 + ctx.params["km_pct"] / 100)
    out = list(days)
    out[at] = ctx.activate(replace(as_run(out[at], "long", km), strength="legs-heavy"),
                           hill_m=ctx.params["hill_m"], doms=4.0, damage=2.0)
    for i in range(at + 1, last + 1):
        out[i] = ctx.activate(out[i].as_rest(), soreness=3.0, fatigue=2.0)
    log = {"soreness": 9, "pain": 8, "pain_location": "both thighs",
           "symptoms": ("dark-urine", "weakness"),
           "notes": "thighs swollen and weak, urine dark like cola"}
    out[last] = ctx.activate(out[last], log=log, heaviness=2.0)
    return tuple(out)


@injection("triage-urgent-dvt", triage="urgent", pain=5.0)
def _dvt(days: Plan, ctx: Context) -> Plan:
    """A long-haul flight three days before; on the final day the left calf is swollen,
    warm, red and painful on one side (Tier 1: possible DVT, whatever the training)."""
    out = list(days)
    flight = max(len(days) - 4, 0)
    out[flight] = ctx.activate(out[flight].as_rest(), log={
        "symptoms": ("recent-long-travel",), "notes": "flight home, 9 hours"})
    log = {"symptoms": ("swelling-left", "calf-pain-one-side", "warm-red-leg"),
           "pain": int(ctx.params["pain"]), "pain_location": "left calf"}
    return _final(tuple(out), ctx, log, heaviness=2.5, soreness=1.5)


@injection("triage-urgent-fever", triage="urgent")
def _fever(days: Plan, ctx: Context) -> Plan:
    """Fever and aching all over for the last two days (Tier 1: no training with
    below-the-neck illness)."""
    out = list(days)
    for k, i in enumerate(range(max(len(days) - 2, 0), len(days))):
        log = {"symptoms": ("fever",), "illness": True, "notes": "flu, aching all over"}
        d = out[i] if k == 0 else out[i].as_rest()
        out[i] = ctx.activate(d, log=log, soreness=2.5, fatigue=3.5, resting_hr_bpm=9.0,
                              hrv_pct=-25.0, heaviness=1.5, run_hr_bpm=8.0)
    return tuple(out)


@injection("triage-urgent-neuro", triage="urgent")
def _neuro(days: Plan, ctx: Context) -> Plan:
    """Numbness since yesterday; today also weakness and a slapping left foot (Tier 1:
    nerve compression or a neurological cause)."""
    out = list(days)
    if len(out) > 1:
        out[-2] = ctx.activate(out[-2], log={"symptoms": ("numbness",),
                                             "pain_location": "left foot"})
    log = {"symptoms": ("numbness", "weakness", "foot-drop"), "pain": 3,
           "pain_location": "left shin and foot", "notes": "left foot slapping when I walk"}
    return _final(tuple(out), ctx, log, heaviness=1.5)


@injection("triage-soon-bone", triage="soon", days=6.0)
def _bone(days: Plan, ctx: Context) -> Plan:
    """Focal pain on the right shin for ``days`` days, worse each day, at night by the
    end (Tier 2: suspected stress fracture)."""
    window = tail(days, ctx.params["days"])
    out = list(days)
    for i in window:
        p = progress(i, window)
        symptoms = ("bone-pain", "night-pain") if p > 0.6 else ("bone-pain",)
        log = {"symptoms": symptoms, "pain": int(round(3 + 3 * p)),
               "pain_location": "right shin, one spot"}
        d = out[i].as_rest() if i == len(days) - 1 else out[i]
        out[i] = ctx.activate(d, log=log, heaviness=0.8)
    return tuple(out)


@injection("triage-soon-persistent", triage="soon", weeks=3.0, load_pct=50.0)
def _persistent(days: Plan, ctx: Context) -> Plan:
    """Heavy legs (6-8) every day for ``weeks`` weeks although training was cut to
    ``load_pct`` %, worse in the last days (Tier 2: persists despite reduced load)."""
    window, rng = tail(days, ctx.params["weeks"] * 7), ctx.rng()
    out = list(days)
    for i in window:
        d = out[i]
        if d.is_run:
            session = "easy" if d.session in STRUCTURED else d.session
            d = as_run(d, session, max(d.planned_km * ctx.params["load_pct"] / 100, 3.0))
        worse = i >= window.stop - 5
        log: dict[str, object] = {"heaviness": int(rng.integers(7 if worse else 6, 9))}
        if worse:
            log.update(symptoms=("pain-worsening",), pain=int(rng.integers(4, 6)),
                       pain_location="both legs")
        out[i] = ctx.activate(d, log=log, fatigue=2.0)
    return tuple(out)


@injection("triage-routine-form", triage="routine", adjust=(pod,), balance_pct=-2.2,
           weeks=3.0)
def _routine_form(days: Plan, ctx: Context) -> Plan:
    """No pain and no symptoms, but for ``weeks`` weeks ground contact leans to one side
    (left share 50 + ``balance_pct`` %): worth a gait assessment (Tier 3)."""
    window = tail(days, ctx.params["weeks"] * 7)
    out = list(days)
    for i in window:
        out[i] = ctx.activate(out[i], balance_pct=ctx.params["balance_pct"])
    return tuple(out)


@injection("triage-urgent-dvt-words", triage="urgent", hill_m=500.0)
def _dvt_words(days: Plan, ctx: Context) -> Plan:
    """A long hilly run four days before the final day; two days before it the runner writes
    in the notes that one calf is swollen and warm, no symptom code; on the final day only
    heaviness (Tier 1 from the runner's own words, remembered, despite the downhill run)."""
    r, last = ctx.runner, len(days) - 1
    out = list(days)
    at = max(last - 4, 0)
    out[at] = ctx.activate(as_run(out[at], "long", reference_km(days, at, r) * 1.3), hill_m=ctx.params["hill_m"],
                           doms=2.0, damage=1.0)
    note = max(last - 2, 0)
    out[note] = ctx.activate(out[note].as_rest(), log={"notes": "right calf swollen and warm since the long run"})
    return _final(tuple(out), ctx, {}, heaviness=2.0, soreness=1.0)


@injection("triage-emergency-chest-earlier", triage="emergency")
def _chest_earlier(days: Plan, ctx: Context) -> Plan:
    """Chest pain logged as a code two days before the final day; the final day logs only
    heaviness (Tier 0, remembered for 7 days)."""
    out = list(days)
    at = max(len(days) - 3, 0)
    out[at] = ctx.activate(out[at], log={"symptoms": ("chest-pain",), "notes": "chest pain on the hill, stopped"})
    return _final(tuple(out), ctx, {}, rest=False, heaviness=1.0)
