"""Reading the workspace: activities, daily log, profile and gear as plain values/frames."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import polars as pl

from heavylegs.core.daily import hr_hist_array
from heavylegs.core.load import HR_BINS
from heavylegs.core.logschema import COLUMN_BY_NAME
from heavylegs.core.logschema import COLUMNS as LOG_COLUMNS

ACTIVITY_FRAME_SCHEMA = {
    "id": pl.Int64, "start_utc": pl.String, "utc_offset_s": pl.Int64, "local_offset_s": pl.Int64,
    "sport": pl.String,
    "sub_sport": pl.String, "name": pl.String, "distance_m": pl.Float64,
    "elapsed_s": pl.Float64, "moving_s": pl.Float64, "avg_hr_bpm": pl.Float64,
    "max_hr_bpm": pl.Float64, "elev_gain_m": pl.Float64, "elev_loss_m": pl.Float64,
    "avg_cadence_spm": pl.Float64, "lat_deg": pl.Float64, "lon_deg": pl.Float64,
    "gear_id": pl.Int64, "source": pl.String,
}


def _frame(rows: list[sqlite3.Row] | list[tuple], schema: dict) -> pl.DataFrame:
    """Rows to a frame, column-wise (several times faster than row-wise construction)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    return _columns_frame(columns, schema)


def _columns_frame(columns: list[list] | list[tuple], schema: dict) -> pl.DataFrame:
    return pl.DataFrame({name: pl.Series(name, col if isinstance(col, list) else list(col), dtype=dtype)
                         for (name, dtype), col in zip(schema.items(), columns, strict=True)})


def _query_columns(conn: sqlite3.Connection, sql: str, params: tuple = ()) -> list[list]:
    """The result of a query column by column. Rows are read as plain tuples (faster than
    ``sqlite3.Row``) a few hundred at a time, so thousands of rows never live at once
    (which would also set off Python's full garbage collection)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(sql, params)
    columns: list[list] = [[] for _ in cursor.description]
    while chunk := cursor.fetchmany(256):
        for column, values in zip(columns, zip(*chunk, strict=True), strict=True):
            column.extend(values)
    return columns


def _between(column: str, since: str | None, until: str | None,
             *, inclusive: bool = False) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause keeping ``since <= column < until`` (``<= until`` if ``inclusive``;
    either bound optional), and its parameters."""
    terms = [(f"{column} >= ?", since), (f"{column} {'<=' if inclusive else '<'} ?", until)]
    kept = [(t, v) for t, v in terms if v is not None]
    return ("WHERE " + " AND ".join(t for t, _ in kept) if kept else ""), tuple(v for _, v in kept)


def activities(conn: sqlite3.Connection, since_utc: str | None = None, with_source: bool = True,
               until_utc: str | None = None, columns: list[str] | None = None) -> pl.DataFrame:
    """Stored activities starting at ``since_utc`` or later and before ``until_utc`` (UTC
    ISO text, both optional), oldest first; only ``columns`` when given (names of
    ``ACTIVITY_FRAME_SCHEMA``); ``source`` = the file names, ``;``-joined (only when
    ``with_source``, as listing needs it and the engine does not)."""
    where, params = _between("a.start_utc", since_utc, until_utc)
    names = [c for c in columns or ACTIVITY_FRAME_SCHEMA if c != "source"]
    values = _query_columns(conn, f"SELECT {', '.join('a.' + c for c in names)} FROM activities a {where} "
                                  f"ORDER BY a.start_utc, a.id", params)
    frame = _columns_frame(values, {c: ACTIVITY_FRAME_SCHEMA[c] for c in names})
    if not with_source:
        return frame
    sources = conn.execute("SELECT s.activity_id, group_concat(f.path, ';') FROM (SELECT DISTINCT activity_id, "
                           "file_sha256 FROM activity_sources ORDER BY activity_id, file_sha256) s "
                           "JOIN files f ON f.sha256 = s.file_sha256 GROUP BY s.activity_id").fetchall()
    joined = _frame(sources, {"id": pl.Int64, "source": pl.String})
    return frame.join(joined, on="id", how="left")


