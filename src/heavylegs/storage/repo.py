"""Saving and loading the workspace's rows. One transaction per imported file.

Streams are stored per activity as one BLOB: an Arrow IPC *stream* with zstd compression
(``arrow-ipc-stream-zstd/2``), sensor channels as float32 (lossless at the resolution
devices record). ``decode_streams`` also reads the earlier encoding, an Arrow IPC *file*
with zstd (``arrow-ipc-zstd/1``, told apart by its ``ARROW1`` magic), so old workspaces
read as before.

Chosen on the 168 activities of the corpus' distinct FIT files (425,013 samples; polars
2.1, CPU seconds to write or read them all, median of 5 rounds at load ~7:
``benchmarks/bench_streams.py``):

==========================  ========  =========  ========
encoding                    stored    write CPU  read CPU
==========================  ========  =========  ========
IPC stream, zstd (chosen)   7.28 MB   0.103 s    0.044 s
IPC file, zstd (before)     7.42 MB   0.135 s    0.081 s
IPC stream, lz4             13.36 MB  0.067 s    0.038 s
IPC file, lz4               13.50 MB  0.094 s    0.079 s
IPC stream, uncompressed    33.02 MB  0.022 s    0.013 s
Parquet, zstd               7.51 MB   0.235 s    0.107 s
==========================  ========  =========  ========

The same bytes compressed the same way: the stream form skips the file form's footer and
the lazy "sink" machinery polars writes and reads a file through, most of its fixed cost
per activity. lz4 or no compression would save another 0.04-0.08 s per 170 activities at
1.8-4.5x the disk, which a workspace holding years of activities should not pay (zstd:
~17 bytes a sample). polars exposes no zstd level for IPC.
"""

from __future__ import annotations

import hashlib
import io
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl

from heavylegs.core import streams as stream_schema
from heavylegs.core.logschema import COLUMN_BY_NAME
from heavylegs.core.model import ActivitySummary, ParsedActivity
from heavylegs.core.wellness import DailyValue
from heavylegs.storage.db import rollback

if TYPE_CHECKING:
    import numpy as np

    from heavylegs.importers.bundle import Bundle, Unit

STREAM_ENCODING = "arrow-ipc-stream-zstd/2"
_IPC_FILE_MAGIC = b"ARROW1"  # arrow-ipc-zstd/1 (an IPC file); a stream starts otherwise
FLOAT32_CHANNELS = ("speed_mps", "heart_rate_bpm", "cadence_spm", "altitude_m", "power_w",
                    "temperature_c", "stance_time_ms", "vertical_oscillation_mm",
                    "stance_balance_pct")
DUPLICATE_START_TOLERANCE_S = 120.0
DUPLICATE_DURATION_TOLERANCE = 0.10

