"""Per-activity metrics of an import batch: computed once, at the batch's end.

Most metrics (zones, TRIMP, rTSS...) depend on the profile (``core.metric_keys.
PROFILE_KEY_FIELDS``), and on a new workspace the profile is estimated from the very data
being imported: computed as each activity is stored, they would be computed again at the
end with the profile the batch's data gives. So an import (``Workspace.import_paths``)
stores each new activity with a *pending* metrics row (``profile_key`` = ``PENDING``)
holding only what no profile value enters and the profile's estimate reads
(``core.metrics.profile_free``: the 5-second peak heart rate), in the activity's own
transaction. At the batch's end ``Workspace.refresh_metrics`` computes the pending rows'
metrics once, with the profile as it stands once all the batch's data is in, from the
stored streams: from ``StreamCache`` (what this batch stored, as ``compute`` reads it, at
most ``CACHE_BYTES``) where it still holds the stored copy, else decoded from the database.
When every profile value the metrics depend on is set by the runner (nothing estimated,
so nothing the batch brings can move it), they are computed at import instead, as before.

The rule for readers: a pending row (or an activity without a metrics row) is never read
as metrics. ``Workspace.tables`` (``why``, ``report``, the web pages, the team decode) and
``activity_detail`` compute the pending activities' metrics in memory from their stored
streams with the current profile, which is what the import's end stores; nothing is
written, so a read-only workspace answers the same. An import interrupted before its end
(a kill, a full disk, an error) leaves pending rows, never wrong ones: the next import,
``profile set`` or ``sport set`` completes them (``refresh_metrics`` computes every
pending row, whatever the batch).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from heavylegs.core import streams as stream_schema
from heavylegs.core.model import ParsedActivity
from heavylegs.storage import repo

PENDING = "pending"  # profile_key of a row whose profile-dependent metrics are not computed yet
CACHE_BYTES = 16 * 1024 * 1024  # streams a batch keeps for its end (the 158 corpus FIT files: 15.0 MB, 4 of 159 decoded)


def _digest(blob: bytes) -> bytes:
    return hashlib.blake2b(blob, digest_size=16).digest()


def readable(frame: pl.DataFrame) -> pl.DataFrame | None:
    """The columns of ``frame`` that ``core.metrics.compute`` reads, as the stored copy
    (``repo.decode_streams``) gives them to it: sensor channels through float32 (kept as
    float32: ``compute`` widens them itself), all-null columns left out (``compute`` reads
    an absent column as all-NaN), ``timestamp`` only where ``elapsed_s`` has gaps (the only
    time ``compute`` reads it). None when nothing is left (decoded instead)."""
    from heavylegs.core.metrics_base import READ_COLUMNS

    kept = []
    for name in READ_COLUMNS:
        if name not in frame.columns or frame[name].null_count() == frame.height:
            continue
        series = frame[name]
        if name in repo.FLOAT32_CHANNELS:
            series = series.cast(pl.Float32)
        else:
            series = series.cast(stream_schema.SCHEMA[name], strict=False)
        kept.append(series)
    slim = pl.DataFrame(kept)
    if "timestamp" in slim.columns and "elapsed_s" in slim.columns:
        elapsed = slim["elapsed_s"]
        if elapsed.null_count() == 0 and elapsed.is_finite().all():
            slim = slim.drop("timestamp")
    return slim if slim.width and slim.height == frame.height else None


@dataclass
class _Kept:
    digest: bytes  # of the stored blob this frame is the content of
    frame: pl.DataFrame
    size: int


@dataclass
class StreamCache:
    """The streams one import batch stored, as ``compute`` reads them, up to ``budget``
    bytes (past it, a stream is decoded from the database at the end: memory stays flat
    in the number of activities)."""

    budget: int = field(default_factory=lambda: CACHE_BYTES)
    used: int = 0
    kept: dict[int, _Kept] = field(default_factory=dict)

    def add(self, activities: Sequence[ParsedActivity], written: list[tuple[int, int, bytes]]) -> None:
        """Note the streams a unit stored: ``(index in activities, activity id, blob)``."""
        for index, activity_id, blob in written:
            old = self.kept.pop(activity_id, None)  # a richer copy replaced it
            if old is not None:
                self.used -= old.size
            if self.used >= self.budget:
                continue
            frame = readable(activities[index].streams)
            if frame is None:
                continue
            size = frame.estimated_size()
            if self.used + size <= self.budget:
                self.kept[activity_id] = _Kept(_digest(blob), frame, size)
                self.used += size

    def streams(self, conn: sqlite3.Connection, activity_id: int) -> pl.DataFrame | None:
        """What ``compute`` needs of the stored streams of ``activity_id`` (None when none
        are stored): from memory when the stored blob is still the one this batch wrote
        (another process may have stored a richer copy since), else decoded."""
        kept = self.kept.pop(activity_id, None)
        if kept is not None:
            self.used -= kept.size
        blob = repo.stream_blob(conn, activity_id)
        if blob is None:
            return None
        if kept is not None and _digest(blob) == kept.digest:
            return kept.frame
        return repo.decode_streams(blob)
