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
``profile set`` or ``activities set-sport`` completes them (``refresh_metrics`` computes every
pending row, whatever the batch). Rows computed with an older profile (stale: the
profile moved by ``METRICS_TOLERANCE_BPM`` or more since) are read as they are, as before
this module: an import's end, ``profile set`` or ``activities set-sport`` refreshes them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import polars as pl

from heavylegs.core import streams as stream_schema
from heavylegs.core.model import ParsedActivity
from heavylegs.core.profile import Profile
from heavylegs.storage import queries, repo

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
    import numpy as np

    from heavylegs.core.metrics_base import READ_COLUMNS

    kept: dict[str, pl.Series] = {}
    for name in READ_COLUMNS:
        if name not in frame.columns or frame[name].null_count() == frame.height:
            continue
        dtype = pl.Float32 if name in repo.FLOAT32_CHANNELS else stream_schema.SCHEMA[name]
        kept[name] = frame[name].cast(dtype, strict=False)
    elapsed = kept.get("elapsed_s")
    if elapsed is not None and elapsed.null_count() == 0 and np.isfinite(elapsed.to_numpy()).all():
        kept.pop("timestamp", None)  # Series methods, not expressions: no query engine
    slim = pl.DataFrame(list(kept.values()))
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


Metrics = dict[str, float | None]


def new_metrics(activities: Sequence[ParsedActivity], profile: Profile, key: str, *, pending: bool
                ) -> list[tuple[str, Metrics]]:
    """The metrics rows stored with new activities: pending rows when ``pending`` (an
    import, computed at its end) and the profile can move (a value the metrics depend on
    is estimated); else the metrics, computed now with ``profile`` (its ``key``)."""
    from heavylegs.core import metrics

    if pending and can_move(profile):
        return [(PENDING, metrics.profile_free(a.streams)) for a in activities]
    return [(key, metrics.compute(a.streams, profile, a.summary.sport)) for a in activities]


def can_move(profile: Profile) -> bool:
    """Whether data can move the profile values the metrics depend on (one is estimated)."""
    from heavylegs.core.metric_keys import PROFILE_KEY_FIELDS

    return any(f in profile.estimated for f in PROFILE_KEY_FIELDS)


def any_pending(conn: sqlite3.Connection) -> bool:
    """Whether an activity's metrics are pending (or missing: an import stopped before its end)."""
    return conn.execute("SELECT 1 FROM activities a LEFT JOIN activity_metrics m ON m.activity_id = a.id "
                        "WHERE m.activity_id IS NULL OR m.profile_key = ? LIMIT 1", (PENDING,)).fetchone() is not None


def computed(conn: sqlite3.Connection, ids: Sequence[int], profile: Profile,
             cache: StreamCache | None = None) -> dict[int, Metrics]:
    """The metrics of the given activities computed now from their stored streams (from
    ``cache`` where it holds them): what ``Workspace.refresh_metrics`` stores."""
    from heavylegs.core.metrics import METRICS, compute

    sports = dict(conn.execute("SELECT a.id, a.sport FROM activities a JOIN json_each(?) j ON j.value = a.id",
                               (json.dumps(list(ids)),)).fetchall())
    found = {}
    for act_id in ids:
        streams = cache.streams(conn, act_id) if cache is not None else repo.stream_of(conn, act_id)
        found[act_id] = compute(streams, profile, sports[act_id]) if streams is not None else dict.fromkeys(METRICS)
    return found


def read(conn: sqlite3.Connection, keys: list[str], ids: list[int], profile: Callable[[], Profile]) -> pl.DataFrame:
    """``id`` and the metrics ``keys`` of the given activities, for readers. The rule: a
    pending row, or an activity without a row, is never read as it is: its metrics are
    computed here in memory from its stored streams with ``profile()`` (the current one,
    which the end of an import stores them with); nothing is written."""
    frame = queries.metrics(conn, keys, ids)
    done = frame.filter(pl.col("profile_key") != PENDING).drop("profile_key")
    pending = sorted(set(ids) - set(done["id"].to_list()))
    if not pending:
        return done
    found = computed(conn, pending, profile())
    extra = pl.DataFrame([pl.Series("id", pending, dtype=pl.Int64)] + [
        pl.Series(k, [found[i][k] for i in pending], dtype=pl.Float64, strict=False) for k in keys])
    return pl.concat([done, extra])