SUMMARY_COLUMNS = ("sport", "sub_sport", "name", "device", "distance_m", "elapsed_s",
                   "moving_s", "avg_hr_bpm", "max_hr_bpm", "elev_gain_m", "elev_loss_m",
                   "avg_cadence_spm", "lat_deg", "lon_deg")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def compact_streams(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame as stored: the sensor channels as float32."""
    return pl.DataFrame([s.cast(pl.Float32) if s.name in FLOAT32_CHANNELS else s
                         for s in frame.iter_columns()])  # Series casts: no query engine


def encode_streams(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    compact_streams(frame).write_ipc_stream(buf, compression="zstd")
    return buf.getvalue()


def decode_streams(blob: bytes) -> pl.DataFrame:
    """A stored stream frame (either encoding) in the canonical schema."""
    read = pl.read_ipc if blob[:len(_IPC_FILE_MAGIC)] == _IPC_FILE_MAGIC else pl.read_ipc_stream
    return stream_schema.conform(read(io.BytesIO(blob)))


def content_hash(frame: pl.DataFrame) -> bytes:
    """SHA-256 of a stream frame's stored values (names, types, nulls, values), whatever
    encoding holds them: the same for a frame and ``decode_streams(encode_streams(frame))``."""
    import numpy as np  # not at import: `why` reads the workspace without numpy

    digest = hashlib.sha256()
    for series in compact_streams(frame).iter_columns():
        nulls = series.null_count()
        digest.update(f"{series.name}:{series.dtype}:{series.len()}:{nulls}\n".encode())
        if nulls == series.len():  # an absent channel: nothing more to tell
            continue
        if nulls:
            digest.update(np.packbits(series.is_null().to_numpy()).tobytes())
            series = series.fill_null(0)
        digest.update(series.to_physical().to_numpy().tobytes())
    return digest.digest()


def has_file(conn: sqlite3.Connection, sha256: str) -> bool:
    return conn.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone() is not None


def _insert_file(conn: sqlite3.Connection, sha256: str, path: str, kind: str, size: int) -> None:
    conn.execute("INSERT INTO files(sha256, path, kind, size_bytes, imported_at) VALUES (?,?,?,?,?)",
                 (sha256, path, kind, size, _now()))


def _find_duplicate(conn: sqlite3.Connection, s: ActivitySummary, sha256: str
                    ) -> sqlite3.Row | None:
    """An activity from another file recording the same one (start and duration close);
    the legs of one multisport file are never duplicates of each other."""
    lo = (s.start - timedelta(seconds=DUPLICATE_START_TOLERANCE_S)).isoformat()
    hi = (s.start + timedelta(seconds=DUPLICATE_START_TOLERANCE_S)).isoformat()
    for row in conn.execute("SELECT a.id, a.elapsed_s, s.n_samples, s.data FROM activities a "
                            "LEFT JOIN streams s ON s.activity_id = a.id "
                            "WHERE a.start_utc BETWEEN ? AND ? AND NOT EXISTS (SELECT 1 FROM "
                            "activity_sources x WHERE x.activity_id = a.id AND x.file_sha256 = ?)",
                            (lo, hi, sha256)):
        longer = max(row["elapsed_s"], s.elapsed_s, 1.0)
        if abs(row["elapsed_s"] - s.elapsed_s) / longer <= DUPLICATE_DURATION_TOLERANCE:
            return row
    return None


def _summary_values(s: ActivitySummary) -> list[object]:
    return [getattr(s, c) for c in SUMMARY_COLUMNS]


def _values_count(frame: pl.DataFrame | None) -> int:
    if frame is None:
        return 0
    return sum(frame.height - series.null_count() for series in frame.iter_columns())


def _outranks(frame: pl.DataFrame, stored_n: int, stored_blob: bytes | None) -> bool:
    """Whether ``frame`` is the richer of two copies of one activity: more samples first,
    then (a tie, as two devices recording every second give) more recorded values (a copy
    with running dynamics beats one without), then the larger content hash, so that which
    copy wins never depends on which was imported first, nor on the encoding a workspace
    stored the first copy in. The stored copy is decoded only on a tie of samples."""
    if frame.height != stored_n:
        return frame.height > stored_n
    stored = decode_streams(stored_blob) if stored_blob else None
    mine, theirs = _values_count(frame), _values_count(stored)
    if mine != theirs:
        return mine > theirs
    return content_hash(frame) > (content_hash(stored) if stored is not None else b"")


def _merge(s: ActivitySummary, richer: bool) -> tuple[str, list[object]]:
    """SET clause and parameters folding a second copy of an activity into the stored one:
    the richer copy's values win where it has them (its start time too), and either copy
    fills what the other lacks (a Strava name and sport for a device file stored first, or
    the reverse); a ``generic`` sport never replaces a known one. Each value is so that of
    the richest copy that has one, whatever the order of import."""
    parts: list[str] = ["start_utc = ?" if richer else "start_utc = start_utc",
                        "utc_offset_s = COALESCE(?, utc_offset_s)" if richer
                        else "utc_offset_s = COALESCE(utc_offset_s, ?)"]
    params: list[object] = ([s.start.isoformat()] if richer else []) + [s.utc_offset_s]
    for column, value in zip(SUMMARY_COLUMNS, _summary_values(s), strict=True):
        if column == "sport":
            keep = "sport IS NOT NULL AND sport != 'generic'"
            parts.append(f"sport = CASE WHEN ? = 'generic' AND {keep} THEN sport ELSE ? END" if richer
                         else f"sport = CASE WHEN {keep} THEN sport ELSE ? END")
            params += [value, value] if richer else [value]
        else:
            parts.append(f"{column} = COALESCE(?, {column})" if richer else f"{column} = COALESCE({column}, ?)")
            params.append(value)
    return ", ".join(parts), params


def save_metrics(conn: sqlite3.Connection, activity_id: int, profile_key: str,
                 values: Mapping[str, float | None]) -> None:
    """Store (replace) one activity's metrics; the caller owns the transaction."""
    names = list(values)
    conn.execute(f"INSERT OR REPLACE INTO activity_metrics(activity_id, profile_key, {', '.join(names)}) "
                 f"VALUES ({', '.join('?' * (len(names) + 2))})", [activity_id, profile_key, *values.values()])


def _save_one(conn: sqlite3.Connection, sha256: str, member: int, act: ParsedActivity,
              hr_hist: np.ndarray, metrics: tuple[str, Mapping[str, float | None]] | None,
              written: list[tuple[int, int, bytes]] | None = None) -> int:
    s = act.summary
    blob = encode_streams(act.streams)
    dup = _find_duplicate(conn, s, sha256)
    if dup is not None:
        activity_id = int(dup["id"])
        richer = _outranks(act.streams, dup["n_samples"] or 0, dup["data"])  # keep the richest
        sets, params = _merge(s, richer)
        if richer:
            sets, params = sets + ", hr_hist = ?", [*params, hr_hist.tobytes()]
        conn.execute(f"UPDATE activities SET {sets} WHERE id = ?", [*params, activity_id])
        if richer:
            conn.execute("INSERT OR REPLACE INTO streams VALUES (?,?,?,?)",
                         (activity_id, STREAM_ENCODING, act.streams.height, blob))
            if written is not None:
                written.append((member, activity_id, blob))
            if metrics is not None:
                save_metrics(conn, activity_id, *metrics)
    else:
        cols = ", ".join(("start_utc", "utc_offset_s", *SUMMARY_COLUMNS, "hr_hist"))
        marks = ", ".join("?" * (len(SUMMARY_COLUMNS) + 3))
        cur = conn.execute(f"INSERT INTO activities({cols}) VALUES ({marks})",
                           [s.start.isoformat(), s.utc_offset_s, *_summary_values(s),
                            hr_hist.tobytes()])
        activity_id = int(cur.lastrowid or 0)
        conn.execute("INSERT INTO streams VALUES (?,?,?,?)",
                     (activity_id, STREAM_ENCODING, act.streams.height, blob))
        if written is not None:
            written.append((member, activity_id, blob))
        if metrics is not None:
            save_metrics(conn, activity_id, *metrics)
    conn.execute("INSERT OR IGNORE INTO activity_sources VALUES (?,?,?)", (activity_id, sha256, member))
    return activity_id


def _to_sql(name: str, value: object) -> object:
    kind = COLUMN_BY_NAME[name].kind
    if value is None:
        return None
    if kind == "bool":
        return int(bool(value))
    if kind in ("symptoms", "floatlist"):
        return ";".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value)  # type: ignore[attr-defined]
    if kind == "date":
        return str(value)
    return value