def hr_seconds_at_bpm(conn: sqlite3.Connection, since_utc: str | None = None,
                      until_utc: str | None = None) -> tuple[list[int], list[int]]:
    """Seconds at each whole bpm (0-255) summed over the activities starting in
    ``since_utc``..``until_utc`` (both optional, as in :func:`activities`), and the ids of
    those activities."""
    where, params = _between("start_utc", since_utc, until_utc)
    ids, blobs = _query_columns(conn, f"SELECT id, hr_hist FROM activities {where}", params)
    total = [0] * HR_BINS
    if any(blobs):
        hists = pl.DataFrame({"h": pl.Series(blobs, dtype=pl.Binary)}).select(hr_hist_array(pl.col("h")))
        sums = hists.select(pl.col("h").arr.to_struct()).unnest("h").sum().row(0)
        total = [int(v or 0) for v in sums]
    return total, [int(i) for i in ids]


def activities_with_hists(conn: sqlite3.Connection, since_utc: str | None = None, until_utc: str | None = None,
                          columns: list[str] | None = None) -> pl.DataFrame:
    """:func:`activities` (without ``source``) plus ``hr_hist``, each one's stored heart-rate
    histogram (binary, null where none), read in one pass over the table."""
    where, params = _between("a.start_utc", since_utc, until_utc)
    names = [c for c in columns or ACTIVITY_FRAME_SCHEMA if c != "source"]
    values = _query_columns(conn, f"SELECT {', '.join('a.' + c for c in names)}, a.hr_hist "
                                  f"FROM activities a {where} ORDER BY a.start_utc, a.id", params)
    return _columns_frame(values, {**{c: ACTIVITY_FRAME_SCHEMA[c] for c in names}, "hr_hist": pl.Binary})


def last_dates(conn: sqlite3.Connection, until: date | None = None) -> tuple[str | None, str | None]:
    """The latest daily-log date and the latest activity start (UTC ISO text), None when
    empty; only those on or before the day ``until`` when given (data a broken clock dated
    in the far future, stored before heavylegs refused it, is not "the latest day")."""
    if until is None:
        log = conn.execute("SELECT max(date) FROM daily_log").fetchone()[0]
        act = conn.execute("SELECT max(start_utc) FROM activities").fetchone()[0]
        return log, act
    log = conn.execute("SELECT max(date) FROM daily_log WHERE date <= ?", (until.isoformat(),)).fetchone()[0]
    act = conn.execute("SELECT max(start_utc) FROM activities WHERE start_utc < ?",
                       ((until + timedelta(days=1)).isoformat(),)).fetchone()[0]
    return log, act


def first_log_date(conn: sqlite3.Connection, until: str) -> str | None:
    """The earliest date, up to ``until`` (inclusive), with a daily-log row or a device value."""
    dates = [conn.execute(f"SELECT min(date) FROM {table} WHERE date <= ?", (until,)).fetchone()[0]
             for table in ("daily_log", "daily_values")]
    return min((d for d in dates if d is not None), default=None)


def recent_daily(conn: sqlite3.Connection, column: str, until: str, n: int) -> list[tuple[str, float, str]]:
    """The last ``n`` days up to ``until`` (inclusive) with a value of ``column``, oldest
    first, as (date, value, source): the daily log's value where there is one ("log"),
    else the devices' values, every source of a day (core/wellness.py picks one)."""
    own = conn.execute(f"SELECT date, {column} FROM daily_log WHERE date <= ? AND {column} IS NOT NULL "
                       "ORDER BY date DESC LIMIT ?", (until, n)).fetchall()
    days = {r[0] for r in own}
    device = conn.execute("SELECT date, num, source FROM daily_values WHERE column_name = ? AND date <= ? "
                          "AND num IS NOT NULL AND date IN (SELECT DISTINCT date FROM daily_values WHERE "
                          "column_name = ? AND date <= ? AND num IS NOT NULL ORDER BY date DESC LIMIT ?)",
                          (column, until, column, until, n)).fetchall()
    rows = [(r[0], float(r[1]), "log") for r in own] + [(r[0], float(r[1]), r[2]) for r in device if r[0] not in days]
    return sorted(rows)


