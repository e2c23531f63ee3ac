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

import os
import re
import select
import signal
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.text import Text

from heavylegs.core.logschema import COLUMN_BY_NAME, IMPERIAL_ALIASES, NO_SYMPTOMS, SYMPTOM_CODES
from heavylegs.core.quantity import log_shown, log_text, log_with_unit
from heavylegs.errors import InvalidInput
from heavylegs.importers.daily_log_values import CONVERTERS, FORMATTERS, BadValue, alias_accepted
from heavylegs.triage.messages import TIER_TITLE, how_to_clear

if TYPE_CHECKING:
    from heavylegs.triage.rules import TriageHit

Ask = Callable[[str], str]
Say = Callable[[str], None]
Answers = dict[str, object]

CLEAR = "-"
YES_NO = {"y": True, "yes": True, "n": False, "no": False}
INTRO = "Enter keeps the value in [brackets], '-' clears it, Ctrl-C stops without saving."
SCREEN_INTRO = "Quick symptom check, y or n:"
NOT_A_TTY = ("error: checkin asks its questions on a terminal, and stdin is not one. "
             "Give the values with --set instead, e.g. heavylegs checkin --set heaviness=7 "
             "--set sleep_h=6.5 --set symptoms=numbness (keys: the daily-log columns)")

# How each triage tier is said (science.md §3), most urgent first: one wording everywhere.
TIER_WORDS = TIER_TITLE


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a ``pick``/``picks`` question: the ``word`` typed (or a unique start
    of it), the symptom ``codes`` it adds (``{side}`` is the answer to ``side``), and the
    stored codes that make it the default (``seen_as``; the codes when left empty)."""

    word: str
    codes: tuple[str, ...] = ()
    seen_as: tuple[str, ...] = ()

    @property
    def marks(self) -> tuple[str, ...]:
        return self.seen_as or self.codes


@dataclass(frozen=True, slots=True)
class Question:
    """One question.

    ``kind``: ``value`` (the answer is the daily-log column ``key``), ``yesno``, ``pick``
    (one option) or ``picks`` (one or more). ``default``: ``stored`` (the day's or
    yesterday's value) or ``none``. A yes/no question adds ``codes`` on yes and writes
    ``column`` as yes/no; it defaults to yes when the stored symptoms hold one of its
    ``codes``/``seen_as`` (or ``column`` was yes). ``when`` gates it on earlier answers;
    ``before`` is said just before it.
    """

    key: str
    prompt: str
    kind: str = "value"
    default: str = "stored"
    options: tuple[Option, ...] = ()
    codes: tuple[str, ...] = ()
    seen_as: tuple[str, ...] = ()
    column: str = ""
    when: Callable[[Answers], bool] | None = None
    before: str = ""
    alias: str = ""  # an imperial daily-log column the answer is typed in (fluid_oz)


def _yes(key: str) -> Callable[[Answers], bool]:
    return lambda answers: answers.get(key) is True


def _as_typed(*codes: str) -> tuple[Option, ...]:
    return tuple(Option(c, (c,)) for c in codes)


def _has_pain(answers: Answers) -> bool:
    pain = answers.get("pain")
    return isinstance(pain, int) and pain > 0


_SIDES = ("swelling-left", "swelling-right")
QUESTIONS: tuple[Question, ...] = (
    Question("heaviness", "Legs heaviness today, 0 = light, 10 = leaden", before=INTRO),
    Question("soreness", "Muscle soreness, 0-10"),
    Question("sleep_h", "Hours slept last night"),
    Question("sleep_quality", "Sleep quality, 1 = very poor, 5 = very good"),
    Question("mood", "Mood, 1 = very low, 5 = very good"),
    Question("stress", "Stress, 1 = relaxed, 5 = very stressed"),
    Question("fluid_l", "Fluids drunk today, litres"),
    Question("strength", "Strength session today (none/upper/core/legs-light/legs-heavy)"),
    Question("pain", "Any leg pain? worst 0-10"),
    Question("pain_location", "Where is the pain (e.g. left calf)", when=_has_pain),
    Question("one_leg", "Is one leg swollen, warm or red?", "yesno",
             seen_as=(*_SIDES, "warm-red-leg"), before=SCREEN_INTRO),
    Question("side", "Which leg (left/right)", "pick", when=_yes("one_leg"), options=(
        Option("left", seen_as=("swelling-left",)), Option("right", seen_as=("swelling-right",)))),
    Question("signs", "What do you notice (swollen, warm, red; one or more)", "picks",
             when=_yes("one_leg"), options=(
                 Option("swollen", ("swelling-{side}",), _SIDES),
                 Option("warm", ("warm-red-leg",)), Option("red", ("warm-red-leg",)))),
    Question("both_legs", "Are both legs swollen?", "yesno", codes=("swelling-both",)),
    Question("nerves", "Numbness or tingling?", "yesno",
             seen_as=("numbness", "tingling", "saddle-numbness")),
    Question("nerves_which", "Which (numbness, tingling, saddle = numb between the legs)",
             "picks", when=_yes("nerves"),
             options=(*_as_typed("numbness", "tingling"), Option("saddle", ("saddle-numbness",)))),
    Question("weak", "Weakness or foot drop?", "yesno", seen_as=("weakness", "foot-drop")),
    Question("weak_which", "Which (weakness, foot-drop)", "picks", when=_yes("weak"),
             options=_as_typed("weakness", "foot-drop")),
    Question("rest", "Pain at rest or at night?", "yesno", seen_as=("pain-at-rest", "night-pain")),
    Question("rest_which", "When (rest, night)", "picks", when=_yes("rest"), options=(
        Option("rest", ("pain-at-rest",)), Option("night", ("night-pain",)))),
    Question("heart", "Chest pain, breathlessness, palpitations, dizziness, fainting or coughing blood?", "yesno",
             seen_as=("chest-pain", "breathless", "palpitations", "dizziness", "fainting", "coughing-blood")),
    Question("heart_which", "Which (chest-pain, breathless, palpitations, dizziness, fainting, coughing-blood)",
             "picks", when=_yes("heart"), options=_as_typed("chest-pain", "breathless", "palpitations", "dizziness",
                                                            "fainting", "coughing-blood")),
    Question("urine", "Dark (tea- or cola-coloured) urine?", "yesno", codes=("dark-urine",)),
    Question("ill", "Fever or feeling ill?", "yesno", seen_as=("fever",), column="illness"),
    Question("fever", "A fever (38 °C / 100.4 °F or more, or chills)?", "yesno",
             codes=("fever",), when=_yes("ill")),
    Question("sudden", "Sudden heaviness after little effort?", "yesno",
             codes=("sudden-heaviness",)),
)

# The value questions asked in the runner's units when they are imperial: key -> (alias, prompt).
IMPERIAL_QUESTIONS = {"fluid_l": ("fluid_oz", "Fluids drunk today, fl oz")}


def questions_for(units: str | None) -> tuple[Question, ...]:
    """The check-in's questions in the runner's ``units`` (metric: :data:`QUESTIONS`)."""
    if units != "imperial":
        return QUESTIONS
    return tuple(replace(q, alias=IMPERIAL_QUESTIONS[q.key][0], prompt=IMPERIAL_QUESTIONS[q.key][1])
                 if q.key in IMPERIAL_QUESTIONS else q for q in QUESTIONS)


# The symptom codes the screen asks about; others already stored for the day are kept.
SCREENED = frozenset({c for q in QUESTIONS for c in (*q.codes, *q.seen_as)} | {"calf-pain-one-side"}
                     | {c for q in QUESTIONS for o in q.options for c in o.marks if "{" not in c})


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


def _codes(row: Mapping[str, object]) -> set[str]:
    return {c.strip() for c in str(row.get("symptoms") or "").split(";") if c.strip()}


def _default(q: Question, row: Mapping[str, object]) -> str | None:
    """The default answer text of ``q`` from a stored row (None: no default)."""
    if q.default == "none":
        return None
    codes = _codes(row)
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
        answers[q.key] = ask_one(q, ask, say, _default(q, defaults))
    return answers


def _one_calf(location: object) -> bool:
    words = set(re.findall(r"[a-z]+", str(location or "").lower()))
    return "calf" in words and len(words & {"left", "right"}) == 1


def symptoms_of(answers: Answers, stored: Mapping[str, object],
                questions: tuple[Question, ...] = QUESTIONS) -> list[str]:
    """Symptom codes from the screen, plus codes stored for the day it does not ask."""
    codes = _codes(stored) - SCREENED
    side = answers.get("side")
    fill = {"side": side.word if isinstance(side, Option) else ""}
    for q in questions:
        answer = answers.get(q.key)
        if answer is True:
            codes.update(q.codes)
        chosen = (answer,) if isinstance(answer, Option) else answer
        if isinstance(chosen, tuple):
            codes.update(c.format_map(fill) for o in chosen for c in o.codes)
    if _has_pain(answers) and _one_calf(answers.get("pain_location")):
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
    elif _codes(stored):
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
    if "symptoms" not in values and _codes(stored) & SCREENED:
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


def triage_renderables(hits: list[TriageHit], units: str | None = None) -> list[RenderableType]:
    """Each triage hit, plainly, in its tier's words: emergency and urgent in a bold red
    panel, the others as bold heading and text; quantities in the runner's ``units``."""
    from heavylegs.explain.units import sentence

    parts: list[RenderableType] = []
    for hit in hits:
        body = Text(sentence(hit.message, units))
        for line in hit.evidence:
            body.append(f"\n  • {sentence(line, units)}")
        body.append("\n" + sentence(how_to_clear(hit.codes), units), style="dim")
        words = TIER_WORDS.get(hit.tier, hit.tier.upper())
        if hit.tier in ("emergency", "urgent"):
            parts.append(Panel(body, title=words, title_align="left", style="bold red"))
        else:
            parts += [Text(words, style="bold"), body]
    return parts


# -- reading a terminal -----------------------------------------------------------------
def _read_line(fd: int, wake: int) -> str:
    """One line from the terminal ``fd``, waiting on it and on the signal wake-up pipe
    ``wake``: the kernel may hand SIGINT to a polars worker thread, and Ctrl-C must still
    stop a read that input() would keep blocked in."""
    data = b""
    while True:
        ready, _, _ = select.select([fd, wake], [], [])
        if wake in ready:
            os.read(wake, 512)  # a signal: its Python handler runs at the loop's next turn
        if fd not in ready:
            continue
        chunk = os.read(fd, 4096)  # a terminal in line mode hands over at most one line
        data += chunk
        if not chunk or data.endswith(b"\n"):
            break
    if not data:
        raise EOFError
    return data.decode("utf-8", errors="replace").rstrip("\r\n")


def terminal_ask(console: Console, fd: int = 0) -> Ask:
    """An ``ask`` that prints the prompt with ``console`` and reads the terminal ``fd``
    (Ctrl-C raises KeyboardInterrupt, Ctrl-D on an empty line EOFError)."""

    def ask(prompt: str) -> str:
        console.print(Text(prompt), end="")
        console.file.flush()
        wake, poke = os.pipe()
        os.set_blocking(poke, False)
        previous = signal.set_wakeup_fd(poke, warn_on_full_buffer=False)
        try:
            return _read_line(fd, wake)
        finally:
            signal.set_wakeup_fd(previous)
            os.close(wake)
            os.close(poke)

    return ask
