"""Decoding one athlete: their folder imported with the project's importers into a
workspace kept as a cache (so a re-run parses only new files: the importer skips known
content hashes), then the canonical tables read back from it (engine.Tables + files)."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from heavylegs import engine
from heavylegs.api import Workspace, discover
from heavylegs.batch import inputs
from heavylegs.errors import HeavyLegsError

TABLES = ("activities", "log", "values", "profile", "gear", "files")
FILES_SCHEMA: dict[str, pl.DataType] = {"path": pl.String(), "sha256": pl.String(), "kind": pl.String(),
                                        "size_bytes": pl.Int64()}
PROFILE_SCHEMA: dict[str, pl.DataType] = {"key": pl.String(), "value": pl.String()}


@dataclass
class Decoded:
    athlete: str
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)  # TABLES, each with ``athlete`` first
    errors: list[tuple[str, str]] = field(default_factory=list)  # (path relative to ROOT, reason)
    decoded: int = 0  # files parsed this run
    unchanged: int = 0  # files known from an earlier run (not parsed)


def decode(athlete: str, folder: Path, cache: Path, shown_as: str | None = None) -> Decoded:
    """Import ``folder`` (one athlete's) into the workspace at ``cache`` and return its
    tables. ``shown_as`` is the folder's name in messages (default: ``athlete``). Never
    raises for bad input: problems are in ``errors``."""
    shown = shown_as or athlete
    out = Decoded(athlete)
    settings_bytes = [_read(folder / name) for name in (inputs.PROFILE_FILE, inputs.GEAR_FILE)]
    settings = inputs.read_settings(*settings_bytes, where=shown)
    out.errors += settings.errors
    stamp = hashlib.sha256(repr(settings_bytes).encode()).hexdigest()
    if (cache / "settings.sha256").exists() and (cache / "settings.sha256").read_text() != stamp:
        shutil.rmtree(cache)  # profile or gear changed: rebuilt (metrics depend on them)
    files = [p for p in discover([folder])[0] if not inputs.is_setting(folder, p)]
    if cache.is_dir() and _stale(cache, folder, files):
        shutil.rmtree(cache)  # a file was removed or renamed: rebuilt without it
    cache.mkdir(parents=True, exist_ok=True)
    try:
        with Workspace(cache) as ws:
            _apply_settings(ws, settings, shown, out)
            (cache / "settings.sha256").write_text(stamp)
            (cache / FOLDER_FILE).write_text(str(folder), encoding="utf-8")
            report = ws.import_paths(files)
            out.decoded, out.unchanged = report.imported, report.unchanged
            out.errors += [(_shown(p, folder, shown), reason) for p, reason in report.failed]
            out.frames = frames(athlete, ws, folder, shown)
    except HeavyLegsError as exc:
        out.errors.append((shown, f"athlete not decoded: {exc}"))
    return out


FOLDER_FILE = "folder.txt"  # in the cache: the folder its files were imported from


def _stale(cache: Path, folder: Path, files: list[Path]) -> bool:
    """Whether the cache at ``cache`` holds a file no longer in ``folder`` (``files``: what
    it holds now). The cache's paths are first moved onto ``folder`` if they were imported
    from another place (ROOT moved; Spark's executors decode in a scratch folder)."""
    import sqlite3

    from heavylegs.storage.db import DB_NAME

    db = cache / DB_NAME
    if not db.is_file():
        return False
    was = (cache / FOLDER_FILE).read_text(encoding="utf-8") if (cache / FOLDER_FILE).exists() else str(folder)
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        if was != str(folder):
            conn.execute("UPDATE files SET path = ? || substr(path, ?) WHERE substr(path, 1, ?) = ?",
                         (str(folder), len(was) + 1, len(was), was))
        stored = [r[0] for r in conn.execute("SELECT path FROM files")]
    except sqlite3.Error:
        return True  # unreadable: rebuilt
    finally:
        conn.close()
    now = {str(p) for p in files}
    return any(p not in now and not any(p.startswith(n) for n in now) for p in stored)  # (archive members)


def drop_workspaces(folder: Path, keep: set[str]) -> None:
    """The kept workspaces in ``folder`` (each in a sub-folder named after its athlete,
    quoted) other than ``keep``'s removed. Only folders holding a workspace this module
    made (its FOLDER_FILE) are touched."""
    import shutil

    for sub in folder.iterdir() if folder.is_dir() else []:
        if sub.name not in keep and (sub / FOLDER_FILE).is_file():
            shutil.rmtree(sub, ignore_errors=True)


def cache_bytes(folder: Path) -> bytes:
    """An athlete's cache folder (their workspace) as tar bytes, to keep elsewhere."""
    import io
    import tarfile

    sink = io.BytesIO()
    with tarfile.open(fileobj=sink, mode="w") as tar:
        for f in sorted(folder.iterdir()) if folder.is_dir() else []:
            tar.add(f, arcname=f.name)
    return sink.getvalue()


def restore_cache(data: bytes, folder: Path) -> None:
    """The cache folder :func:`cache_bytes` gave, unpacked into ``folder``."""
    import io
    import tarfile

    folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as tar:
        tar.extractall(folder, filter="data")


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def _shown(path: str, folder: Path, shown: str) -> str:
    p = Path(path)
    try:
        return f"{shown}/{p.relative_to(folder).as_posix()}"
    except ValueError:
        return path if path.startswith(shown) else f"{shown}/{path}"


def _apply_settings(ws: Workspace, settings: inputs.Settings, shown: str, out: Decoded) -> None:
    for key, value in settings.profile.items():
        try:
            ws.profile_set({key: value})
        except HeavyLegsError as exc:
            out.errors.append((f"{shown}/{inputs.PROFILE_FILE}", str(exc)))
    known = {r["name"] for r in ws.conn.execute("SELECT name FROM gear")}
    for g in settings.gear:
        if g["name"] in known:
            continue
        try:
            ws.gear_add(str(g["name"]), g["from_date"], g["to_date"], float(g["start_km"]),  # type: ignore[arg-type]
                        g["limit_km"], str(g["kind"]))  # type: ignore[arg-type]
        except HeavyLegsError as exc:
            out.errors.append((f"{shown}/{inputs.GEAR_FILE}", str(exc)))


def frames(athlete: str, ws: Workspace, folder: Path, shown: str) -> dict[str, pl.DataFrame]:
    """The workspace's canonical tables, each keyed by ``athlete`` (the first column)."""
    t = ws.tables()
    rows = ws.conn.execute("SELECT path, sha256, kind, size_bytes FROM files ORDER BY path, sha256").fetchall()
    files = pl.DataFrame([(_shown(r[0], folder, shown), r[1], r[2], r[3]) for r in rows], orient="row",
                         schema=FILES_SCHEMA)
    profile = pl.DataFrame({"key": list(t.profile), "value": list(t.profile.values())}, schema=PROFILE_SCHEMA)
    acts = engine.conform(t.activities, SCHEMAS["activities"])
    found = {"activities": acts, "log": engine.conform(t.log, engine.LOG_SCHEMA),
             "values": engine.conform(t.values, engine.VALUES_SCHEMA), "profile": profile,
             "gear": engine.conform(t.gear, engine.GEAR_SCHEMA), "files": files}
    return {name: f.select(pl.lit(athlete, dtype=pl.String).alias("athlete"), pl.all()) for name, f in found.items()}


SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "activities": {**engine.ACTIVITY_SCHEMA, **dict.fromkeys(engine.METRIC_COLUMNS, pl.Float64())},
    "log": engine.LOG_SCHEMA, "values": engine.VALUES_SCHEMA, "profile": PROFILE_SCHEMA,
    "gear": engine.GEAR_SCHEMA, "files": FILES_SCHEMA}


def tables_of(frames_: dict[str, pl.DataFrame]) -> engine.Tables:
    """engine.Tables from one athlete's frames (as :func:`frames` gives or Parquet holds;
    a missing table is empty)."""
    f = {k: engine.conform(frames_[k], SCHEMAS[k]) if k in frames_ else engine.empty_frame(SCHEMAS[k])
         for k in SCHEMAS}
    acts = f["activities"].sort("start_utc", "id", maintain_order=True)
    return engine.Tables(activities=acts, log=f["log"].sort("date"), values=f["values"].sort("date", "column",
                         maintain_order=True), profile=dict(f["profile"].iter_rows()), gear=f["gear"].sort("id"))


def days_since_activity(t: engine.Tables, day: date) -> int | None:
    """Days from the athlete's last activity (local date, on or before ``day``) to ``day``."""
    from heavylegs.core import daily

    if t.activities.height == 0:
        return None
    dated = daily.with_dates(t.activities.select("start_utc", "utc_offset_s", "local_offset_s", "lon_deg", "sport"))
    last = dated.filter(pl.col("local_date") <= day)["local_date"].max()
    return None if last is None else (day - last).days  # type: ignore[operator]
