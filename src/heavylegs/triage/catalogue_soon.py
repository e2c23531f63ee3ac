"""Tier 2-3 rules of science.md §3: book within 1-2 weeks, or mention at the next check-up.
Each reads the last 14 days of signals (triage/rules.py); persistence rules read the weeks
before from the history."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.triage.rules import LONG_MEMORY, TriageHit, Window, hit, rule

PERSIST_DAYS = 14  # "persisting despite 1-2 weeks of reduced load"
PERSIST_HEAVY = 6  # heaviness at or above this counts as a heavy day
REDUCED_LOAD = 0.8  # last 14 days' km at most 80 % of the 4 weeks before = reduced
ASYMMETRY_PP = 2.0  # ground-contact balance this far from 50/50 (Garmin gauges: > 2 points is red-ish)


@rule(LONG_MEMORY)
def bone_pain(w: Window) -> TriageHit | None:
    found = w.has("bone-pain")
    return hit(w, "soon", "bone-pain", found + w.has("night-pain", "pain-at-rest")) if found else None


@rule(LONG_MEMORY)
def persisting(w: Window) -> TriageHit | None:
    worse = w.has("pain-worsening")
    window = w.history.filter(pl.col("date") > w.day - timedelta(days=PERSIST_DAYS))
    if "heaviness" not in window.columns:
        return hit(w, "soon", "persisting-despite-rest", worse) if worse else None
    heavy = int((window["heaviness"].fill_null(0) >= PERSIST_HEAVY).sum())
    reduced = _load_reduced(w)
    if worse or (heavy >= PERSIST_DAYS - 4 and reduced):
        ev = [f"heaviness ≥ {PERSIST_HEAVY} on {heavy} of the last {PERSIST_DAYS} days"] if heavy else []
        return hit(w, "soon", "persisting-despite-rest", worse, ev + ([reduced] if reduced else []))
    return None


def _load_reduced(w: Window) -> str | None:
    if "run_distance_m" not in w.history.columns:
        return None
    d, h = w.day, w.history
    recent = h.filter(pl.col("date") > d - timedelta(days=PERSIST_DAYS))["run_distance_m"].sum()
    before = h.filter(pl.col("date").is_between(d - timedelta(days=PERSIST_DAYS + 28),
                                                d - timedelta(days=PERSIST_DAYS)))["run_distance_m"].sum()
    if before <= 0 or recent > REDUCED_LOAD * before / 2:
        return None
    return f"running cut to {recent / 1000:.0f} km in 2 weeks (from {before / 2000:.0f} km per 2 weeks before)"


@rule(LONG_MEMORY)
def exertional_pattern(w: Window) -> TriageHit | None:
    found = w.has("exertional-pain-resolves-with-rest")
    return hit(w, "soon", "exertional-leg-pain", found + w.has("numbness", "tingling")) if found else None


@rule(LONG_MEMORY)
def swelling_or_numbness(w: Window) -> TriageHit | None:
    """Never silenced by weakness: the urgent rule may fire too, this one stays."""
    found = w.has("swelling-both", "numbness", "tingling")
    return hit(w, "soon", "swelling-or-numbness", found + w.has("weakness")) if found else None


@rule(LONG_MEMORY)
def dizziness(w: Window) -> TriageHit | None:
    found = w.has("dizziness")
    return hit(w, "soon", "dizziness", found) if found else None


@rule(LONG_MEMORY)
def missed_periods(w: Window) -> TriageHit | None:
    if "menstrual" not in w.history.columns:
        return None
    window = w.history.filter((pl.col("date") > w.day - timedelta(days=120)) & (pl.col("menstrual") == "missed"))
    months = window["date"].dt.month().n_unique()
    if months < 3:
        return None
    return hit(w, "soon", "missed-periods", [], [f"periods marked missed in {months} of the last 4 months"])


@rule(LONG_MEMORY)
def daily_life(w: Window) -> TriageHit | None:
    found = w.has("daily-life-impact")
    return hit(w, "soon", "daily-life-impact", found) if found else None


@rule(LONG_MEMORY)
def varicose(w: Window) -> TriageHit | None:
    found = w.has("varicose-veins")
    if not found:
        return None
    if w.has("swelling-both"):
        return hit(w, "soon", "varicose-veins-with-swelling", found + w.has("swelling-both"))
    return hit(w, "routine", "varicose-veins", found)


@rule(LONG_MEMORY)
def vegan_screen(w: Window) -> TriageHit | None:
    h = w.history
    notes = " ".join(str(n) for n in h.filter(pl.col("date") > w.day - timedelta(days=90))
                     .get_column("notes").drop_nulls().to_list()) if "notes" in h.columns else ""
    if "vegan" in notes.lower() and "b12_pg_ml" in h.columns and h["b12_pg_ml"].drop_nulls().len() == 0:
        return hit(w, "routine", "lab-screen-b12", [], ["notes mention a vegan diet; no B12 result logged"])
    return None


@rule(LONG_MEMORY)
def gait_asymmetry(w: Window) -> TriageHit | None:
    """Routine: a persistent left/right imbalance in running dynamics without pain."""
    if "gct_balance_left_pct" not in w.history.columns:
        return None
    recent = w.history.filter(pl.col("date") > w.day - timedelta(days=28))["gct_balance_left_pct"].drop_nulls()
    if recent.len() < 3:
        return None
    off = float(recent.median()) - 50.0  # type: ignore[arg-type]
    pain = w.history.filter(pl.col("date") == w.day)["pain"].to_list() if "pain" in w.history.columns else []
    if abs(off) < ASYMMETRY_PP or (pain and (pain[0] or 0) >= 3):
        return None
    side = "left" if off > 0 else "right"
    return hit(w, "routine", "gait-asymmetry", [], [f"ground contact {50 + off:.1f} % left / {50 - off:.1f} % right "
                                                    f"over {recent.len()} runs (more time on the {side})"])
