"""Quantities typed by a person, with or without a unit, to the metric value stored.

Storage is metric (design.md); what a runner types may be in their own units. Each reader
takes the text and the unit a bare number means, and raises ``ValueError`` naming what
it saw when the text is not one of the accepted forms (the caller turns that into an
``InvalidInput`` listing them).

>>> mass_kg("160lb")
72.57477920000001
>>> round(pace_s_per_km("7:38/mi"), 1)
284.6
>>> round(fluid_l("64oz"), 3)
1.893
>>> length_cm("5'11\\"")
180.34
"""

from __future__ import annotations

import re
from collections.abc import Callable

from heavylegs.core.logschema import IMPERIAL_ALIASES, KG_PER_LB, L_PER_FL_OZ
from heavylegs.errors import InvalidInput

M_PER_MI = 1609.344
CM_PER_IN = 2.54

_NUMBER = r"(\d+(?:\.\d+)?|\.\d+)"
MASS_UNITS = {"kg": 1.0, "kgs": 1.0, "kilograms": 1.0, "lb": KG_PER_LB, "lbs": KG_PER_LB,
              "pounds": KG_PER_LB, "pound": KG_PER_LB}
FLUID_UNITS = {"l": 1.0, "litres": 1.0, "liters": 1.0, "litre": 1.0, "liter": 1.0, "ml": 0.001,
               "oz": L_PER_FL_OZ, "floz": L_PER_FL_OZ, "fl oz": L_PER_FL_OZ, "fl.oz": L_PER_FL_OZ}
LENGTH_UNITS = {"cm": 1.0, "in": CM_PER_IN, "inch": CM_PER_IN, "inches": CM_PER_IN, "m": 100.0}

MASS_FORMS = "a number of kg, or with a unit: 72.5kg, 160lb"
FLUID_FORMS = "a number of litres, or with a unit: 1.5l, 500ml, 64oz"
LENGTH_FORMS = "a number of cm, or with a unit: 180cm, 71in, 5'11\""
PACE_FORMS = "m:ss per km, or with a unit: 4:45/km, 7:38/mi"


def _with_unit(text: str, units: dict[str, float], bare: str) -> float:
    m = re.fullmatch(_NUMBER + r"\s*([a-z. ]*?)\s*", text.strip().lower())
    if m is None:
        raise ValueError(text)
    unit = m[2] or bare
    if unit not in units:
        raise ValueError(text)
    return float(m[1]) * units[unit]


def mass_kg(text: str, bare: str = "kg") -> float:
    """``72.5``, ``72.5kg``, ``160 lb`` → kg (a bare number is in ``bare``)."""
    return _with_unit(text, MASS_UNITS, bare)


def fluid_l(text: str, bare: str = "l") -> float:
    """``1.5``, ``1.5l``, ``500ml``, ``64oz``, ``64 fl oz`` → litres."""
    return _with_unit(text, FLUID_UNITS, bare)


def length_cm(text: str, bare: str = "cm") -> float:
    """``180``, ``180cm``, ``71in``, ``5'11"``, ``5ft 11in`` → cm."""
    feet = re.fullmatch(r"\s*(\d+)\s*(?:'|ft|feet)\s*(?:(\d+(?:\.\d+)?)\s*(?:\"|in|inches)?)?\s*", text.lower())
    if feet:
        return (int(feet[1]) * 12 + float(feet[2] or 0)) * CM_PER_IN
    return _with_unit(text, LENGTH_UNITS, bare)


def pace_s_per_km(text: str, bare: str = "km") -> float:
    """``4:05``, ``4:05/km``, ``7:38/mi``, ``7:38 min/mi`` → seconds per km (seconds may
    carry decimals: ``4:44.6``)."""
    m = re.fullmatch(r"\s*(\d{1,2}):([0-5]\d(?:\.\d+)?)\s*(?:(?:min)?\s*/\s*(km|mi|mile))?\s*", text.lower())
    if m is None:
        raise ValueError(text)
    seconds = int(m[1]) * 60 + float(m[2])
    unit = m[3] or bare
    return seconds * 1000 / M_PER_MI if unit in ("mi", "mile") else seconds


def pace_text(seconds_per_km: float) -> str:
    """Seconds per km as stored: ``4:45`` or ``4:44.6``."""
    minutes, seconds = divmod(round(seconds_per_km, 1), 60)
    whole = seconds == int(seconds)
    return f"{int(minutes)}:{int(seconds):02d}" if whole else f"{int(minutes)}:{seconds:04.1f}"


DISTANCE_UNITS = {"km": 1.0, "mi": M_PER_MI / 1000, "mile": M_PER_MI / 1000, "miles": M_PER_MI / 1000}
DISTANCE_FORMS = "a distance such as 500km or 300mi (a bare number is in your units)"


def distance_km(text: str, bare: str = "km") -> float:
    """``500``, ``500km``, ``300mi``, ``300 miles`` → km (a bare number is in ``bare``)."""
    return _with_unit(text, DISTANCE_UNITS, bare)


# -- daily-log values typed with a unit ------------------------------------------------------
# Columns whose values may be typed with a unit (``64oz``, ``160lb``): suffix -> reader.
UNIT_READERS: dict[str, Callable[[str, str], float]] = {"_kg": mass_kg, "_l": fluid_l}
UNIT_FORMS = {"_kg": MASS_FORMS, "_l": FLUID_FORMS}


def log_text(key: str, text: str, bare: str | None = None) -> str:
    """``text`` typed for column ``key`` as the metric number stored (``64oz`` → ``1.893``
    for ``fluid_l``); unchanged for columns without a unit, or a bare metric number.
    Raises ValueError when a unit is there but not one ``key`` accepts."""
    suffix = next((s for s in UNIT_READERS if key.endswith(s)), None)
    if suffix is None or (bare is None and not re.search(r"[a-zA-Z]", text)):
        return text
    value = UNIT_READERS[suffix](text, bare) if bare else UNIT_READERS[suffix](text)
    return f"{round(value, 3):g}"


def log_with_unit(key: str, value: str) -> tuple[str, str]:
    """A ``--set`` value typed with a unit (``fluid_l=64oz``, ``body_mass_lb=72kg``) as
    the metric column and number; others unchanged."""
    metric = IMPERIAL_ALIASES[key][0] if key in IMPERIAL_ALIASES else key
    if not re.search(r"[a-zA-Z]", value) or not any(metric.endswith(s) for s in UNIT_READERS):
        return key, value
    try:
        return metric, log_text(metric, value)
    except ValueError:
        suffix = next(s for s in UNIT_READERS if metric.endswith(s))
        raise InvalidInput(key, value, UNIT_FORMS[suffix]) from None


def log_shown(key: str, text: str, units: str | None = None) -> str:
    """``key value`` as the runner reads it: an imperial runner's fluids and masses in
    their imperial column and unit (``fluid_oz 64``), else as stored."""
    alias = next((a for a, (m, _) in IMPERIAL_ALIASES.items() if m == key), None)
    if units != "imperial" or alias is None or text == "":
        return f"{key} {text}"
    try:
        number = float(text) / IMPERIAL_ALIASES[alias][1]
    except ValueError:
        return f"{key} {text}"
    return f"{alias} {number:.0f}" if alias.endswith("_oz") else f"{alias} {number:.1f}"
