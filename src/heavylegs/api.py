"""Workspace: the one facade every interface (CLI, web, batch) calls."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from heavylegs import dates, engine, explain, metrics_batch, triage, zones
from heavylegs.causes.base import Context
from heavylegs.core import daily, gear
from heavylegs.core.load import HR_BINS, hr_histogram
from heavylegs.core.model import ParsedActivity
from heavylegs.core.profile import KEYS as PROFILE_KEYS
from heavylegs.core.profile import Profile, normalize, parse_setting, resolve
from heavylegs.discovery import ACTIVITY_SUFFIXES, discover  # noqa: F401 - part of this module's API
from heavylegs.errors import (
    HeavyLegsError,
    ImportFailed,
    InvalidInput,
    NotAnActivity,
    NotEnoughData,
    StorageError,
)
from heavylegs.metrics_batch import PENDING, StreamCache
from heavylegs.sports import check_sport
from heavylegs.storage import answers as stored_answers
from heavylegs.storage import offsets, open_database, queries, repo
from heavylegs.storage.db import default_home, storage_error, transaction

if TYPE_CHECKING:
    import numpy as np

    from heavylegs.importers.bundle import Unit
    from heavylegs.importers.source import Source
    from heavylegs.parallel_import import Worker

from heavylegs.workspace_views import Views  # noqa: E402 - the web dashboard's read views (a mixin)

Progress = Callable[[int, int, int, str], None]  # files done, files total, bytes done, path
SYSTEM_ZONE = "<system>"  # Workspace(system_zone=...): read TZ and /etc/localtime


@dataclass
class ImportReport:
    imported: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # readable files that hold no activity by design (FIT settings/monitoring files)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # the storage error that stopped the import (a full disk): what was stored before stays
    stopped: str | None = None

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {
            "imported": self.imported, "unchanged": self.unchanged,
            "failed": [{"path": p, "error": e} for p, e in self.failed],
            "skipped": [{"path": p, "why": e} for p, e in self.skipped],
            "warnings": self.warnings}
        if self.stopped:
            body["stopped"] = self.stopped
        return body

    @classmethod
    def from_json(cls, body: dict) -> ImportReport:
        """The inverse of :meth:`to_json` (a parallel import's worker sends its reports so)."""
        return cls(imported=int(body["imported"]), unchanged=int(body["unchanged"]),
                   failed=[(f["path"], f["error"]) for f in body["failed"]],
                   warnings=list(body["warnings"]), skipped=[(f["path"], f["why"]) for f in body["skipped"]],
                   stopped=body.get("stopped"))


def merge_reports(missing: Sequence[tuple[str, str]], reports: Sequence[ImportReport]) -> ImportReport:
    """One report from per-file reports (in file order), after the paths found missing."""
    out = ImportReport(failed=list(missing))
    for r in reports:
        out.imported += r.imported
        out.unchanged += r.unchanged
        out.failed += r.failed
        out.warnings += r.warnings
        out.skipped += r.skipped
        out.stopped = out.stopped or r.stopped
    return out


def streams_hr_hist(act: ParsedActivity) -> np.ndarray:
    import numpy as np

    s = act.streams
    if s.height < 2:
        return np.zeros(HR_BINS, dtype=np.int32)
    return hr_histogram(s["elapsed_s"].to_numpy().astype(float),
                        s["heart_rate_bpm"].to_numpy().astype(float))


class Workspace(Views):
    """A runner's local workspace: a folder holding the SQLite database.

    ``system_zone`` is the IANA zone used when the profile sets no ``timezone``: by
    default the system's (``TZ``, else /etc/localtime); None means unknown (local times
    then come from the files' own offsets, else the longitude). Without ``create`` (the
    read commands) a missing workspace is a ``NotEnoughData`` saying how to make one,
    never an empty new workspace."""

    def __init__(self, home: Path | None = None, system_zone: str | None = SYSTEM_ZONE, *,
                 create: bool = True) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.system_zone = zones.system_zone(os.environ) if system_zone == SYSTEM_ZONE else system_zone
        self.conn = open_database(self.home, create=create)
        self._default_sport: str | None = None  # import_paths(sport=...) while it runs
        self._streams: StreamCache | None = None  # import_paths' new streams while it runs
        self._stored_ids: set[int] = set()  # activities whose streams this import stored
        self.sync_offsets()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- time zone ----------------------------------------------------------------------
    def zone(self) -> str | None:
        """The runner's IANA time zone: the profile's ``timezone``, else the system's."""
        name = queries.profile(self.conn).get("timezone")
        if not name:
            return self.system_zone
        try:
            zones.zone(name)
        except ValueError as exc:
            raise InvalidInput("timezone", name, PROFILE_KEYS["timezone"][3]) from exc
        return name

    def today(self) -> date:
        """Today's date where the runner lives."""
        return zones.today_in(self.zone(), datetime.now(UTC))

    def sync_offsets(self) -> int:
        """Give every activity its local UTC offset (storage/offsets.py) for the current
        zone; a no-op when nothing changed. An invalid profile zone is left for the
        commands that use it to report."""
        try:
            zone = self.zone()
        except InvalidInput:
            return 0
        try:
            return offsets.sync(self.conn, zone, zones.offset_at)
        except sqlite3.Error:  # a read-only workspace: local times stay as they were
            return 0

    # -- import -------------------------------------------------------------------------
    def import_paths(self, paths: Sequence[Path | str], progress: Progress | None = None,
                     sport: str | None = None) -> ImportReport:
        """Import files, folders: each file one transaction, idempotent by content hash.
        ``sport`` is given to activities whose file names none (a GPX without <type>).
        Metrics of stored activities are refreshed at the end if the (estimated) profile
        moved enough to change them; those of new activities are computed once, at the
        end, with the profile the batch's data gives (metrics_batch.py: until then they
        are pending, and readers compute them in memory)."""
        files, missing = discover(Path(p) for p in paths)
        return self.import_files(files, missing, progress, sport)

    def import_files(self, files: Sequence[Path], missing: Sequence[tuple[str, str]] = (),
                     progress: Progress | None = None, sport: str | None = None, *,
                     share: Sequence[int] | None = None, workers: Sequence[Worker] = (),
                     finish: bool = True,
                     on_file: Callable[[int, ImportReport], None] | None = None) -> ImportReport:
        """Import ``files`` (discovered already; ``missing`` are reported as failed). With
        ``share`` only those indices are read here, and ``workers`` (parallel_import.py)
        read the rest in other processes: their reports are merged in file order and a
        worker that stopped has its unread files read here. ``finish=False`` (a worker)
        leaves metrics pending and local times to the process that finishes; ``on_file``
        is called with each file's index and report as it is done."""
        if sport is not None:
            check_sport(sport)
        self._default_sport = sport
        per_file: dict[int, ImportReport] = {}
        try:
            self._read_share(files, range(len(files)) if share is None else share, per_file, progress,
                             workers, on_file)
        finally:
            self._default_sport = None
        report = merge_reports(missing, [per_file[i] for i in sorted(per_file)])
        if not finish:  # a worker: the process that finishes tells it when to compute its metrics
            return report
        if (report.imported or metrics_batch.any_pending(self.conn)) and not report.stopped:
            try:
                if workers:  # each process computes the metrics of what it stored
                    self._metrics_in_parallel(workers)
                self.sync_offsets()
                self.refresh_metrics()  # what is left: all of it without workers
            except StorageError as exc:
                report.stopped = str(exc)
                report.failed.append((str(self.home), f"metrics not refreshed: {exc}"))
        for w in workers:  # nothing for them to do (or the import stopped)
            w.abandon()
        self.end_import()
        return report

    def stored_ids(self) -> set[int]:
        """The activities whose streams this process stored in the import running."""
        return set(self._stored_ids)

    def end_import(self) -> None:
        self._streams = None
        self._stored_ids = set()

    def _metrics_in_parallel(self, workers: Sequence[Worker]) -> None:
        """With every file stored (so every process estimates the same profile), the
        workers and this process each compute the pending metrics of the activities they
        stored; a worker that fails leaves its share to the final refresh."""
        for w in workers:
            w.go()
        try:
            self.refresh_metrics(only=self._stored_ids)
        finally:
            for w in workers:
                w.wait()

    def _read_share(self, files: Sequence[Path], share: Iterable[int], per_file: dict[int, ImportReport],
                    progress: Progress | None, workers: Sequence[Worker],
                    on_file: Callable[[int, ImportReport], None] | None = None) -> None:
        profile = self.profile()  # one resolution per batch: metrics of new activities use it
        self._streams = StreamCache()
        done_bytes = mine = 0  # bytes and files read here

        def tick(path: Path) -> None:
            if progress:
                progress(mine + sum(w.done for w in workers), len(files), done_bytes, str(path))

        try:
            for i in share:
                mine += 1
                per_file[i] = ImportReport()
                done_bytes += self._import_path(files[i], per_file[i], profile)
                if on_file:
                    on_file(i, per_file[i])
                for w in workers:
                    w.poll()
                tick(files[i])
                if per_file[i].stopped or any(w.stopped for w in workers):  # a full disk: stop all
                    return
            for w in workers:
                w.wait(tick, stored=True)
                if w.stopped:
                    return
                for i in w.unread():  # the worker stopped early: nothing is lost, its files are read here
                    mine += 1
                    per_file[i] = ImportReport()
                    done_bytes += self._import_path(files[i], per_file[i], profile)
                    tick(files[i])
                    if per_file[i].stopped:
                        return
        finally:
            for w in workers:  # what each worker reported; one that has not stored its share is stopped
                if not w.stored:
                    w.abandon()
                per_file.update(w.got)  # type: ignore[arg-type]

    def _import_path(self, path: Path, report: ImportReport, profile: Profile) -> int:
        """Read and store one file into ``report``; returns its size in bytes."""
        from heavylegs.importers import dispatch

        try:  # opened, not read: a multi-GB export is read member by member from disk
            source = dispatch.open_file(path)
        except OSError as exc:
            report.failed.append((str(path), f"cannot read ({exc.strerror or exc})"))
            return 0
        try:
            with source:  # its units are parsed before it closes (and its temporary files go)
                self._import_one(path, source, report, profile)
                return source.size
        except StorageError as exc:  # a full disk: stop, keep what was stored, say so
            report.stopped = str(exc)
            report.failed.append((str(path), f"not stored: {exc}"))
            return 0

    def refresh_metrics(self, progress: Progress | None = None, only: set[int] | None = None) -> int:
        """Compute, from the stored streams, the metrics of every activity whose metrics are
        pending (metrics_batch.py) or were computed with profile values that differ from
        today's (user-set changes, or estimates that moved by ``METRICS_TOLERANCE_BPM`` or
        more); stored a chunk per transaction; ``only`` limits it to those activities.
        Returns how many."""
        profile = self.profile()
        key = _metrics_key(profile)
        stored = queries.metrics(self.conn, [])
        stale_keys = {k for k in stored["profile_key"].unique().to_list() if k == PENDING or not _same_key(k, key)}
        stale = stored.filter(pl.col("profile_key").is_in(list(stale_keys)))["id"].to_list()
        missing = self.conn.execute("SELECT a.id FROM activities a LEFT JOIN activity_metrics m "
                                    "ON m.activity_id = a.id WHERE m.activity_id IS NULL").fetchall()
        todo = stale + [int(r[0]) for r in missing]
        if only is not None:  # a share of a parallel import (parallel_import.py)
            todo = [i for i in todo if i in only]
        for start in range(0, len(todo), METRICS_CHUNK):
            chunk = todo[start:start + METRICS_CHUNK]
            values = metrics_batch.computed(self.conn, chunk, profile, self._streams)
            try:
                with transaction(self.conn):
                    for act_id in chunk:
                        repo.save_metrics(self.conn, act_id, key, values[act_id])
            except sqlite3.Error as exc:
                raise storage_error(self.home, exc) from exc
            if progress:
                progress(start + len(chunk), len(todo), 0, str(chunk[-1]))
        return len(todo)

    def _import_one(self, path: Path, data: bytes | Source, report: ImportReport, profile: Profile) -> None:
        from heavylegs.importers import dispatch

        try:
            units = dispatch.units_for(path, data)
        except NotAnActivity as exc:
            report.skipped.append((str(path), exc.reason))
            return
        except ImportFailed as exc:
            report.failed.append((str(path), exc.reason))
            return
        except OSError as exc:  # the file is read as it is imported, no longer up front
            report.failed.append((str(path), f"cannot read ({exc.strerror or exc})"))
            return
        except Exception as exc:  # a bug must not lose the rest of the batch
            report.failed.append((str(path), f"internal error while reading ({type(exc).__name__}: {exc}); "
                                             "please report this file"))
            return
        for unit in units:
            self._import_unit(unit, report, profile)

    def _import_unit(self, unit: Unit, report: ImportReport, profile: Profile | None = None) -> None:
        if repo.has_file(self.conn, unit.sha256):  # the fast path: never parsed
            report.unchanged += 1
            return
        try:
            bundle = unit.parse()
        except NotAnActivity as exc:
            report.skipped.append((unit.name, exc.reason))
            return
        except ImportFailed as exc:
            report.failed.append((unit.name, exc.reason))
            return
        except Exception as exc:  # a bug must not lose the rest of the batch
            report.failed.append((unit.name, f"internal error while reading ({type(exc).__name__}: "
                                             f"{exc}); please report this file"))
            return
        bundle, refused = dates.implausible_parts(bundle, unit.name)
        if refused:  # counted as row errors: a file left with nothing is reported again next time
            bundle = replace(bundle, errors=[*refused, *bundle.errors])
        sport = self._default_sport
        if sport:
            from heavylegs.core.model import UNKNOWN_SPORT

            bundle = replace(bundle, activities=[
                replace(a, summary=replace(a.summary, sport=sport)) if a.summary.sport == UNKNOWN_SPORT else a
                for a in bundle.activities])
        hists = [streams_hr_hist(a) for a in bundle.activities]
        profile = profile or self.profile()  # pending in an import (metrics_batch.py), unless fixed
        metrics = metrics_batch.new_metrics(bundle.activities, profile, _metrics_key(profile),
                                            pending=self._streams is not None)
        before = self.conn.total_changes
        written: list[tuple[int, int, bytes]] = []
        try:
            saved = repo.save_bundle(self.conn, unit, bundle, hists, metrics, written)
        except sqlite3.Error as exc:
            raise storage_error(self.home, exc) from exc
        if saved is None:  # another process stored it meanwhile (and reported its problems)
            report.unchanged += 1
            return
        if self._streams is not None:
            self._streams.add(bundle.activities, written)
        self._stored_ids.update(act_id for _, act_id, _ in written)
        report.warnings += [w if w.startswith(unit.name) else f"{unit.name}: {w}" for w in bundle.warnings]
        report.failed += [(unit.name, e) for e in bundle.errors]
        if not (bundle.activities or bundle.log_rows or bundle.daily_values or bundle.gear):
            return  # nothing but rejected rows: reported as failed, not as stored
        if self.conn.total_changes == before:  # a table with rejected rows, read again: nothing new
            report.unchanged += 1
        else:
            report.imported += 1

    # -- daily log ----------------------------------------------------------------------
    def log_row(self, day: date) -> dict[str, object]:
        """The stored daily-log values of ``day`` (only the columns that have a value)."""
        frame = queries.log_frame(self.conn).filter(pl.col("date") == day)
        if frame.height == 0:
            return {}
        row = frame.row(0, named=True)
        return {k: v for k, v in row.items() if v is not None and k != "date"}

    def log_set(self, day: date, values: dict[str, str]) -> list[triage.TriageHit]:
        """Validate raw text values (as a CSV cell would hold them) and upsert them for
        ``day``; ``""`` clears that column's value for the day. Returns the triage rules
        that fire on the day afterwards."""
        from heavylegs.core.logschema import COLUMN_BY_NAME
        from heavylegs.importers import daily_log

        if dates.day_problem(day):
            raise InvalidInput("date", day.isoformat(), dates.accepted())
        sets = {k: v for k, v in values.items() if v != ""}
        clears = [k for k, v in values.items() if v == ""]
        for key in clears:
            if key not in COLUMN_BY_NAME or key == "date":
                raise InvalidInput("column", key, "a daily-log column")
        rows = []
        if sets:
            from heavylegs.importers.daily_log_values import FORMATTERS

            buf = io.StringIO()  # as a CSV cell: text goes through the export's formula guard
            cells = [FORMATTERS[k](v) if k in COLUMN_BY_NAME and COLUMN_BY_NAME[k].kind == "text" else v
                     for k, v in sets.items()]
            csv.writer(buf).writerows([["date", *sets], [day.isoformat(), *cells]])
            parsed = daily_log.parse(buf.getvalue(), "check-in")
            if parsed.errors:
                e = parsed.errors[0]
                raise InvalidInput(e.column, e.value, e.accepted)
            rows = parsed.rows
        with transaction(self.conn):  # one transaction (the connection autocommits)
            repo.upsert_log_rows(self.conn, rows)
            repo.clear_log_values(self.conn, day, clears)
        log = queries.log_frame(self.conn).filter(pl.col("date") <= day)
        return triage.evaluate(day, log)

    def export_daily_log(self, path: Path) -> int:
        """Write the whole daily log in the format of spec/daily-log.md; returns rows written."""
        from heavylegs.importers import daily_log

        rows = [{k: v for k, v in r.items() if v is not None}
                for r in queries.log_rows(self.conn)]
        tmp = Path(path).with_suffix(Path(path).suffix + ".tmp")
        tmp.write_text(daily_log.write(rows), encoding="utf-8", newline="")
        tmp.replace(path)
        return len(rows)

    # -- listing ------------------------------------------------------------------------
    def activities(self, since: date | None = None) -> pl.DataFrame:
        """Stored activities from the local day ``since`` on, with ``local_offset_s``."""
        since_utc = None
        if since:  # a local day starts within 14 h of the UTC one
            since_utc = (datetime(since.year, since.month, since.day, tzinfo=UTC) - timedelta(days=1)).isoformat()
        frame = daily.with_dates(queries.activities(self.conn, since_utc))
        if since:
            frame = frame.filter(pl.col("local_date") >= since)
        return frame.drop("start_local", "is_run", "local_date")

    def delete_activities(self, ids: Sequence[int] = (), sources: Sequence[str] = ()) -> list[dict[str, object]]:
        """Delete the activities with these ids and those stored from these files (a path as
        `activities` lists it, an archive, or a file with the same content), with all that
        was derived from them; returns the rows deleted (as `activities --json` shows them)."""
        from heavylegs.importers.dispatch import sha256_file
        from heavylegs.views import activities_rows

        todo = list(dict.fromkeys(ids))
        stored = set(queries.activities(self.conn, with_source=False, columns=["id"])["id"].to_list())
        for i in todo:
            if i not in stored:
                raise InvalidInput("ID", i, "the id of a stored activity, as `heavylegs activities` lists it")
        for source in sources:
            found = repo.activity_ids_from(self.conn, source, sha256_file(Path(source)))
            if not found:
                raise InvalidInput("--source", source, "a file activities were imported from, as the source "
                                   "column of `heavylegs activities` shows it")
            todo += [i for i in found if i not in todo]
        rows = [r for r in activities_rows(queries.activities(self.conn)) if r["id"] in set(todo)]
        try:
            repo.delete_activities(self.conn, todo)
        except sqlite3.Error as exc:
            raise storage_error(self.home, exc) from exc
        return rows

    def set_sport(self, activity_id: int, sport: str) -> str:
        """Give a stored activity its sport (e.g. a GPX stored as unknown that was a run);
        its metrics are recomputed. Returns the sport it had."""
        check_sport(sport)
        row = self.conn.execute("SELECT sport FROM activities WHERE id = ?", (activity_id,)).fetchone()
        if row is None:
            raise InvalidInput("activity id", str(activity_id), "an id listed by `heavylegs activities`")
        with transaction(self.conn):  # one transaction (the connection autocommits)
            self.conn.execute("UPDATE activities SET sport = ? WHERE id = ?", (sport, activity_id))
            self.conn.execute("DELETE FROM activity_metrics WHERE activity_id = ?", (activity_id,))
        self.refresh_metrics()
        return str(row[0])

    def counts(self) -> dict[str, int]:
        return queries.counts(self.conn)

    # -- profile ------------------------------------------------------------------------
    def profile_set(self, items: dict[str, str]) -> None:
        checked = {k: parse_setting(k, v) for k, v in items.items()}
        items = dict(normalize(k, v) for k, v in items.items())  # stored metric, under the key's own name
        if "timezone" in checked:
            try:
                zones.zone(str(checked["timezone"]))
            except ValueError as exc:
                raise InvalidInput("timezone", items["timezone"], PROFILE_KEYS["timezone"][3]) from exc
        with transaction(self.conn):  # one transaction (the connection autocommits)
            for key, raw in items.items():
                self.conn.execute("INSERT OR REPLACE INTO profile VALUES (?, ?)", (key, raw.strip()))
        self.sync_offsets()
        self.refresh_metrics()

    def default_day(self) -> date:
        """The day `why` explains by default (the latest day with data), else today."""
        try:
            return self.latest_day()
        except NotEnoughData:
            return self.today()

    def profile(self, day: date | None = None) -> Profile:
        """The resolved profile for ``day`` (default: :meth:`default_day`): stored values,
        else estimates from the data (the last 12 months' heart rates, the last 7 daily
        resting heart rates from the log or a device)."""
        day = day or self.default_day()
        year_ago = datetime(day.year - 1, day.month, min(day.day, 28), tzinfo=UTC).isoformat()
        hist, recent = queries.hr_seconds_at_bpm(self.conn, since_utc=year_ago)
        peak = _observed_max_hr(self.conn, recent)
        rhr, rhr_from = _recent_resting_hr(self.conn, day)
        stored = queries.profile(self.conn)
        birth = int(stored["birth_year"]) if "birth_year" in stored else None
        return resolve(stored, hr_hist_12m=hist if recent else None, observed_max_hr=peak,
                       resting_hr_7d_median=float(statistics.median(rhr)) if rhr else None,
                       age=day.year - birth if birth else None, resting_hr_from=rhr_from)

    def units(self) -> str:
        """The runner's display units: ``imperial`` or ``metric`` (the default)."""
        return "imperial" if queries.profile(self.conn).get("units", "").strip().lower() == "imperial" else "metric"

    def profile_show(self, day: date | None = None) -> dict[str, object]:
        """The profile as resolved for ``day`` (default: the day `why` explains), each
        resolved value with where it came from (``from``)."""
        from heavylegs.core.profile import origins

        day = day or self.default_day()
        stored = queries.profile(self.conn)
        p = self.profile(day)
        values: dict[str, object] = {k: stored.get(k) for k in PROFILE_KEYS}
        found = origins(p, stored)
        for key, (value, _) in found.items():
            if values[key] is None:
                values[key] = value
        source = {k: ("set by you" if k in stored else None) for k in PROFILE_KEYS}
        source.update({k: how for k, (_, how) in found.items()})
        estimated = dict(p.estimated)
        if values["timezone"] is None and self.system_zone:  # the zone local times use
            values["timezone"] = self.system_zone
            estimated["timezone"] = source["timezone"] = "the system's (TZ, else /etc/localtime)"
        return {"as_of": day.isoformat(), "values": values, "estimated": estimated, "from": source}

    # -- gear ---------------------------------------------------------------------------
    def gear_add(self, name: str, from_date: date | None = None, to_date: date | None = None,
                 start_km: float = 0.0, limit_km: float | None = None, kind: str = "shoes") -> dict[str, object]:
        """Store a piece of gear; returns what was saved (for the confirmation)."""
        if kind not in gear.KINDS:
            raise InvalidInput("kind", kind, ", ".join(gear.KINDS))
        if not name.strip():
            raise InvalidInput("name", name, "a non-empty name")
        if start_km < 0 or (limit_km is not None and limit_km <= 0):
            raise InvalidInput("km", start_km if start_km < 0 else limit_km, "a positive number")
        with transaction(self.conn):  # one transaction (the connection autocommits)
            try:
                self.conn.execute(
                    "INSERT INTO gear(name, from_date, to_date, start_km, limit_km, kind) VALUES (?,?,?,?,?,?)",
                    (name.strip(), from_date and from_date.isoformat(), to_date and to_date.isoformat(),
                     start_km, limit_km, kind))
            except Exception as exc:
                raise InvalidInput("name", name, "a name not used by other gear") from exc
        return {"name": name.strip(), "kind": kind, "from": from_date and from_date.isoformat(),
                "to": to_date and to_date.isoformat(), "start_km": start_km, "limit_km": limit_km}

    def shoes(self) -> list[gear.Shoe]:
        def day(v: str | None) -> date | None:
            return date.fromisoformat(v) if v else None

        return [gear.Shoe(r["id"], r["name"], day(r["from_date"]), day(r["to_date"]), r["start_km"],
                          r["limit_km"]) for r in queries.gear(self.conn) if r["kind"] == "shoes"]

    def gear_list(self) -> list[dict[str, object]]:
        """Shoes with running km so far (explicit gear, else the date range) and the dates
        each pair crossed 500 and 800 km; then bikes and other gear with their activities."""
        acts = daily.with_dates(queries.activities(self.conn))
        shoes = self.shoes()
        others = [(r["id"], r["name"], r["kind"]) for r in queries.gear(self.conn) if r["kind"] != "shoes"]
        return gear.summary(gear.assign(acts, shoes), shoes) + gear.other_summary(acts, others)

    # -- the answer ---------------------------------------------------------------------
    def latest_day(self) -> date:
        """The latest day with data: a daily-log date, or the local date of an activity."""
        last_log, last_start = queries.last_dates(self.conn, dates.latest())
        days = [date.fromisoformat(last_log)] if last_log else []
        if last_start:  # offsets are within a day: the latest local date starts after this
            since = (datetime.fromisoformat(last_start) - timedelta(days=1)).isoformat()
            until = datetime.combine(dates.latest() + timedelta(days=2), datetime.min.time(), UTC).isoformat()
            recent = queries.activities(self.conn, since, with_source=False, until_utc=until, columns=[
                "start_utc", "utc_offset_s", "local_offset_s", "lon_deg", "sport"])
            local = daily.with_dates(recent)["local_date"]
            days.append(local.filter(local <= dates.latest()).max())  # type: ignore[arg-type]
        days = [d for d in days if d is not None]
        if not days:
            raise NotEnoughData("the workspace is empty: import activity files or a daily log first "
                                "(heavylegs import PATH)")
        return max(days)  # type: ignore[type-var]

    def context(self, day: date | None = None) -> Context:
        """Everything the engine reads for ``day`` (default: the latest day with data):
        the workspace's tables (:meth:`tables`) given to the pure engine (engine.py)."""
        if day is not None and dates.day_problem(day):
            raise InvalidInput("date", day.isoformat(), dates.accepted())
        day = day or self.latest_day()
        self.zone()  # an invalid profile zone is reported, not silently ignored
        return engine.context(self.tables(day), day)

    def tables(self, day: date | None = None) -> engine.Tables:
        """The athlete's tables as the engine reads them (engine.Tables). With ``day``, only
        what that day's answer needs is read in full: activities before its window carry
        only the columns their training load and shoe km need, and no metrics."""
        split = None
        if day is not None:
            first = day - timedelta(days=engine.CONTEXT_DAYS + 2)
            split = datetime(first.year, first.month, first.day, tzinfo=UTC).isoformat()
        older = (queries.activities_with_hists(self.conn, until_utc=split, columns=daily.LOAD_COLUMNS)
                 if split else None)
        recent = self._with_metrics(queries.activities_with_hists(self.conn, split))
        acts = recent if older is None else pl.concat([older, recent], how="diagonal").select(recent.columns)
        gear_rows = queries.gear(self.conn)
        gear_frame = pl.DataFrame([tuple(r[c] for c in engine.GEAR_SCHEMA) for r in gear_rows],
                                  orient="row", schema=engine.GEAR_SCHEMA)
        if day is not None:  # the window, the first day and the days the profile's resting HR reads
            first = (day - timedelta(days=engine.CONTEXT_DAYS)).isoformat()
            also = [d for d, _, _ in queries.recent_daily(self.conn, "resting_hr_bpm", day.isoformat(), 7)]
            also += [d for d in [queries.first_log_date(self.conn, day.isoformat())] if d]
            log = queries.log_frame(self.conn, first, also=[d for d in also if d < first])
            values = queries.daily_values(self.conn, first, also=[d for d in also if d < first])
        else:
            log, values = queries.log_frame(self.conn), queries.daily_values(self.conn)
        return engine.Tables(activities=acts, log=log, values=values, profile=queries.profile(self.conn),
                             gear=gear_frame)

    def _with_metrics(self, acts: pl.DataFrame) -> pl.DataFrame:
        """Activities joined with their metrics (the activity's own totals win where both exist)."""
        from heavylegs.core.metric_keys import METRICS

        keys = [k for k in METRICS if k not in acts.columns]
        frame = self._metrics_frame(keys, acts["id"].to_list())
        return acts.join(frame, on="id", how="left", maintain_order="left")

    def _metrics_frame(self, keys: list[str], ids: list[int]) -> pl.DataFrame:
        """``id`` and the metrics ``keys`` of the given activities, pending ones computed in
        memory with the current profile (metrics_batch.py: the rule for readers)."""
        return metrics_batch.read(self.conn, keys, ids, self.profile)

    def daily_table(self, day: date | None = None) -> pl.DataFrame:
        return self.context(day).daily

    def why(self, day: date | None = None) -> explain.Answer:
        return self.answer(self.context(day))

    def why_json(self, day: date | None = None) -> dict[str, object]:
        """The answer as `why --json` prints it: the stored one while no data changed
        (storage/answers.py), else computed now and stored."""
        zone = self.zone()
        body = stored_answers.lookup(self.conn, day, zone)
        if body is None:
            body = self.why(day).to_json()
            stored_answers.store(self.conn, day, body, zone)
        return body

    def report(self, day: date | None = None, fmt: str = "html", full: bool = False) -> str:
        """The answer with its charts as one self-contained HTML page, or as Markdown (the
        short answer unless ``full``; the HTML page always shows everything)."""
        from heavylegs.explain import report

        ctx = self.context(day)
        answer = self.answer(ctx)
        units = ctx.profile.units
        return (report.html(answer, ctx.daily, ctx.acts, units) if fmt == "html"
                else report.markdown(answer, ctx.acts, units, full))

    def answer(self, ctx: Context) -> explain.Answer:
        """Triage first, then every cause, ranked; personal patterns and next week's plan."""
        return compose(ctx, queries.profile(self.conn))


compose = engine.compose  # the engine's pure part (engine.py)


METRICS_TOLERANCE_BPM = 3.0
METRICS_CHUNK = 64  # metrics stored per transaction by refresh_metrics
CONTEXT_DAYS = engine.CONTEXT_DAYS


def _observed_max_hr(conn: sqlite3.Connection, activity_ids: list[int]) -> float | None:
    """Median of the three highest 5-second-smoothed heart rates (artefacts removed) of the
    given activities (science.md §1.1: a high percentile of smoothed HR from hard sessions);
    None with fewer than three activities with heart rate."""
    if not activity_ids:
        return None
    top = queries.top_metric(conn, "hr_max_5s_bpm", activity_ids, 3)
    return float(sorted(top)[1]) if len(top) == 3 else None


def _recent_resting_hr(conn: sqlite3.Connection, day: date, n: int = 7) -> tuple[list[float], str]:
    """The last ``n`` daily resting HRs up to ``day`` (the runner's log, else the device that
    wins by core/wellness.py's precedence) and where they came from, e.g. "Garmin"."""
    from heavylegs.core.wellness import SOURCE_NAMES, DailyValue, pick

    by_day: dict[str, list[DailyValue]] = {}
    for d, value, source in queries.recent_daily(conn, "resting_hr_bpm", day.isoformat(), n):
        by_day.setdefault(d, []).append(DailyValue(date.fromisoformat(d), "resting_hr_bpm", value, source))
    chosen = [pick(values) for _, values in sorted(by_day.items())][-n:]
    sources = sorted({SOURCE_NAMES.get(v.source, v.source) for v in chosen})
    return [float(v.value) for v in chosen], ", ".join(sources)


def _metrics_key(profile: Profile) -> str:
    """The profile values per-activity metrics depend on (core.metrics.PROFILE_KEY_FIELDS)."""
    from heavylegs.core.metric_keys import PROFILE_KEY_FIELDS

    return json.dumps({f: getattr(profile, f) for f in PROFILE_KEY_FIELDS}, sort_keys=True)


def _same_key(a: str, b: str) -> bool:
    """Equal, or heart-rate anchors within METRICS_TOLERANCE_BPM and the rest identical."""
    ka, kb = json.loads(a), json.loads(b)
    for name in set(ka) | set(kb):
        va, vb = ka.get(name), kb.get(name)
        if isinstance(va, int | float) and isinstance(vb, int | float) and name in ("max_hr", "resting_hr", "lthr"):
            if abs(va - vb) >= METRICS_TOLERANCE_BPM:
                return False
        elif va != vb:
            return False
    return True


__all__ = ["Workspace", "ImportReport", "default_home", "HeavyLegsError"]
