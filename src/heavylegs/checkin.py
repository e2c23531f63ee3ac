"""The daily check-in: the questions that matter today, as data, and a small runner that
asks them through two callables (``ask`` reads one answer, ``say`` prints one line), so
the flow runs the same in a terminal, a test or another interface.

Each question shows a default in brackets: the value stored for the day if there is one,
else yesterday's ("same as yesterday?"), rounded as a person would type it. What only
describes one day (symptoms, pain and where, illness, notes, a strength session) is never
carried over from yesterday: Enter through the screen answers "no". Enter keeps it, ``-`` clears it, a bad answer is re-asked with what is
accepted. The runner only collects text values; the caller saves them in one call
(:meth:`heavylegs.api.Workspace.log_set`), so an interrupted check-in writes nothing.

>>> answers = iter(["7", "", "6.5", "3", "4", "2", "2", "legs-h", "0", "n", "n", "n", "n",
...                 "n", "n", "n", "n", "n"])
>>> collect(lambda prompt: next(answers), lambda line: None, yesterday={"soreness": 5})
{'heaviness': '7', 'soreness': '5', 'sleep_h': '6.5', 'sleep_quality': '3', 'mood': '4', \
'stress': '2', 'fluid_l': '2', 'strength': 'legs-heavy', 'pain': '0', 'illness': 'no', \
'symptoms': 'none'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from heavylegs.checkin_answers import Retry, ask_one, carried, default_text, parse_answer, typed
from heavylegs.checkin_questions import (
    QUESTIONS,
    SCREENED,
    Answers,
    Ask,
    Option,
    Question,
    Say,
    has_pain,
    questions_for,
    stored_codes,
)
from heavylegs.core.logschema import COLUMN_BY_NAME, IMPERIAL_ALIASES, NO_SYMPTOMS, SYMPTOM_CODES
from heavylegs.core.quantity import log_shown, log_with_unit
from heavylegs.errors import InvalidInput
from heavylegs.importers.daily_log_values import FORMATTERS

# The flow is here; the questions (checkin_questions) and reading one answer (checkin_answers)
# are re-exported, so ``checkin.parse_answer`` and the rest keep working. The terminal side is
# heavylegs.checkin_terminal.
__all__ = [
    "QUESTIONS", "SCREENED", "Answers", "Ask", "InvalidInput", "Option", "Question", "Retry", "Say",
    "ask_one", "carried", "collect", "kept_from_before", "parse_answer", "parse_sets",
    "questions_for", "run", "summary", "symptoms_of", "typed", "values_of",
]


# -- the whole check-in -----------------------------------------------------------------
def run(ask: Ask, say: Say, defaults: Mapping[str, object],
        questions: tuple[Question, ...] = QUESTIONS) -> Answers:
    """Ask every question that applies, in order; returns the typed answers by key."""
    answers: Answers = {}
    for q in questions:
        if q.when is not None and not q.when(answers):
            continue
        if q.before:
            say(q.before)
        answers[q.key] = ask_one(q, ask, say, default_text(q, defaults))
    return answers


def _one_calf(location: object) -> bool:
    words = set(re.findall(r"[a-z]+", str(location or "").lower()))
    return "calf" in words and len(words & {"left", "right"}) == 1


def symptoms_of(answers: Answers, stored: Mapping[str, object],
                questions: tuple[Question, ...] = QUESTIONS) -> list[str]:
    """Symptom codes from the screen, plus codes stored for the day it does not ask."""
    codes = stored_codes(stored) - SCREENED
    side = answers.get("side")
    fill = {"side": side.word if isinstance(side, Option) else ""}
    for q in questions:
        answer = answers.get(q.key)
        if answer is True:
            codes.update(q.codes)
        chosen = (answer,) if isinstance(answer, Option) else answer
        if isinstance(chosen, tuple):
            codes.update(c.format_map(fill) for o in chosen for c in o.codes)
    if has_pain(answers) and _one_calf(answers.get("pain_location")):
        codes.add("calf-pain-one-side")
    return [c for c in SYMPTOM_CODES if c in codes]


def values_of(answers: Answers, stored: Mapping[str, object],
              questions: tuple[Question, ...] = QUESTIONS) -> dict[str, str]:
    """The daily-log text values to save; ``""`` clears a value stored for the day (an
    answer of '-'). A screen that finds nothing saves ``none``, so that yesterday's
    symptoms are not read as today's. Skipped answers are left out."""
    values: dict[str, str] = {}
    for q in questions:
        answer = answers.get(q.key)
        if q.kind == "value" and answer is not None:
            values[q.key] = FORMATTERS[q.key](answer)
        elif q.kind == "value" and q.key in answers and stored.get(q.key) not in (None, ""):
            values[q.key] = ""
        elif q.column and isinstance(answer, bool):
            values[q.column] = "yes" if answer else "no"
    symptoms = symptoms_of(answers, stored, questions)
    if symptoms:
        values["symptoms"] = ";".join(symptoms)
    elif any(q.kind == "yesno" and q.key in answers for q in questions):
        values["symptoms"] = NO_SYMPTOMS
    elif stored_codes(stored):
        values["symptoms"] = ""
    return values


