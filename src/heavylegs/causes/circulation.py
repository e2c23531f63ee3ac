"""venous-return (science.md C21), compartment-syndrome (C22), arterial-disease (C23):
circulatory patterns read from check-ins, pointed to a professional, never diagnosed.

Venous: clinical picture Strong, detection Weak (check-in only). Signs: swelling of both
ankles, varicose veins, worse after standing or by evening, better with legs up or
overnight, skin changes; flagged at ≥ 2 signs when heaviness is not tied to training (as
heavy on rest days as on run days) [heuristic]. One-sided swelling is a possible clot and
belongs to triage, never to this cause; both-leg swelling with breathlessness may be the
heart, kidneys or liver.

CECS: clinical description Strong, pattern detection Moderate. The log has no onset
minute, so the consistency test uses the runs the symptom came with: ≥ 3 runs with
``exertional-pain-resolves-with-rest`` whose durations vary by ≤ 25 % (CV) [heuristic].
Pain at rest, at night or in the bone points to a stress injury instead (triage).

Arterial: clinical criteria Strong, detection Weak (symptom pattern only). Claudication =
exertional pain easing with rest, reproducible (≥ 2 runs), absent at rest; PAD risk groups
follow the AHA/ACC 2017 guideline (age ≥ 65; 50-64 with a risk factor; < 50 with diabetes
plus another; known atherosclerotic disease). In a young low-risk runner the same pattern
may be popliteal entrapment or iliac endofibrosis: rare, weak, still "see a doctor".
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from heavylegs.causes import lifestyle_data as ld
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled, plural
from heavylegs.core.settings import Setting, register

VENOUS, CECS, ARTERIAL = "venous-return", "compartment-syndrome", "arterial-disease"
(LOOKBACK, CECS_MIN, CECS_CV, PAD_MIN, PAD_OLD, PAD_MID, VEN_SIGNS, VEN_DAYS, VEN_MARGIN,
 VEN_REST, RUN_ONLY, STOPS) = register(
    Setting("circulation_lookback_days", 42.0, "days", "science.md §0.2 [heuristic]",
            "how far back exertional-pain episodes are collected"),
    Setting("cecs_min_episodes", 3.0, "runs", "science.md C22(b) (runs_with_onset ≥ 3)"),
    Setting("cecs_max_cv_pct", 25.0, "%", "science.md C22(b) [heuristic] (CV of onset ≤ 25 %)"),
    Setting("pad_min_episodes", 2.0, "runs", "science.md C23(b) ('reproducible') [heuristic]"),
    Setting("pad_age_high", 65.0, "years", "Gerhard-Herman et al. 2017 AHA/ACC PAD guideline (Circulation 135:e726)"),
    Setting("pad_age_mid", 50.0, "years", "Gerhard-Herman et al. 2017 (50-64 with a risk factor)"),
    Setting("venous_min_signs", 2.0, "signs", "science.md C21(b) [heuristic]"),
    Setting("venous_lookback_days", 28.0, "days", "science.md §0.2 [heuristic]"),
    Setting("venous_rest_day_margin", 1.0, "0-10", "science.md C21(b) ('not tied to training') [heuristic]",
            "rest-day heaviness within this of run-day heaviness = not tied to training"),
    Setting("venous_rest_heaviness", 4.0, "0-10", "science.md C21(b) [heuristic]",
            "rest-day heaviness must reach this to count as heaviness outside training"),
    Setting("cecs_run_day_excess", 2.0, "0-10", "science.md C22(a) ('normal at rest') [heuristic]",
            "run-day heaviness above rest-day heaviness by this supports an exertional pattern"),
    Setting("circulation_extra_stop_min", 2.0, "min", "science.md C22(a) ('unplanned stops') [heuristic]",
            "runs with exertional pain standing still this much longer than other runs"),
)
EXERTIONAL = "exertional-pain-resolves-with-rest"
REST_PAIN = ("pain-at-rest", "night-pain", "bone-pain")
ONE_SIDED = ("swelling-left", "swelling-right", "calf-pain-one-side", "warm-red-leg")
PAD_FACTORS = {"smoking": ("smok", "cigarette", "tobacco"), "diabetes": ("diabet",),
               "high blood pressure": ("hypertens", "high blood pressure", "blood pressure pill"),
               "high cholesterol": ("cholesterol", "statin", "dyslipid", "hyperlipid"),
               "kidney disease": ("kidney disease", "ckd", "renal disease", "dialysis")}
FAMILY = {"a family history of artery disease": ("family history",)}
KNOWN = {"known heart or artery disease": ("heart attack", "stent", "bypass", "angina", "stroke", "coronary",
                                           "peripheral arter", "atheroscl")}
STATIN = {"a statin": ("statin", "atorvastatin", "simvastatin", "rosuvastatin")}
VEIN_NOTES = {"worse after standing or sitting, or by evening": (
                  "standing", "on my feet", "end of the day", "by evening", "worse in the evening", "sitting all day",
                  "long flight"),
              "better with legs raised or overnight": (
                  "elevat", "legs up", "feet up", "better in the morning", "gone by morning", "better overnight",
                  "settles overnight"),
              "skin changes near the ankles": ("skin darken", "discolo", "brown stain", "itchy leg", "itching", "eczema")}


@dataclass(frozen=True, slots=True)
class Episode:
    day: date
    minutes: float | None  # moving time of the run it came with (that day, or the day before)
    stopped: float | None  # minutes stood still during that run (elapsed − moving)
    numb: bool
    rest_pain: bool


def _longest_runs(ctx: Context) -> dict[date, tuple[float, float | None]]:
    """Per day of the lookback: (moving minutes, stopped minutes) of the longest run."""
    return ctx.cached("circulation.longest_runs", lambda: _find_longest_runs(ctx))  # type: ignore[no-any-return]


def _find_longest_runs(ctx: Context) -> dict[date, tuple[float, float | None]]:
    days = int(LOOKBACK.value(ctx.overrides))
    runs = ld.runs_between(ctx, ctx.day - timedelta(days=days), ctx.day)
    stopped = ((ld.num(runs, "elapsed_s") - ld.num(runs, "moving_s")) / 60).clip(lower_bound=0).alias("stopped")
    runs = runs.with_columns(stopped).sort("minutes")
    return {d: (m, st) for d, m, st in runs.group_by("local_date").last().select(
        "local_date", "minutes", "stopped").iter_rows()}


def _episodes(ctx: Context) -> list[Episode]:
    return ctx.cached("circulation.episodes", lambda: _find_episodes(ctx))  # type: ignore[no-any-return]


def _find_episodes(ctx: Context) -> list[Episode]:
    days = int(LOOKBACK.value(ctx.overrides))
    longest = _longest_runs(ctx)
    numb = set(ld.symptom_days(ctx, "numbness", days) + ld.symptom_days(ctx, "tingling", days))
    rest = {d for code in REST_PAIN for d in ld.symptom_days(ctx, code, days)}
    out = []
    for d in ld.symptom_days(ctx, EXERTIONAL, days):
        run = longest.get(d, longest.get(d - timedelta(days=1), (None, None)))
        out.append(Episode(d, run[0], run[1], d in numb, d in rest))
    return out


def _stops(ctx: Context, eps: list[Episode]) -> list[ld.Ind]:
    """Runs with the symptom stood still longer than the runner's other runs (C22(a))."""
    mine = [e.stopped for e in eps if e.stopped is not None]
    days = {e.day for e in eps} | {e.day - timedelta(days=1) for e in eps}
    other = [st for d, (_, st) in _longest_runs(ctx).items() if d not in days and st is not None]
    if len(mine) < 2 or len(other) < 3:
        return []
    extra = statistics.median(mine) - statistics.median(other)
    if extra < STOPS.value(ctx.overrides):
        return []
    ev = Evidence("extra_stopped_min", round(extra, 1), STOPS.value(ctx.overrides), _episode_window(eps),
                  f"On those runs you stood still for about {statistics.median(mine):.0f} min, against "
                  f"{statistics.median(other):.0f} min on your other runs.")
    return [("weak", 0.4, ev)]


