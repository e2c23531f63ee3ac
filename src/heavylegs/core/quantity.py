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

KG_PER_LB = 0.45359237
L_PER_FL_OZ = 0.0295735295625
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
