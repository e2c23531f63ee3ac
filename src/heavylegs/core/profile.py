"""The runner's profile: the values a user sets, validated, and the values estimated from
data when not set (science.md §1.1).

>>> parse_setting("threshold_pace", "4:05")
245.0
>>> parse_setting("sex", "F")
'female'
>>> normalize("weight", "160lb"), normalize("threshold_pace", "7:38/mi")
(('weight_kg', '72.57'), ('threshold_pace', '4:44.6'))
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from heavylegs.core import quantity
from heavylegs.errors import InvalidInput

PHASES = ("off-season", "base", "build", "peak", "taper")
SEXES = {"female": "female", "f": "female", "male": "male", "m": "male", "other": "other"}

# key -> (kind, lo, hi, accepted text)
KEYS: dict[str, tuple[str, float, float, str]] = {
    "sex": ("sex", 0, 0, "female, male, other"),
    "birth_year": ("int", 1900, 2030, "a year, 1900-2030"),
    "weight_kg": ("mass", 25, 250, "kilograms 25-250 (55-551 lb): 72.5, 72.5kg or 160lb"),
    "height_cm": ("length", 100, 250, "centimetres 100-250 (39-98 in): 180, 180cm, 71in or 5'11\""),
    "max_hr": ("int", 120, 230, "bpm, 120-230"),
    "resting_hr": ("int", 25, 120, "bpm, 25-120"),
    "lthr": ("int", 100, 220, "bpm, 100-220"),
    "threshold_pace": ("pace", 120, 900, "m:ss per km 2:00-15:00 (3:13-24:08 per mile): 4:45, 4:45/km or 7:38/mi"),
    "sleep_need_h": ("float", 7, 9, "hours, 7-9"),
    "phase": ("enum", 0, 0, ", ".join(PHASES)),
    "units": ("enum", 0, 0, "metric, imperial"),
    "timezone": ("text", 0, 0, "an IANA time zone such as Europe/Berlin"),
}
ENUMS = {"phase": PHASES, "units": ("metric", "imperial")}
# Other names a runner may use for a key, and the unit a bare number then means.
ALIASES: dict[str, tuple[str, str | None]] = {
    "weight": ("weight_kg", None), "body_mass": ("weight_kg", None), "body_mass_kg": ("weight_kg", None),
    "weight_lb": ("weight_kg", "lb"), "body_mass_lb": ("weight_kg", "lb"),
    "height": ("height_cm", None), "height_in": ("height_cm", "in"),
}

DEFAULT_SLEEP_NEED_H = 8.0  # Watson 2015; Hirshkowitz 2015 (science.md §4.1)
DEFAULT_MAX_HR = 190.0
DEFAULT_RESTING_HR = 60.0
LTHR_HRR_FRACTION = 0.85  # LTHR ≈ HRrest + 0.85 × (HRmax − HRrest) [heuristic, Elevate]
MAX_HR_PERCENTILE = 99.5  # high percentile of HR time, science.md §1.1


def _number(kind: str, value: str, bare: str | None) -> float:
    if kind == "pace":
        return quantity.pace_s_per_km(value)
    if kind == "mass":
        return quantity.mass_kg(value, bare or "kg")
    if kind == "length":
        return quantity.length_cm(value, bare or "cm")
    return float(value)


def canonical_key(key: str) -> str:
    """The stored key of ``key`` (an alias such as ``weight`` or ``weight_lb`` → ``weight_kg``)."""
    return ALIASES.get(key, (key, None))[0]


def parse_setting(key: str, raw: str) -> object:
    """Validate and convert one ``KEY=VALUE`` (a key or one of its :data:`ALIASES`) to
    its metric value; raise InvalidInput naming what is accepted."""
    typed = key
    key, bare = ALIASES.get(key, (key, None))
    if key not in KEYS:
        raise InvalidInput("profile key", key, ", ".join([*KEYS, *ALIASES]))
    kind, lo, hi, accepted = KEYS[key]
    value = raw.strip()
    try:
        if kind == "sex":
            return SEXES[value.lower()]
        if kind == "enum":
            if value.lower() not in ENUMS[key]:
                raise ValueError(value)
            return value.lower()
        if kind == "text":
            if not value:
                raise ValueError(value)
            return value
        number = _number(kind, value, bare)
        if kind == "int" and number != int(number):
            raise ValueError(value)
    except (ValueError, KeyError):
        raise InvalidInput(typed, raw, accepted) from None
    if not lo <= number <= hi:
        raise InvalidInput(typed, raw, accepted)
    return int(number) if kind == "int" else number


def normalize(key: str, raw: str) -> tuple[str, str]:
    """``(stored key, stored text)`` of one setting: metric, whatever units it was typed
    in (``weight=160lb`` → ``weight_kg``, ``72.57``; ``threshold_pace=7:38/mi`` → ``4:44.6``
    per km). Raises InvalidInput like :func:`parse_setting`."""
    value = parse_setting(key, raw)
    key = canonical_key(key)
    kind = KEYS[key][0]
    if kind == "pace":
        return key, quantity.pace_text(float(value))  # type: ignore[arg-type]
    if kind in ("mass", "length"):
        return key, f"{round(float(value), 2):g}"  # type: ignore[arg-type]
    return key, raw.strip()


@dataclass(frozen=True, slots=True)
class Profile:
    """Resolved profile: every value the engine needs, and which of them were estimated."""

    sex: str | None = None
    birth_year: int | None = None
    weight_kg: float | None = None
    max_hr: float = DEFAULT_MAX_HR
    resting_hr: float = DEFAULT_RESTING_HR
    lthr: float = 0.0
    threshold_pace_s_km: float | None = None
    sleep_need_h: float = DEFAULT_SLEEP_NEED_H
    phase: str | None = None
    units: str = "metric"
    timezone: str | None = None
    estimated: dict[str, str] = field(default_factory=dict)  # key -> how it was estimated


# The resolved values `profile show` and `why` both report, with their unit.
RESOLVED_UNITS: dict[str, str] = {"max_hr": "bpm", "resting_hr": "bpm", "lthr": "bpm", "sleep_need_h": "h"}


def origins(p: Profile, stored: Mapping[str, str]) -> dict[str, tuple[float, str]]:
    """Each resolved value (rounded as shown) and where it came from: "set by you" or the
    estimate's description."""
    return {key: (round(float(getattr(p, key)), 1),
                  "set by you" if key in stored else f"estimated: {p.estimated.get(key, 'default')}")
            for key in RESOLVED_UNITS}


