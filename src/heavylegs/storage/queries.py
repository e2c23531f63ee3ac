"""Reading the workspace: activities, daily log, profile and gear as plain values/frames."""

from __future__ import annotations

import sqlite3

import numpy as np
import polars as pl

from heavylegs.core.load import HR_BINS
from heavylegs.core.logschema import COLUMNS as LOG_COLUMNS

ACTIVITY_FRAME_SCHEMA = {
    "id": pl.Int64, "start_utc": pl.String, "utc_offset_s": pl.Int64, "sport": pl.String,
    "sub_sport": pl.String, "name": pl.String, "distance_m": pl.Float64,
    "elapsed_s": pl.Float64, "moving_s": pl.Float64, "avg_hr_bpm": pl.Float64,
    "max_hr_bpm": pl.Float64, "elev_gain_m": pl.Float64, "elev_loss_m": pl.Float64,
    "avg_cadence_spm": pl.Float64, "lat_deg": pl.Float64, "lon_deg": pl.Float64,
    "gear_id": pl.Int64, "source": pl.String,
}


def activities(conn: sqlite3.Connection, since_utc: str | None = None) -> pl.DataFrame:
    """Stored activities, oldest first, with ``source`` = the file names, ``;``-joined."""
    where = "WHERE a.start_utc >= ?" if since_utc else ""
    cols = ", ".join(f"a.{c}" for c in ACTIVITY_FRAME_SCHEMA if c != "source")
    sql = (f"SELECT {cols}, (SELECT group_concat(path, ';') FROM (SELECT DISTINCT f.path AS path "
           f"FROM activity_sources s JOIN files f ON f.sha256 = s.file_sha256 "
           f"WHERE s.activity_id = a.id ORDER BY f.path)) AS source "
           f"FROM activities a {where} ORDER BY a.start_utc, a.id")
    rows = conn.execute(sql, (since_utc,) if since_utc else ()).fetchall()
    return pl.DataFrame([tuple(r) for r in rows], schema=ACTIVITY_FRAME_SCHEMA, orient="row")


def hr_histograms(conn: sqlite3.Connection) -> dict[int, np.ndarray]:
    """Seconds-at-bpm histogram per activity id (empty histogram where none)."""
    out: dict[int, np.ndarray] = {}
    for row in conn.execute("SELECT id, hr_hist FROM activities"):
        blob = row["hr_hist"]
        out[int(row["id"])] = (np.frombuffer(blob, dtype=np.int32) if blob
                               else np.zeros(HR_BINS, dtype=np.int32))
    return out


def log_frame(conn: sqlite3.Connection) -> pl.DataFrame:
    """The daily log, one row a date, columns as stored (lists as ``;``-joined text)."""
    schema: dict[str, pl.DataType] = {}
    for c in LOG_COLUMNS:
        schema[c.name] = {"INTEGER": pl.Int64(), "REAL": pl.Float64()}.get(c.sql_type, pl.String())
    names = ", ".join(schema)
    rows = conn.execute(f"SELECT {names} FROM daily_log ORDER BY date").fetchall()
    frame = pl.DataFrame([tuple(r) for r in rows], schema=schema, orient="row")
    return frame.with_columns(pl.col("date").str.to_date())


def profile(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM profile")}


def gear(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM gear ORDER BY id").fetchall()


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Row count of every table (for idempotency checks and `status`)."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
