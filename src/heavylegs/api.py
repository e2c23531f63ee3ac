"""Workspace: the one facade every interface (CLI, web, batch) calls."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl

from heavylegs import causes, explain, triage
from heavylegs.causes.base import Context
from heavylegs.core import daily
from heavylegs.core.load import HR_BINS, hr_histogram
from heavylegs.core.model import ParsedActivity
from heavylegs.core.profile import KEYS as PROFILE_KEYS
from heavylegs.core.profile import Profile, parse_setting, resolve
from heavylegs.errors import HeavyLegsError, ImportFailed, InvalidInput, NotEnoughData
from heavylegs.storage import open_database, queries, repo

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".csv")
Progress = Callable[[int, int, int, str], None]  # files done, files total, bytes done, path


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"imported": self.imported, "unchanged": self.unchanged,
                "failed": [{"path": p, "error": e} for p, e in self.failed],
                "warnings": self.warnings}


def default_home() -> Path:
    env = os.environ.get("HEAVYLEGS_HOME")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("heavylegs"))


def _is_candidate(path: Path) -> bool:
    name = path.name.lower().removesuffix(".gz")
    return not path.name.startswith(".") and name.endswith(ACTIVITY_SUFFIXES)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to import: explicit files as given, folders walked for known suffixes."""
    found, missing = [], []
    for p in paths:
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and _is_candidate(f))
        elif p.is_file():
            found.append(p)
        else:
            missing.append((str(p), "no such file or folder"))
    return found, missing


def _is_daily_log(path: Path, data: bytes) -> bool:
    if data[:2] == b"\x1f\x8b":
        return False
    from heavylegs.importers import detect_format

    return detect_format(data) == "csv"


def streams_hr_hist(act: ParsedActivity) -> np.ndarray:
    s = act.streams
    if s.height < 2:
        return np.zeros(HR_BINS, dtype=np.int32)
    return hr_histogram(s["elapsed_s"].to_numpy().astype(float),
                        s["heart_rate_bpm"].to_numpy().astype(float))


