"""Red-flag rules over a look-back window of check-ins (science.md §3): symptom codes, the
runner's own words (triage/words.py), pain, urine colour, illness, and for persistence
rules the weeks before.

Tiers, most urgent first: ``emergency``, ``urgent``, ``soon``, ``routine``. A rule never
looks at training load to stay silent: a hard downhill run must not hide a one-sided
swollen calf. Training data may only make a rule fire or escalate.

Memory: a tier 0-1 rule reads the last 7 days (its flag shows at its tier for 7 days after
it was logged), then for 7 more days as a SOON reminder; tier 2-3 rules read 14 days. Codes
on different days of the window combine. A flag stops once the runner logs ``seen_doctor``
(every flag up to that day) or ``resolved=<code>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from heavylegs.triage import messages as msg
from heavylegs.triage.signals import Signal, collect, fmt_day
from heavylegs.triage.words import TEXT_COLUMNS

TIERS: tuple[str, ...] = ("emergency", "urgent", "soon", "routine")
ONE_SIDED = ("swelling-left", "swelling-right", "swelling-one-side", "calf-pain-one-side", "warm-red-leg")
CARDIAC = ("chest-pain", "fainting", "breathless")
SHORT_MEMORY = 7  # days a tier 0-1 flag shows at its tier (issue 10: at least 7)
LONG_MEMORY = 14  # days a tier 2 flag shows, and a tier 0-1 flag as a reminder


@dataclass(frozen=True, slots=True)
class TriageHit:
    tier: str
    rule: str
    message: str
    evidence: tuple[str, ...]
    reported: date | None = None  # the latest day of the signals that made it fire
    codes: tuple[str, ...] = field(default=())  # the codes a ``resolved=`` entry clears

    @property
    def title(self) -> str:
        return msg.TIER_TITLE[self.tier]

    def to_json(self) -> dict[str, object]:
        return {"tier": self.tier, "rule": self.rule, "message": self.message,
                "evidence": list(self.evidence), "title": self.title, "action": msg.ACTION[self.tier],
                "reported": self.reported.isoformat() if self.reported else None,
                "how_to_clear": msg.how_to_clear(self.codes)}


@dataclass(frozen=True, slots=True)
class Window:
    """What a rule reads: the signals of ``since``..``until`` (and older ones through
    ``since=``), the risk factors that still count, and the history up to ``day``."""

    day: date
    since: date
    until: date
    signals: tuple[Signal, ...]
    risks: tuple[Signal, ...]
    history: pl.DataFrame

    def has(self, *codes: str, since: date | None = None) -> list[Signal]:
        """The latest signal of each of ``codes`` in the window."""
        start = since or self.since
        out = []
        for code in codes:
            found = [s for s in self.signals if s.code == code and start <= s.day <= self.until]
            if found:
                out.append(max(found, key=lambda s: s.day))
        return out

    def peak(self, code: str, at_least: float) -> list[Signal]:
        """The highest numeric signal ``code`` of the window, if it reaches ``at_least``."""
        found = [s for s in self.signals if s.code == code and self.since <= s.day <= self.until
                 and (s.value or 0) >= at_least]
        return [max(found, key=lambda s: (s.value or 0, s.day))] if found else []


Rule = Callable[[Window], "TriageHit | None"]
RULES: list[Rule] = []
MEMORY: dict[str, int] = {}


def rule(memory: int = SHORT_MEMORY) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES.append(fn)
        MEMORY[fn.__name__] = memory
        return fn
    return register


def _evidence(day: date, signals: list[Signal]) -> list[str]:
    out: list[str] = []
    for s in sorted(signals, key=lambda s: (s.day, s.source)):
        when = "today" if s.day == day else f"on {fmt_day(s.day)}"
        if s.source == "symptoms":
            line = f"{when} you reported {msg.phrase(s.code)} ({s.code})"
        elif s.source in TEXT_COLUMNS:
            line = f"{when} you wrote in {s.source}: '{s.words}'"
        else:
            line = f"{when}: {s.words}"
        if line not in out:
            out.append(line)
    return out


def hit(w: Window, tier: str, name: str, signals: list[Signal], extra: list[str] | None = None) -> TriageHit:
    """The hit of rule ``name`` at ``tier`` from ``signals``: the message says when they
    were reported (a past day is phrased as one), the evidence quotes them."""
    reported = max((s.day for s in signals), default=None)
    message = msg.message(name, tier, w.day, reported, [s.code for s in signals])
    evidence = _evidence(w.day, signals) + (extra or []) + list(msg.TELL.get(name, ()))
    codes = tuple(dict.fromkeys(msg.public_code(s.code) for s in signals if msg.public_code(s.code)))
    return TriageHit(tier, name, message, tuple(evidence), reported, codes)


from heavylegs.triage import catalogue, catalogue_soon  # noqa: E402,F401  (registers the rules)


def _window(day: date, until: date, memory: int, signals: list[Signal], risks: list[Signal],
            history: pl.DataFrame) -> Window:
    return Window(day, until - timedelta(days=memory - 1), until, tuple(signals), tuple(risks), history)


def evaluate(day: date, history: pl.DataFrame) -> list[TriageHit]:
    """Every rule that fires for ``day``, most urgent tier first. ``history`` is the daily
    table (or log) up to ``day``: ``date`` plus the daily-log columns."""
    history = history.filter(pl.col("date") <= day)
    signals, risks, _ = collect(day, history)
    hits: list[TriageHit] = []
    for fn in RULES:
        memory = MEMORY[fn.__name__]
        found = fn(_window(day, day, memory, signals, risks, history))
        if found is None and memory == SHORT_MEMORY:  # an older tier 0-1 flag, as a reminder
            old = fn(_window(day, day - timedelta(days=SHORT_MEMORY), SHORT_MEMORY, signals, risks, history))
            found = msg.reminder(old, day) if old is not None and old.tier in ("emergency", "urgent") else None
        if found is not None:
            hits.append(found)
    return sorted(hits, key=lambda h: TIERS.index(h.tier))


def doctor_seen(day: date, history: pl.DataFrame) -> list[date]:
    """The days of the window the runner logged that a doctor has seen them."""
    return collect(day, history.filter(pl.col("date") <= day))[2]


__all__ = ["TIERS", "TriageHit", "Window", "evaluate", "rule", "hit", "doctor_seen"]
