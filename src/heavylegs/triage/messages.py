"""What each triage rule says (science.md §3, "suggested copy rules"): each tier its own
title and action, the reason in one line, what to tell the clinician, how to mark a flag
as dealt with. No reassurance, no diagnosis, never "just DOMS"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from heavylegs.triage.rules import TriageHit

TIER_TITLE: dict[str, str] = {
    "emergency": "EMERGENCY — call emergency services now",
    "urgent": "URGENT — see a doctor today, stop running",
    "soon": "SOON — book a doctor or physio within 1–2 weeks, reduce running",
    "routine": "ROUTINE — mention it at your next check-up",
}
ACTION: dict[str, str] = {
    "emergency": "Call emergency services or go to the emergency department now.",
    "urgent": "See a doctor today, within hours (urgent care or the emergency department if none is available), "
              "and do not run until you have been seen.",
    "soon": "Book a doctor or physiotherapist within 1-2 weeks and reduce your running meanwhile.",
    "routine": "Mention it at your next check-up.",
}
# The heading of the causes while training advice is withheld (explain/withhold.py).
FOR_DOCTOR = ("For your conversation with the doctor: what your data shows. No training advice is given while "
              "the warning above stands.")
# A rule whose action differs from its tier's (science.md §3: a suspected stress fracture).
OWN_ACTION: dict[str, str] = {
    "bone-pain": "Stop running now and get seen within a few days, not weeks.",
}

REASON: dict[str, str] = {
    "cardiac-symptoms": "Chest pain or pressure, fainting or nearly fainting, palpitations with dizziness, or breathlessness "
                        "out of proportion around exercise can be a heart problem. Do not run.",
    "breathless-after-leg-swelling": "Breathlessness or chest pain after a swollen or painful leg can be a clot that has "
                                     "moved to the lungs.",
    "coughing-blood": "Coughing up blood can be a clot in the lungs, especially after a swollen or painful leg.",
    "acute-compartment": "Severe leg pain that does not ease at rest, a tense or hard calf, pain when the toes or foot are "
                         "moved, numbness or weakness can be acute compartment syndrome, which threatens the limb.",
    "severe-pain-at-rest": "Severe leg pain (8/10 or more) that does not ease at rest needs examining today: it can be the "
                           "start of a compartment syndrome, a clot or an injury.",
    "dark-urine-with-muscle-pain": "Dark (tea or cola coloured) urine with severe muscle pain, swelling or weakness after "
                                   "exertion can be rhabdomyolysis, which can harm the kidneys. Do not keep drinking large "
                                   "amounts while you wait.",
    "confusion-or-collapse": "Confusion, a severe headache, repeated vomiting or collapse during or after a long run can be "
                             "low blood sodium or heat illness. Do not drink large amounts of plain water meanwhile.",
    "saddle-numbness": "Numbness in the groin or saddle area, or new bladder or bowel problems with leg weakness or "
                       "numbness, can be pressure on the spinal nerves (cauda equina).",
    "stroke-signs": "A drooping face or a change in speech can be a stroke: every minute counts.",
    "cold-pale-leg": "A suddenly cold, pale, painful or numb leg can mean its blood supply is blocked.",
    "sudden-heaviness-escalated": "Heaviness or weakness that came on suddenly, with dark urine, confusion or chest "
                                  "symptoms, can be muscle breakdown, a salt imbalance or a heart problem.",
    "one-sided-calf-swelling": "A swollen, painful, tender, warm or red calf or leg on one side can be a blood clot (DVT), "
                               "even after a hard or downhill run. If you become short of breath or have chest pain, call "
                               "emergency services now.",
    "sudden-heaviness": "Heaviness or weakness that came on suddenly after little effort needs checking (muscle breakdown, "
                        "electrolytes, heart or nerves). Dark urine, confusion or chest symptoms: call emergency services.",
    "numbness-with-weakness": "Numbness or tingling with weakness or a dropping foot points to a nerve or compartment "
                              "problem that needs examining today.",
    "fever-or-illness": "Running with a fever or a whole-body illness (aching muscles, chills) risks inflammation of the "
                        "heart muscle. Stop training until you have been seen and are well.",
    "palpitations": "A racing, skipping or irregular heartbeat needs a heart check before you run again. With dizziness, "
                    "fainting, chest pain or breathlessness: call emergency services.",
    "vomiting": "Vomiting needs a doctor today, and an emergency if it keeps on, or comes with confusion or a severe "
                "headache, during or after a long run.",
    "bladder-bowel-change": "A new change in bladder or bowel control needs examining today; with leg weakness or numbness "
                            "in the groin, call emergency services.",
    "pain-on-stretch": "Pain when the toes or foot are moved can be an early compartment syndrome; with severe pain, "
                       "a tense calf or numbness, call emergency services.",
    "bone-pain": "Focal bone pain, especially at rest, at night or when hopping, can be a stress fracture.",
    "persisting-despite-rest": "Heaviness or pain that persists or worsens despite resting is not explained by training "
                               "alone; ask about blood tests (blood count, ferritin, thyroid, B12/folate, vitamin D).",
    "exertional-leg-pain": "Leg pain or tightness that comes on at a similar time or distance in every run and eases with "
                           "rest can be a compartment, artery or nerve problem.",
    "swelling-or-numbness": "Swelling of both legs, numbness or tingling should be examined.",
    "dizziness": "Dizziness or light-headedness should be checked; during a run, or with chest pain, palpitations or "
                 "fainting, call emergency services.",
    "missed-periods": "Missed periods for three months or more can mean too little energy for your training (REDs) and "
                      "affect bone health.",
    "daily-life-impact": "Leg symptoms that affect stairs, walking, work or sleep need a professional look.",
    "varicose-veins-with-swelling": "Varicose veins with swelling of both ankles can mean the veins are not returning "
                                    "blood well.",
    "varicose-veins": "Varicose veins are worth a vein assessment when they cause heavy legs.",
    "gait-asymmetry": "Your left and right legs share the work unevenly, without pain so far: a physiotherapist or "
                      "running-gait assessment can look at it.",
    "lab-screen-b12": "Ask for a vitamin B12 test: a vegan diet without supplements can run low over months.",
}

TELL: dict[str, tuple[str, ...]] = {
    "one-sided-calf-swelling": ("Tell the doctor about recent long runs or races, travel over 4 h, surgery, injury or a cast, "
                                "hormonal contraception or HRT, cancer and any previous clot.",),
    "breathless-after-leg-swelling": ("Tell them about the leg symptoms and when they started.",),
    "dark-urine-with-muscle-pain": ("Tell them about the session before it (length, downhill, heat) and how much you drank.",),
    "confusion-or-collapse": ("Tell them how long you ran, in what heat, and how much you drank.",),
    "persisting-despite-rest": ("Bring your training log: heavylegs report --html gives a summary.",),
}

PHRASES: dict[str, str] = {
    "swelling-left": "a swollen left leg", "swelling-right": "a swollen right leg",
    "swelling-one-side": "a swollen leg on one side", "swelling-both": "swelling of both legs",
    "calf-pain-one-side": "pain in one calf or leg", "warm-red-leg": "a warm or red leg",
    "numbness": "numbness", "tingling": "tingling", "weakness": "weakness", "foot-drop": "a dropping foot",
    "sudden-heaviness": "sudden heaviness", "pain-at-rest": "pain that does not ease at rest",
    "pain-worsening": "pain that keeps getting worse", "night-pain": "pain at night", "bone-pain": "bone pain",
    "exertional-pain-resolves-with-rest": "leg pain that comes with running and eases with rest",
    "cold-pale-leg": "a cold, pale leg", "dark-urine": "dark urine", "chest-pain": "chest pain or tightness",
    "breathless": "breathlessness", "palpitations": "palpitations", "fainting": "fainting or nearly fainting",
    "confusion": "confusion", "fever": "a fever or flu", "saddle-numbness": "numbness in the groin or saddle area",
    "daily-life-impact": "leg symptoms that affect daily life", "varicose-veins": "varicose veins",
    "dizziness": "dizziness", "coughing-blood": "coughing blood", "vomiting": "vomiting",
    "severe-headache": "a severe headache", "collapse": "a collapse", "bladder-bowel-change": "a bladder or bowel change",
    "face-or-speech-change": "a drooping face or a speech change", "tense-calf": "a tense or hard calf",
    "pain-on-stretch": "pain when the toes or foot are moved", "pain": "severe pain", "soreness": "severe soreness",
    "ill": "an illness with aching muscles",
}
# Signals that are not symptom codes, and the code a ``resolved=`` entry names for them.
PUBLIC: dict[str, str | None] = {"swelling-one-side": "swelling-left", "pain": None, "soreness": None,
                                 "ill": "fever"}


def phrase(code: str) -> str:
    return PHRASES.get(code, code.replace("-", " "))


def public_code(code: str) -> str | None:
    return PUBLIC.get(code, code)


def _fmt(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _what(codes: list[str]) -> str:
    words = list(dict.fromkeys(phrase(c) for c in codes))
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def message(rule: str, tier: str, day: date, reported: date | None, codes: list[str]) -> str:
    """The action (what to do and how fast), then the reason; a flag from an earlier day
    says when it was reported and asks whether a doctor has seen it."""
    action = OWN_ACTION.get(rule, ACTION[tier])
    if reported is None or reported == day or not codes:
        return f"{action} {REASON[rule]}"
    when = f"On {_fmt(reported)} you reported {_what(codes)}."
    if tier == "emergency":
        action = ("If a doctor has not checked this since, get medical help today, and call emergency services "
                  "now if it is still there or comes back.")
    elif tier == "urgent":
        action = "If a doctor has not seen you about it since, see one today, and do not run until then."
    return f"{when} {action} {REASON[rule]}"


def reminder(hit: TriageHit, day: date) -> TriageHit:
    """An emergency or urgent flag logged 7-13 days ago, not marked as seen: a SOON reminder."""
    when = _fmt(hit.reported) if hit.reported else "an earlier day"
    text = (f"On {when}, more than a week ago, you reported a red flag ({hit.title.split(' —')[0].lower()} then). "
            f"If a doctor has not seen you about it, book one within days, and today if it is still there or comes "
            f"back. {REASON[hit.rule]}")
    return replace(hit, tier="soon", message=text)


def how_to_clear(codes: tuple[str, ...]) -> str:
    """How the runner marks the flag as dealt with (docs/triage.md)."""
    text = ("When a doctor has seen you about this, log it: heavylegs checkin --set seen_doctor=yes "
            "(or a seen_doctor column in your daily log); the flag then stops and training advice returns.")
    if codes:
        text += f" If it has simply gone, log heavylegs checkin --set 'resolved={';'.join(codes)}'."
    return text
