"""Reading the daily log for the lifestyle causes (hydration, nutrition, labs, circulation):
safe column access, the runner's own body mass, keywords in notes (with simple negation),
symptom days, lab results with their age, persistent fatigue, and the §4.2 scoring.

Every reader tolerates a missing column (an older workspace, a device that never sent it)
and answers "nothing logged", so a cause can say exactly what is missing.

>>> mentioned("Non-smoker, but my dad had diabetes", ("smok",))
False
>>> mentioned("ex-smoker since 2010", ("smok",))
True
>>> mentioned("dad has diabetes", ("diabet",)), mentioned("dad has diabetes", ("diabet",), relatives=True)
(False, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from heavylegs.causes.base import GRADE_WEIGHT, Context, Evidence, date_window
from heavylegs.causes.training_data import (
    confidence_for as confidence_for,  # one grade scale for all causes
)
from heavylegs.causes.training_data import num_expr
from heavylegs.causes.training_data import runs as td_runs
from heavylegs.core.settings import Setting, register

Ind = tuple[str, float, Evidence]  # (evidence grade, strength 0-1, evidence)

LAB_FRESH, LAB_OLD, MASS_LOOKBACK, MASS_FRESH, TIRED, TIRED_SHARE, TIRED_DAYS, CHECKINS = register(
    Setting("lab_max_age_days", 90.0, "days", "science.md §0.4 (labs no older than ~3 months)",
            "a lab result older than this lowers confidence and cannot rule a cause out"),
    Setting("lab_ignore_after_days", 365.0, "days", "science.md §0.2 (labs: 8-12+ weeks) [heuristic]",
            "lab results older than this are mentioned but not used"),
    Setting("body_mass_lookback_days", 365.0, "days", "science.md C11(f) [heuristic]",
            "the latest logged body mass within this is used, else the profile weight"),
    Setting("body_mass_fresh_days", 30.0, "days", "science.md C11(f) ('body mass outdated') [heuristic]",
            "a logged body mass older than this, or only the profile weight, lowers data quality"),
    Setting("fatigue_persistent_score", 6.0, "0-10", "science.md §3 tier 2 [heuristic]",
            "fatigue or heaviness at or above this counts as a tired day"),
    Setting("fatigue_persistent_share", 0.5, "fraction", "science.md §3 tier 2 [heuristic]",
            "share of logged days that must be tired for fatigue to count as persistent"),
    Setting("fatigue_persistent_days", 21.0, "days", "science.md §3 tier 2 (> 2-3 weeks)"),
    Setting("lifestyle_min_checkins", 7.0, "days", "science.md §0.4 [heuristic]",
            "check-in days needed before a symptom-based cause can be ruled out"),
)

NEGATIONS = ("non-", "non ", "not ", "no ", "never ", "without ", "not a ")
RELATIVES = ("dad", "mum", "mom", "father", "mother", "brother", "sister", "parent", "family",
             "grandm", "grandf", "uncle", "aunt")


@dataclass(frozen=True, slots=True)
class Mass:
    """Body mass to scale intake by: the latest morning mass logged (or from a scale app),
    else the profile weight."""

    kg: float
    day: date | None  # None: the profile weight
    fresh: bool

    def said(self) -> str:
        if self.day is None:
            return f"your profile weight of {self.kg:.0f} kg"
        return f"your body mass of {self.kg:.1f} kg"


@dataclass(frozen=True, slots=True)
class Lab:
    column: str
    value: float
    day: date
    age_days: int
    fresh: bool


def num(df: pl.DataFrame, name: str) -> pl.Series:
    """Column ``name`` as Float64, or all nulls when the frame lacks it."""
    if name in df.columns:
        return df[name].cast(pl.Float64, strict=False)
    return pl.Series(name, [None] * df.height, dtype=pl.Float64)


def logged(ctx: Context, column: str, days: int, end_offset: int = 0) -> pl.DataFrame:
    """``date`` and ``value`` (Float64) for the days of the window where ``column`` has a value."""
    def make() -> pl.DataFrame:
        win = ctx.window(days, end_offset)
        dates, values = win["date"].to_list(), num(win, column).to_list()
        keep = [i for i, v in enumerate(values) if v is not None]
        return pl.DataFrame({"date": pl.Series([dates[i] for i in keep], dtype=pl.Date),
                             "value": pl.Series([values[i] for i in keep], dtype=pl.Float64)})

    return ctx.cached(("ld.logged", column, days, end_offset), make)  # type: ignore[no-any-return]


def value_on(ctx: Context, column: str, day: date) -> float | None:
    rows = logged(ctx, column, 1, (ctx.day - day).days)
    return float(rows["value"][0]) if rows.height else None


def body_mass(ctx: Context) -> Mass | None:
    o = ctx.overrides
    rows = logged(ctx, "body_mass_kg", int(MASS_LOOKBACK.value(o)))
    if rows.height:
        day = rows["date"][-1]
        return Mass(float(rows["value"][-1]), day, (ctx.day - day).days <= MASS_FRESH.value(o))
    if ctx.profile.weight_kg:
        return Mass(float(ctx.profile.weight_kg), None, False)
    return None


def age(ctx: Context) -> int | None:
    return ctx.day.year - ctx.profile.birth_year if ctx.profile.birth_year else None


def notes(ctx: Context, days: int) -> str:
    """The notes of the last ``days`` days, lower-cased and joined."""
    if "notes" not in ctx.daily.columns:
        return ""
    return ctx.cached(("notes", days), lambda: " | ".join(  # type: ignore[no-any-return]
        str(n) for n in ctx.window(days)["notes"].to_list() if n is not None).lower())


def mentioned(text: str, keywords: Iterable[str], relatives: bool = False) -> bool:
    """True when a keyword starts a word in ``text``, is not negated just before it, and
    (unless ``relatives``) its sentence is not about a relative ("my dad has diabetes")."""
    low = text.lower()
    for word in keywords:
        for m in re.finditer(r"\b" + re.escape(word), low):
            before = low[max(0, m.start() - 9):m.start()]
            if any(before.endswith(neg) for neg in NEGATIONS):
                continue
            clause = re.split(r"[.;|!?\n]", low[:m.start()])[-1] + re.split(r"[.;|!?\n]", low[m.start():])[0]
            if relatives or not any(re.search(r"\b" + r, clause) for r in RELATIVES):
                return True
    return False


def mentions(ctx: Context, groups: Mapping[str, Sequence[str]], days: int,
             relatives: bool = False) -> list[str]:
    """Labels of the keyword groups that the notes of the last ``days`` days mention."""
    text = notes(ctx, days)
    return [label for label, words in groups.items() if text and mentioned(text, words, relatives)]


def symptom_days(ctx: Context, code: str, days: int, end_offset: int = 0) -> list[date]:
    if "symptoms" not in ctx.daily.columns:
        return []
    first, last = ctx.span(days, end_offset)
    return [d for d, codes in _symptom_codes(ctx) if first <= d <= last and code in codes]


def _symptom_codes(ctx: Context) -> list[tuple[date, set[str]]]:
    """(date, symptom codes) of every day of the table with symptoms entered."""
    def make() -> list[tuple[date, set[str]]]:
        pairs = zip(ctx.daily["date"].to_list(), ctx.daily["symptoms"].to_list(), strict=True)
        return [(d, {c.strip() for c in str(s).split(";")}) for d, s in pairs if s is not None]

    return ctx.cached("symptom_codes", make)  # type: ignore[no-any-return]


def flag_days(ctx: Context, column: str, days: int) -> list[date]:
    """Days of the window where a yes/no column is yes."""
    rows = logged(ctx, column, days)
    return [d for d, v in zip(rows["date"].to_list(), rows["value"].to_list(), strict=True) if v >= 1]


def checkin_days(ctx: Context, days: int) -> int:
    """Days of the window with any check-in answer (heaviness, fatigue, pain or symptoms)."""
    win = ctx.window(days)
    cols = [c for c in ("heaviness", "fatigue", "pain", "symptoms") if c in win.columns]
    if not cols:
        return 0
    answered = zip(*(win[c].to_list() for c in cols), strict=True)
    return sum(1 for answers in answered if any(a is not None for a in answers))


def latest_lab(ctx: Context, column: str) -> Lab | None:
    """The latest result of ``column`` within ``lab_ignore_after_days``, with its age."""
    o = ctx.overrides
    rows = logged(ctx, column, int(LAB_OLD.value(o)))
    if rows.height == 0:
        return None
    day = rows["date"][-1]
    age_days = (ctx.day - day).days
    return Lab(column, float(rows["value"][-1]), day, age_days, age_days <= LAB_FRESH.value(o))


def older_lab(ctx: Context, column: str) -> str:
    """A phrase naming a result too old to use, or ''."""
    rows = [(d, v) for d, v in zip(ctx.daily["date"].to_list(), num(ctx.daily, column).to_list(), strict=True)
            if v is not None]
    if not rows:
        return ""
    return f" (your last result, {rows[-1][1]:g} on {fmt_day(rows[-1][0])}, is too old to use)"


def persistent_fatigue(ctx: Context) -> Ind | None:
    """Fatigue or heaviness ≥ 6 on at least half of ≥ 7 logged days of the last 3 weeks,
    illness days left out (science.md C25)."""
    return ctx.cached("persistent_fatigue", lambda: _persistent_fatigue(ctx))  # type: ignore[no-any-return]


def _persistent_fatigue(ctx: Context) -> Ind | None:
    o = ctx.overrides
    days = int(TIRED_DAYS.value(o))
    win = ctx.window(days)
    worst = []  # the higher of fatigue and heaviness on each logged day without illness
    for ill, *answers in zip(num(win, "illness").to_list(), num(win, "fatigue").to_list(),
                             num(win, "heaviness").to_list(), strict=True):
        given = [a for a in answers if a is not None]
        if (ill or 0.0) < 1 and given:
            worst.append(max(given))
    if len(worst) < CHECKINS.value(o):
        return None
    tired = sum(1 for v in worst if v >= TIRED.value(o))
    if tired < TIRED_SHARE.value(o) * len(worst):
        return None
    ev = Evidence("tired_days_21d", tired, round(TIRED_SHARE.value(o) * len(worst), 1),
                  (ctx.day - timedelta(days=days - 1), ctx.day),
                  f"You rated fatigue or heaviness {TIRED.value(o):.0f}/10 or more on {tired} of "
                  f"{len(worst)} logged days in the last {days} days.")
    return "weak", min(1.0, tired / len(worst)), ev


def run_minutes_expr(acts: pl.DataFrame) -> pl.Expr:
    """Moving time, else elapsed time, in minutes (0 when neither)."""
    return (pl.coalesce(num_expr(acts, "moving_s"), num_expr(acts, "elapsed_s")) / 60).fill_null(0.0).alias("minutes")


def run_minutes(acts: pl.DataFrame) -> pl.Series:
    return acts.select(run_minutes_expr(acts)).to_series()


def runs_between(ctx: Context, first: date, last: date) -> pl.DataFrame:
    """Runs of the period with ``minutes`` and ``temp_c`` (null when not recorded)."""
    if ctx.acts.height == 0 or "is_run" not in ctx.acts.columns:
        return pl.DataFrame(schema={"local_date": pl.Date, "minutes": pl.Float64, "temp_c": pl.Float64})

    def make() -> pl.DataFrame:
        runs = date_window(td_runs(ctx), first, last, "local_date")
        return runs.with_columns(run_minutes_expr(runs), num_expr(runs, "temperature_c_mean").alias("temp_c"))

    return ctx.cached(("runs_between", first, last), make)  # type: ignore[no-any-return]


def score(indicators: Sequence[Ind]) -> float:
    """§4.2: weighted sum of (grade, strength, evidence), capped at 1."""
    return min(1.0, sum(GRADE_WEIGHT[g] * s for g, s, _ in indicators))


def fmt_day(d: date) -> str:
    return f"{d:%a %d %b}"


def fmt_minutes(minutes: float) -> str:
    m = int(round(minutes))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{m} min"
