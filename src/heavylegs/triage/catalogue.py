"""Tier 0-1 rules of science.md §3, one function each: emergency, then urgent. Each reads
the last 7 days of signals (triage/rules.py) and may combine codes from different days."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from heavylegs.triage.rules import CARDIAC, LONG_MEMORY, ONE_SIDED, TriageHit, Window, hit, rule
from heavylegs.triage.signals import fmt_day

SEVERE_PAIN = 8  # "severe pain (>= 8/10)" (issue 10)
EXTREME_FACTOR = 1.3  # a run this many times the month's longest before it is an extreme effort [heuristic]
EXTREME_MIN_M = 15000.0  # ... and at least this long
LONG_EFFORT_S = 2.5 * 3600  # or at least this long in time (a long run or race)
EFFORT_DAYS = 3  # an effort counts for the pain of the days up to this many after it


def extreme_effort(history: pl.DataFrame, until: date, days: int = EFFORT_DAYS) -> list[str]:
    """An extreme effort (a run far beyond the month's longest, or a very long one) in the
    ``days`` days up to ``until``, as evidence; training data may only make a rule fire."""
    if "longest_run_m" not in history.columns:
        return []
    runs = history.filter(pl.col("date") > until - timedelta(days=days + 31)).select("date", "longest_run_m", "run_time_s")
    by_day = {r["date"]: (float(r["longest_run_m"] or 0), float(r["run_time_s"] or 0)) for r in runs.iter_rows(named=True)}
    for offset in range(days + 1):
        d = until - timedelta(days=offset)
        km, secs = by_day.get(d, (0.0, 0.0))
        before = max((v[0] for k, v in by_day.items() if d - timedelta(days=30) <= k < d), default=0.0)
        if (km >= EXTREME_MIN_M and km >= EXTREME_FACTOR * before) or secs >= LONG_EFFORT_S:
            ref = f", {km / before:.1f}× your longest run in the month before" if before else ""
            return [f"on {fmt_day(d)} you ran {km / 1000:.0f} km{ref} (an extreme effort)"]
    return []


@rule()
def cardiac(w: Window) -> TriageHit | None:
    found = w.has(*CARDIAC)
    dizzy = w.has("dizziness", "fainting", "breathless", "chest-pain")
    if w.has("palpitations") and dizzy:
        found += w.has("palpitations") + w.has("dizziness")
    return hit(w, "emergency", "cardiac-symptoms", found) if found else None


@rule()
def pulmonary_embolism(w: Window) -> TriageHit | None:
    breath = w.has("breathless", "chest-pain", "coughing-blood")
    if not breath:
        return None
    legs = [s for s in w.has(*ONE_SIDED, since=w.until - timedelta(days=LONG_MEMORY - 1))
            if s.day <= max(b.day for b in breath)]
    return hit(w, "emergency", "breathless-after-leg-swelling", legs + breath) if legs else None


@rule()
def coughing_blood(w: Window) -> TriageHit | None:
    found = w.has("coughing-blood")
    return hit(w, "emergency", "coughing-blood", found) if found else None


@rule()
def acute_compartment(w: Window) -> TriageHit | None:
    """Severe pain not easing at rest: urgent, emergency after an extreme effort; with a
    tense calf, pain on moving the toes, numbness or weakness: emergency."""
    severe, rest = w.peak("pain", SEVERE_PAIN), w.has("pain-at-rest")
    tense, stretch = w.has("tense-calf"), w.has("pain-on-stretch")
    signs = w.has("numbness", "weakness", "foot-drop", "swelling-left", "swelling-right", "swelling-one-side")
    if tense or (stretch and (severe or signs)) or (severe and rest and signs):
        return hit(w, "emergency", "acute-compartment", severe + rest + tense + stretch + signs)
    if severe and rest:
        effort = extreme_effort(w.history, max(s.day for s in severe + rest))
        tier = "emergency" if effort else "urgent"
        return hit(w, tier, "acute-compartment" if effort else "severe-pain-at-rest", severe + rest, effort)
    return None


@rule()
def rhabdomyolysis(w: Window) -> TriageHit | None:
    dark = w.has("dark-urine")
    muscle = (w.peak("soreness", 8) + w.peak("pain", 7)
              + w.has("weakness", "swelling-both", "swelling-left", "swelling-right", "swelling-one-side"))
    return hit(w, "emergency", "dark-urine-with-muscle-pain", dark + muscle) if dark and muscle else None


@rule()
def confusion_or_collapse(w: Window) -> TriageHit | None:
    found = w.has("confusion", "severe-headache", "collapse")
    vomit = w.has("vomiting")
    if vomit and (found or extreme_effort(w.history, vomit[0].day, 1)):
        found += vomit
    return hit(w, "emergency", "confusion-or-collapse", found) if found else None


@rule()
def saddle(w: Window) -> TriageHit | None:
    found = w.has("saddle-numbness")
    bladder = w.has("bladder-bowel-change")
    legs = w.has("weakness", "numbness", "foot-drop", "sudden-heaviness", "tingling")
    if bladder and legs:
        found += bladder + legs
    return hit(w, "emergency", "saddle-numbness", found) if found else None


@rule()
def stroke(w: Window) -> TriageHit | None:
    found = w.has("face-or-speech-change")
    return hit(w, "emergency", "stroke-signs", found) if found else None


@rule()
def limb_ischaemia(w: Window) -> TriageHit | None:
    found = w.has("cold-pale-leg")
    return hit(w, "emergency", "cold-pale-leg", found) if found else None


@rule()
def sudden_heaviness(w: Window) -> TriageHit | None:
    found = w.has("sudden-heaviness")
    if not found:
        return None
    worse = w.has("dark-urine", "confusion", "chest-pain", "breathless", "palpitations", "fainting")
    if worse:
        return hit(w, "emergency", "sudden-heaviness-escalated", found + worse)
    return hit(w, "urgent", "sudden-heaviness", found)


@rule()
def one_sided_calf(w: Window) -> TriageHit | None:
    found = w.has(*ONE_SIDED)
    if not found:
        return None
    risks = [f"risk factor: {r.code.replace('-', ' ')} (logged {fmt_day(r.day)})" for r in w.risks]
    return hit(w, "urgent", "one-sided-calf-swelling", found, risks)


@rule()
def neurological(w: Window) -> TriageHit | None:
    sensory, motor = w.has("numbness", "tingling"), w.has("weakness", "foot-drop")
    if w.has("foot-drop") or (sensory and motor):
        return hit(w, "urgent", "numbness-with-weakness", sensory + motor)
    return None


@rule()
def systemic_illness(w: Window) -> TriageHit | None:
    found = w.has("fever", "ill")
    return hit(w, "urgent", "fever-or-illness", found) if found else None


@rule()
def palpitations(w: Window) -> TriageHit | None:
    found = w.has("palpitations")
    return hit(w, "urgent", "palpitations", found) if found else None


@rule()
def vomiting(w: Window) -> TriageHit | None:
    found = w.has("vomiting")
    return hit(w, "urgent", "vomiting", found) if found else None


@rule()
def bladder_bowel(w: Window) -> TriageHit | None:
    found = w.has("bladder-bowel-change")
    return hit(w, "urgent", "bladder-bowel-change", found) if found else None


@rule()
def pain_on_stretch(w: Window) -> TriageHit | None:
    found = w.has("pain-on-stretch")
    return hit(w, "urgent", "pain-on-stretch", found) if found else None
