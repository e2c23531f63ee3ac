"""Value types shared by every layer (frozen dataclasses, no behaviour beyond derivation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import polars as pl

from heavylegs.sports import RUNNING_SPORTS, SPORT_CHOICES, UNKNOWN_SPORT  # noqa: F401 (re-exported)


@dataclass(frozen=True, slots=True)
class ActivitySummary:
    """One activity's totals. ``start`` is timezone-aware UTC; ``utc_offset_s`` is the
    offset of the runner's local clock when the file says so, else ``None``."""

    start: datetime
    sport: str
    elapsed_s: float
    distance_m: float | None = None
    moving_s: float | None = None
    avg_hr_bpm: float | None = None
    max_hr_bpm: float | None = None
    elev_gain_m: float | None = None
    elev_loss_m: float | None = None
    avg_cadence_spm: float | None = None
    sub_sport: str | None = None
    utc_offset_s: int | None = None
    name: str | None = None
    device: str | None = None
    lat_deg: float | None = None
    lon_deg: float | None = None

    @property
    def is_run(self) -> bool:
        return self.sport in RUNNING_SPORTS

    def local_start(self, fallback_offset_s: int = 0) -> datetime:
        """Start in the runner's local time (the file's offset, else ``fallback_offset_s``)."""
        offset = self.utc_offset_s if self.utc_offset_s is not None else fallback_offset_s
        return self.start.astimezone(timezone(timedelta(seconds=offset)))


@dataclass(frozen=True, slots=True)
class ParsedActivity:
    """What an importer yields for one activity: totals, per-sample streams, and any
    warnings about the file (bad CRC, dropped points, ...) that did not stop the import."""

    summary: ActivitySummary
    streams: pl.DataFrame
    warnings: tuple[str, ...] = field(default_factory=tuple)
