"""Reading the workspace: activities, daily log, profile and gear as plain values/frames."""

from __future__ import annotations

import sqlite3
from datetime import date

import numpy as np
import polars as pl

from heavylegs.core.load import HR_BINS
from heavylegs.core.logschema import COLUMN_BY_NAME
from heavylegs.core.logschema import COLUMNS as LOG_COLUMNS

ACTIVITY_FRAME_SCHEMA = {
    "id": pl.Int64, "start_utc": pl.String, "utc_offset_s": pl.Int64, "sport": pl.String,
    "sub_sport": pl.String, "name": pl.String, "distance_m": pl.Float64,
    "elapsed_s": pl.Float64, "moving_s": pl.Float64, "avg_hr_bpm": pl.Float64,
    "max_hr_bpm": pl.Float64, "elev_gain_m": pl.Float64, "elev_loss_m": pl.Float64,
    "avg_cadence_spm": pl.Float64, "lat_deg": pl.Float64, "lon_deg": pl.Float64,
    "gear_id": pl.Int64, "source": pl.String,
}


def _frame(rows: list[sqlite3.Row], schema: dict) -> pl.DataFrame:
    """Rows to a frame, column-wise (several times faster than row-wise construction)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return pl.DataFrame({name: pl.Series(name, list(col), dtype=dtype)
                         for (name, dtype), col in zip(schema.items(), columns, strict=True)})


def activities(conn: sqlite3.Connection, since_utc: str | None = None, with_source: bool = True) -> pl.DataFrame:
    """Stored activities, oldest first; ``source`` = the file names, ``;``-joined (only
    when ``with_source``, as listing needs it and the engine does not)."""
    where = "WHERE a.start_utc >= ?" if since_utc else ""
    names = [c for c in ACTIVITY_FRAME_SCHEMA if c != "source"]
    rows = conn.execute(f"SELECT {', '.join('a.' + c for c in names)} FROM activities a {where} "
                        f"ORDER BY a.start_utc, a.id", (since_utc,) if since_utc else ()).fetchall()
    frame = _frame(rows, {c: ACTIVITY_FRAME_SCHEMA[c] for c in names})
    if not with_source:
        return frame
    sources = conn.execute("SELECT s.activity_id, group_concat(f.path, ';') FROM (SELECT DISTINCT activity_id, "
                           "file_sha256 FROM activity_sources ORDER BY activity_id, file_sha256) s "
                           "JOIN files f ON f.sha256 = s.file_sha256 GROUP BY s.activity_id").fetchall()
    joined = _frame(sources, {"id": pl.Int64, "source": pl.String})
    return frame.join(joined, on="id", how="left")


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
    return _frame(rows, schema).with_columns(pl.col("date").str.to_date())


def profile(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM profile")}


def gear(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM gear ORDER BY id").fetchall()


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Row count of every table (for idempotency checks and `status`)."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def daily_values(conn: sqlite3.Connection) -> pl.DataFrame:
    """Device/app daily values: date, column, source, num, txt."""
    rows = conn.execute("SELECT date, column_name, source, num, txt FROM daily_values "
                        "ORDER BY date, column_name").fetchall()
    frame = pl.DataFrame([tuple(r) for r in rows], orient="row", schema={
        "date": pl.String, "column": pl.String, "source": pl.String, "num": pl.Float64, "txt": pl.String})
    return frame.with_columns(pl.col("date").str.to_date())


def _from_sql(name: str, value: object) -> object:
    kind = COLUMN_BY_NAME[name].kind
    if value is None:
        return None
    if kind == "bool":
        return bool(value)
    if kind == "symptoms":
        return tuple(str(value).split(";"))
    if kind == "floatlist":
        return tuple(float(v) for v in str(value).split(";"))
    if kind == "date":
        return date.fromisoformat(str(value))
    return value


def log_rows(conn: sqlite3.Connection) -> list[dict[str, object]]:
    """The daily log as typed rows (the values daily_log.parse yields), oldest first."""
    names = [c.name for c in LOG_COLUMNS]
    rows = conn.execute(f"SELECT {', '.join(names)} FROM daily_log ORDER BY date").fetchall()
    return [{n: _from_sql(n, r[n]) for n in names} for r in rows]


def metrics(conn: sqlite3.Connection, keys: list[str]) -> pl.DataFrame:
    """Per-activity metrics: ``id``, ``profile_key`` and one Float64 column per key."""
    columns = ", ".join(["activity_id", "profile_key", *keys])
    rows = conn.execute(f"SELECT {columns} FROM activity_metrics").fetchall()
    schema = {"id": pl.Int64, "profile_key": pl.String, **{k: pl.Float64 for k in keys}}
    return _frame(rows, schema)
