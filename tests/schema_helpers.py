"""Older workspaces for migration tests: take a current one back to an earlier schema."""

from __future__ import annotations

import re
import sqlite3

from heavylegs.storage.db import MIGRATIONS

_ADDED = re.compile(r"ALTER TABLE (\w+) ADD COLUMN (\w+)")


def back_to_schema(conn: sqlite3.Connection, version: int) -> None:
    """Drop every column the migrations after ``version`` added and set the schema number,
    so opening the workspace again runs those migrations as it would on an old workspace.
    Derived from ``MIGRATIONS``: a new migration needs no change here."""
    for sql in reversed(MIGRATIONS[version:]):
        for table, column in reversed(_ADDED.findall(sql)):
            conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    conn.execute(f"PRAGMA user_version = {version}")
