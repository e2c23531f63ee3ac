"""Named thresholds: every number a cause or rule compares against, with its unit and
source, so a runner or coach can see and change it.

>>> s = Setting("spike_note_pct", 10.0, "%", "Garmin-RUNSAFE 2025")
>>> s.value({"spike_note_pct": 15.0}), s.value({})
(15.0, 10.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: float
    unit: str
    source: str
    help: str = ""

    def value(self, overrides: Mapping[str, float]) -> float:
        return float(overrides.get(self.name, self.default))


REGISTRY: dict[str, Setting] = {}


def register(*settings: Setting) -> tuple[Setting, ...]:
    """Add settings to the registry (names are unique across heavylegs)."""
    for s in settings:
        if s.name in REGISTRY and REGISTRY[s.name] != s:
            raise ValueError(f"setting {s.name} registered twice")
        REGISTRY[s.name] = s
    return settings
