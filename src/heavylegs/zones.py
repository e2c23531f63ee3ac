"""Time-zone offsets now: the one place outside the CLI that reads the clock for them
(light to import: the stored-answer path of `why` uses it before loading the engine)."""

from __future__ import annotations

from datetime import datetime


def utc_offset_now(name: str) -> int:
    """The UTC offset, in seconds, of the IANA zone ``name`` at this moment (it moves with
    daylight saving time); raises ValueError for a zone this system does not know."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        offset = datetime.now(ZoneInfo(name)).utcoffset()
    except ZoneInfoNotFoundError as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return int(offset.total_seconds()) if offset else 0
