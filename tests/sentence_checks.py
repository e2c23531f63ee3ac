"""Sentences that contradict themselves (issue 13, item 5): zero, one and missing cases in
evidence, ruled-out, not-assessed, plan and note sentences. Patterns plus the phrasings
runners actually saw; used over the scenario suite and the demo."""

from __future__ import annotations

import re

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("a count of one with a plural noun", re.compile(r"(?<![\d.,/-])1 (runs|days|nights|sessions|weeks|times|"
                                                      r"check-ins|hours|rest days|logged days|episodes|months|"
                                                      r"results|causes|findings)\b")),
    ("'only' with nothing", re.compile(r"\bOnly 0\b", re.I)),
    ("zero days before or ago", re.compile(r"(?<![\d.])0 days? (before|ago)\b")),
    ("a zero count in brackets", re.compile(r"\((0|no) (runs?|days?|sessions?)\)")),
    ("a hedge plural", re.compile(r"\b(day|run|night|session|week)\(s\)")),
    ("a missing value printed", re.compile(r"\bNone\b(?! of)|\b(nan|NaN|inf)\b")),
    ("an empty count", re.compile(r"\b0 of 0\b")),
    ("a negative zero", re.compile(r"(?<![\d.])[-−]0(\.0+)?(?![\d.])")),
)
# Phrasings seen in answers before the fix (issue 13); each must never come back.
KNOWN = ("0 days before", "Only 0 days", "(0 runs)", "1 runs", "1 days", "1 nights", "1 sessions")
WARNING_ABOVE = re.compile(r"warning above", re.I)


def contradictions(texts: tuple[str, ...] | list[str], triage_shown: bool) -> list[str]:
    """Every sentence of ``texts`` that says something impossible, with why."""
    bad = []
    for text in texts:
        for why, pattern in PATTERNS:
            if pattern.search(text):
                bad.append(f"{why}: {text}")
        bad += [f"known phrasing {k!r}: {text}" for k in KNOWN if re.search(r"(?<![\d.])" + re.escape(k), text)]
        if not triage_shown and WARNING_ABOVE.search(text):
            bad.append(f"points to a warning that is not shown: {text}")
    return bad
