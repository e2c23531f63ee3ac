"""Each activity's UTC offset for local time, kept in ``activities.local_offset_s``.

Invariants this module keeps (``sync``), whoever inserted the rows:

* an activity whose file gave its own offset (``utc_offset_s``: a FIT ``local_timestamp``,
  an Apple Health time zone) keeps it, wherever the runner lives now: a travelling runner's
  runs stay on the days they were run;
* any other activity (GPX, TCX, Strava CSV ...) gets the offset of the runner's time zone
  at its own start, daylight saving included, and ``offset_zone`` names that zone; when the
  zone changes (profile ``timezone``, or the system's) they are recomputed;
* with no zone known, both stay NULL and the engine falls back to the longitude.

A changed row empties the stored answers (migration 4's triggers), as it should.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime

OffsetAt = Callable[[str, datetime], int]  # (zone, aware moment) -> seconds east of UTC

_OWN = ("UPDATE activities SET local_offset_s = utc_offset_s, offset_zone = NULL "
        "WHERE utc_offset_s IS NOT NULL AND (local_offset_s IS NOT utc_offset_s OR offset_zone IS NOT NULL)")


def stale(conn: sqlite3.Connection, zone: str | None) -> bool:
    """Whether any activity's local offset is not the one :func:`sync` would give it."""
    row = conn.execute(
        "SELECT 1 FROM activities WHERE (utc_offset_s IS NULL AND offset_zone IS NOT ?) "
        "OR (utc_offset_s IS NOT NULL AND (local_offset_s IS NOT utc_offset_s OR offset_zone IS NOT NULL)) "
        "LIMIT 1", (zone,)).fetchone()
    return row is not None


def sync(conn: sqlite3.Connection, zone: str | None, offset_at: OffsetAt) -> int:
    """Bring every activity's ``local_offset_s`` in line with its own offset or ``zone``
    (one transaction); returns how many rows changed."""
    if not stale(conn, zone):
        return 0
    rows = conn.execute("SELECT id, start_utc FROM activities WHERE utc_offset_s IS NULL "
                        "AND offset_zone IS NOT ?", (zone,)).fetchall()
    if zone is None:
        updates = [(None, None, int(r[0])) for r in rows]
    else:
        updates = [(offset_at(zone, datetime.fromisoformat(r[1])), zone, int(r[0])) for r in rows]
    conn.execute("BEGIN IMMEDIATE")
    try:
        changed = conn.execute(_OWN).rowcount
        conn.executemany("UPDATE activities SET local_offset_s = ?, offset_zone = ? WHERE id = ?", updates)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return changed + len(updates)