def upsert_log_rows(conn: sqlite3.Connection, rows: Iterable[Mapping[str, object]]) -> int:
    """Upsert daily-log rows by date; only the columns a row has are written, and a row
    whose values are all stored already is left alone (no change, the stored answer
    stays). The caller owns the transaction."""
    count = 0
    now = _now()
    for row in rows:
        cols = [c for c in row if c != "date"]
        names = ", ".join(["date", *cols, "updated_at"])
        marks = ", ".join("?" * (len(cols) + 2))
        updates = ", ".join([*(f"{c} = excluded.{c}" for c in cols), "updated_at = excluded.updated_at"])
        differs = " OR ".join(f"{c} IS NOT excluded.{c}" for c in cols) or "0"
        conn.execute(f"INSERT INTO daily_log({names}) VALUES ({marks}) "
                     f"ON CONFLICT(date) DO UPDATE SET {updates} WHERE {differs}",
                     [str(row["date"]), *(_to_sql(c, row[c]) for c in cols), now])
        count += 1
    return count


def clear_log_values(conn: sqlite3.Connection, day: date, columns: Sequence[str]) -> None:
    """Set the named daily-log columns of ``day`` to NULL (names checked by the caller
    against the schema). The caller owns the transaction."""
    if columns:
        sets = ", ".join([*(f"{c} = NULL" for c in columns), "updated_at = ?"])
        conn.execute(f"UPDATE daily_log SET {sets} WHERE date = ?", (_now(), day.isoformat()))


def _gear_id(conn: sqlite3.Connection, name: str, sport: str) -> int:
    """The gear named ``name``, created with the kind its first activity's sport implies
    (core/gear.py); gear used on a run is shoes."""
    from heavylegs.core.gear import kind_for

    row = conn.execute("SELECT id, kind FROM gear WHERE name = ?", (name,)).fetchone()
    if row is None:
        return int(conn.execute("INSERT INTO gear(name, kind) VALUES (?, ?)", (name, kind_for(sport))).lastrowid or 0)
    if row["kind"] != "shoes" and kind_for(sport) == "shoes":
        conn.execute("UPDATE gear SET kind = 'shoes' WHERE id = ?", (row["id"],))
    return int(row["id"])


