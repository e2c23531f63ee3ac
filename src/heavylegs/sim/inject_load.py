"""Training-side causes: glycogen, metabolites, muscle damage, recovery, overtraining,
intensity and strength work (science.md C01-C04, C06, C08, C14, C15).

Each injection changes what the runner did (sessions, distances, routes, strength days)
and, where the wellness model cannot know it, the body's response (a fade at steady HR,
eccentric damage, autonomic shifts). The final day is the day the runner asks.
"""

from __future__ import annotations

from dataclasses import replace

from heavylegs.sim.adjust import food_logger
from heavylegs.sim.days import STRUCTURED, Day
from heavylegs.sim.habits import body_mass
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
from heavylegs.sim.plan import SENSIBLE_SPIKE, reference_km, shorten
from heavylegs.sim.session import min_km


def _grow_long_runs(out: list[Day], until: int, target_km: float, ctx: Context) -> None:
    """Lengthen the long runs of the 6 weeks before day ``until`` towards ``target_km``,
    each at most 8 % beyond the longest run of its previous 30 days (no spike)."""
    for i in range(max(until - 42, 0), until):
        if out[i].session == "long":
            cap = SENSIBLE_SPIKE * reference_km(out, i, ctx.runner)
            out[i] = replace(out[i], planned_km=round(min(target_km, max(cap, 0.0)), 1))


@injection("glycogen-depletion", cause="glycogen-depletion", adjust=(food_logger,),
           minutes=95.0, fade_pct=25.0, days_before=1.0, carbs_g_per_kg=3.0)
def _glycogen(days: Plan, ctx: Context) -> Plan:
    """A long run of ``minutes`` (as long as a sensible build-up allows) ``days_before``
    the final day on little carbohydrate: the pace fades by up to ``fade_pct`` % over
    the last third while HR holds (science.md C01)."""
    r, last = ctx.runner, len(days) - 1
    at = max(last - int(ctx.params["days_before"]), 1)
    target = ctx.params["minutes"] * 60 / (r.easy_pace_s_per_km * 1.03)
    out = list(days)
    for i in range(max(at - 3, 0), min(at + 4, len(out))):
        if out[i].session == "long":
            out[i] = as_run(out[i], "easy", 0.6 * out[i].planned_km)
    _grow_long_runs(out, at, target, ctx)
    km = min(target, SENSIBLE_SPIKE * reference_km(out, at, r))
    out[at] = as_run(out[at], "long", km)
    for i in range(at + 1, last + 1):
        out[i] = out[i].as_rest()
    rng, mass = ctx.rng(), body_mass(out[at], r)
    low = ctx.params["carbs_g_per_kg"]
    before = intake(low * mass, 1.5 * mass, 1.2 * mass, rng)
    run_day = {**intake((low + 0.5) * mass, 1.5 * mass, 1.1 * mass, rng),
               "pre_run_carbs_g": int(rng.integers(0, 16)), "run_carbs_g": 0,
               "rpe": int(rng.integers(7, 9)), "notes": "legs went empty in the last part"}
    out[at - 1] = ctx.activate(out[at - 1], log=before)
    out[at] = ctx.activate(out[at], log=run_day, fade=ctx.params["fade_pct"] / 100,
                           heaviness=1.0)
    for i in range(at + 1, last + 1):
        out[i] = ctx.activate(out[i], heaviness=1.5, fatigue=1.0)
    return tuple(out)


@injection("metabolite-accumulation", cause="metabolite-accumulation")
def _metabolites(days: Plan, ctx: Context) -> Plan:
    """The final day's run is a dense track session (8-10 hard reps, short jogs): legs
    leaden straight after, from H+ and phosphate, gone by the next day (science.md C02)."""
    r, last = ctx.runner, len(days) - 1
    out = list(days)
    if last >= 1 and out[last - 1].intensity == "hard":
        out[last - 1] = as_run(out[last - 1], "easy", usual_km(days, last, "easy", 6.0))
    km = max(usual_km(days, last, "intervals", 0.0), min_km("track", r) + 1.0)
    rpe = int(ctx.rng().integers(8, 10))
    out[last] = ctx.activate(as_run(out[last], "track", km), log={"rpe": rpe},
                             heaviness=2.0, fatigue=0.8)
    return tuple(out)


