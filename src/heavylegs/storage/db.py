"""Opening the workspace database: SQLite in WAL mode, foreign keys on, and versioned
migrations applied on open (``PRAGMA user_version`` holds the applied version)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from heavylegs.core.logschema import COLUMNS as LOG_COLUMNS
from heavylegs.core.logschema import V1_COLUMNS
from heavylegs.errors import NotEnoughData, StorageError

DB_NAME = "heavylegs.sqlite"
# How long a write waits for another process's transaction (imports, check-ins at once).
BUSY_TIMEOUT_S = 60.0


def _log_table_sql() -> str:
    cols = ",\n  ".join(f"{c.name} {c.sql_type}" for c in LOG_COLUMNS[:V1_COLUMNS] if c.name != "date")
    return f"""CREATE TABLE daily_log (
  date TEXT PRIMARY KEY,
  {cols},
  updated_at TEXT NOT NULL
)"""


MIGRATION_1 = f"""
CREATE TABLE files (
  sha256 TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  kind TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  imported_at TEXT NOT NULL
);
CREATE TABLE gear (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  from_date TEXT,
  to_date TEXT,
  start_km REAL NOT NULL DEFAULT 0,
  limit_km REAL
);
CREATE TABLE activities (
  id INTEGER PRIMARY KEY,
  start_utc TEXT NOT NULL,
  utc_offset_s INTEGER,
  sport TEXT NOT NULL,
  sub_sport TEXT,
  name TEXT,
  device TEXT,
  distance_m REAL,
  elapsed_s REAL NOT NULL,
  moving_s REAL,
  avg_hr_bpm REAL,
  max_hr_bpm REAL,
  elev_gain_m REAL,
  elev_loss_m REAL,
  avg_cadence_spm REAL,
  lat_deg REAL,
  lon_deg REAL,
  hr_hist BLOB,
  gear_id INTEGER REFERENCES gear(id) ON DELETE SET NULL
);
CREATE INDEX activities_start ON activities(start_utc);
CREATE TABLE activity_sources (
  activity_id INTEGER NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
  file_sha256 TEXT NOT NULL REFERENCES files(sha256) ON DELETE CASCADE,
  member INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (activity_id, file_sha256, member)
);
CREATE TABLE streams (
  activity_id INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
  encoding TEXT NOT NULL,
  n_samples INTEGER NOT NULL,
  data BLOB NOT NULL
);
{_log_table_sql()};
CREATE TABLE profile (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
"""

MIGRATION_2 = """
CREATE TABLE daily_values (
  date TEXT NOT NULL,
  column_name TEXT NOT NULL,
  source TEXT NOT NULL,
  num REAL,
  txt TEXT,
  detail TEXT NOT NULL DEFAULT '',
  file_sha256 TEXT REFERENCES files(sha256) ON DELETE CASCADE,
  PRIMARY KEY (date, column_name, source)
);
CREATE TABLE activity_metrics (
  activity_id INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
  profile_key TEXT NOT NULL,
  data TEXT NOT NULL
);
"""

# Per-activity metrics (core/metrics.py), one REAL column a metric so that thousands of
# rows load column-wise fast; profile_key holds the profile values they were computed with.
MIGRATION_3 = """
DROP TABLE activity_metrics;
CREATE TABLE activity_metrics (
  activity_id INTEGER PRIMARY KEY REFERENCES activities(id) ON DELETE CASCADE,
  profile_key TEXT NOT NULL,
  moving_s REAL,
  distance_m REAL,
  elev_gain_m REAL,
  elev_loss_m REAL,
  descent_steep_m REAL,
  grade_adjusted_speed_mps REAL,
  speed_mps_mean REAL,
  hr_z1_s REAL,
  hr_z2_s REAL,
  hr_z3_s REAL,
  hr_z4_s REAL,
  hr_z5_s REAL,
  hr_easy_s REAL,
  hr_moderate_s REAL,
  hr_hard_s REAL,
  pace_easy_s REAL,
  pace_moderate_s REAL,
  pace_hard_s REAL,
  time_above_lthr_s REAL,
  trimp REAL,
  hrss REAL,
  rtss REAL,
  ef_first_half REAL,
  ef_second_half REAL,
  decoupling_pct REAL,
  pace_fade_pct REAL,
  hr_drift_pct REAL,
  cadence_spm_mean REAL,
  stride_m_mean REAL,
  cadence_speed_slope REAL,
  gct_ms_mean REAL,
  vo_mm_mean REAL,
  vertical_ratio_pct REAL,
  gct_balance_left_pct_mean REAL,
  form_drift_cadence_pct REAL,
  form_drift_gct_pct REAL,
  form_drift_vo_pct REAL,
  temperature_c_mean REAL,
  hr_max_5s_bpm REAL
);
"""

# Stored answers (storage/answers.py). Every table an answer is computed from gets triggers
# that empty it on any change, so a stored answer is never stale whoever writes the data. A
# migration that adds a data table must add its three triggers too.
DATA_TABLES = ("files", "activities", "activity_sources", "streams", "activity_metrics",
               "daily_log", "daily_values", "profile", "gear")


def _answers_sql() -> str:
    triggers = "\n".join(
        f"CREATE TRIGGER answers_stale_{table}_{op[:3].lower()} AFTER {op} ON {table} "
        f"BEGIN DELETE FROM answers; END;"
        for table in DATA_TABLES for op in ("INSERT", "UPDATE", "DELETE"))
    return f"""CREATE TABLE answers (
  request TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  body TEXT NOT NULL
);
{triggers}
"""


MIGRATION_4 = _answers_sql()

# Daily-log columns added after the first table (issue 10: red flags dealt with).
MIGRATION_5 = "\n".join(f"ALTER TABLE daily_log ADD COLUMN {c.name} {c.sql_type};"
                        for c in LOG_COLUMNS if c.name in ("seen_doctor", "resolved"))

# Each activity's local time (storage/offsets.py): ``local_offset_s`` is the UTC offset its
# local times and date use, the file's own ``utc_offset_s`` where it has one, else the
# runner's time zone's offset at that start (daylight saving included); ``offset_zone``
# names that zone (NULL for a file's own offset), so a change of zone recomputes them.
MIGRATION_6 = """
ALTER TABLE activities ADD COLUMN local_offset_s INTEGER;
ALTER TABLE activities ADD COLUMN offset_zone TEXT;
UPDATE activities SET local_offset_s = utc_offset_s WHERE utc_offset_s IS NOT NULL;
"""

# Gear kinds (core/gear.py KINDS): only shoes carry running km and the 500/800 km dates.
# Gear first seen on an export's non-runs only (a Strava bike) becomes a bike.
MIGRATION_7 = """
ALTER TABLE gear ADD COLUMN kind TEXT NOT NULL DEFAULT 'shoes';
UPDATE gear SET kind = 'bike' WHERE id IN (SELECT gear_id FROM activities WHERE gear_id IS NOT NULL
  GROUP BY gear_id HAVING sum(sport IN ('running', 'trail_running', 'treadmill_running')) = 0
  AND sum(sport IN ('cycling', 'e_biking')) > 0);
"""

# Each migration is SQL applied in order inside one transaction; append, never edit.
MIGRATIONS: list[str] = [MIGRATION_1, MIGRATION_2, MIGRATION_3, MIGRATION_4, MIGRATION_5, MIGRATION_6, MIGRATION_7]


def _statements(sql: str) -> list[str]:
    """The statements of a migration, one by one (a trigger's body stays whole)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out


def _migrate(conn: sqlite3.Connection) -> None:
    """Apply the migrations not yet applied, in one write transaction: the version is read
    again inside it, so two processes opening a new workspace at once migrate it once."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS):
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StorageError(
                f"the workspace was written by a newer heavylegs (schema {version}, this one "
                f"knows {len(MIGRATIONS)}): upgrade heavylegs")
        for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
            for statement in _statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (``with conn:`` is none on a connection in autocommit mode,
    as the workspace's is): taken at once (BEGIN IMMEDIATE, waiting for another writer up
    to the busy timeout), committed at the end, rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        rollback(conn)
        raise


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back the open transaction, if SQLite has not already: after a failed COMMIT
    (a full disk) it has, and a second ROLLBACK would replace the first error with "cannot
    rollback - no transaction is active"."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


# SQLite's primary result codes (https://sqlite.org/rescode.html) a runner can act on.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR, _SQLITE_FULL = 5, 6, 8, 10, 13


def storage_error(home: Path, exc: BaseException) -> StorageError:
    """One line for a failed write to the workspace at ``home``, keeping its first cause."""
    where = home / DB_NAME
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    errno = getattr(exc, "errno", None)
    if primary == _SQLITE_FULL or errno == 28 or "disk is full" in str(exc):
        return StorageError(f"{where}: the disk is full; free some space and run the same command "
                            "again (what was stored so far is kept)")
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return StorageError(f"{where}: the workspace is busy (another heavylegs is writing to it "
                            f"for over {BUSY_TIMEOUT_S:.0f} s); try again")
    if primary == _SQLITE_READONLY or errno in (13, 30):
        return StorageError(f"{where}: the workspace is read-only; it can be read (why, report, "
                            "activities) but not changed")
    if primary == _SQLITE_IOERR:
        return StorageError(f"{where}: the disk failed to write ({exc}); check the disk and run "
                            "the same command again")
    return StorageError(f"{where}: cannot write the workspace ({exc})")


def default_home() -> Path:
    """The workspace folder: ``HEAVYLEGS_HOME``, else the platform's user data folder."""
    env = os.environ.get("HEAVYLEGS_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("heavylegs"))


def _writable(home: Path, path: Path) -> bool:
    """Whether the workspace can be written: its folder (SQLite keeps the -wal and -shm
    files beside the database) and its file. ``os.access`` also answers no, even to root,
    on a read-only mount."""
    return os.access(home, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def open_database(home: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open the workspace database under ``home``, creating it if needed and ``create``;
    without ``create`` a missing workspace is a ``NotEnoughData`` saying how to make one.
    A workspace that cannot be written (read-only folder, file or mount) is opened
    read-only: every read works, a write fails as a ``StorageError``."""
    path = home / DB_NAME
    if not create and not path.is_file():
        raise NotEnoughData(f"no workspace at {home}: make one by importing your files "
                            "(heavylegs import PATH), or pick another with --home DIR")
    try:
        if path.is_file() and not _writable(home, path):
            return _open_read_only(path)
        home.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
        conn.row_factory = sqlite3.Row
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":  # switching takes every lock:
            conn.execute("PRAGMA journal_mode = WAL")  # done once, not by each process that opens it
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(conn)
    except (OSError, sqlite3.Error) as exc:
        known = storage_error(home, exc) if isinstance(exc, sqlite3.Error) else None
        if known is None or "cannot write the workspace" in str(known):  # none a runner can act on by name
            known = StorageError(f"{path}: cannot open the workspace ({exc})")
        raise known from exc
    return conn


def _open_read_only(path: Path) -> sqlite3.Connection:
    """The database opened for reading only. A WAL database needs its -shm file, which a
    read-only folder cannot hold when no writer has it open: then it is opened as
    immutable (nobody can write it there anyway)."""
    conn = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{flags}", uri=True, isolation_level=None,
                               timeout=BUSY_TIMEOUT_S)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            break
        except sqlite3.Error:
            conn.close()
            conn = None
    if conn is None:
        raise StorageError(f"{path}: cannot open the read-only workspace")
    if version != len(MIGRATIONS):
        conn.close()
        raise StorageError(f"{path}: the workspace is read-only and has schema {version}, this "
                           f"heavylegs needs {len(MIGRATIONS)}: make it writable once to upgrade it")
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA query_only = ON")
    return conn