def collect(ask: Ask, say: Say, yesterday: Mapping[str, object] | None = None,
            stored: Mapping[str, object] | None = None, units: str | None = None) -> dict[str, str]:
    """Run the check-in; defaults are the day's ``stored`` values, else ``yesterday``'s
    (:func:`carried`), asked in the runner's ``units``. Returns the (metric) values to
    save; raises KeyboardInterrupt/EOFError from ``ask`` unchanged."""
    stored = stored or {}
    answers = run(ask, say, {**carried(yesterday or {}), **stored}, questions_for(units))
    return values_of(answers, stored)


# -- the non-interactive form and the closing lines -------------------------------------
def parse_sets(items: list[str], clears: list[str] | None = None) -> dict[str, str]:
    """``KEY=VALUE`` items of ``--set`` as values to save, and the ``--clear`` columns as
    ``""``; raises :class:`InvalidInput` naming the item and what is accepted (the values
    are checked when saved)."""
    known = (*(c for c in COLUMN_BY_NAME if c != "date"), *IMPERIAL_ALIASES)
    values: dict[str, str] = {}
    for key in clears or ():
        key = key.strip().lower()
        if key not in COLUMN_BY_NAME or key == "date":
            raise InvalidInput("--clear", key, "a daily-log column: "
                               + ", ".join(c for c in COLUMN_BY_NAME if c != "date"))
        values[key] = ""
    for item in items:
        key, sep, value = item.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or key not in known:
            raise InvalidInput("--set", item, "KEY=VALUE with KEY a daily-log column: "
                               + ", ".join(known))
        if key in values:
            raise InvalidInput("--set", item, f"each column once ({key} is given twice, or also "
                                              "cleared)")
        if not value:
            accepted = COLUMN_BY_NAME[key].accepted if key in COLUMN_BY_NAME else "a number"
            raise InvalidInput(key, value, accepted)
        key, value = log_with_unit(key, value)
        if key in values:
            raise InvalidInput("--set", item, f"each column once ({key} is given twice)")
        values[key] = value
    return values


def kept_from_before(values: Mapping[str, str], stored: Mapping[str, object], units: str | None = None) -> list[str]:
    """Values stored for the day that the check-in asked about but does not save (not
    asked this time): saving only adds, replaces and clears what it names, so they stay."""
    asked = [q.key for q in QUESTIONS if q.kind == "value"] + [q.column for q in QUESTIONS if q.column]
    kept = [log_shown(k, FORMATTERS[k](stored[k]), units) for k in asked
            if stored.get(k) not in (None, "") and k not in values]
    if "symptoms" not in values and stored_codes(stored) & SCREENED:
        kept.append(f"symptoms {stored['symptoms']}")
    return kept


def summary(day: date, values: Mapping[str, str], stored: Mapping[str, object] | None = None,
            units: str | None = None) -> str:
    """What was saved and cleared, and what stays from the day's earlier entry, in the
    runner's ``units``."""
    saved = ", ".join(log_shown(k, v, units) for k, v in values.items() if v != "")
    cleared = [k for k, v in values.items() if v == ""]
    line = f"saved {day.isoformat()}: {saved}" if saved else f"{day.isoformat()}: nothing to save"
    if cleared:
        line += ("; " if saved else ", ") + "cleared " + ", ".join(cleared)
    kept = kept_from_before(values, stored or {}, units)
    if kept:
        line += "\nkept from the earlier entry of the day (not asked this time): " + ", ".join(kept)
    return line

