"""Time zones: which IANA zone the runner lives in and its UTC offset at a given moment
(light to import: the stored-answer path of `why` uses it before loading the engine).

Nothing here reads the clock or the environment by itself: the caller (api.py, cli.py)
passes the environment and the moment, so tests inject a zone.

>>> offset_at("Europe/Berlin", datetime(2024, 1, 15, 6, tzinfo=UTC)), offset_at("Europe/Berlin", datetime(2024, 7, 15, 5, tzinfo=UTC))
(3600, 7200)
>>> system_zone({"TZ": ":Australia/Sydney"}, localtime=Path("/nonexistent"))
'Australia/Sydney'
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

LOCALTIME = Path("/etc/localtime")
ETC_TIMEZONE = Path("/etc/timezone")


@lru_cache(maxsize=16)
def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``; raises ValueError for a zone this system does not know."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def offset_at(name: str, moment: datetime) -> int:
    """The UTC offset, in seconds, of zone ``name`` at the aware ``moment`` (with daylight
    saving time as it was then); raises ValueError for an unknown zone."""
    offset = moment.astimezone(zone(name)).utcoffset()
    return int(offset.total_seconds()) if offset else 0


def today_in(name: str | None, now: datetime) -> date:
    """The date at the aware ``now`` in zone ``name`` (UTC's when None)."""
    return now.astimezone(zone(name)).date() if name else now.astimezone(UTC).date()


def _zone_of_path(path: Path) -> str | None:
    """``Europe/Berlin`` from a path such as /usr/share/zoneinfo/Europe/Berlin."""
    parts = path.parts
    for i, part in enumerate(parts):
        if part.startswith("zoneinfo") and i + 1 < len(parts):
            name = "/".join(parts[i + 1:])
            return name.removeprefix("posix/").removeprefix("right/")
    return None


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        zone(name)
    except ValueError:
        return None
    return name


def system_zone(environ: Mapping[str, str], localtime: Path = LOCALTIME,
                etc_timezone: Path = ETC_TIMEZONE) -> str | None:
    """The system's IANA zone: ``TZ`` (a name, ``:name`` or a zoneinfo file path), else
    what /etc/localtime links to, else /etc/timezone; None when none names a known zone
    (a POSIX rule such as ``EST5EDT,M3.2.0,M11.1.0`` is not a zone heavylegs can date)."""
    tz = environ.get("TZ", "").strip().removeprefix(":")
    if tz:
        return _known(_zone_of_path(Path(tz)) if tz.startswith("/") else tz)
    try:
        if localtime.is_symlink():
            found = _known(_zone_of_path(localtime.resolve()))
            if found:
                return found
        if etc_timezone.is_file():
            return _known(etc_timezone.read_text(encoding="utf-8").strip())
    except OSError:
        return None
    return None
