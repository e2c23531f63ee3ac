from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from heavylegs.errors import StorageError
from heavylegs.storage import open_database
from heavylegs.storage.db import MIGRATIONS


def test_open_applies_migrations_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    conn = open_database(tmp_path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"activities", "streams", "daily_log", "profile", "gear", "files"} <= tables
    conn.close()
    again = open_database(tmp_path)  # reopening applies nothing twice
    assert again.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_a_newer_workspace_is_refused_clearly(tmp_path: Path) -> None:
    conn = open_database(tmp_path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(StorageError, match="newer heavylegs"):
        open_database(tmp_path)


def test_foreign_keys_cascade_streams(tmp_path: Path) -> None:
    conn = open_database(tmp_path)
    conn.execute("INSERT INTO activities(id, start_utc, sport, elapsed_s) VALUES (1, '2026-01-01T00:00:00+00:00', 'running', 60)")
    conn.execute("INSERT INTO streams VALUES (1, 'x', 0, x'00')")
    conn.execute("DELETE FROM activities WHERE id = 1")
    assert conn.execute("SELECT count(*) FROM streams").fetchone()[0] == 0
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO streams VALUES (5, 'x', 0, x'00')")
