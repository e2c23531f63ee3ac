"""Half-line explanations of the terms a runner may not know (form, CTL, HRV, decoupling...),
added at render time the first time each term appears in one answer (issue 13). The
answer's JSON keeps the engine's own sentences; each renderer walks its texts in the order
it prints them through one ``Glossary``, so a term is explained once, where it is first read.
Pure: no files, no clock."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# (key, pattern, explanation). The pattern finds the term where it means the training
# quantity (not "running form"); the explanation is put in brackets right after it.
TERMS: tuple[tuple[str, str, str], ...] = (
    ("form", r"(?<![Rr]unning )\b(?:form|TSB)\b(?=\s*\(|\s+(?:[−-]?\d|climb|fell|was|is|below|above|back)\b)",
     "fitness minus fatigue; well below 0 means tired"),
    ("CTL", r"\bCTL\b", "fitness: your training load averaged over about 6 weeks"),
    ("ATL", r"\bATL\b", "fatigue: your training load averaged over about 1 week"),
    ("ACWR", r"\bACWR\b", "this week's training load divided by your 4-week average"),
    ("decoupling", r"\bdecoupl(?:ing|ed)\b", "heart rate drifting up against pace late in a steady run"),
    ("HRV", r"\bHRV\b", "heart-rate variability; below your usual hints at poor recovery"),
    ("rMSSD", r"\brMSSD\b", "the usual way watches measure HRV"),
    ("monotony", r"\bmonotony\b", "how alike your training days are; high means too little easy/hard contrast"),
    ("overreaching", r"\boverreaching\b", "fatigue from training harder than you recover from; it passes with rest"),
    ("LTHR", r"\bLTHR\b", "lactate-threshold heart rate, about your 1-hour race effort"),
    ("ferritin", r"\bferritin(?: test)?\b(?!_)", "a blood test of your iron stores"),
    ("spm", r"(?<=\d )spm\b", "steps per minute"),
)
_COMPILED = tuple((key, re.compile(pat), text) for key, pat, text in TERMS)


@dataclass
class Glossary:
    """Explains each term the first time it is seen by :meth:`explain`."""

    seen: set[str] = field(default_factory=set)

    def explain(self, text: str) -> str:
        """``text`` with a bracketed half-line after the first use of each term not yet
        explained in this answer. A term already followed by a bracket is left as written."""
        for key, pattern, meaning in _COMPILED:
            if key in self.seen:
                continue
            m = pattern.search(text)
            if m is None:
                continue
            self.seen.add(key)
            if text[m.end():m.end() + 2] == " (" or text[m.end():m.end() + 1] == "(":
                continue  # the sentence explains it itself
            text = f"{text[:m.end()]} ({meaning}){text[m.end():]}"
        return text

    def used(self) -> list[str]:
        """The keys of the terms explained so far, in TERMS order."""
        return [key for key, _, _ in TERMS if key in self.seen]
