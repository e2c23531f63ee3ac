"""What a cause evaluation returns, and the context it reads.

Each cause module exposes ``evaluate(ctx) -> Finding | Ruled | NotAssessed``. Findings
carry evidence a runner can read; rulings-out say why; not-assessed says exactly which
data is missing and how to provide it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import polars as pl

from heavylegs.core.profile import Profile

# science.md §4.2: weight of an indicator by evidence grade and data quality [design choice]
GRADE_WEIGHT = {"strong": 1.0, "moderate": 0.7, "weak": 0.4, "folk": 0.2}


@dataclass(frozen=True, slots=True)
class Evidence:
    metric: str
    value: float | int | str | None
    reference: float | int | str | None
    window: tuple[date, date]
    text: str

    def to_json(self) -> dict[str, object]:
        return {"metric": self.metric, "value": self.value, "reference": self.reference,
                "window": [self.window[0].isoformat(), self.window[1].isoformat()],
                "text": self.text}


@dataclass(frozen=True, slots=True)
class Finding:
    cause: str
    score: float
    confidence: str  # "low" | "medium" | "high"
    evidence: tuple[Evidence, ...]
    fix: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"cause": self.cause, "score": round(self.score, 3), "confidence": self.confidence,
                "evidence": [e.to_json() for e in self.evidence], "fix": list(self.fix)}


@dataclass(frozen=True, slots=True)
class Ruled:
    cause: str
    why: str

    def to_json(self) -> dict[str, object]:
        return {"cause": self.cause, "why": self.why}


@dataclass(frozen=True, slots=True)
class NotAssessed:
    cause: str
    missing: tuple[str, ...]
    how: str

    def to_json(self) -> dict[str, object]:
        return {"cause": self.cause, "missing": list(self.missing), "how": self.how}


Result = Finding | Ruled | NotAssessed


@dataclass(frozen=True, slots=True)
class Context:
    """Everything a cause may read. ``daily`` is the daily table up to and including
    ``day``; ``acts`` the activities up to ``day`` with ``local_date`` and ``load``."""

    day: date
    daily: pl.DataFrame
    acts: pl.DataFrame
    profile: Profile
    overrides: Mapping[str, float] = field(default_factory=dict)

    def window(self, days: int, end_offset: int = 0) -> pl.DataFrame:
        """Daily rows of the ``days`` days ending ``end_offset`` days before ``day``."""
        from datetime import timedelta

        last = self.day - timedelta(days=end_offset)
        first = last - timedelta(days=days - 1)
        return self.daily.filter(pl.col("date").is_between(first, last))


def confidence(score: float, quality: float) -> str:
    """Confidence word from a score and a 0-1 data-quality factor."""
    level = score * quality
    return "high" if level >= 0.6 else "medium" if level >= 0.3 else "low"
