"""Nutrition apps' exports: Cronometer (daily summary and servings) and MyFitnessPal.

Cronometer, Account → Export Data: "Daily Nutrition" (``dailysummary.csv``, one row a
day: ``Date``, ``Energy (kcal)``, ``Alcohol (g)``, ``Caffeine (mg)``, ``Water (g)``, ...,
``Carbs (g)``, ``Fat (g)``, ``Protein (g)``, ``Sodium (mg)``, ``Iron (mg)``, ...,
``Completed``) and "Food & Recipe Entries" (``servings.csv``, one row a food: ``Day``,
``Time``, ``Group`` (Breakfast, Lunch, Dinner, Snacks or a custom name), ``Food Name``,
``Amount``, then the same nutrient columns, ``Category``). Cronometer writes a row of
zeros for a day nothing was logged; such a day is skipped. ``Water (g)`` (water in food and
drinks) becomes ``fluid_l``; an account set to kilojoules writes ``Energy (kJ)``.

MyFitnessPal (Premium, Settings → Export Data): ``Nutrition-Summary-*.csv``, one row per
meal per day (or per food entry when it has a ``Time`` column): ``Date``, ``Meal``,
[``Time``,] ``Calories``, ``Fat (g)``, ``Saturated Fat``, ..., ``Sodium (mg)``,
``Potassium``, ``Carbohydrates (g)``, ``Fiber``, ``Sugar``, ``Protein (g)``, ``Vitamin
A``, ``Vitamin C``, ``Calcium``, ``Iron``, ``Note``. Its vitamin and mineral columns are a
percentage of the daily value, not a mass, so ``Iron`` is not read.

Per-row files are added up per day; protein per meal becomes ``protein_meals_g`` in meal
order (Breakfast, Lunch, Dinner, Snacks, then other meal names as they first appear),
leaving out meals with no protein logged. A bad cell leaves that column out for its whole
day (a partial sum would be wrong) and is reported.

>>> from heavylegs.importers.wellness_csv import parse
>>> text = ("Date,Meal,Calories,Protein (g)\\n2024-05-01,Dinner,700,41\\n"
...         "2024-05-01,Breakfast,450,22\\n2024-05-01,Lunch,600,30\\n")
>>> values = parse(text.encode(), "mfp.csv", "mfp-nutrition").daily_values
>>> [(v.column, v.value) for v in values]
[('energy_kcal', 1750.0), ('protein_g', 93.0), ('protein_meals_g', '22;30;41')]
>>> values[-1].detail
'breakfast 22 g; lunch 30 g; dinner 41 g'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from heavylegs.importers.wellness_csv import LIMITS, Field, Job, Row, fields

__all__ = ["NAMES", "kind_of", "read"]

CRONOMETER_SPEC: dict[str, tuple[str, ...]] = {
    "energy_kcal": ("energy (kcal)", "energy (kj)"),
    "carbs_g": ("carbs (g)", "carbohydrates (g)"),
    "protein_g": ("protein (g)",),
    "fat_g": ("fat (g)",),
    "sodium_mg": ("sodium (mg)",),
    "iron_mg": ("iron (mg)",),
    "fluid_l": ("water (g)",),
}
MFP_SPEC: dict[str, tuple[str, ...]] = {
    "energy_kcal": ("calories", "calories (kcal)"),
    "carbs_g": ("carbohydrates (g)", "carbohydrates"),
    "protein_g": ("protein (g)", "protein"),
    "fat_g": ("fat (g)", "fat"),
    "sodium_mg": ("sodium (mg)", "sodium"),
}
NAMES = frozenset({n for spec in (CRONOMETER_SPEC, MFP_SPEC) for names in spec.values()
                   for n in names} | {"group", "food name", "meal", "completed"})
MEAL_ORDER = {"breakfast": 0, "lunch": 1, "dinner": 2, "snack": 3, "snacks": 3}
_UNIT = re.compile(r"\(([^)]*)\)$")
_KJ_PER_KCAL = 4.184


def kind_of(keys: set[str]) -> str | None:
    """``cronometer-servings``, ``cronometer-daily``, ``mfp-nutrition`` or None."""
    if {"day", "group", "food name"} <= keys:
        return "cronometer-servings"
    energy = bool(keys & {"energy (kcal)", "energy (kj)"})
    macros = bool(keys & {"protein (g)", "carbs (g)", "fat (g)"})
    if "date" in keys and energy and macros and not keys & {"meal", "group"}:
        return "cronometer-daily"
    if {"date", "meal", "calories"} <= keys:
        return "mfp-nutrition"
    return None


def _unit(name: str) -> tuple[float, str, bool]:
    if name == "energy (kj)":
        return 1 / _KJ_PER_KCAL, "kJ", False
    if name == "water (g)":
        return 0.001, "g", False
    match = _UNIT.search(name)
    return 1.0, match.group(1) if match else "", False


# --- one row a day ------------------------------------------------------------------------


def _read_daily(job: Job, items: list[Field], date_index: int) -> None:
    seen: dict[date, int] = {}
    empty = 0
    for row in job.rows():
        day = job.day(row, date_index)
        if day is None:
            continue
        values = {item.column: job.number(row, item) for item in items}
        if not any(isinstance(v, float) and v > 0 for v in values.values()) and all(
                v is None or isinstance(v, float) for v in values.values()):
            empty += 1
            continue
        if day in seen:
            job.warnings.append(f"{job.table.path}: date {day} is on lines {seen[day]} and "
                                f"{row.line}; using line {row.line}")
            job.forget(day)
        seen[day] = row.line
        for item in items:
            value = values[item.column]
            if isinstance(value, float):
                job.add(day, item.column, value, f"Cronometer daily summary: {item.name}")
    if empty:
        job.warnings.append(f"{job.table.path}: {empty} day(s) with nothing logged skipped")


# --- one row a meal or food -----------------------------------------------------------------


@dataclass
class _Tally:
    """What one day's rows add up to."""

    sums: dict[str, float] = field(default_factory=dict)
    bad: set[str] = field(default_factory=set)
    meals: dict[str, float] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)


