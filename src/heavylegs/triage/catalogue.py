"""The rules of science.md §3, one function each, registered in tier order."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.triage.rules import CARDIAC, ONE_SIDED, Day, TriageHit, _hit, rule

PERSIST_DAYS = 14  # "persisting despite 1-2 weeks of reduced load"
PERSIST_HEAVY = 6  # heaviness at or above this counts as a heavy day
REDUCED_LOAD = 0.8  # last 14 days' km at most 80 % of the 4 weeks before = reduced


@rule
def cardiac(d: Day) -> TriageHit | None:
    found = d.has(*sorted(CARDIAC))
    if "palpitations" in d.codes and ("fainting" in d.codes or "breathless" in d.codes):
        found += d.has("palpitations")
    return _hit("emergency", "cardiac-symptoms", found) if found else None


@rule
def pulmonary_embolism(d: Day) -> TriageHit | None:
    breath = d.has("breathless", "chest-pain")
    if not breath:
        return None
    recent = d.history.filter(pl.col("date") >= d.day - timedelta(days=14))
    legs = [f"{r['date']}: {c}" for r in recent.iter_rows(named=True)
            for c in sorted({s.strip() for s in str(r.get("symptoms") or "").split(";")} & ONE_SIDED)]
    return _hit("emergency", "breathless-after-leg-swelling", breath + legs[:3]) if legs else None


@rule
def acute_compartment(d: Day) -> TriageHit | None:
    nerve = d.has("numbness", "weakness", "swelling-left", "swelling-right")
    if d.num("pain") >= 8 and d.has("pain-at-rest") and nerve:
        return _hit("emergency", "acute-compartment", [f"pain {d.num('pain'):.0f}/10", *d.has("pain-at-rest"), *nerve])
    return None


@rule
def rhabdomyolysis(d: Day) -> TriageHit | None:
    dark = d.has("dark-urine") or ([f"urine colour {d.num('urine_color'):.0f}/8"] if d.num("urine_color") >= 7 else [])
    muscle = d.num("soreness") >= 8 or d.num("pain") >= 7 or "weakness" in d.codes
    if dark and muscle:
        return _hit("emergency", "dark-urine-with-muscle-pain",
                    [*dark, f"soreness {d.num('soreness'):.0f}/10, pain {d.num('pain'):.0f}/10", *d.has("weakness")])
    return None


@rule
def confusion(d: Day) -> TriageHit | None:
    found = d.has("confusion")
    return _hit("emergency", "confusion", found) if found else None


@rule
def saddle(d: Day) -> TriageHit | None:
    found = d.has("saddle-numbness")
    return _hit("emergency", "saddle-numbness", found) if found else None


@rule
def limb_ischaemia(d: Day) -> TriageHit | None:
    found = d.has("cold-pale-leg")
    return _hit("emergency", "cold-pale-leg", found) if found else None


@rule
def one_sided_calf(d: Day) -> TriageHit | None:
    found = d.has(*sorted(ONE_SIDED))
    location = str(d.row.get("pain_location") or "").lower()
    if not found and "calf" in location and d.num("pain") >= 1 and any(w in location for w in ("left", "right")) \
            and "swelling-both" not in d.codes:
        found = [f"{d.day.isoformat()}: pain {d.num('pain'):.0f}/10 in the {location}"]
    return _hit("urgent", "one-sided-calf-swelling", found) if found else None


@rule
def sudden_heaviness(d: Day) -> TriageHit | None:
    found = d.has("sudden-heaviness")
    return _hit("urgent", "sudden-heaviness", found) if found else None


@rule
def neurological(d: Day) -> TriageHit | None:
    sensory = d.has("numbness", "tingling")
    motor = d.has("weakness", "foot-drop")
    if d.has("foot-drop") or (sensory and motor):
        return _hit("urgent", "numbness-with-weakness", sensory + motor)
    return None


@rule
def systemic_illness(d: Day) -> TriageHit | None:
    fever = d.has("fever")
    ill = d.row.get("illness") == 1 and (d.num("soreness") >= 5 or d.num("fatigue") >= 7)
    if fever or ill:
        return _hit("urgent", "fever-or-illness", fever or ["ill today with aching muscles or marked fatigue"])
    return None


@rule
def bone_pain(d: Day) -> TriageHit | None:
    found = d.has("bone-pain")
    return _hit("soon", "bone-pain", found + d.has("night-pain", "pain-at-rest")) if found else None


@rule
def persisting(d: Day) -> TriageHit | None:
    worse = d.has("pain-worsening")
    window = d.history.filter(pl.col("date") > d.day - timedelta(days=PERSIST_DAYS))
    if "heaviness" not in window.columns:
        return _hit("soon", "persisting-despite-rest", worse) if worse else None
    heavy = int((window["heaviness"].fill_null(0) >= PERSIST_HEAVY).sum())
    reduced = _load_reduced(d)
    if worse or (heavy >= PERSIST_DAYS - 4 and reduced):
        ev = worse + ([f"heaviness ≥ {PERSIST_HEAVY} on {heavy} of the last {PERSIST_DAYS} days"] if heavy else [])
        return _hit("soon", "persisting-despite-rest", ev + ([reduced] if reduced else []))
    return None


def _load_reduced(d: Day) -> str | None:
    if "run_distance_m" not in d.history.columns:
        return None
    recent = d.history.filter(pl.col("date") > d.day - timedelta(days=PERSIST_DAYS))["run_distance_m"].sum()
    before = d.history.filter(pl.col("date").is_between(d.day - timedelta(days=PERSIST_DAYS + 28),
                                                        d.day - timedelta(days=PERSIST_DAYS)))["run_distance_m"].sum()
    if before <= 0 or recent > REDUCED_LOAD * before / 2:
        return None
    return f"running cut to {recent / 1000:.0f} km in 2 weeks (from {before / 2000:.0f} km per 2 weeks before)"


@rule
def exertional_pattern(d: Day) -> TriageHit | None:
    found = d.has("exertional-pain-resolves-with-rest")
    return _hit("soon", "exertional-leg-pain", found + d.has("numbness", "tingling")) if found else None


@rule
def swelling_or_numbness(d: Day) -> TriageHit | None:
    if d.has("weakness", "foot-drop"):
        return None  # the urgent rule covers it
    found = d.has("swelling-both", "numbness", "tingling")
    return _hit("soon", "swelling-or-numbness", found) if found else None


@rule
def missed_periods(d: Day) -> TriageHit | None:
    if "menstrual" not in d.history.columns:
        return None
    window = d.history.filter((pl.col("date") > d.day - timedelta(days=120)) & (pl.col("menstrual") == "missed"))
    months = window["date"].dt.month().n_unique()
    return _hit("soon", "missed-periods", [f"periods marked missed in {months} of the last 4 months"]) if months >= 3 else None


@rule
def daily_life(d: Day) -> TriageHit | None:
    found = d.has("daily-life-impact")
    return _hit("soon", "daily-life-impact", found) if found else None


@rule
def varicose(d: Day) -> TriageHit | None:
    found = d.has("varicose-veins")
    if not found:
        return None
    if "swelling-both" in d.codes:
        return _hit("soon", "varicose-veins-with-swelling", found + d.has("swelling-both"))
    return _hit("routine", "varicose-veins", found)


@rule
def vegan_screen(d: Day) -> TriageHit | None:
    notes = " ".join(str(n) for n in d.history.filter(pl.col("date") > d.day - timedelta(days=90))
                     .get_column("notes").drop_nulls().to_list()) if "notes" in d.history.columns else ""
    if "vegan" in notes.lower() and "b12_pg_ml" in d.history.columns and d.history["b12_pg_ml"].drop_nulls().len() == 0:
        return _hit("routine", "lab-screen-b12", ["notes mention a vegan diet; no B12 result logged"])
    return None


ASYMMETRY_PP = 2.0  # ground-contact balance this far from 50/50 (Garmin gauges: > 2 points is red-ish)


@rule
def gait_asymmetry(d: Day) -> TriageHit | None:
    """Routine: a persistent left/right imbalance in running dynamics without pain."""
    if "gct_balance_left_pct" not in d.history.columns:
        return None
    recent = d.history.filter(pl.col("date") > d.day - timedelta(days=28))["gct_balance_left_pct"].drop_nulls()
    if recent.len() < 3:
        return None
    off = float(recent.median()) - 50.0  # type: ignore[arg-type]
    if abs(off) < ASYMMETRY_PP or d.num("pain") >= 3:
        return None
    side = "left" if off > 0 else "right"
    return _hit("routine", "gait-asymmetry", [f"ground contact {50 + off:.1f} % left / {50 - off:.1f} % right "
                                              f"over {recent.len()} runs (more time on the {side})"])
