"""One check-in answer: its default (the day's stored value, else yesterday's as a person
would type it: :func:`carried`), reading the typed text (:func:`parse_answer`, which
raises :class:`Retry` with what is accepted) and asking until it is accepted
(:func:`ask_one`)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from heavylegs.checkin_questions import Ask, Option, Question, Say, stored_codes
from heavylegs.core.logschema import COLUMN_BY_NAME, IMPERIAL_ALIASES
from heavylegs.core.quantity import log_text
from heavylegs.importers.daily_log_values import CONVERTERS, FORMATTERS, BadValue, alias_accepted

CLEAR = "-"
YES_NO = {"y": True, "yes": True, "n": False, "no": False}


class Retry(Exception):
    """An answer that is not accepted; the message says why and what is."""

# -- defaults ---------------------------------------------------------------------------
# Columns of one day only: never offered from yesterday (pressing Enter through a check-in
# must not save yesterday's "swelling-both;tingling" again and raise its alarm).
DAY_ONLY = frozenset({"symptoms", "pain", "pain_location", "illness", "notes", "strength", "cramps"})
# Yesterday's numbers as a person would type them: the step by unit (name suffix).
TYPED_STEP = {"_l": 0.1, "_kg": 0.1, "_h": 0.1, "_ms": 1.0, "_bpm": 1.0}


def typed(key: str, value: object) -> object:
    """``value`` of column ``key`` rounded to the step a person types (litres, kg and hours
    to 0.1; whole numbers for ms and bpm; other numbers to 0.1)."""
    if not isinstance(value, float):
        return value
    step = next((s for suffix, s in TYPED_STEP.items() if key.endswith(suffix)), 0.1)
    decimals = 0 if step >= 1 else 1
    return round(round(value / step) * step, decimals)


def carried(yesterday: Mapping[str, object]) -> dict[str, object]:
    """The values of ``yesterday`` worth offering today: not :data:`DAY_ONLY`, rounded."""
    return {k: typed(k, v) for k, v in yesterday.items() if k not in DAY_ONLY}


def default_text(q: Question, row: Mapping[str, object]) -> str | None:
    """The default answer text of ``q`` from a stored row (None: no default)."""
    if q.default == "none":
        return None
    codes = stored_codes(row)
    if q.kind == "value":
        value = row.get(q.key)
        if value is None or value == "":
            return None
        if q.alias:  # in the runner's unit, whole as typed: 64 (fl oz)
            return f"{float(value) / IMPERIAL_ALIASES[q.alias][1]:.0f}"  # type: ignore[arg-type]
        return FORMATTERS[q.key](value)
    if q.kind == "yesno":
        seen = bool(codes & {*q.codes, *q.seen_as}) or (bool(q.column) and bool(row.get(q.column)))
        return "y" if seen else "n"
    chosen = [o.word for o in q.options if codes & set(o.marks)]
    if q.kind == "pick":
        return chosen[0] if len(chosen) == 1 else None
    return ", ".join(chosen) or None


# -- reading one answer -----------------------------------------------------------------
def _match(word: str, options: tuple[Option, ...]) -> Option:
    word = word.lower()
    exact = [o for o in options if o.word == word]
    starts = [o for o in options if o.word.startswith(word)]
    if exact or len(starts) == 1:
        return (exact or starts)[0]
    raise Retry(f"{word!r} is not one of the choices (accepted: "
                f"{', '.join(o.word for o in options)})")


def parse_answer(q: Question, text: str) -> object:
    """The typed answer of ``q`` for ``text`` (not empty); raises :class:`Retry`."""
    if q.kind == "value":
        if text == CLEAR:
            return None
        column = COLUMN_BY_NAME[q.key]
        if column.kind == "enum":
            text = _match(text, tuple(Option(c) for c in column.choices)).word
        try:
            unit = q.alias.rsplit("_", 1)[1] if q.alias else None
            return CONVERTERS[q.key](log_text(q.key, text, unit))
        except ValueError:
            raise Retry(f"{text!r} is not a quantity it reads (accepted: {_accepted(q)})") from None
        except BadValue as bad:
            raise Retry(f"{text!r} {bad.problem} (accepted: {_accepted(q)})") from None
    if q.kind == "yesno":
        if text.lower() not in YES_NO:
            raise Retry(f"{text!r} is not an answer (accepted: {_accepted(q)})")
        return YES_NO[text.lower()]
    words = [w for w in re.split(r"[\s,;+&/]+|\band\b", text) if w]
    if q.kind == "picks" and words in (["all"], ["both"]):
        return q.options
    chosen = tuple(dict.fromkeys(_match(w, q.options) for w in words))
    if q.kind == "pick" and len(chosen) != 1:
        raise Retry(f"{text!r}: choose one (accepted: {_accepted(q)})")
    return chosen[0] if q.kind == "pick" else chosen


def _accepted(q: Question) -> str:
    if q.kind == "value" and q.alias:
        return f"{alias_accepted(q.alias)}; a unit may follow: 64oz, 1.9l; or '-' to clear"
    if q.kind == "value":
        return f"{COLUMN_BY_NAME[q.key].accepted}; or '-' to clear"
    if q.kind == "yesno":
        return "y or n"
    return ", ".join(o.word for o in q.options)


def ask_one(q: Question, ask: Ask, say: Say, default: str | None) -> object:
    """Ask ``q`` until the answer is accepted; Enter takes ``default``."""
    prompt = f"{q.prompt} [{default}]: " if default is not None else f"{q.prompt}: "
    while True:
        text = ask(prompt).strip()
        if not text:
            if default is not None:
                text = default
            elif q.kind == "value":
                return None
            else:
                say(f"  please answer (accepted: {_accepted(q)})")
                continue
        try:
            return parse_answer(q, text)
        except Retry as retry:
            say(f"  {retry}")

