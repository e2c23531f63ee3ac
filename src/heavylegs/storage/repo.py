"""Saving and loading the workspace's rows. One transaction per imported file.

Streams are stored per activity as one BLOB: Arrow IPC with zstd compression, sensor
channels as float32 (lossless at the resolution devices record). Chosen after a small
benchmark on a 13,471-sample Wahoo ride (polars 2.1, median of 7 rounds;
benchmarks/bench_streams.py): IPC+zstd 252 KiB, write 6.9 ms, read 3.2 ms; Parquet+zstd 253 KiB,
8.5 ms, 3.1 ms; IPC+lz4 451 KiB, 3.4 ms, 2.2 ms; uncompressed 1,496 KiB. zstd is as small
as Parquet, faster to write, and ~6× smaller than raw (~19 bytes a sample).
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

STREAM_ENCODING = "arrow-ipc-zstd/1"
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


def encode_streams(frame: pl.DataFrame) -> bytes:
    compact = pl.DataFrame([s.cast(pl.Float32) if s.name in FLOAT32_CHANNELS else s
                            for s in frame.iter_columns()])  # Series casts: no query engine
    buf = io.BytesIO()
    compact.write_ipc(buf, compression="zstd")
    return buf.getvalue()


def decode_streams(blob: bytes) -> pl.DataFrame:
    return stream_schema.conform(pl.read_ipc(io.BytesIO(blob)))


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


def _richness(n_samples: int, blob: bytes) -> tuple[int, bytes]:
    """How two copies of one activity are ranked: more samples first, then (a tie, as two
    devices recording every second give) the stream's content hash, so that which copy
    wins never depends on which was imported first."""
    return n_samples, hashlib.sha256(blob).digest()


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
        stored = _richness(dup["n_samples"] or 0, dup["data"] or b"")
        richer = _richness(act.streams.height, blob) > stored  # keep the richest stream
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
