"""The check-in's questions, as data: each :class:`Question` (a daily-log value, a yes/no
of the symptom screen, or a pick among :class:`Option` s), in the order asked, and the
symptom codes the screen covers (:data:`SCREENED`). No I/O: :mod:`heavylegs.checkin`
asks them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

Ask = Callable[[str], str]
Say = Callable[[str], None]
Answers = dict[str, object]

INTRO = "Enter keeps the value in [brackets], '-' clears it, Ctrl-C stops without saving."
SCREEN_INTRO = "Quick symptom check, y or n:"


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


def has_pain(answers: Answers) -> bool:
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
    Question("pain_location", "Where is the pain (e.g. left calf)", when=has_pain),
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


def stored_codes(row: Mapping[str, object]) -> set[str]:
    """The symptom codes of a stored daily-log ``row`` (its ``symptoms`` cell, ``;``-separated)."""
    return {c.strip() for c in str(row.get("symptoms") or "").split(";") if c.strip()}
