"""The daily-log columns of spec/daily-log.md, as a registry every layer reads.

>>> COLUMN_BY_NAME["heaviness"].accepted
'integer 0-10'
>>> COLUMN_BY_NAME["strength"].choices
('none', 'upper', 'core', 'legs-light', 'legs-heavy')
"""

from __future__ import annotations

from dataclasses import dataclass

SYMPTOM_CODES: tuple[str, ...] = (
    "swelling-left", "swelling-right", "swelling-both", "calf-pain-one-side",
    "warm-red-leg", "numbness", "tingling", "weakness", "foot-drop", "sudden-heaviness",
    "pain-at-rest", "pain-worsening", "night-pain", "bone-pain",
    "exertional-pain-resolves-with-rest", "cold-pale-leg", "dark-urine", "chest-pain",
    "breathless", "palpitations", "fainting", "confusion", "fever", "saddle-numbness",
    "daily-life-impact", "recent-long-travel", "recent-surgery", "varicose-veins",
    # science.md §3's check-in list (issue 10): the rest of the red flags ...
    "dizziness", "coughing-blood", "vomiting", "severe-headache", "collapse",
    "bladder-bowel-change", "face-or-speech-change", "tense-calf", "pain-on-stretch",
    # ... and the clot risk factors (remembered: see docs/triage.md)
    "previous-clot", "hormonal-contraception", "recent-immobilisation", "cancer",
)
# The symptoms cell of a day whose symptom screen was answered and found nothing: unlike an
# empty cell it ends yesterday's symptoms (triage reads yesterday's on a day with none entered).
NO_SYMPTOMS = "none"


@dataclass(frozen=True, slots=True)
class LogColumn:
    """One daily-log column: ``kind`` is int, float, bool, enum, text, date, symptoms or
    floatlist; numeric kinds have an inclusive ``lo``..``hi`` range."""

    name: str
    kind: str
    meaning: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()

    @property
    def accepted(self) -> str:
        if self.kind in ("int", "float"):
            word = "integer" if self.kind == "int" else "number"
            return f"{word} {self.lo:g}-{self.hi:g}"
        if self.kind == "bool":
            return "yes or no"
        if self.kind == "enum":
            return ", ".join(self.choices)
        if self.kind == "date":
            return "YYYY-MM-DD"
        if self.kind == "symptoms":
            return ("symptom codes separated by ';' (" + ", ".join(SYMPTOM_CODES) + f"), "
                    f"or {NO_SYMPTOMS} (asked, nothing found)")
        if self.kind == "floatlist":
            return f"numbers {self.lo:g}-{self.hi:g} separated by ';'"
        return "any text"

    @property
    def sql_type(self) -> str:
        return {"int": "INTEGER", "float": "REAL", "bool": "INTEGER"}.get(self.kind, "TEXT")


def _c(name: str, kind: str, meaning: str, lo: float | None = None, hi: float | None = None,
       choices: tuple[str, ...] = ()) -> LogColumn:
    return LogColumn(name, kind, meaning, lo, hi, choices)


COLUMNS: tuple[LogColumn, ...] = (
    _c("date", "date", "the day"),
    _c("heaviness", "int", "how heavy the legs feel (0 = light, 10 = leaden)", 0, 10),
    _c("soreness", "int", "muscle soreness", 0, 10),
    _c("fatigue", "int", "general tiredness", 0, 10),
    _c("mood", "int", "5 = very good", 1, 5),
    _c("stress", "int", "5 = very stressed", 1, 5),
    _c("motivation", "int", "5 = very motivated", 1, 5),
    _c("sleep_h", "float", "hours slept the night before", 0, 16),
    _c("sleep_quality", "int", "5 = very good", 1, 5),
    _c("resting_hr_bpm", "int", "morning resting heart rate", 25, 120),
    _c("hrv_rmssd_ms", "float", "morning HRV (rMSSD)", 5, 300),
    _c("body_mass_kg", "float", "morning body mass", 25, 250),
    _c("rpe", "int", "perceived effort of the day's main run (CR-10)", 0, 10),
    _c("fluid_l", "float", "fluids drunk over the day, litres", 0, 15),
    _c("urine_color", "int", "urine colour chart, 1 = pale", 1, 8),
    _c("pre_run_mass_kg", "float", "body mass just before the main run", 25, 250),
    _c("post_run_mass_kg", "float", "body mass just after it", 25, 250),
    _c("run_fluid_l", "float", "fluid drunk during that run", 0, 10),
    _c("electrolytes", "bool", "took electrolytes around runs"),
    _c("energy_kcal", "int", "food energy over the day", 0, 10000),
    _c("carbs_g", "int", "carbohydrate over the day", 0, 2000),
    _c("protein_g", "int", "protein over the day", 0, 500),
    _c("protein_meals_g", "floatlist", "protein per meal, in meal order", 0, 500),
    _c("pre_run_carbs_g", "int", "carbohydrate in the 3 h before the main run", 0, 500),
    _c("run_carbs_g", "int", "carbohydrate taken during the main run", 0, 500),
    _c("strength", "enum", "strength session that day", choices=(
        "none", "upper", "core", "legs-light", "legs-heavy")),
    _c("cramps", "bool", "muscle cramps"),
    _c("pain", "int", "worst leg pain", 0, 10),
    _c("pain_location", "text", "where, e.g. left calf"),
    _c("symptoms", "symptoms", "symptoms today"),
    _c("ferritin_ug_l", "float", "ferritin lab result", 1, 2000),
    _c("hemoglobin_g_dl", "float", "haemoglobin lab result", 3, 25),
    _c("vitamin_d_ng_ml", "float", "25(OH)D lab result", 1, 200),
    _c("b12_pg_ml", "float", "vitamin B12 lab result", 50, 3000),
    _c("menstrual", "enum", "cycle note", choices=("period", "none", "missed")),
    _c("illness", "bool", "ill that day (excluded from baselines)"),
    _c("notes", "text", "anything else"),
    # Added by migration 5 (storage/db.py): red flags dealt with (docs/triage.md).
    _c("seen_doctor", "bool", "a doctor has seen you about the red flags logged up to this day"),
    _c("resolved", "symptoms", "symptom codes that have gone or were dealt with"),
)
# The columns of the first daily_log table (migration 1); later ones come by migration.
V1_COLUMNS: int = [c.name for c in COLUMNS].index("notes") + 1

COLUMN_BY_NAME: dict[str, LogColumn] = {c.name: c for c in COLUMNS}
VALUE_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.name != "date")

# Imperial inputs accepted on import: alias -> (metric column, factor to metric).
KG_PER_LB = 0.45359237
L_PER_FL_OZ = 0.0295735295625
IMPERIAL_ALIASES: dict[str, tuple[str, float]] = {
    "body_mass_lb": ("body_mass_kg", KG_PER_LB),
    "pre_run_mass_lb": ("pre_run_mass_kg", KG_PER_LB),
    "post_run_mass_lb": ("post_run_mass_kg", KG_PER_LB),
    "fluid_oz": ("fluid_l", L_PER_FL_OZ),
    "run_fluid_oz": ("run_fluid_l", L_PER_FL_OZ),
}