def _save_daily_values(conn: sqlite3.Connection, sha256: str | None, values: Iterable[DailyValue]) -> None:
    conn.executemany(
        "INSERT INTO daily_values(date, column_name, source, num, txt, detail, file_sha256) "
        "VALUES (?,?,?,?,?,?,?) ON CONFLICT(date, column_name, source) DO UPDATE SET num = excluded.num, "
        "txt = excluded.txt, detail = excluded.detail, file_sha256 = excluded.file_sha256 "
        "WHERE num IS NOT excluded.num OR txt IS NOT excluded.txt OR detail IS NOT excluded.detail "
        "OR file_sha256 IS NOT excluded.file_sha256",
        [(v.day.isoformat(), v.column, v.source,
          v.value if isinstance(v.value, int | float) else None,
          v.value if isinstance(v.value, str) else None, v.detail, sha256) for v in values])


def save_bundle(conn: sqlite3.Connection, unit: Unit, bundle: Bundle, hr_hists: list[np.ndarray],
                metrics: list[tuple[str, Mapping[str, float | None]]] | None = None,
                written: list[tuple[int, int, bytes]] | None = None) -> list[int] | None:
    """Store one unit in a single transaction: its hash (unless it is a table with row
    errors, so that a re-import reports them again), activities, gear, daily-log rows and
    device values. The "already stored?" check is part of the transaction: when another
    process stored the same unit meanwhile nothing is written and None is returned (a lost
    race is "unchanged", never a UNIQUE error). Raises ``sqlite3.Error`` with its first
    cause (a full disk stays "database or disk is full"). ``written`` (when given) gets
    ``(index, activity id, blob)`` of each activity whose streams were stored (new, or
    richer than the stored copy)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if has_file(conn, unit.sha256):
            conn.execute("ROLLBACK")
            return None
        sha = None if bundle.errors and not bundle.activities else unit.sha256
        if sha:
            _insert_file(conn, sha, unit.name, bundle.kind, unit.size)
        per_act = metrics if metrics is not None else [None] * len(bundle.activities)
        ids = [_save_one(conn, sha or unit.sha256, i, a, h, m, written)
               for i, (a, h, m) in enumerate(zip(bundle.activities, hr_hists, per_act, strict=True))]
        for use in bundle.gear:
            sport = bundle.activities[use.index].summary.sport
            conn.execute("UPDATE activities SET gear_id = ? WHERE id = ?", (_gear_id(conn, use.name, sport), ids[use.index]))
        upsert_log_rows(conn, bundle.log_rows)
        _save_daily_values(conn, sha, bundle.daily_values)
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    return ids


def stream_blob(conn: sqlite3.Connection, activity_id: int) -> bytes | None:
    row = conn.execute("SELECT data FROM streams WHERE activity_id = ?", (activity_id,)).fetchone()
    return row["data"] if row else None


def stream_of(conn: sqlite3.Connection, activity_id: int) -> pl.DataFrame | None:
    row = conn.execute("SELECT data FROM streams WHERE activity_id = ?", (activity_id,)).fetchone()
    return decode_streams(row["data"]) if row else None


def activity_ids_from(conn: sqlite3.Connection, path: str, sha256: str | None = None) -> list[int]:
    """The activities stored from the file named ``path`` as it was imported (or any
    member of the archive ``path``), or from the file whose content hash is ``sha256``."""
    rows = conn.execute(
        "SELECT DISTINCT s.activity_id FROM activity_sources s JOIN files f ON f.sha256 = s.file_sha256 "
        "WHERE f.path = ? OR substr(f.path, 1, ?) = ? OR f.sha256 = ? ORDER BY s.activity_id",
        (path, len(path) + 1, path + "!", sha256 or "")).fetchall()
    return [int(r[0]) for r in rows]


def delete_activities(conn: sqlite3.Connection, ids: Sequence[int]) -> int:
    """Delete activities and everything derived from them, in one transaction: streams,
    metrics and sources go with them (ON DELETE CASCADE), and a file's row goes when no
    activity or device value is left from it (so importing that file again brings its
    activities back). The stored answers are emptied by the triggers. Returns how many."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        marks = ", ".join("?" * len(ids))
        shas = [r[0] for r in conn.execute(
            f"SELECT DISTINCT file_sha256 FROM activity_sources WHERE activity_id IN ({marks})", list(ids))]
        count = conn.execute(f"DELETE FROM activities WHERE id IN ({marks})", list(ids)).rowcount
        for sha in shas:
            conn.execute("DELETE FROM files WHERE sha256 = ? "
                         "AND NOT EXISTS (SELECT 1 FROM activity_sources WHERE file_sha256 = ?) "
                         "AND NOT EXISTS (SELECT 1 FROM daily_values WHERE file_sha256 = ?)", (sha, sha, sha))
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise
    return count
