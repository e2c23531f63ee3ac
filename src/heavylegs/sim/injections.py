"""The injection registry: name -> a function that switches one cause on in a plan.

An injection takes the whole plan (a tuple of ``Day``) and returns a new one. It may
change sessions and distances (``spike``), set ``Effects`` on days (a short night, a
symptom written in the log) and must mark the days it is active on with
``ctx.activate(day, ...)``, which records the injection name and its cause id in the
truth. It should change the *cause*, not the answer: heavier legs, soreness, resting HR
and mood follow from load and sleep in ``wellness.py``; add direct effects only for what
that model does not know about (a swollen calf, a symptom code, a lab value).

To add a cause:

1. Register a function; keyword defaults become its parameters (numbers), which a
   ``Scenario`` may override through ``params={name: {...}}``::

       @injection("iron-deficiency", cause="iron-deficiency", ferritin=14.0, days=42.0)
       def _iron(days: Plan, ctx: Context) -> Plan:
           '''Low ferritin: HR higher at the same pace for weeks; one lab result.'''
           out = [ctx.activate(d, run_hr_bpm=4.0, fatigue=0.5) for d in days[-42:]]
           out[-20] = ctx.activate(out[-20], log={"ferritin_ug_l": ctx.params["ferritin"]})
           return (*days[:-42], *out)

2. Use the knobs of ``days.Effects``: sleep, ratings, resting HR, HR during runs, pace,
   cardiac drift, cadence, and ``log=`` for any daily-log column (it then appears in
   ``daily-log.csv``). If a cause needs a new knob (ground-contact time, a strength
   session), add a field to ``Effects`` and read it where the signal is made
   (``runs.py``/``physio.py`` for streams, ``wellness.py`` for the log).
3. Add a scenario test: the signal shows in the truth and in the written files, and the
   final day's heaviness is at least 6 (``wellness.ASK_FLOOR`` ensures it).
4. If the cause needs a certain runner (a woman, an older runner, a dynamics pod, a
   food logger), pass ``adjust=(...)``: functions ``(runner, params) -> runner`` from
   ``sim/adjust.py``, applied before the plan is made.

The injections live by family in ``inject_load.py`` (training), ``inject_intake.py``
(food and fluids), ``inject_body.py`` (form, shoes, labs), ``inject_medical.py``
(circulation and compartments) and ``inject_triage.py`` (red-flag days);
``catalog.py`` imports them all and maps cause ids and triage tiers to names.

``resolve`` accepts an injection's name or its cause id from spec/causes.md
(``training-spike`` finds ``spike``). Injections run in the order the scenario lists
them. Randomness comes from ``ctx.rng(...)``, never from the base plan's streams, so an
injected scenario differs from its healthy twin only where the injection acts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from heavylegs.errors import InvalidInput
from heavylegs.sim.days import Day
from heavylegs.sim.plan import reference_km
from heavylegs.sim.profile import RunnerProfile
from heavylegs.sim.rng import stream

Plan = tuple[Day, ...]
Adjust = Callable[[RunnerProfile, Mapping[str, float]], RunnerProfile]


@dataclass(frozen=True, slots=True)
class Context:
    """What an injection may use: the runner, its merged parameters, its own random
    streams, and ``activate`` to mark and change a day."""

    name: str
    cause: str | None
    runner: RunnerProfile
    seed: int
    params: Mapping[str, float]

    def rng(self, *keys: int | str) -> np.random.Generator:
        return stream(self.seed, "inject", self.name, *keys)

    def activate(self, day: Day, log: Mapping[str, object] | None = None,
                 **effects: float) -> Day:
        """``day`` marked active for this injection, with ``effects`` applied."""
        names = day.injections if self.name in day.injections else (*day.injections, self.name)
        causes = day.causes
        if self.cause and self.cause not in causes:
            causes = (*causes, self.cause)
        return replace(day, injections=names, causes=causes,
                       effects=day.effects.plus(log=log, **effects))


@dataclass(frozen=True, slots=True)
class Injection:
    """A registered injection. ``cause`` is a spec/causes.md id; ``triage`` names the
    triage tier a symptom-only injection should trigger (science.md §3)."""

    name: str
    apply: Callable[[Plan, Context], Plan]
    summary: str
    cause: str | None = None
    triage: str | None = None
    defaults: tuple[tuple[str, float], ...] = ()
    adjust: tuple[Adjust, ...] = ()  # runner changes the cause needs (sim/adjust.py)


INJECTIONS: dict[str, Injection] = {}


def injection(name: str, *, cause: str | None = None, triage: str | None = None,
              adjust: tuple[Adjust, ...] = (), **defaults: float
              ) -> Callable[[Callable[[Plan, Context], Plan]], Callable[[Plan, Context], Plan]]:
    """Register the decorated function as injection ``name`` with default ``params``."""

    def register(fn: Callable[[Plan, Context], Plan]) -> Callable[[Plan, Context], Plan]:
        if name in INJECTIONS:
            raise ValueError(f"injection {name!r} registered twice")
        summary = (fn.__doc__ or name).strip().splitlines()[0]
        INJECTIONS[name] = Injection(name, fn, summary, cause, triage,
                                     tuple(sorted(defaults.items())), adjust)
        return fn

    return register


def resolve(name: str) -> Injection:
    """The injection called ``name`` (or injecting cause id ``name``)."""
    found = INJECTIONS.get(name) or next(
        (i for i in INJECTIONS.values() if i.cause == name), None)
    if found is None:
        raise InvalidInput("injection", name, ", ".join(sorted(INJECTIONS)))
    return found


def check_params(name: str, params: Mapping[str, float]) -> None:
    """Raise ``InvalidInput`` for a parameter ``name`` does not take."""
    accepted = dict(resolve(name).defaults)
    for key, value in params.items():
        if key not in accepted:
            raise InvalidInput(f"{name} parameter", key, ", ".join(accepted) or "none")
        if not isinstance(value, int | float):
            raise InvalidInput(f"{name}.{key}", value, "a number")


def adjust_runner(r: RunnerProfile, names: tuple[str, ...],
                  params: Mapping[str, Mapping[str, float]]) -> RunnerProfile:
    """The runner the named injections need (a woman, an older runner, a pod...)."""
    for name in names:
        inj = resolve(name)
        merged = {**dict(inj.defaults), **params.get(name, {})}
        for change in inj.adjust:
            r = change(r, merged)
    return r


def apply_all(days: Plan, names: tuple[str, ...], params: Mapping[str, Mapping[str, float]],
              r: RunnerProfile, seed: int) -> Plan:
    """``days`` with every named injection applied, in order."""
    for name in names:
        inj = resolve(name)
        merged = {**dict(inj.defaults), **params.get(name, {})}
        days = inj.apply(days, Context(inj.name, inj.cause, r, seed, merged))
    return days


@injection("healthy")
def _healthy(days: Plan, ctx: Context) -> Plan:
    """No cause: the runner's habitual, sensible training and sleep."""
    return days