def _heaviness_split(ctx: Context, days: int) -> tuple[float, float] | None:
    """(mean heaviness on run days, on rest days) over the window; None with < 3 of each."""
    win = ctx.window(days)
    rows = win.select(ld.num(win, "heaviness").alias("h"), (ld.num(win, "n_runs").fill_null(0.0) > 0).alias("run"))
    rows = rows.drop_nulls("h")
    run, rest = rows.filter(pl.col("run"))["h"], rows.filter(~pl.col("run"))["h"]
    if run.len() < 3 or rest.len() < 3:
        return None
    return float(run.mean()), float(rest.mean())  # type: ignore[arg-type]


def _no_episodes(ctx: Context, cause: str, extra: str = "") -> Result:
    days = int(LOOKBACK.value(ctx.overrides))
    checkins = ld.checkin_days(ctx, days)
    if checkins >= ld.CHECKINS.value(ctx.overrides):
        return Ruled(cause, f"None of your {plural(checkins, 'check-in')} in the last {days} days reported leg pain or "
                            f"tightness during runs that eased with rest.{extra}")
    return NotAssessed(cause, ("symptoms",),
                       "Do the daily check-in (heaviness, pain, symptoms) after runs; when leg pain or tightness "
                       f"comes on during a run and eases with rest, add the symptom code {EXERTIONAL}.")


