"""What a cause evaluation returns, and the context it reads.

Each cause module exposes ``evaluate(ctx) -> Finding | Ruled | NotAssessed``. Findings
carry evidence a runner can read; rulings-out say why; not-assessed says exactly which
data is missing and how to provide it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import polars as pl

from heavylegs.core.profile import Profile

# science.md §4.2: weight of an indicator by evidence grade and data quality [design choice]
GRADE_WEIGHT = {"strong": 1.0, "moderate": 0.7, "weak": 0.4, "folk": 0.2}

# A plain title per cause id (spec/causes.md), shown next to the id in every output.
TITLES: dict[str, str] = {
    "glycogen-depletion": "Glycogen depletion (low fuel)",
    "metabolite-accumulation": "Metabolite build-up (the burn of hard efforts)",
    "muscle-damage": "Muscle damage from hard, long or downhill sessions",
    "insufficient-recovery": "Not enough recovery between sessions",
    "sleep-deprivation": "Too little sleep",
    "overtraining": "Overreaching or overtraining",
    "training-spike": "Training spike (too much, too soon)",
    "excess-intensity": "Too much hard running (80/20)",
    "dehydration": "Dehydration",
    "electrolyte-imbalance": "Electrolyte (salt) imbalance",
    "low-carbohydrate": "Too little carbohydrate",
    "low-protein": "Too little protein",
    "low-energy-availability": "Low energy availability (underfuelling, REDs)",
    "no-strength-training": "No strength training",
    "strength-overload": "Strength work overdone or badly timed",
    "running-form": "Running form (overstriding, low cadence)",
    "worn-shoes": "Worn or unsuitable shoes",
    "iron-deficiency": "Iron deficiency or anaemia",
    "vitamin-d-deficiency": "Low vitamin D",
    "b-vitamin-deficiency": "Low vitamin B12 or folate",
    "venous-return": "Poor venous return (vein problems)",
    "compartment-syndrome": "Exertional compartment syndrome",
    "arterial-disease": "Narrowed or trapped leg artery",
    "muscle-imbalance": "Left-right imbalance",
}


def plural(n: int, word: str, words: str | None = None) -> str:
    """``n`` and the word in the right number: ``plural(1, "run")`` -> "1 run".

    >>> plural(1, "day"), plural(0, "run"), plural(3, "day")
    ('1 day', '0 runs', '3 days')
    """
    return f"{n} {word if n == 1 else words or word + 's'}"


def history_note(days: int, what: str, need: str) -> str:
    """What is missing when ``days`` of ``what`` (e.g. "activities") are stored and ``need``
    (e.g. "4 weeks") are needed; never "Only 0 days"."""
    if days <= 0:
        return f"No {what} are stored from before this day; import at least {need} of history."
    return f"Only {plural(days, 'day')} of {what} {'is' if days == 1 else 'are'} stored; import at least {need}."


def title(cause: str) -> str:
    """The plain title of ``cause`` (the id itself for an unknown id)."""
    return TITLES.get(cause, cause)


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
        return {"cause": self.cause, "title": title(self.cause), "score": round(self.score, 3),
                "confidence": self.confidence,
                "evidence": [e.to_json() for e in self.evidence], "fix": list(self.fix)}


@dataclass(frozen=True, slots=True)
class Ruled:
    cause: str
    why: str

    def to_json(self) -> dict[str, object]:
        return {"cause": self.cause, "title": title(self.cause), "why": self.why}


@dataclass(frozen=True, slots=True)
class NotAssessed:
    cause: str
    missing: tuple[str, ...]
    how: str

    def to_json(self) -> dict[str, object]:
        return {"cause": self.cause, "title": title(self.cause), "missing": list(self.missing), "how": self.how}


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
    # Values several causes derive from the same frames, computed once per context (see
    # ``cached``); not an input, so ``dataclasses.replace`` starts a new one.
    memo: dict[Hashable, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def cached(self, key: Hashable, make: Callable[[], Any]) -> Any:
        """``make()``, computed once per context and ``key``. Only for values that depend on
        nothing but this context (its frames, day, profile and overrides)."""
        if key not in self.memo:
            self.memo[key] = make()
        return self.memo[key]

    def span(self, days: int, end_offset: int = 0) -> tuple[date, date]:
        """First and last date of the ``days`` days ending ``end_offset`` days before ``day``."""
        last = self.day - timedelta(days=end_offset)
        return last - timedelta(days=days - 1), last

    def window(self, days: int, end_offset: int = 0) -> pl.DataFrame:
        """Daily rows of the ``days`` days ending ``end_offset`` days before ``day``."""
        return self.cached(("window", days, end_offset), lambda: date_window(self.daily, *self.span(days, end_offset)))

    def value(self, column: str, day: date) -> Any:
        """The daily-table value of ``column`` on ``day`` (None when the table lacks the
        column or the day)."""
        if column not in self.daily.columns:
            return None
        index = self.cached("date_index", self._date_index).get(day)
        return None if index is None else self.daily[column][index]

    def _date_index(self) -> dict[date, int]:
        index: dict[date, int] = {}
        for i, d in enumerate(self.daily["date"].to_list()):
            index.setdefault(d, i)  # the first row of a date, as a filter's first match
        return index


def date_window(frame: pl.DataFrame, first: date, last: date, column: str = "date") -> pl.DataFrame:
    """Rows of ``frame`` whose ``column`` lies in ``first``..``last``: a slice when the
    column is sorted (the daily table, activities in most histories), else a filter."""
    dates = frame[column]
    if dates.null_count() == 0 and dates.is_sorted():
        values = dates.to_list()
        lo, hi = bisect_left(values, first), bisect_right(values, last)
        return frame.slice(lo, max(hi - lo, 0))
    return frame.filter(pl.col(column).is_between(first, last))


def confidence(score: float, quality: float) -> str:
    """Confidence word from a score and a 0-1 data-quality factor."""
    level = score * quality
    return "high" if level >= 0.6 else "medium" if level >= 0.3 else "low"