def describe(p: Profile, stored: Mapping[str, str]) -> list[str]:
    """One line per resolved value, e.g. ``resting HR 51 bpm (median of ... (Garmin))``."""
    labels = {"max_hr": "max HR", "resting_hr": "resting HR", "lthr": "LTHR", "sleep_need_h": "sleep need"}
    return [f"{labels[k]} {value:g} {RESOLVED_UNITS[k]} ({how})" for k, (value, how) in origins(p, stored).items()]


def max_hr_from_histogram(hist: Sequence[int], min_seconds: int = 600) -> float | None:
    """The 99.5th percentile of time-at-HR (seconds at each whole bpm), or None with under
    ``min_seconds`` of HR."""
    cumulative = list(accumulate(int(v) for v in hist))
    total = cumulative[-1] if cumulative else 0
    if total < min_seconds:
        return None
    return float(bisect_left(cumulative, total * MAX_HR_PERCENTILE / 100.0))


def resolve(stored: Mapping[str, str], *, hr_hist_12m: Sequence[int] | None,
            resting_hr_7d_median: float | None, age: int | None,
            observed_max_hr: float | None = None, resting_hr_from: str = "your log") -> Profile:
    """Profile from the stored settings, filling gaps with estimates (and saying so).
    ``resting_hr_from`` names where the resting HRs of the median came from."""
    values = {k: parse_setting(k, v) for k, v in stored.items() if k in KEYS}
    est: dict[str, str] = {}
    max_hr = values.get("max_hr")
    if max_hr is None:
        observed = max_hr_from_histogram(hr_hist_12m) if hr_hist_12m is not None else None
        if observed_max_hr is not None and (observed is None or observed_max_hr >= observed):
            max_hr = round(observed_max_hr)
            est["max_hr"] = "highest 5-second heart rates of the last 12 months (median of the top 3 sessions)"
        elif observed is not None:
            max_hr, est["max_hr"] = observed, "99.5th percentile of heart rate, last 12 months"
        elif age is not None:
            max_hr, est["max_hr"] = 208 - 0.7 * age, "208 − 0.7 × age (Tanaka 2001)"
        else:
            max_hr, est["max_hr"] = DEFAULT_MAX_HR, "default (no heart-rate data or age)"
    resting = values.get("resting_hr")
    if resting is None:
        if resting_hr_7d_median is not None:
            resting = resting_hr_7d_median
            est["resting_hr"] = f"median of the last 7 daily resting HRs ({resting_hr_from})"
        else:
            resting, est["resting_hr"] = DEFAULT_RESTING_HR, "default (no resting HR logged or from a device)"
    if "sleep_need_h" not in values:
        est["sleep_need_h"] = f"default {DEFAULT_SLEEP_NEED_H:g} h (adults 7-9 h; set yours)"
    lthr = values.get("lthr")
    if lthr is None:
        lthr = float(resting) + LTHR_HRR_FRACTION * (float(max_hr) - float(resting))
        est["lthr"] = "resting HR + 0.85 × heart-rate reserve"
    return Profile(
        sex=values.get("sex"), birth_year=values.get("birth_year"),  # type: ignore[arg-type]
        weight_kg=values.get("weight_kg"), max_hr=float(max_hr), resting_hr=float(resting),  # type: ignore[arg-type]
        lthr=float(lthr), threshold_pace_s_km=values.get("threshold_pace"),  # type: ignore[arg-type]
        sleep_need_h=float(values.get("sleep_need_h", DEFAULT_SLEEP_NEED_H)),  # type: ignore[arg-type]
        phase=values.get("phase"), units=str(values.get("units", "metric")),  # type: ignore[arg-type]
        timezone=values.get("timezone"), estimated=est,  # type: ignore[arg-type]
    )
