"""The check-in form: its fields, the symptom checkboxes grouped by body area, and the
mapping from a posted form to the text values ``Workspace.log_set`` validates (the same
values `heavylegs checkin --set` gives it, so the same messages)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from heavylegs.core.logschema import COLUMN_BY_NAME, NO_SYMPTOMS, SYMPTOM_CODES
from heavylegs.importers.daily_log_values import FORMATTERS


@dataclass(frozen=True)
class Field:
    key: str  # the daily-log column
    label: str
    kind: str  # slider, number, choice, text, area
    step: str = "1"
    hint: str = ""


SLIDERS = (
    Field("heaviness", "Legs heaviness (0 = light, 10 = leaden)", "slider"),
    Field("soreness", "Muscle soreness (0 = none, 10 = worst)", "slider"),
    Field("fatigue", "General tiredness (0 = fresh, 10 = exhausted)", "slider"),
)
FIELDS = (
    Field("sleep_h", "Hours slept last night", "number", "0.1", "0-16"),
    Field("sleep_quality", "Sleep quality", "choice", hint="1 = very poor, 5 = very good"),
    Field("mood", "Mood", "choice", hint="1 = very low, 5 = very good"),
    Field("stress", "Stress", "choice", hint="1 = relaxed, 5 = very stressed"),
    Field("fluid_l", "Fluids drunk today (litres)", "number", "0.1", "0-15"),
    Field("energy_kcal", "Food energy today (kcal)", "number", "1", "0-10000"),
    Field("carbs_g", "Carbohydrate today (g)", "number", "1", "0-2000"),
    Field("protein_g", "Protein today (g)", "number", "1", "0-500"),
    Field("strength", "Strength session today", "choice"),
    Field("pain", "Worst leg pain (0-10)", "number", "1", "0 = none"),
    Field("pain_location", "Where is the pain (e.g. left calf)", "text"),
    Field("illness", "Ill today", "choice"),
)
CHOICES = {
    "sleep_quality": ("1", "2", "3", "4", "5"), "mood": ("1", "2", "3", "4", "5"),
    "stress": ("1", "2", "3", "4", "5"), "strength": COLUMN_BY_NAME["strength"].choices,
    "illness": ("no", "yes"),
}

# Every symptom code, once, in plain words, grouped by where it is felt.
SYMPTOM_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Left leg", (("swelling-left", "Left leg or calf swollen"),)),
    ("Right leg", (("swelling-right", "Right leg or calf swollen"),)),
    ("One leg (either side)", (
        ("calf-pain-one-side", "Pain in one calf only"),
        ("warm-red-leg", "One leg warm or red"),
        ("cold-pale-leg", "A leg suddenly cold, pale or numb"),
        ("tense-calf", "Calf tense or hard"),
        ("pain-on-stretch", "Pain when moving the toes or foot"),
    )),
    ("Both legs", (
        ("swelling-both", "Both legs swollen"),
        ("sudden-heaviness", "Sudden heaviness after little effort"),
        ("pain-at-rest", "Leg pain at rest"),
        ("night-pain", "Leg pain at night"),
        ("pain-worsening", "Pain getting worse"),
        ("bone-pain", "Pain on a spot of bone"),
        ("exertional-pain-resolves-with-rest", "Pain during runs that eases with rest"),
        ("daily-life-impact", "It limits daily life"),
    )),
    ("Nerves", (
        ("numbness", "Numbness"), ("tingling", "Tingling"), ("weakness", "Weakness"),
        ("foot-drop", "Foot drop (toes catch)"),
        ("saddle-numbness", "Numb between the legs (saddle area)"),
        ("bladder-bowel-change", "New bladder or bowel problem"),
    )),
    ("Heart and lungs", (
        ("chest-pain", "Chest pain or pressure"), ("breathless", "Unusually breathless"),
        ("palpitations", "Racing or irregular heartbeat"), ("dizziness", "Dizzy or light-headed"),
        ("fainting", "Fainted or nearly fainted"), ("coughing-blood", "Coughing blood"),
    )),
    ("Whole body", (
        ("fever", "Fever (38 °C / 100.4 °F or more) or chills"),
        ("dark-urine", "Dark (tea- or cola-coloured) urine"),
        ("confusion", "Confused"), ("vomiting", "Vomiting"), ("severe-headache", "Severe headache"),
        ("collapse", "Collapsed"), ("face-or-speech-change", "Drooping face or changed speech"),
    )),
    ("Clot risk factors", (
        ("recent-long-travel", "Long journey recently (4 h or more)"),
        ("recent-surgery", "Surgery recently"), ("recent-immobilisation", "Immobilised recently (cast, bed rest)"),
        ("previous-clot", "Had a blood clot before"),
        ("hormonal-contraception", "Hormonal contraception or HRT"),
        ("varicose-veins", "Varicose veins"), ("cancer", "Cancer"),
    )),
)
GROUPED = [code for _, items in SYMPTOM_GROUPS for code, _ in items]
assert sorted(GROUPED) == sorted(SYMPTOM_CODES), "every symptom code belongs to exactly one group"
TEXT_KEYS = [f.key for f in (*SLIDERS, *FIELDS)] + ["notes"]


def shown(stored: Mapping[str, object]) -> dict[str, str]:
    """The day's stored values as form text (only the day's: nothing from yesterday)."""
    return {k: FORMATTERS[k](v) for k, v in stored.items() if k in TEXT_KEYS and v not in (None, "")}


def values(form: Mapping[str, str], symptoms: list[str], stored: Mapping[str, object]) -> dict[str, str]:
    """The text values to save: what the form holds; an emptied field that held a value for
    the day clears it (a field not sent at all is left as it is); a slider counts only when its "record" box is ticked. Symptoms are
    always answered: none ticked saves ``none`` (asked, nothing found)."""
    out: dict[str, str] = {}
    for f in SLIDERS:
        if form.get(f"set_{f.key}"):
            out[f.key] = form.get(f.key, "").strip()
        elif f.key in form and stored.get(f.key) not in (None, ""):
            out[f.key] = ""
    for key in [f.key for f in FIELDS] + ["notes"]:
        text = form.get(key, "").strip()
        if text:
            out[key] = text
        elif key in form and stored.get(key) not in (None, ""):
            out[key] = ""
    unknown = [s for s in symptoms if s not in SYMPTOM_CODES]
    chosen = [c for c in SYMPTOM_CODES if c in symptoms] + unknown  # unknown ones: log_set names them
    out["symptoms"] = ";".join(chosen) if chosen else NO_SYMPTOMS
    return out
