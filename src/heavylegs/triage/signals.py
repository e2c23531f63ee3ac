"""What the rules read: every red-flag signal of the look-back window, each with the day
it was logged and where it came from (a symptom code, the runner's own words, a number),
minus those the runner has since marked as dealt with (``seen_doctor``, ``resolved``).

Numbers become signals too: ``pain`` (its value), ``soreness``, urine colour 7-8 of 8 as
``dark-urine``, an ill day as ``ill``, and pain named on one leg in ``pain_location`` as
``calf-pain-one-side``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from heavylegs.triage import words

WINDOW_DAYS = 14  # the longest memory of a flag (tier 2); tier 0-1 flags: 7 days at their tier
RISK_CODES = ("recent-long-travel", "recent-surgery", "recent-immobilisation", "hormonal-contraception",
              "previous-clot", "cancer")
# How long a logged risk factor counts (days; None: always).
RISK_MEMORY: dict[str, int | None] = {"recent-long-travel": 28, "recent-surgery": 84, "recent-immobilisation": 84,
                                      "hormonal-contraception": 365, "previous-clot": None, "cancer": None}
# A logged ``resolved`` code also clears the signals that stand for it.
CLEARS: dict[str, frozenset[str]] = {
    "swelling-left": frozenset({"swelling-left", "swelling-one-side"}),
    "swelling-right": frozenset({"swelling-right", "swelling-one-side"}),
    "calf-pain-one-side": frozenset({"calf-pain-one-side"}),
    "dark-urine": frozenset({"dark-urine"}),
    "fever": frozenset({"fever", "ill"}),
    "swelling": frozenset({"swelling-left", "swelling-right", "swelling-one-side", "swelling-both"}),  # "swelling gone"
}
URINE_DARK = 7  # urine-colour chart: 7-8 of 8 is the dark tea/cola end
DVT_PART = re.compile(words.DVT_PART)
LEFT_RIGHT = re.compile(r"\b(left|right|one leg|one calf|one side)\b")
BOTH = re.compile(words.BOTH + "|" + words.PLURAL)


@dataclass(frozen=True, slots=True)
class Signal:
    code: str
    day: date
    source: str  # "symptoms", a text column, or the numeric column it came from
    words: str = ""
    value: float | None = None


def fmt_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def _codes(cell: object) -> list[str]:
    return [s.strip() for s in str(cell or "").split(";") if s.strip()]


def _numbers(day: date, row: dict) -> list[Signal]:
    out = []
    pain, sore, urine = row.get("pain"), row.get("soreness"), row.get("urine_color")
    if pain is not None:
        out.append(Signal("pain", day, "pain", f"pain {float(pain):.0f}/10", float(pain)))
        place = str(row.get("pain_location") or "").lower()
        if pain >= 1 and DVT_PART.search(place) and LEFT_RIGHT.search(place) and not BOTH.search(place):
            out.append(Signal("calf-pain-one-side", day, "pain_location", f"pain {float(pain):.0f}/10 in the {place}"))
    if sore is not None:
        out.append(Signal("soreness", day, "soreness", f"soreness {float(sore):.0f}/10", float(sore)))
    if urine is not None and urine >= URINE_DARK:
        out.append(Signal("dark-urine", day, "urine_color", f"urine colour {float(urine):.0f} of 8", float(urine)))
    fatigue = float(row.get("fatigue") or 0)
    if row.get("illness") and (float(sore or 0) >= 5 or fatigue >= 7):
        out.append(Signal("ill", day, "illness", "marked as ill, with aching muscles or marked fatigue"))
    return out


def _row_signals(day: date, row: dict) -> tuple[list[Signal], set[str]]:
    """The day's signals and the codes its text says have gone."""
    out = [Signal(c, day, "symptoms") for c in _codes(row.get("symptoms"))]
    gone: set[str] = set()
    for column in words.TEXT_COLUMNS:
        for m in words.read(row.get(column), column):
            if m.resolved:
                gone.add(m.code)
            else:
                out.append(Signal(m.code, day, column, m.quote))
    return out + _numbers(day, row), gone


def _cleared(signal: Signal, clears: list[tuple[date, frozenset[str] | None]]) -> bool:
    """Cleared by a later (or same-day) ``seen_doctor`` (None: every code) or ``resolved``."""
    return any(day >= signal.day and (codes is None or signal.code in codes) for day, codes in clears)


def _clear_marks(day: date, row: dict, gone: set[str]) -> list[tuple[date, frozenset[str] | None]]:
    out: list[tuple[date, frozenset[str] | None]] = []
    if row.get("seen_doctor"):
        out.append((day, None))
    codes = set(_codes(row.get("resolved"))) | gone
    if codes:
        out.append((day, frozenset(set().union(*(CLEARS.get(c, frozenset({c})) for c in codes)))))
    return out


def collect(day: date, history: pl.DataFrame) -> tuple[list[Signal], list[Signal], list[date]]:
    """(signals of the window, risk factors still counting, days a doctor was seen) for
    ``day``; ``history`` holds the daily log (or table) up to ``day``."""
    text_cols = [c for c in ("symptoms", *words.TEXT_COLUMNS, "resolved", "seen_doctor") if c in history.columns]
    recent = history.filter(pl.col("date") > day - timedelta(days=WINDOW_DAYS))
    signals: list[Signal] = []
    clears: list[tuple[date, frozenset[str] | None]] = []
    for row in recent.iter_rows(named=True):
        found, gone = _row_signals(row["date"], row)
        signals += found
        clears += _clear_marks(row["date"], row, gone)
    older = history.filter(pl.col("date") <= day - timedelta(days=WINDOW_DAYS))
    if text_cols and older.height:
        older = older.filter(pl.any_horizontal(pl.col(c).is_not_null() for c in text_cols))
    risks = []
    for row in older.iter_rows(named=True) if text_cols else ():
        found, gone = _row_signals(row["date"], row)
        risks += [s for s in found if s.code in RISK_CODES]
        clears += [(d, c) for d, c in _clear_marks(row["date"], row, gone) if c is not None]
    risks += [s for s in signals if s.code in RISK_CODES]
    risks = [s for s in risks if not _cleared(s, [(d, c) for d, c in clears if c is not None])
             and (RISK_MEMORY[s.code] is None or (day - s.day).days < RISK_MEMORY[s.code])]  # type: ignore[operator]
    kept = [s for s in signals if s.code not in RISK_CODES and not _cleared(s, clears)]
    seen = sorted({d for d, c in clears if c is None})
    return kept, risks, seen
