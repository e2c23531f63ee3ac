"""Medical red-flag triage (science.md §3). Runs first, is never suppressed or softened by
training data, and its message comes first in every output."""

from heavylegs.triage.rules import RULES, TIERS, TriageHit, doctor_seen, evaluate

__all__ = ["RULES", "TIERS", "TriageHit", "doctor_seen", "evaluate"]
