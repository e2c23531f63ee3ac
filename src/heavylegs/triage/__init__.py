"""Medical red-flag triage (science.md §3). Runs first, is never suppressed or softened by
training data, and its message comes first in every output.

The rules load on first use: the terminal renderer reads only ``triage.messages`` (the
tier titles) and must not pull in polars."""

from __future__ import annotations

from typing import Any

__all__ = ["RULES", "TIERS", "TriageHit", "doctor_seen", "evaluate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from heavylegs.triage import rules

        return getattr(rules, name)
    raise AttributeError(f"module 'heavylegs.triage' has no attribute {name!r}")
