"""The name a FIT file gives its activity: the workout's name when the file was recorded
from one (``workout.wkt_name``), else the device's activity profile (``sport.name``, e.g.
"Trail Run", "Race", "Stryd Running") when the file has exactly one. Devices pad the string
field with junk bytes on some firmware, so only the first clean string is kept.

>>> activity_name({"sport_mesgs": [{"sport": "running", "name": ["Stryd Running", "\\x11", ""]}]})
'Stryd Running'
>>> activity_name({"sport_mesgs": [{"name": "Bike"}, {"name": "Run"}]}) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

MAX_LENGTH = 80


def _clean(value: object) -> str | None:
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_LENGTH or any(ord(c) < 32 for c in text):
        return None
    return text


def activity_name(messages: Mapping[str, Sequence[Mapping[object, object]]]) -> str | None:
    """The activity's name from SDK-style messages (``sport_mesgs``, ``workout_mesgs``), or None."""
    for workout in messages.get("workout_mesgs", ()):
        if name := _clean(workout.get("wkt_name")):
            return name
    names = {n for m in messages.get("sport_mesgs", ()) if (n := _clean(m.get("name")))}
    return names.pop() if len(names) == 1 else None
