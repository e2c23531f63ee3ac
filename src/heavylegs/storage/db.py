"""Opening the workspace database: SQLite in WAL mode, foreign keys on, and versioned
migrations applied on open (``PRAGMA user_version`` holds the applied version)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from heavylegs.core.logschema import COLUMNS as LOG_COLUMNS
from heavylegs.errors import StorageError

DB_NAME = "heavylegs.sqlite"


def _log_table_sql() -> str:
    cols = ",\n  ".join(f"{c.name} {c.sql_type}" for c in LOG_COLUMNS if c.name != "date")
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

# Gear kinds (core/gear.py KINDS): only shoes carry running km and the 500/800 km dates.
# Gear first seen on an export's non-runs only (a Strava bike) becomes a bike.
MIGRATION_GEAR_KIND = """
ALTER TABLE gear ADD COLUMN kind TEXT NOT NULL DEFAULT 'shoes';
UPDATE gear SET kind = 'bike' WHERE id IN (SELECT gear_id FROM activities WHERE gear_id IS NOT NULL
  GROUP BY gear_id HAVING sum(sport IN ('running', 'trail_running', 'treadmill_running')) = 0
  AND sum(sport IN ('cycling', 'e_biking')) > 0);
"""

# Each migration is SQL applied in order inside one transaction; append, never edit.
MIGRATIONS: list[str] = [MIGRATION_1, MIGRATION_2, MIGRATION_3, MIGRATION_4, MIGRATION_GEAR_KIND]


def _migrate(conn: sqlite3.Connection) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise StorageError(
            f"the workspace was written by a newer heavylegs (schema {version}, this one "
            f"knows {len(MIGRATIONS)}): upgrade heavylegs")
    for number, sql in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            conn.executescript(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.Error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def default_home() -> Path:
    """The workspace folder: ``HEAVYLEGS_HOME``, else the platform's user data folder."""
    env = os.environ.get("HEAVYLEGS_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("heavylegs"))


def open_database(home: Path) -> sqlite3.Connection:
    """Open (creating if needed) the workspace database under ``home``."""
    try:
        home.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(home / DB_NAME, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(conn)
    except (OSError, sqlite3.Error) as exc:
        raise StorageError(f"{home / DB_NAME}: cannot open the workspace ({exc})") from exc
    return conn