def _tally(job: Job, row: Row, items: list[Field], meal: str, tally: _Tally) -> None:
    tally.lines.append(row.line)
    for item in items:
        value = job.number(row, item)
        if value is None:
            continue
        if not isinstance(value, float):
            tally.bad.add(item.column)
            continue
        tally.sums[item.column] = tally.sums.get(item.column, 0.0) + value
        if item.column == "protein_g":
            tally.meals[meal] = tally.meals.get(meal, 0.0) + value


def format_grams(value: float) -> str:
    return f"{round(value, 1):g}"


def _meals(meals: dict[str, float]) -> tuple[str, str] | None:
    """``protein_meals_g`` and its detail, in meal order; None when no meal has protein."""
    first_seen = list(meals)
    order = sorted((m for m, grams in meals.items() if grams > 0),
                   key=lambda m: (MEAL_ORDER.get(m.lower(), len(MEAL_ORDER)), first_seen.index(m)))
    if not order:
        return None
    value = ";".join(format_grams(meals[m]) for m in order)
    detail = "; ".join(f"{m.lower()} {format_grams(meals[m])} g" for m in order)
    return value, detail


def _emit(job: Job, day: date, tally: _Tally, items: list[Field], unit: str) -> None:
    rows = f"sum of {len(tally.lines)} {unit}{'s' if len(tally.lines) != 1 else ''}"
    for item in items:
        total = tally.sums.get(item.column)
        if item.column in tally.bad or total is None:
            continue
        limit = LIMITS[item.column]
        if total > limit.hi:
            job.errors.append(
                f"{job.table.path}:{tally.lines[0]}-{tally.lines[-1]}: {day}: the day's "
                f'"{item.name}" adds up to {total:g} {limit.unit}, out of range (accepted: '
                f"{limit.lo:g}-{limit.hi:g} {limit.unit} a day)")
            tally.bad.add(item.column)
            continue
        job.add(day, item.column, total, rows)
    found = _meals(tally.meals) if "protein_g" not in tally.bad else None
    if found is not None:
        job.add(day, "protein_meals_g", found[0], found[1])


def _read_entries(job: Job, items: list[Field], day_index: int, meal_index: int | None,
                  unit: str) -> None:
    days: dict[date, _Tally] = {}
    for row in job.rows():
        day = job.day(row, day_index)
        if day is not None:
            meal = row.text(meal_index) or "Uncategorized"
            _tally(job, row, items, meal, days.setdefault(day, _Tally()))
    for day, tally in days.items():
        _emit(job, day, tally, items, unit)


def read(job: Job) -> None:
    """Add the daily values of a Cronometer or MyFitnessPal export."""
    table = job.table
    if job.kind == "mfp-nutrition":
        items = fields(table, MFP_SPEC, _unit)
        day_index, meal_index, unit = table.find("date"), table.find("meal"), "meal row"
    else:
        items = fields(table, CRONOMETER_SPEC, _unit)
        day_index, meal_index, unit = table.find("day", "date"), table.find("group"), "food"
    if day_index is None:
        job.errors.append(f"{table.path}: no Date or Day column (accepted: the app's export)")
    elif job.kind == "cronometer-daily":
        _read_daily(job, items, day_index)
    else:
        _read_entries(job, items, day_index, meal_index, unit)
