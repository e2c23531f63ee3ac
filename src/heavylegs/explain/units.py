"""The runner's units at the last step: storage, the engine and the answer JSON are metric
(SI, with the unit in the key name); what a person reads is converted here, when the
profile says ``units=imperial``.

Two tools:

* number formatters for new display code (:func:`distance`, :func:`mass`, :func:`pace`, ...),
  each taking the metric value and the runner's units;
* :func:`sentence`, which rewrites the quantities inside the engine's sentences. It knows
  the patterns the causes, plan, triage and report actually write (surveyed from every
  f-string with a unit in ``causes/``, ``explain/`` and ``triage/``): ``12.3 km``,
  ``500-800 km``, ``40 → 45 km``, ``6:31/km``, ``71.1 kg``, ``1.6 L``/``litres``,
  ``208 m`` of descent, ``8.5 cm``, ``25 °C``, ``km/h``, ``m/km``, and the per-body-mass
  ratios ``g/kg``, ``kcal/kg``, ``g of protein per kg``, ``L for every kg`` (converted to
  per lb: runners in the US are told "grams per pound"), and the daily-log column names
  with a unit (``body_mass_kg`` → ``body_mass_lb``, the imperial variants the log accepts).
  A number's decimals are kept where the units are of a similar size (km → mi, kg → lb,
  °C → °F) and chosen by size otherwise (L → fl oz, m → ft: whole numbers).

Metric text passes through unchanged (``units="metric"``), so metric output is byte for
byte what the engine wrote. :func:`localize` applies :func:`sentence` to every text of an
answer (its JSON dict or the :class:`~heavylegs.explain.answer.Answer` value), leaving ids,
metric names and dates alone: what the terminal, the report and the web pages call.

>>> sentence("Next week: at most 52 km in total.", "imperial")
'Next week: at most 32 mi in total.'
>>> sentence("You weighed 71.1 kg at 6:31/km and 25 °C", "imperial")
'You weighed 156.7 lb at 10:29/mi and 77 °F'
>>> sentence("at most 8.9 km", "metric")
'at most 8.9 km'
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

from heavylegs.core.logschema import IMPERIAL_ALIASES, KG_PER_LB, L_PER_FL_OZ

METRIC, IMPERIAL = "metric", "imperial"
M_PER_MI = 1609.344
M_PER_FT = 0.3048
CM_PER_IN = 2.54
LB_PER_KG = 1 / KG_PER_LB
FL_OZ_PER_L = 1 / L_PER_FL_OZ
L_PER_QUART = 0.946352946

T = TypeVar("T")


def is_imperial(units: str | None) -> bool:
    return units == IMPERIAL


# -- formatters for display code ----------------------------------------------------------
def distance(metres: float, units: str | None, decimals: int = 1) -> str:
    """``12.3 km`` or ``7.6 mi``."""
    if is_imperial(units):
        return f"{metres / M_PER_MI:.{decimals}f} mi"
    return f"{metres / 1000:.{decimals}f} km"


def distance_value(metres: float, units: str | None) -> float:
    """A distance in km or miles (for tables and charts, whose header names the unit)."""
    return metres / (M_PER_MI if is_imperial(units) else 1000.0)


def distance_unit(units: str | None) -> str:
    return "mi" if is_imperial(units) else "km"


def km_value(km: float, units: str | None) -> float:
    """A value stored in km (gear) in the runner's distance unit."""
    return km * 1000.0 / M_PER_MI if is_imperial(units) else km


def mass(kg: float, units: str | None, decimals: int = 1) -> str:
    if is_imperial(units):
        return f"{kg * LB_PER_KG:.{decimals}f} lb"
    return f"{kg:.{decimals}f} kg"


def fluid(litres: float, units: str | None) -> str:
    if is_imperial(units):
        return f"{litres * FL_OZ_PER_L:.0f} fl oz"
    return f"{litres:.1f} L"


def elevation(metres: float, units: str | None) -> str:
    return f"{metres / M_PER_FT:.0f} ft" if is_imperial(units) else f"{metres:.0f} m"


def temperature(celsius: float, units: str | None, decimals: int = 0) -> str:
    if is_imperial(units):
        return f"{celsius * 9 / 5 + 32:.{decimals}f} °F"
    return f"{celsius:.{decimals}f} °C"