def _statin(ctx: Context) -> list[ld.Ind]:
    if not ld.mentions(ctx, STATIN, 365):
        return []
    return [("weak", 0.0, Evidence("statin_noted", "yes", None, (ctx.day - timedelta(days=364), ctx.day),
                                   "Your notes mention a statin, which can itself cause muscle aches: tell your doctor."))]


def _episode_window(eps: list[Episode]) -> tuple[date, date]:
    return eps[0].day, eps[-1].day


# -- compartment-syndrome ------------------------------------------------------------------

def _cecs_pattern(ctx: Context, eps: list[Episode]) -> ld.Ind:
    timed = [e.minutes for e in eps if e.minutes]
    cv = 100 * statistics.pstdev(timed) / statistics.mean(timed) if len(timed) >= 2 else None
    consistent = len(timed) >= CECS_MIN.value(ctx.overrides) and cv is not None and cv <= CECS_CV.value(ctx.overrides)
    lasted = (f"; those runs lasted {ld.fmt_minutes(min(timed))}-{ld.fmt_minutes(max(timed))} "
              f"(varying {cv:.0f} %)" if cv is not None else "")
    text = f"On {plural(len(eps), 'day')} since {ld.fmt_day(eps[0].day)} leg pain or tightness came on during a run and eased with rest{lasted}"
    if consistent:
        ev = Evidence("exertional_pain_run_cv_pct", round(cv or 0.0, 1), CECS_CV.value(ctx.overrides), _episode_window(eps),
                      text + ": a pain that arrives at a similar point in every run is the typical compartment pattern.")
        return "moderate", 0.9, ev
    why = ("the runs varied in length, so it did not clearly come at the same point each time" if len(timed) >= 3
           else "not yet a pattern")
    ev = Evidence("exertional_pain_runs", len(eps), CECS_MIN.value(ctx.overrides), _episode_window(eps),
                  text + f"; {why} (compartment syndrome typically strikes at a similar point in 3 or more runs).")
    return "weak", min(1.0, 0.3 * len(eps)), ev