def log_frame(conn: sqlite3.Connection, since: str | None = None, until: str | None = None,
              columns: list[str] | None = None, also: list[str] | None = None) -> pl.DataFrame:
    """The daily log, one row a date, columns as stored (lists as ``;``-joined text); only
    the dates ``since``..``until`` (ISO, inclusive, both optional) when given, plus the
    dates ``also`` (when given), and only ``date`` plus ``columns`` when given."""
    schema: dict[str, pl.DataType] = {}
    for c in LOG_COLUMNS:
        if columns is None or c.name == "date" or c.name in columns:
            schema[c.name] = {"INTEGER": pl.Int64(), "REAL": pl.Float64()}.get(c.sql_type, pl.String())
    names = ", ".join(schema)
    where, params = _between("date", since, until, inclusive=True)
    if also:
        where = f"{where} OR date IN (SELECT value FROM json_each(?))" if where else "WHERE date IN (SELECT value FROM json_each(?))"
        params = (*params, json.dumps(also))
    columns = _query_columns(conn, f"SELECT {names} FROM daily_log {where} ORDER BY date", params)
    return _columns_frame(columns, schema).with_columns(pl.col("date").str.to_date())


def profile(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM profile")}


def gear(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM gear ORDER BY id").fetchall()


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Row count of every table (for idempotency checks and `status`)."""
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}


def daily_values(conn: sqlite3.Connection, since: str | None = None, until: str | None = None,
                 also: list[str] | None = None) -> pl.DataFrame:
    """Device/app daily values: date, column, source, num, txt; only the dates
    ``since``..``until`` (ISO, inclusive, both optional) when given, plus (with ``also``)
    the dates ``also`` and the first row of every column."""
    where, params = _between("date", since, until, inclusive=True)
    if also is not None and where:
        where += (" OR date IN (SELECT value FROM json_each(?)) OR rowid IN "
                  "(SELECT min(rowid) FROM daily_values GROUP BY column_name)")
        params = (*params, json.dumps(also))
    rows = conn.execute(f"SELECT date, column_name, source, num, txt FROM daily_values {where} "
                        "ORDER BY date, column_name", params).fetchall()
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


# Joined to activity_metrics ``m``: keeps the activity ids given as one JSON array parameter
# (any number of ids, unlike one ``?`` per id).
_ID_JOIN = "JOIN json_each(?) j ON j.value = m.activity_id"


def daily_value_columns(conn: sqlite3.Connection) -> list[str]:
    """The daily-log columns that have any device/app value, sorted."""
    return [r[0] for r in conn.execute("SELECT DISTINCT column_name FROM daily_values ORDER BY column_name")]


def top_metric(conn: sqlite3.Connection, key: str, activity_ids: list[int], n: int) -> list[float]:
    """The ``n`` highest non-null values of metric ``key`` among the given activities, highest first."""
    rows = conn.execute(f"SELECT m.{key} FROM activity_metrics m {_ID_JOIN} WHERE m.{key} IS NOT NULL "
                        f"ORDER BY m.{key} DESC LIMIT ?", (json.dumps(activity_ids), n)).fetchall()
    return [float(r[0]) for r in rows]


def metrics(conn: sqlite3.Connection, keys: list[str], activity_ids: list[int] | None = None) -> pl.DataFrame:
    """Per-activity metrics: ``id``, ``profile_key`` and one Float64 column per key; only
    of the given activities when ``activity_ids`` is given."""
    columns = ", ".join(["m.activity_id", "m.profile_key", *("m." + k for k in keys)])
    if activity_ids is None:
        values = _query_columns(conn, f"SELECT {columns} FROM activity_metrics m")
    else:
        values = _query_columns(conn, f"SELECT {columns} FROM activity_metrics m {_ID_JOIN}", (json.dumps(activity_ids),))
    schema = {"id": pl.Int64, "profile_key": pl.String, **{k: pl.Float64 for k in keys}}
    return _columns_frame(values, schema)