def pace(seconds_per_km: float, units: str | None) -> str:
    """``5:33/km`` or ``8:56/mi``."""
    per, unit = (seconds_per_km * M_PER_MI / 1000, "mi") if is_imperial(units) else (seconds_per_km, "km")
    sec = round(per)
    return f"{sec // 60}:{sec % 60:02d}/{unit}"


# -- sentences ------------------------------------------------------------------------------
_NUM = r"\d[\d,]*(?:\.\d+)?"
_SEP = r"\s?(?:-|–|→|to)\s?"
_RANGE = rf"(?<![\w.:/])(?P<a>{_NUM})(?:(?P<sep>{_SEP})(?P<b>{_NUM}))?"


def _decimals(text: str) -> int:
    return len(text.partition(".")[2])


def _fmt(value: float, decimals: int, grouped: bool) -> str:
    return f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"


Scale = Callable[[float], float]


def _number(text: str, scale: Scale, decimals: int | None) -> str:
    value = scale(float(text.replace(",", "")))
    places = _decimals(text) if decimals is None else decimals
    if decimals is None and abs(value) < 1 and places == 0 and value != 0:
        places = 1  # 1 g/kg is 0.5 g/lb, not 0
    return _fmt(value, places, "," in text or (abs(value) >= 1000 and places == 0))


def _ratio_decimals(text: str, scale: Scale) -> int:
    """Decimals for a value that shrinks (per kg → per lb): two significant figures (at
    most two decimals), or the source's decimals if it had more."""
    value = abs(scale(float(text.replace(",", ""))))
    figures = 0 if value >= 9.95 else 1 if value >= 0.995 else 2
    return min(2, max(_decimals(text), figures))


def _range(m: re.Match[str], scale: Scale, decimals: int | None, ratio: bool) -> str:
    """The match's number or range, converted; a range's ends share their decimals."""
    ends = [m["a"]] if m["b"] is None else [m["a"], m["b"]]
    places = (min(_ratio_decimals(t, scale) for t in ends) if ratio else decimals)
    out = [_number(t, scale, places) for t in ends]
    return out[0] if len(out) == 1 else out[0] + m["sep"] + out[1]


def _quantity(unit_re: str, unit: str, scale: Scale, decimals: int | None = None,
              ratio: bool = False) -> tuple[re.Pattern[str], Callable[[re.Match[str]], str]]:
    """A rule for ``N unit`` and ``N-M unit`` (also ``N → M``, ``N to M``)."""
    pattern = re.compile(rf"{_RANGE}(?P<gap>\s?){unit_re}")

    def convert(m: re.Match[str]) -> str:
        return _range(m, scale, decimals, ratio) + (m["gap"] or " ") + unit

    return pattern, convert


def _pace_rule() -> tuple[re.Pattern[str], Callable[[re.Match[str]], str]]:
    pattern = re.compile(r"(?<![\d:])(\d{1,2}):([0-5]\d)\s?(?:min\s?)?/\s?km\b|(?<![\d:])(\d{1,2}):([0-5]\d) min per km\b")

    def convert(m: re.Match[str]) -> str:
        minutes, seconds = (m[1], m[2]) if m[1] is not None else (m[3], m[4])
        per_mi = round((int(minutes) * 60 + int(seconds)) * M_PER_MI / 1000)
        return f"{per_mi // 60}:{per_mi % 60:02d}/mi"

    return pattern, convert


def _f(c: float) -> float:
    return c * 9 / 5 + 32


def _words(table: dict[str, str]) -> tuple[re.Pattern[str], Callable[[re.Match[str]], str]]:
    pattern = re.compile(r"\b(" + "|".join(sorted(table, key=len, reverse=True)) + r")\b")
    return pattern, lambda m: table[m[1]]


_COLUMNS = {metric: alias for alias, (metric, _factor) in IMPERIAL_ALIASES.items()}
_COLUMNS["weight_kg"] = "weight_lb"

RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # Both units already written (the fever question): keep the °F one.
    (re.compile(rf"{_NUM}\s?°C\s?/\s?(?P<f>{_NUM}\s?°F)"), lambda m: m["f"]),
    (re.compile(rf"(?P<f>{_NUM}\s?°F)\s?/\s?{_NUM}\s?°C"), lambda m: m["f"]),
    _words(_COLUMNS),
    _pace_rule(),
    _quantity(r"m/km\b", "ft/mi", lambda v: v / M_PER_FT * M_PER_MI / 1000, 0),
    _quantity(r"km/h\b", "mph", lambda v: v * 1000 / M_PER_MI),
    _quantity(r"(?:L|l|litres?|liters?) for every kg\b", "fl oz for every lb",
              lambda v: v * FL_OZ_PER_L / LB_PER_KG, 0),
    _quantity(r"mg per (?:litre|liter|L)\b", "mg per quart", lambda v: v * L_PER_QUART, 0),
    _quantity(r"g/kg\b", "g/lb", lambda v: v / LB_PER_KG, ratio=True),
    _quantity(r"kcal/kg\b", "kcal/lb", lambda v: v / LB_PER_KG, ratio=True),
    _quantity(r"kcal per kg\b", "kcal per lb", lambda v: v / LB_PER_KG, ratio=True),
    _quantity(r"g per kg\b", "g per lb", lambda v: v / LB_PER_KG, ratio=True),
    (re.compile(rf"{_RANGE} g of (?P<what>[a-z]+) per kg\b"),
     lambda m: _range(m, lambda v: v / LB_PER_KG, None, True) + f" g of {m['what']} per lb"),
    _quantity(r"(?:km|kilomet(?:re|er)s?)\b", "mi", lambda v: v * 1000 / M_PER_MI),
    _quantity(r"(?:kg|kilograms?)\b", "lb", lambda v: v * LB_PER_KG),
    _quantity(r"(?:L|l|litres?|liters?)(?=/h\b|\b)", "fl oz", lambda v: v * FL_OZ_PER_L, 0),
    _quantity(r"ml\b", "fl oz", lambda v: v * FL_OZ_PER_L / 1000, 1),
    _quantity(r"cm\b", "in", lambda v: v / CM_PER_IN, 1),
    _quantity(r"(?:m|metres?|meters?)(?![/\w²])", "ft", lambda v: v / M_PER_FT, 0),
    _quantity(r"°C", "°F", _f),
    # What is left without a number before it: the unit words alone.
    _words({"litres": "fl oz", "litre": "fl oz", "liters": "fl oz", "liter": "fl oz", "kilometres": "miles",
            "kilometers": "miles", "kilograms": "pounds", "kilogram": "pound", "per kg": "per lb",
            "/km": "/mi", "km": "miles", "kg": "lb"}),
)


def sentence(text: str, units: str | None) -> str:
    """``text`` with its quantities in the runner's ``units`` (unchanged for metric)."""
    if not is_imperial(units) or not text:
        return text
    for pattern, convert in RULES:
        text = pattern.sub(convert, text)
    return text


# -- whole answers ----------------------------------------------------------------------------
# Keys that name things (ids, metric names, dates) rather than say them: never rewritten.
NAMES = frozenset({"schema", "date", "cause", "metric", "tier", "role", "confidence", "codes", "window",
                   "kind", "id", "order", "legs", "answers"})


def localize(value: T, units: str | None) -> T:
    """``value`` (an answer's JSON, an Answer, a list of them, a string) with every text
    in the runner's units. Metric: ``value`` itself."""
    if not is_imperial(units):
        return value
    return _walk(value, units)  # type: ignore[no-any-return]


def _walk(value: Any, units: str | None) -> Any:
    if isinstance(value, str):
        return sentence(value, units)
    if isinstance(value, dict):
        return {k: v if k in NAMES else _walk(v, units) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_walk(v, units) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), units) for f in dataclasses.fields(value)
                   if f.name not in NAMES}
        return dataclasses.replace(value, **changes)
    return value


# -- profile values -----------------------------------------------------------------------------
def profile_value(key: str, value: object, units: str | None) -> tuple[str, str]:
    """(label, text) of one stored profile value as `profile show` prints it: metric keys
    and values unchanged; for an imperial runner weight in lb, height in ft and in, and
    threshold pace per mile."""
    text = "-" if value is None else str(value)
    if not is_imperial(units):
        return key, text
    if value is None:
        return {"weight_kg": "weight", "height_cm": "height"}.get(key, key), text
    from heavylegs.core import quantity

    try:
        if key == "weight_kg":
            return "weight", mass(float(text), units)
        if key == "height_cm":
            inches = round(float(text) / CM_PER_IN)
            return "height", f"{inches // 12} ft {inches % 12} in"
        if key == "threshold_pace":
            return key, pace(quantity.pace_s_per_km(text), units)
    except ValueError:
        return key, text
    return key, sentence(text, units)
