"""Stored answers: the JSON of a computed `why`, kept in the workspace until any data
changes, so a repeated `heavylegs why` prints it without loading the engine.

An answer is valid while three things hold, and each is part of how it is found:

* no data changed since it was stored: migration 4 puts triggers on every data table that
  empty ``answers`` on any insert, update or delete, whoever writes (heavylegs, a script, the
  sqlite3 shell);
* the same heavylegs code: ``code_version()`` fingerprints the package's files, so an upgrade
  or an edited checkout never serves an old answer;
* the same time zone of the runner (the profile's ``timezone``, else the system's, which
  the caller passes): local days and times depend on it. Each activity's offset for its
  own date is stored with it (storage/offsets.py), so the answer does not depend on the
  offset today; a changed zone rewrites those offsets, which empties ``answers`` too.

This module imports nothing heavy (no polars, numpy or engine): the cold `why` path uses
it before deciding whether the engine is needed at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import heavylegs
from heavylegs.storage.db import BUSY_TIMEOUT_S, DB_NAME, MIGRATIONS

LATEST = "latest"
STORE_WAIT_MS = 500  # how long storing an answer waits for another process's write
_CODE: str | None = None


def code_version() -> str:
    """A fingerprint of the installed heavylegs: version plus name, size and modification
    time of every file in the package (about 1 ms)."""
    global _CODE
    if _CODE is None:
        digest = hashlib.sha256(heavylegs.__version__.encode())
        root = Path(heavylegs.__file__).parent
        for folder, dirs, files in sorted(os.walk(root)):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json", ".so")):
                    st = os.stat(os.path.join(folder, name))
                    digest.update(f"{folder[len(str(root)):]}/{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        _CODE = digest.hexdigest()[:32]
    return _CODE


def _zone(conn: sqlite3.Connection, system_zone: str | None) -> str:
    """The runner's zone as the key holds it: the profile's, else ``system_zone``."""
    row = conn.execute("SELECT value FROM profile WHERE key = 'timezone'").fetchone()
    return str(row[0]) if row is not None and row[0] else (system_zone or "")


def _key(conn: sqlite3.Connection, day: date | None, zone: str | None) -> tuple[str, str]:
    request = day.isoformat() if day else LATEST
    return request, f"{code_version()}|{_zone(conn, zone)}"


def lookup(conn: sqlite3.Connection, day: date | None, zone: str | None) -> dict[str, object] | None:
    """The stored answer for ``day`` (None: the latest day with data), or None; ``zone``:
    the system's time zone (the profile's wins)."""
    try:
        request, key = _key(conn, day, zone)
        row = conn.execute("SELECT body FROM answers WHERE request = ? AND key = ?",
                           (request, key)).fetchone()
    except sqlite3.Error:
        return None
    return json.loads(row[0]) if row else None


def store(conn: sqlite3.Connection, day: date | None, body: dict[str, object], zone: str | None) -> None:
    """Keep ``body`` as the answer for ``day``; a failure to write (read-only folder, locked
    database) only means the next `why` computes again."""
    try:
        request, key = _key(conn, day, zone)
        conn.execute(f"PRAGMA busy_timeout = {STORE_WAIT_MS}")  # never hold `why` up for long
        try:
            conn.execute("INSERT OR REPLACE INTO answers(request, key, body) VALUES (?, ?, ?)",
                         (request, key, json.dumps(body, ensure_ascii=False)))
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    except sqlite3.Error:
        pass


def lookup_in(home: Path, day: date | None, zone: str | None) -> dict[str, object] | None:
    """The stored answer in the workspace at ``home`` without opening it for writing or
    migrating it; None when there is none (or no workspace, or an older schema)."""
    path = home / DB_NAME
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != len(MIGRATIONS):
                return None
            return lookup(conn, day, zone)
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def units_in(home: Path) -> str:
    """The runner's display units (the profile's ``units``: metric or imperial) read from
    the workspace at ``home`` without opening it for writing; ``metric`` when unset or
    unreadable. A stored answer is metric JSON, so it needs these to be printed."""
    path = home / DB_NAME
    if not path.is_file():
        return "metric"
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        try:
            row = conn.execute("SELECT value FROM profile WHERE key = 'units'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return "metric"
    return "imperial" if row is not None and str(row[0]).strip().lower() == "imperial" else "metric"