class Workspace:
    """A runner's local workspace: a folder holding the SQLite database."""

    def __init__(self, home: Path | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.conn = open_database(self.home)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import -------------------------------------------------------------------------
    def import_paths(self, paths: Sequence[Path | str], progress: Progress | None = None) -> ImportReport:
        """Import files, folders: each file one transaction, idempotent by content hash."""
        files, missing = discover(Path(p) for p in paths)
        report = ImportReport(failed=list(missing))
        done_bytes = 0
        for i, path in enumerate(files):
            try:
                data = path.read_bytes()
            except OSError as exc:
                report.failed.append((str(path), f"cannot read ({exc.strerror or exc})"))
                continue
            done_bytes += len(data)
            self._import_one(path, data, report)
            if progress:
                progress(i + 1, len(files), done_bytes, str(path))
        return report

    def _import_one(self, path: Path, data: bytes, report: ImportReport) -> None:
        sha = hashlib.sha256(data).hexdigest()
        if repo.has_file(self.conn, sha):
            report.unchanged += 1
            return
        try:
            if _is_daily_log(path, data):
                self._import_log(path, data, sha, report)
                return
            from heavylegs.importers import read_activity_file

            acts = read_activity_file(path, data)
            hists = [streams_hr_hist(a) for a in acts]
            repo.save_activities(self.conn, sha, str(path), len(data), acts, hists)
            report.warnings += [f"{path}: {w}" for a in acts for w in a.warnings]
            report.imported += 1
        except ImportFailed as exc:
            report.failed.append((str(path), exc.reason))

    def _import_log(self, path: Path, data: bytes, sha: str, report: ImportReport) -> None:
        from heavylegs.importers import daily_log

        parsed = daily_log.parse(data, str(path))
        report.warnings += parsed.warnings
        report.failed += [(str(path), str(e)) for e in parsed.errors]
        if parsed.errors:  # not recorded as done: a re-import reports the bad rows again
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                repo.upsert_log_rows(self.conn, parsed.rows)
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
        else:
            repo.save_daily_log(self.conn, sha, str(path), len(data), parsed.rows)
        report.imported += 1

    # -- listing ------------------------------------------------------------------------
    def activities(self, since: date | None = None) -> pl.DataFrame:
        since_utc = datetime(since.year, since.month, since.day, tzinfo=UTC).isoformat() if since else None
        return queries.activities(self.conn, since_utc)

    def counts(self) -> dict[str, int]:
        return queries.counts(self.conn)

    # -- profile ------------------------------------------------------------------------
    def profile_set(self, items: dict[str, str]) -> None:
        checked = {k: parse_setting(k, v) for k, v in items.items()}
        if "timezone" in checked:
            _tz_offset(str(checked["timezone"]))
        with self.conn:
            for key, raw in items.items():
                self.conn.execute("INSERT OR REPLACE INTO profile VALUES (?, ?)", (key, raw.strip()))

    def profile(self, day: date | None = None) -> Profile:
        day = day or date.today()
        acts = queries.activities(self.conn)
        hists = queries.hr_histograms(self.conn)
        year_ago = datetime(day.year - 1, day.month, min(day.day, 28), tzinfo=UTC).isoformat()
        recent = acts.filter(pl.col("start_utc") >= year_ago)["id"].to_list()
        hist = sum((hists[i] for i in recent), np.zeros(HR_BINS, dtype=np.int64))
        log = queries.log_frame(self.conn).filter(pl.col("date") <= day)
        rhr = log["resting_hr_bpm"].drop_nulls().tail(7)
        stored = queries.profile(self.conn)
        birth = int(stored["birth_year"]) if "birth_year" in stored else None
        return resolve(stored, hr_hist_12m=hist if recent else None,
                       resting_hr_7d_median=float(rhr.median()) if rhr.len() else None,  # type: ignore[arg-type]
                       age=day.year - birth if birth else None)

    def profile_show(self) -> dict[str, object]:
        stored = queries.profile(self.conn)
        p = self.profile()
        values = {k: stored.get(k) for k in PROFILE_KEYS}
        for key, attr in (("max_hr", "max_hr"), ("resting_hr", "resting_hr"), ("lthr", "lthr"),
                          ("sleep_need_h", "sleep_need_h")):
            if values[key] is None:
                values[key] = round(getattr(p, attr), 1)
        return {"values": values, "estimated": p.estimated}

    # -- gear ---------------------------------------------------------------------------
    def gear_add(self, name: str, from_date: date | None = None, to_date: date | None = None,
                 start_km: float = 0.0, limit_km: float | None = None) -> None:
        if not name.strip():
            raise InvalidInput("name", name, "a non-empty name")
        if start_km < 0 or (limit_km is not None and limit_km <= 0):
            raise InvalidInput("km", start_km if start_km < 0 else limit_km, "a positive number")
        with self.conn:
            try:
                self.conn.execute(
                    "INSERT INTO gear(name, from_date, to_date, start_km, limit_km) VALUES (?,?,?,?,?)",
                    (name.strip(), from_date and from_date.isoformat(), to_date and to_date.isoformat(),
                     start_km, limit_km))
            except Exception as exc:
                raise InvalidInput("name", name, "a name not used by another pair") from exc

    def gear_list(self) -> list[dict[str, object]]:
        acts = self.activities()
        out = []
        for g in queries.gear(self.conn):
            runs = acts.filter(pl.col("sport").str.contains("running"))
            explicit = runs.filter(pl.col("gear_id") == g["id"])
            dated = runs.filter(pl.col("gear_id").is_null())
            if g["from_date"]:
                dated = dated.filter(pl.col("start_utc") >= g["from_date"])
            if g["to_date"]:
                dated = dated.filter(pl.col("start_utc") < g["to_date"] + "T99")
            km = g["start_km"] + (explicit["distance_m"].sum() + dated["distance_m"].sum()) / 1000
            out.append({"name": g["name"], "from": g["from_date"], "to": g["to_date"],
                        "km": round(km, 1), "limit_km": g["limit_km"],
                        "runs": explicit.height + dated.height})
        return out

    # -- the answer ---------------------------------------------------------------------
    def latest_day(self) -> date:
        acts = self.activities()
        log = queries.log_frame(self.conn)
        days = [d for d in (log["date"].max() if log.height else None,) if d is not None]
        if acts.height:
            days.append(datetime.fromisoformat(acts["start_utc"].max()).date())  # type: ignore[arg-type]
        if not days:
            raise NotEnoughData("the workspace is empty: import activity files or a daily log first "
                                "(heavylegs import PATH)")
        return max(days)  # type: ignore[type-var]

    def context(self, day: date | None = None) -> Context:
        day = day or self.latest_day()
        profile = self.profile(day)
        tz = _tz_offset(profile.timezone) if profile.timezone else None
        acts = daily.with_loads(queries.activities(self.conn), queries.hr_histograms(self.conn), profile, tz)
        acts = acts.filter(pl.col("local_date") <= day)
        log = queries.log_frame(self.conn).filter(pl.col("date") <= day)
        table = daily.build(acts, log, end=day)
        return Context(day=day, daily=table, acts=acts, profile=profile)

    def daily_table(self, day: date | None = None) -> pl.DataFrame:
        return self.context(day).daily

    def why(self, day: date | None = None) -> explain.Answer:
        ctx = self.context(day)
        hits = triage.evaluate(ctx.day, ctx.daily)
        results = causes.evaluate_all(ctx)
        today = ctx.daily.filter(pl.col("date") == ctx.day)
        heaviness = today["heaviness"][0] if today.height else None
        return explain.build(ctx.day, heaviness, hits, results, _notes(ctx))


def _notes(ctx: Context) -> tuple[str, ...]:
    notes = [f"{k.replace('_', ' ')} estimated: {how}" for k, how in ctx.profile.estimated.items()]
    if ctx.acts.height:
        share = float(ctx.acts["load_estimated"].mean())  # type: ignore[arg-type]
        if share > 0.2:
            notes.append(f"{share:.0%} of activities have no heart rate: their load is estimated from duration.")
    return tuple(notes)


def _tz_offset(name: str) -> int:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        offset = datetime.now(ZoneInfo(name)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput("timezone", name, PROFILE_KEYS["timezone"][3]) from exc
    return int(offset.total_seconds()) if offset else 0


__all__ = ["Workspace", "ImportReport", "default_home", "HeavyLegsError"]
