"""Red-flag rules over the daily log (science.md §3): symptom codes, pain, urine colour,
illness, and for persistence rules the weeks before.

Tiers, most urgent first: ``emergency``, ``urgent``, ``soon``, ``routine``. A rule never
looks at training load to stay silent: a hard downhill run must not hide a one-sided
swollen calf. Training data may only make a rule fire (e.g. heaviness persisting despite
reduced load). Symptoms count from the day asked about, and from the day before when the
day itself has no symptoms entered (a warning does not vanish because today is unlogged).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from heavylegs.triage import messages as msg

TIERS: tuple[str, ...] = ("emergency", "urgent", "soon", "routine")
ONE_SIDED = {"swelling-left", "swelling-right", "calf-pain-one-side", "warm-red-leg"}
CARDIAC = {"chest-pain", "fainting", "breathless"}


@dataclass(frozen=True, slots=True)
class TriageHit:
    tier: str
    rule: str
    message: str
    evidence: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {"tier": self.tier, "rule": self.rule, "message": self.message,
                "evidence": list(self.evidence)}


@dataclass(frozen=True, slots=True)
class Day:
    """What the rules read: the day's row, its symptom codes (with the day they were
    entered) and the history up to the day."""

    day: date
    row: dict
    codes: dict[str, date]
    history: pl.DataFrame

    def has(self, *codes: str) -> list[str]:
        return [f"{self.codes[c].isoformat()}: {c}" for c in codes if c in self.codes]

    def num(self, column: str) -> float:
        value = self.row.get(column)
        return float(value) if value is not None else 0.0


def _codes(cell: object) -> set[str]:
    return {s.strip() for s in str(cell or "").split(";") if s.strip()}


def _day(day: date, history: pl.DataFrame) -> Day | None:
    rows = {r["date"]: r for r in history.filter(pl.col("date") >= day - timedelta(days=1)).iter_rows(named=True)}
    today = rows.get(day)
    if today is None and day - timedelta(days=1) not in rows:
        return None
    codes = {c: day for c in _codes((today or {}).get("symptoms"))}
    yesterday = rows.get(day - timedelta(days=1))
    if yesterday is not None and not (today or {}).get("symptoms"):
        codes |= {c: day - timedelta(days=1) for c in _codes(yesterday.get("symptoms"))}
    return Day(day, today or {}, codes, history)


def _hit(tier: str, rule: str, evidence: list[str]) -> TriageHit:
    return TriageHit(tier, rule, msg.MESSAGES[rule], tuple(evidence) + msg.TELL.get(rule, ()))


Rule = Callable[[Day], TriageHit | None]
RULES: list[Rule] = []


def rule(fn: Rule) -> Rule:
    RULES.append(fn)
    return fn


from heavylegs.triage import catalogue  # noqa: E402,F401  (registers the rules)


def evaluate(day: date, history: pl.DataFrame) -> list[TriageHit]:
    """Every rule that fires for ``day``, most urgent tier first. ``history`` is the daily
    table (or log) up to ``day``: ``date`` plus the daily-log columns."""
    d = _day(day, history.filter(pl.col("date") <= day))
    if d is None:
        return []
    hits = [h for r in RULES if (h := r(d)) is not None]
    return sorted(hits, key=lambda h: TIERS.index(h.tier))


__all__ = ["TIERS", "TriageHit", "Day", "evaluate", "rule", "_hit"]