@injection("muscle-damage", cause="muscle-damage", hill_m=320.0, days_before=2.0)
def _muscle_damage(days: Plan, ctx: Context) -> Plan:
    """A hill run with steep descents (``hill_m`` up, down at 13 %) ``days_before`` the
    final day, far more descent than in the previous month: soreness rises 24-48 h
    later (DOMS, science.md C03)."""
    r, last = ctx.runner, len(days) - 1
    at = max(last - int(ctx.params["days_before"]), 0)
    km = max(0.85 * reference_km(days, at, r), 8.0)
    km = min(km, SENSIBLE_SPIKE * reference_km(days, at, r))
    out = list(days)
    hill = ctx.params["hill_m"]
    reps = max(1, int(0.9 * km * 1000 // (hill / 0.07 + hill / 0.13)))
    run = as_run(out[at], "long" if out[at].session == "long" else "easy", km)
    out[at] = ctx.activate(run, hill_m=hill, doms=1.2 + reps * hill / 250.0,
                           log={"notes": "trail run with long steep descents"})
    for i in range(at + 1, last + 1):
        out[i] = ctx.activate(out[i].as_rest(), log={"pain_location": "both quads"})
    return tuple(out)


def _back_to_back(out: list[Day], window: range, ctx: Context) -> None:
    """Rest days become easy runs; a tempo the day after each quality session and a
    fartlek the day before each long run."""
    easy = usual_km(tuple(out), window.start, "easy", 6.0)
    for i in window:
        d = out[i]
        if not d.is_run:
            out[i] = as_run(d, "easy", 0.8 * easy)
        if i > window.start and out[i - 1].session in STRUCTURED and d.session != "long":
            out[i] = as_run(out[i], "tempo", max(min_km("tempo", ctx.runner), easy))
        if i + 1 < len(out) and out[i + 1].session == "long" and out[i].session != "tempo":
            out[i] = as_run(out[i], "fartlek", max(min_km("fartlek", ctx.runner), easy))


@injection("insufficient-recovery", cause="insufficient-recovery", days=18.0, volume_pct=10.0)
def _insufficient_recovery(days: Plan, ctx: Context) -> Plan:
    """No rest day for the last ``days`` days, hard days back to back, weekly volume only
    ``volume_pct`` % up: form falls, resting HR rises, HRV drops (science.md C04)."""
    window = tail(days, ctx.params["days"])
    before = sum(d.planned_km for d in days[max(window.start - 28, 0):window.start]) / 4
    out = list(days)
    _back_to_back(out, window, ctx)
    week_km = sum(out[i].planned_km for i in window) * 7 / len(window)
    scale = min(1.0, (1 + ctx.params["volume_pct"] / 100) * before / week_km) if week_km else 1
    for i in window:
        d = out[i]
        if d.session in ("easy", "recovery"):
            d = replace(d, planned_km=round(max(d.planned_km * scale, 3.0), 1))
        p = progress(i, window)
        out[i] = ctx.activate(d, resting_hr_bpm=4.0 * p, hrv_pct=-14.0 * p, fatigue=1.2 * p,
                              heaviness=1.0 * p, sleep_quality=-0.4 * p)
    return tuple(out)


def _grow(out: list[Day], window: range, factor: list[float], ctx: Context) -> None:
    """Scale each run of ``window`` by its ``factor``; no run beyond 8 % of the longest
    of its previous 30 days (a high but sensible load, not a spike)."""
    for k, i in enumerate(window):
        d = out[i]
        if d.is_run:
            cap = SENSIBLE_SPIKE * reference_km(out, i, ctx.runner)
            out[i] = shorten(d, min(d.planned_km * factor[k], cap), ctx.runner)


@injection("overtraining", cause="overtraining", weeks=8.0, load_pct=30.0, light_days=9.0,
           perf_pct=8.0)
def _overtraining(days: Plan, ctx: Context) -> Plan:
    """``weeks`` of load ``load_pct`` % above habit (built up over 3 weeks), then
    ``light_days`` of lighter training that do not help: fatigue, mood and motivation
    worse week by week, ``perf_pct`` % slower at the same HR, resting HR up and HRV
    down (non-functional overreaching, science.md C06)."""
    window = tail(days, ctx.params["weeks"] * 7)
    light = int(min(ctx.params["light_days"], len(window) // 3))
    block = range(window.start, window.stop - light)
    up = ctx.params["load_pct"] / 100
    out = list(days)
    _grow(out, block, [1 + up * min(1.0, (k // 7 + 1) / 3) for k in range(len(block))], ctx)
    for i in range(block.stop, window.stop):
        d = out[i]
        out[i] = as_run(d, "easy" if d.session in STRUCTURED else d.session,
                        d.planned_km * 0.55) if d.is_run else d
    slower = 1 + ctx.params["perf_pct"] / 100
    for i in window:
        p = min(progress(i, block), 1.0)
        out[i] = ctx.activate(
            out[i], fatigue=3.0 * p, heaviness=2.0 * p, mood=-1.2 * p, motivation=-1.4 * p,
            stress=0.5 * p, sleep_quality=-0.8 * p, resting_hr_bpm=5.0 * p, hrv_pct=-18.0 * p,
            pace_factor=1 + (slower - 1) * p, effort_cost=1 + (slower - 1) * p)
    return tuple(out)


@injection("excess-intensity", cause="excess-intensity", weeks=4.0, grey_pct=12.0)
def _excess_intensity(days: Plan, ctx: Context) -> Plan:
    """For ``weeks``, three of every four easy runs become hard sessions (track, tempo
    or intervals, in turn), the rest and the long runs go ``grey_pct`` % faster than
    easy: far more than 20 % of the time above the easy zone (Z1 under 70 %) and hard
    sessions on most days (science.md C08)."""
    window, r = tail(days, ctx.params["weeks"] * 7), ctx.runner
    hard = ("track", "tempo", "intervals", "track")
    grey = 1 - ctx.params["grey_pct"] / 100
    out, k = list(days), 0
    for i in window:
        d = out[i]
        if d.session in ("easy", "recovery"):
            if k % 4 != 3:
                kind = hard[(k - k // 4) % len(hard)]
                d = as_run(d, kind, max(d.planned_km, min_km(kind, r)))
            else:
                d = ctx.activate(d, pace_factor=grey)
            k += 1
        elif d.session == "long":
            d = ctx.activate(d, pace_factor=grey)
        out[i] = ctx.activate(d)
    return tuple(out)


@injection("strength-overload", cause="strength-overload", doms=1.8)
def _strength_overload(days: Plan, ctx: Context) -> Plan:
    """A new, heavy leg session (squats, lunges) the day before a long run that is the
    day before the final day: 48 h, not the advised 48 h *before* the key run, and
    soreness on top (science.md C15)."""
    r, last = ctx.runner, len(days) - 1
    run, lift = max(last - 1, 0), max(last - 2, 0)
    out = list(days)
    week = [i for i in range(max(run - 6, 0), min(run + 4, last + 1)) if i not in (run,)]
    for i in week:
        if out[i].session == "long":
            out[i] = as_run(out[i], "easy", usual_km(days, i, "easy", 6.0))
        out[i] = replace(out[i], strength="none")
    km = min(usual_km(days, run, "long", 10.0), SENSIBLE_SPIKE * reference_km(out, run, r))
    out[lift] = ctx.activate(
        replace(out[lift].as_rest() if out[lift].intensity == "hard" else out[lift],
                strength="legs-heavy"),
        doms=ctx.params["doms"], log={"notes": "new leg routine: heavy squats and lunges"})
    out[run] = ctx.activate(replace(as_run(out[run], "long", km), strength="none"),
                            effort_cost=1.04, heaviness=1.0)
    out[last] = ctx.activate(replace(out[last].as_rest(), strength="none"), heaviness=0.5)
    return tuple(out)


@injection("no-strength-training", cause="no-strength-training", weeks=8.0)
def _no_strength(days: Plan, ctx: Context) -> Plan:
    """No strength session for the last ``weeks`` weeks (the runner logs ``none``): a
    little less economy and more heaviness as the weeks go by (science.md C14, weak)."""
    window = tail(days, ctx.params["weeks"] * 7)
    out = list(days)
    for i in window:
        p = progress(i, window)
        out[i] = ctx.activate(replace(out[i], strength="none"), heaviness=0.8 * p,
                              effort_cost=1 + 0.02 * p)
    return tuple(out)