@injection("short-sleep", cause="sleep-deprivation", days=10.0, low_h=5.5, high_h=6.3)
def _short_sleep(days: Plan, ctx: Context) -> Plan:
    """The last ``days`` nights short (``low_h``-``high_h`` h) and poorer (science.md C05).

    A busy spell: stress up a little, sleep quality down; heaviness, fatigue, resting HR
    and HRV follow the sleep debt in the wellness model. Sleep loss also raises HR at a
    given pace slightly.
    """
    n = min(int(ctx.params["days"]), len(days))
    hours = ctx.rng().uniform(ctx.params["low_h"], ctx.params["high_h"], size=n)
    out = list(days)
    for k, i in enumerate(range(len(days) - n, len(days))):
        out[i] = ctx.activate(out[i], sleep_h=round(float(hours[k]), 1), sleep_quality=-1.2,
                              stress=0.7, heaviness=0.4, fatigue=0.4, run_hr_bpm=2.0)
    return tuple(out)


@injection("spike", cause="training-spike", long_pct=60.0, volume_pct=40.0, days_before=1.0)
def _spike(days: Plan, ctx: Context) -> Plan:
    """The final week's long run ``long_pct`` % longer than the previous 30 days' longest
    run, the week ``volume_pct`` % above the previous 4 weeks' mean (science.md §1.6, C07).

    The long run is ``days_before`` days before the final day, which is a rest day.
    Soreness and heaviness after it come from the wellness model's load and
    new-distance damage.
    """
    r, last = ctx.runner, len(days) - 1
    at = max(last - int(ctx.params["days_before"]), 0)
    ref = reference_km(days, at, r)
    long_km = round(ref * (1 + ctx.params["long_pct"] / 100.0), 1)
    week = range(max(last - 6, 0), last + 1)
    before = days[max(last - 34, 0):week.start]
    usual = sum(d.planned_km for d in before) * 7 / len(before) if before else r.weekly_km
    target = (1 + ctx.params["volume_pct"] / 100.0) * usual
    out = list(days)
    for i in week:
        if out[i].session == "long" and i != at:
            out[i] = replace(out[i], session="easy")
    if at != last:
        out[last] = out[last].as_rest()
    out[at] = replace(out[at], session="long", planned_km=long_km)
    _scale_others(out, week, at, target - long_km, ref)
    return tuple(ctx.activate(d) if d.index >= at else d for d in out)