def evaluate_compartment(ctx: Context) -> Result:
    eps = _episodes(ctx)
    if not eps:
        return _no_episodes(ctx, CECS)
    mimic = [e for e in eps if e.rest_pain]
    if mimic:
        return Ruled(CECS, f"Your exertional pain on {ld.fmt_day(mimic[-1].day)} also came with pain at rest, at night "
                           "or in the bone, which does not fit compartment syndrome (it settles within ~30 min of "
                           "stopping); the warnings above cover a possible stress injury.")
    inds = [_cecs_pattern(ctx, eps)]
    numb = [e for e in eps if e.numb]
    if numb:
        inds.append(("moderate", 0.3, Evidence(
            "exertional_numbness_days", len(numb), 1, _episode_window(numb),
            f"You also logged numbness or tingling on {len(numb)} of those days (in compartment syndrome often on "
            "top of the foot); see the warnings above.")))
    split = _heaviness_split(ctx, int(VEN_DAYS.value(ctx.overrides)))
    if split and split[0] - split[1] >= RUN_ONLY.value(ctx.overrides):
        inds.append(("weak", 0.4, Evidence(
            "heaviness_run_minus_rest_days", round(split[0] - split[1], 1), RUN_ONLY.value(ctx.overrides),
            (ctx.day - timedelta(days=27), ctx.day),
            f"Your legs felt heavy on run days ({split[0]:.1f}/10) but not on rest days ({split[1]:.1f}/10).")))
    inds += _stops(ctx, eps) + _statin(ctx)
    s = ld.score(inds)
    quality = 1.0 if all(e.minutes for e in eps) else 0.7
    consistent = inds[0][0] == "moderate"  # the pattern indicator: consistent run lengths
    timed = [e.minutes for e in eps if e.minutes]
    cap = f" under about {ld.fmt_minutes(max(10.0, min(timed) - 5))}" if timed and consistent else \
        " short enough that it does not start"
    fix = ("Book a sports-medicine doctor within 1-2 weeks: this pattern needs a clinical check (pressure testing "
           "confirms compartment syndrome) rather than long-term self-management.",
           f"Until then cut back the running that provokes it — keep runs{cap}, stop when it starts, and use "
           "cycling or swimming for fitness.",
           "Clinicians often try gait retraining (shorter, quicker steps) before considering surgery.")
    return Finding(CECS, s, ld.confidence_for(s, quality, "moderate" if consistent else "weak"),
                   tuple(e for _, _, e in inds), fix)


# -- arterial-disease ----------------------------------------------------------------------

def _pad_risk(ctx: Context) -> tuple[bool, list[str], int | None]:
    """(in a PAD risk group, risk factors found, age) per the AHA/ACC 2017 groups."""
    o = ctx.overrides
    age = ld.age(ctx)
    factors = ld.mentions(ctx, PAD_FACTORS, 3650) + ld.mentions(ctx, FAMILY, 3650, relatives=True)
    known = ld.mentions(ctx, KNOWN, 3650)
    at_risk = bool(known) or (age is not None and (
        age >= PAD_OLD.value(o)
        or (age >= PAD_MID.value(o) and len(factors) >= 1)
        or ("diabetes" in factors and len(factors) >= 2)))
    return at_risk, known + factors, age


def _claudication(eps: list[Episode], reproducible: bool) -> ld.Ind:
    said = "again and again" if reproducible else "once so far"
    ev = Evidence("exertional_pain_days", len(eps), PAD_MIN.default, _episode_window(eps),
                  f"Leg pain came on with exercise and eased when you stopped {said} ({plural(len(eps), 'day')} since "
                  f"{ld.fmt_day(eps[0].day)}).")
    return "weak", 1.0 if reproducible else 0.5, ev


def _pad_risk_ind(ctx: Context, state: str, factors: list[str], age: int | None, strength: float) -> ld.Ind | None:
    window = (ctx.day - timedelta(days=364), ctx.day)
    if state == "risk":
        who = f"Age {age}" if age is not None else "Your notes"
        with_ = f" with {', '.join(factors)}" if factors else ""
        return "moderate", strength, Evidence(
            "pad_risk_group", age if age is not None else "known disease", PAD_OLD.value(ctx.overrides), window,
            f"{who}{with_} puts you in the group doctors check for narrowed leg arteries when this kind of pain appears.")
    if state == "unknown" and factors:
        return "moderate", 0.5 * strength, Evidence(
            "pad_risk_factors", ", ".join(factors), None, window,
            f"Your notes mention {', '.join(factors)}; with your age unknown heavylegs cannot tell whether you are in "
            "the group doctors check for narrowed leg arteries.")
    return None


