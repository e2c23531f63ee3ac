"""The answer to "why are my legs heavy?" for one day: triage first, then the causes the
data supports (most likely first), what was ruled out, and what could not be assessed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from heavylegs.causes.base import Finding, NotAssessed, Result, Ruled
from heavylegs.core.markers import Marker
from heavylegs.explain import withhold
from heavylegs.explain.patterns import Pattern
from heavylegs.explain.plan import PlanItem
from heavylegs.triage.rules import TriageHit

SCHEMA = "heavylegs.why/1"
CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
# Ranking weight of a finding's confidence: a weakly supported cause does not outrank a
# well-supported one on raw score alone (science.md §4.2 weights evidence and data quality).
CONFIDENCE_WEIGHT = {"high": 1.0, "medium": 0.8, "low": 0.5}


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

    def to_json(self) -> dict[str, object]:
        return {
            "schema": SCHEMA,
            "date": self.day.isoformat(),
            "heaviness": self.heaviness,
            "triage": [t.to_json() for t in self.triage],
            "findings": [f.to_json() for f in self.findings],
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
          plan: tuple[PlanItem, ...] = ()) -> Answer:
    """Sort results into the answer: findings by score weighted by confidence, the rest by id.
    With an active tier 0-1 flag the copy rules hold (explain/withhold.py): no fixes, no
    patterns, only the plan items of a doctor's visit."""
    findings = sorted((r for r in results if isinstance(r, Finding)),
                      key=lambda f: (-f.score * CONFIDENCE_WEIGHT[f.confidence], CONFIDENCE_ORDER[f.confidence], f.cause))
    ruled = sorted((r for r in results if isinstance(r, Ruled)), key=lambda r: r.cause)
    missing = sorted((r for r in results if isinstance(r, NotAssessed)),
                     key=lambda r: (r.missing == ("not implemented",), r.cause))
    why = withhold.reason(triage)
    if why is None:
        return Answer(day, heaviness, tuple(triage), tuple(findings), tuple(ruled), tuple(missing), notes,
                      patterns, plan)
    return Answer(day, heaviness, tuple(triage), withhold.findings(tuple(findings)), withhold.ruled(tuple(ruled)),
                  withhold.not_assessed(tuple(missing)), notes, (), tuple(p for p in plan if p.topic in withhold.TOPICS),
                  why)
