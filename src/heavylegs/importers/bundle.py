"""What every importer yields: units of work, each stored in one transaction.

A plain file is one unit. An archive (Strava or Garmin export, Apple Health zip) is one
unit per member that holds data, so one corrupt member fails alone and a re-import skips
every unchanged member by its content hash. ``Unit.parse`` is lazy: an unchanged unit is
never parsed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from heavylegs.core.model import ParsedActivity
from heavylegs.core.wellness import DailyValue


@dataclass(frozen=True, slots=True)
class GearUse:
    """A named pair of shoes (or other gear) used by the bundle's activity at ``index``."""

    index: int
    name: str


@dataclass(frozen=True, slots=True)
class Bundle:
    """The data in one unit. ``log_rows`` are daily-log rows (the runner's own word, see
    importers/daily_log.py); ``daily_values`` come from devices/apps with a source;
    ``errors`` are row-level problems (the rest of the unit is still stored)."""

    activities: list[ParsedActivity] = field(default_factory=list)
    log_rows: list[Mapping[str, object]] = field(default_factory=list)
    daily_values: list[DailyValue] = field(default_factory=list)
    gear: list[GearUse] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    kind: str = "activity"  # activity | daily-log | wellness | nutrition | export-index


@dataclass(frozen=True, slots=True)
class Unit:
    """One transaction's worth of input: ``name`` is the file path, or
    ``archive.zip!member/path`` inside an archive; ``sha256`` its content hash."""

    name: str
    sha256: str
    size: int
    parse: Callable[[], Bundle]
