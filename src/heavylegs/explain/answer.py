"""The answer to "why are my legs heavy?" for one day: triage first, then the causes the
data supports (most likely first), what was ruled out, and what could not be assessed.

The order is one stated quantity, ``rank_score`` = score × the weight of the finding's
confidence (``CONFIDENCE_WEIGHT``), exposed in the JSON. When the legs feel fine
(heaviness logged at 3/10 or less, or nothing heavy logged but a soreness or fatigue of
3/10 or less), ``legs`` is ``"fine"`` and only risk signals (``WATCH_OUTS``) are shown: each
finding's ``role`` is ``"watch-out"`` (or ``"not-shown"``) instead of ``"likely-cause"``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from heavylegs.causes.base import Finding, NotAssessed, Result, Ruled
from heavylegs.core.markers import Marker
from heavylegs.explain import remedies, withhold
from heavylegs.explain.patterns import Pattern
from heavylegs.explain.plan import PlanItem
from heavylegs.triage.rules import TriageHit

SCHEMA = "heavylegs.why/1"
CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
# Ranking weight of a finding's confidence: a weakly supported cause does not outrank a
# well-supported one on raw score alone (science.md §4.2 weights evidence and data quality).
CONFIDENCE_WEIGHT = {"high": 1.0, "medium": 0.8, "low": 0.5}
RANK_RULE = "ranked by score × confidence weight (high 1.0, medium 0.8, low 0.5)"
FINE_MAX = 3  # heaviness (0-10) at or below which the legs feel fine [design choice, issue 13]
# Risk signals worth a watch-out even on a good day: a spike, fatigue piling up, sleep debt,
# low fuel and fluids. The rest explain heavy legs and say nothing on a day they feel fine.
WATCH_OUTS = frozenset({"training-spike", "insufficient-recovery", "sleep-deprivation", "glycogen-depletion",
                        "low-carbohydrate", "low-energy-availability", "dehydration"})


def rank_score(f: Finding) -> float:
    """The quantity findings are ordered by: score × the weight of their confidence."""
    return f.score * CONFIDENCE_WEIGHT[f.confidence]


def legs_state(heaviness: int | None, symptoms: object, soreness: float | None,
               fatigue: float | None) -> str:
    """``"fine"``, ``"heavy"`` or ``"unknown"`` for the day asked about: heaviness decides when
    logged; without it, no symptom logged and soreness and fatigue both logged low mean fine."""
    if heaviness is not None:
        return "fine" if heaviness <= FINE_MAX else "heavy"
    rated = [v for v in (soreness, fatigue) if v is not None]
    if not symptoms and rated and max(rated) <= FINE_MAX:
        return "fine"
    return "unknown"


@dataclass(frozen=True, slots=True)
class Answer:
    day: date
    heaviness: int | None
    triage: tuple[TriageHit, ...]
    findings: tuple[Finding, ...]
    ruled_out: tuple[Ruled, ...]
    not_assessed: tuple[NotAssessed, ...]
    notes: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    plan: tuple[PlanItem, ...] = ()
    withheld: str | None = None  # why training advice is withheld (an active tier 0-1 flag), else None
    markers: tuple[Marker, ...] = ()  # HRV and resting HR against the runner's 60-day range
    legs: str = "unknown"  # "fine", "heavy" or "unknown" (see legs_state)

    def to_json(self) -> dict[str, object]:
        def role(f: Finding) -> str:
            if self.legs != "fine":
                return "likely-cause"
            return "watch-out" if f.cause in WATCH_OUTS else "not-shown"

        return {
            "schema": SCHEMA,
            "date": self.day.isoformat(),
            "heaviness": self.heaviness,
            "legs": self.legs,
            "order": RANK_RULE,
            "triage": [t.to_json() for t in self.triage],
            "findings": [{**f.to_json(), "rank_score": round(rank_score(f), 3), "role": role(f)}
                         for f in self.findings],
            "ruled_out": [r.to_json() for r in self.ruled_out],
            "not_assessed": [n.to_json() for n in self.not_assessed],
            "notes": list(self.notes),
            "patterns": [p.to_json() for p in self.patterns],
            "plan": [p.to_json() for p in self.plan],
            "training_advice_withheld": self.withheld is not None,
            "advice_withheld_reason": self.withheld,
            "markers": [m.to_json() for m in self.markers],
        }


def build(day: date, heaviness: int | None, triage: list[TriageHit], results: list[Result],
          notes: tuple[str, ...] = (), patterns: tuple[Pattern, ...] = (),
          plan: tuple[PlanItem, ...] = (), legs: str = "unknown") -> Answer:
    """Sort results into the answer: findings by ``rank_score``, the rest by id. When the legs
    feel fine only the watch-outs are shown, and a note says how many findings were not.
    With an active tier 0-1 flag the copy rules hold (explain/withhold.py): no fixes, no
    patterns, only the plan items of a doctor's visit, and the legs are never called fine."""
    why = withhold.reason(triage)
    if why is not None and legs == "fine":
        legs = "unknown"
    findings = remedies.with_remedies(sorted((r for r in results if isinstance(r, Finding)),
                                             key=lambda f: (-rank_score(f), CONFIDENCE_ORDER[f.confidence], f.cause)))
    left = sum(f.cause not in WATCH_OUTS for f in findings) if legs == "fine" else 0
    if left:
        notes = (*notes, f"Your legs seem fine today, so {left} possible cause{'s' if left != 1 else ''} of "
                         f"heavy legs {'are' if left != 1 else 'is'} not shown; only risk signals are listed, "
                         "as watch-outs.")
    ruled = sorted((r for r in results if isinstance(r, Ruled)), key=lambda r: r.cause)
    missing = sorted((r for r in results if isinstance(r, NotAssessed)),
                     key=lambda r: (r.missing == ("not implemented",), r.cause))
    if why is None:
        return Answer(day, heaviness, tuple(triage), tuple(findings), tuple(ruled), tuple(missing), notes,
                      patterns, plan, legs=legs)
    return Answer(day, heaviness, tuple(triage), withhold.findings(tuple(findings)), withhold.ruled(tuple(ruled)),
                  withhold.not_assessed(tuple(missing)), notes, (), tuple(p for p in plan if p.topic in withhold.TOPICS),
                  why, legs=legs)