def _scale_others(out: list[Day], week: range, at: int, km: float, ref: float) -> None:
    """Spread ``km`` over the week's easy runs, none longer than 90 % of ``ref``; add easy
    runs on rest days (not next to the long run) when those cannot hold it. The quality
    session stays as planned."""
    km -= sum(out[i].planned_km for i in week
              if i != at and out[i].is_run and out[i].session not in ("easy", "recovery"))
    easy = [i for i in week if i != at and out[i].session in ("easy", "recovery")]
    spare = [i for i in week if out[i].session == "rest" and abs(i - at) > 1 and i < week[-1]]
    cap = round(0.9 * ref, 1)
    while spare and km > cap * len(easy):
        i = spare.pop(0)
        out[i] = replace(out[i], session="easy", planned_km=cap)
        easy.append(i)
    total = sum(out[i].planned_km for i in easy)
    for i in easy:
        new_km = min(max(out[i].planned_km * max(km, 0.0) / total, 3.0), cap)
        out[i] = replace(out[i], planned_km=round(new_km, 1))


@injection("calf-swelling", triage="urgent", pain=5.0)
def _calf_swelling(days: Plan, ctx: Context) -> Plan:
    """Final day: left calf swollen and painful on one side (a possible DVT; science.md §3
    Tier 1). The runner does not run that day and the leg feels heavy."""
    log = {"symptoms": ("swelling-left", "calf-pain-one-side"),
           "pain": int(ctx.params["pain"]), "pain_location": "left calf"}
    last = ctx.activate(days[-1].as_rest(), log=log, heaviness=2.5, soreness=1.5)
    return (*days[:-1], last)


# -- helpers for the injection modules ---------------------------------------------------

def tail(days: Plan, n: float) -> range:
    """Indices of the last ``n`` days (all of them when the plan is shorter)."""
    return range(max(len(days) - int(n), 0), len(days))


def progress(i: int, window: range) -> float:
    """How far day ``i`` is into ``window``: just above 0 on its first day, 1 on its last."""
    return (i - window.start + 1) / len(window)


def as_run(d: Day, session: str, km: float) -> Day:
    """``d`` made a ``session`` run of ``km``."""
    return replace(d, session=session, planned_km=round(km, 1))


def usual_km(days: Plan, i: int, session: str, fallback: float) -> float:
    """Median km of ``session`` runs in the 28 days before day ``i``."""
    kms = [d.planned_km for d in days[max(i - 28, 0):i] if d.session == session and d.is_run]
    return float(np.median(kms)) if kms else fallback


def meals(total_g: float, shares: tuple[float, ...], rng: np.random.Generator
          ) -> tuple[int, ...]:
    """``total_g`` of protein split into meals by ``shares`` (with a little noise)."""
    raw = np.array(shares) * rng.uniform(0.85, 1.15, size=len(shares))
    return tuple(int(round(g)) for g in raw / raw.sum() * total_g)


def intake(carbs_g: float, protein_g: float, fat_g: float, rng: np.random.Generator,
           shares: tuple[float, ...] = (0.3, 0.3, 0.3, 0.1)) -> dict[str, object]:
    """A day's logged food from its macronutrients (energy from 4/4/9 kcal per gram)."""
    split = meals(protein_g, shares, rng)
    return {"carbs_g": int(round(carbs_g)), "protein_g": sum(split), "protein_meals_g": split,
            "energy_kcal": int(round(4 * (carbs_g + sum(split)) + 9 * fat_g))}
