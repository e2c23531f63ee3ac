"""Red-flag rules over the daily log (symptom codes, pain, urine colour, illness).

Tiers, most urgent first: ``emergency``, ``urgent``, ``soon``, ``routine``. A rule reads
the day and the days before it and returns a hit with a plain instruction. It never
looks at training load: a hard downhill run must not hide a one-sided swollen calf.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import polars as pl

TIERS: tuple[str, ...] = ("emergency", "urgent", "soon", "routine")
ONE_SIDED = {"swelling-left", "swelling-right", "calf-pain-one-side", "warm-red-leg"}


@dataclass(frozen=True, slots=True)
class TriageHit:
    tier: str
    rule: str
    message: str
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"tier": self.tier, "rule": self.rule, "message": self.message,
                "evidence": list(self.evidence)}


def _symptoms(row: dict) -> set[str]:
    raw = row.get("symptoms") or ""
    return {s.strip() for s in str(raw).split(";") if s.strip()}


def one_sided_calf(day: date, row: dict, history: pl.DataFrame) -> TriageHit | None:
    """One-sided calf/leg swelling, pain, warmth or redness: possible DVT, always urgent."""
    codes = _symptoms(row) & ONE_SIDED
    location = str(row.get("pain_location") or "")
    one_sided_pain = (row.get("pain") or 0) >= 1 and any(w in location.lower() for w in ("left", "right"))
    if not codes and not ("calf" in location.lower() and one_sided_pain and "swelling-both" not in _symptoms(row)):
        return None
    found = sorted(codes) or [f"pain {row.get('pain')}/10 in the {location}"]
    return TriageHit(
        "urgent", "one-sided-calf-swelling",
        "Please see a doctor today (within hours; urgent care or the emergency department if "
        "none is available) and do not run until you have been seen. A swollen, painful, warm "
        "or red calf on one side can be a blood clot (DVT), even after a hard or downhill run. "
        "If you become short of breath or have chest pain, call emergency services now.",
        tuple(f"{day.isoformat()}: {s}" for s in found)
        + ("Tell the doctor about recent long runs or races, travel over 4 h, surgery, "
           "injury, hormonal contraception or HRT, and any previous clot.",),
    )


RULES: tuple[Callable[[date, dict, pl.DataFrame], TriageHit | None], ...] = (one_sided_calf,)


def evaluate(day: date, log_until_day: pl.DataFrame) -> list[TriageHit]:
    """Every rule that fires for ``day``, most urgent tier first."""
    today = log_until_day.filter(pl.col("date") == day)
    if today.height == 0:
        return []
    row = today.row(0, named=True)
    hits = [h for rule in RULES if (h := rule(day, row, log_until_day)) is not None]
    return sorted(hits, key=lambda h: TIERS.index(h.tier))