def evaluate_arterial(ctx: Context) -> Result:
    at_risk, factors, age = _pad_risk(ctx)
    state = "risk" if at_risk else "unknown" if age is None else "young"
    eps = _episodes(ctx)
    if not eps:
        who = f" You are {age}" + (f" with {', '.join(factors)} noted" if factors else "") if age is not None else ""
        extra = f"{who}; mention leg pain on walking to your doctor if it ever appears." if at_risk and who else ""
        return _no_episodes(ctx, ARTERIAL, extra)
    rest = [e for e in eps if e.rest_pain]
    if rest and (state == "young" or (state == "unknown" and not factors)):
        return Ruled(ARTERIAL, f"Your exertional pain on {ld.fmt_day(rest[-1].day)} also came at rest, at night or in "
                               "the bone, which does not fit narrowed leg arteries in a low-risk runner; the warnings "
                               "above cover a possible stress injury.")
    reproducible = len(eps) >= PAD_MIN.value(ctx.overrides)
    inds = [_claudication(eps, reproducible)]
    risk = _pad_risk_ind(ctx, state, factors, age, 1.0 if reproducible else 0.6)
    if risk is not None:
        inds.append(risk)
        if rest:
            inds.append(("moderate", 0.5, Evidence(
                "pain_at_rest_days", len(rest), 0, _episode_window(rest),
                "You also had pain at rest or at night: with these risk factors that needs a doctor soon.")))
    if state == "young":
        inds[0] = ("weak", inds[0][1] * 0.6, inds[0][2])
    inds += _stops(ctx, eps) + _statin(ctx)
    quality = 0.6 if state == "unknown" else 1.0
    s = ld.score(inds)
    return Finding(ARTERIAL, s, ld.confidence_for(s, quality, "weak"), tuple(e for _, _, e in inds),
                   _arterial_fix(state))


def _arterial_fix(state: str) -> tuple[str, ...]:
    first = {
        "risk": "Please see a doctor soon (within 1-2 weeks) for a pulse check and an ankle-brachial index (ABI) "
                "test, and a review of heart and circulation risk; don't train through this kind of pain.",
        "young": "Please see a sports doctor: in young, otherwise healthy runners a trapped artery behind the knee "
                 "(popliteal entrapment) or a narrowed pelvic artery can cause this; it needs imaging to find, so "
                 "don't train through it.",
        "unknown": "Please see a doctor about this pain within 1-2 weeks: they can check the pulses in your feet and an "
                   "ankle-brachial index (ABI); don't train through it."}[state]
    fix = [first, "Tell them when the pain starts, how fast it eases, and whether standing still is enough or you "
                  "need to sit or bend forward (that points to the spine instead)."]
    if state == "unknown":
        fix.append("Set your birth year (`heavylegs profile set birth_year=...`) so heavylegs can weigh age.")
    return tuple(fix)


# -- venous-return -------------------------------------------------------------------------

def _vein_signs(ctx: Context) -> list[ld.Ind]:
    days = int(VEN_DAYS.value(ctx.overrides))
    signs: list[ld.Ind] = []
    both = ld.symptom_days(ctx, "swelling-both", days)
    if both:
        signs.append(("weak", 0.5, Evidence("swelling_both_days", len(both), 1, (both[0], both[-1]),
                                            f"You logged swelling of both legs on {plural(len(both), 'day')} since "
                                            f"{ld.fmt_day(both[0])}.")))
    veins = ld.symptom_days(ctx, "varicose-veins", 365)
    if veins:
        signs.append(("weak", 0.5, Evidence("varicose_veins", "yes", None, (veins[0], veins[-1]),
                                            f"You noted varicose veins (last on {ld.fmt_day(veins[-1])}).")))
    for label in ld.mentions(ctx, VEIN_NOTES, days):
        signs.append(("weak", 0.5, Evidence("vein_pattern_noted", label, None, (ctx.day - timedelta(days=days - 1), ctx.day),
                                            f"Your notes describe legs {label}.")))
    return signs


def _sign_name(ev: Evidence) -> str:
    names = {"swelling_both_days": "swelling of both legs", "varicose_veins": "varicose veins"}
    return names.get(ev.metric, f"legs {ev.value}")


def _mimics(ctx: Context) -> list[ld.Ind]:
    out: list[ld.Ind] = []
    one = sorted({d for c in ONE_SIDED for d in ld.symptom_days(ctx, c, 14)})
    if one:
        out.append(("weak", 0.0, Evidence("one_sided_leg_symptoms", len(one), 0, (one[0], one[-1]),
                                          "One-sided swelling or calf pain is a possible clot, not a vein-return "
                                          "problem: follow the urgent advice above first.")))
    if ld.symptom_days(ctx, "breathless", 14) and ld.symptom_days(ctx, "swelling-both", 14):
        out.append(("weak", 0.0, Evidence("swelling_with_breathlessness", "yes", None, (ctx.day - timedelta(days=13), ctx.day),
                                          "Swelling of both legs with breathlessness can come from the heart, kidneys "
                                          "or liver: see a doctor soon.")))
    return out


def evaluate_venous(ctx: Context) -> Result:
    o = ctx.overrides
    days = int(VEN_DAYS.value(o))
    signs = _vein_signs(ctx)
    split = _heaviness_split(ctx, days)
    heavy = (f"heaviness averaged {split[1]:.1f}/10 on rest days and {split[0]:.1f}/10 on run days" if split
             else "too few rest-day and run-day heaviness ratings to compare")
    if len(signs) < VEN_SIGNS.value(o):
        checkins = ld.checkin_days(ctx, days)
        if checkins < ld.CHECKINS.value(o):
            return NotAssessed(VENOUS, ("symptoms", "heaviness"),
                               "Do the daily check-in for a few weeks (heaviness, plus symptom codes such as "
                               "swelling-both or varicose-veins, and notes on whether legs are worse after standing).")
        found = f"only one sign ({_sign_name(signs[0][2])})" if signs else \
            "no ankle swelling, varicose veins or standing pattern"
        return Ruled(VENOUS, f"Over {plural(checkins, 'check-in')} in the last {days} days there was {found} (heavylegs looks for "
                             f"two or more signs), and {heavy}.")
    tied = split is not None and split[0] - split[1] > VEN_MARGIN.value(o)
    if tied:
        return Ruled(VENOUS, f"You logged {len(signs)} signs of poor vein return, but {heavy}: the heaviness follows "
                             "your training, so veins are unlikely to be why your legs are heavy.")
    inds = list(signs)
    if split is not None and split[1] >= VEN_REST.value(o):
        inds.append(("weak", 0.6, Evidence("heaviness_rest_days", round(split[1], 1), VEN_REST.value(o),
                                           (ctx.day - timedelta(days=days - 1), ctx.day),
                                           f"Your legs were about as heavy or heavier on rest days ({split[1]:.1f}/10) "
                                           f"than on run days ({split[0]:.1f}/10): the heaviness does not follow "
                                           "your training.")))
    mimics = _mimics(ctx)
    s = ld.score(inds)
    quality = 1.0 if split is not None else 0.6
    fix = ["Raise your legs above hip height for 15-20 min after long standing or sitting, and keep your calves "
           "working (walks, heel raises) through long desk days and travel.",
           "Try graduated compression socks (about 15-20 mmHg) on work days and journeys.",
           "See your GP or a vein clinic about varicose veins, skin changes or swelling that doesn't settle."]
    if len(mimics) and mimics[-1][2].metric == "swelling_with_breathlessness":
        fix.insert(0, "Swelling of both legs with breathlessness needs a doctor soon.")
    return Finding(VENOUS, s, ld.confidence_for(s, quality, "weak"), tuple(e for _, _, e in inds + mimics), tuple(fix))
