"""The Workspace's import: files and folders read, parsed and stored one transaction per
file (idempotent by content hash), alone or with forked workers (parallel_import.py), and
the metrics of what was stored computed once at the end (metrics_batch.py). A mixin of
:class:`heavylegs.api.Workspace`, kept apart so the facade does not hold every concern in
one class."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from heavylegs import dates, metrics_batch
from heavylegs.core.load import HR_BINS, hr_histogram
from heavylegs.core.model import ParsedActivity
from heavylegs.discovery import discover
from heavylegs.errors import ImportFailed, NotAnActivity, StorageError
from heavylegs.metrics_batch import PENDING, StreamCache
from heavylegs.sports import check_sport
from heavylegs.storage import queries, repo
from heavylegs.storage.db import storage_error, transaction

if TYPE_CHECKING:
    from datetime import date

    import numpy as np

    from heavylegs.core.profile import Profile
    from heavylegs.importers.bundle import Bundle, Unit
    from heavylegs.importers.source import Source
    from heavylegs.parallel_import import Worker

Progress = Callable[[int, int, int, str], None]  # files done, files total, bytes done, path
METRICS_TOLERANCE_BPM = 3.0
METRICS_CHUNK = 64  # metrics stored per transaction by refresh_metrics


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


class Imports:
    # set by Workspace.__init__
    conn: sqlite3.Connection
    home: Path
    _default_sport: str | None
    _streams: StreamCache | None
    _stored_ids: set[int]

    if TYPE_CHECKING:  # provided by Workspace
        def profile(self, day: date | None = None) -> Profile: ...
        def sync_offsets(self) -> int: ...

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
        bundle = _parsed(unit, report)
        if bundle is None:
            return
        bundle = _checked(bundle, unit.name, self._default_sport)
        before = self.conn.total_changes
        if not self._store(unit, bundle, profile):  # another process stored it meanwhile (and reported its problems)
            report.unchanged += 1
            return
        _count_stored(unit.name, bundle, report, changed=self.conn.total_changes != before)

    def _store(self, unit: Unit, bundle: Bundle, profile: Profile | None) -> bool:
        """Store ``bundle`` with its heart-rate histograms and metrics (pending in an import)
        in one transaction; False if another process stored the unit meanwhile."""
        hists = [streams_hr_hist(a) for a in bundle.activities]
        profile = profile or self.profile()  # pending in an import (metrics_batch.py), unless fixed
        metrics = metrics_batch.new_metrics(bundle.activities, profile, _metrics_key(profile),
                                            pending=self._streams is not None)
        written: list[tuple[int, int, bytes]] = []
        try:
            saved = repo.save_bundle(self.conn, unit, bundle, hists, metrics, written)
        except sqlite3.Error as exc:
            raise storage_error(self.home, exc) from exc
        if saved is None:
            return False
        if self._streams is not None:
            self._streams.add(bundle.activities, written)
        self._stored_ids.update(act_id for _, act_id, _ in written)
        return True


def _parsed(unit: Unit, report: ImportReport) -> Bundle | None:
    """``unit`` parsed, or None with why in ``report`` (skipped, or failed)."""
    try:
        return unit.parse()
    except NotAnActivity as exc:
        report.skipped.append((unit.name, exc.reason))
    except ImportFailed as exc:
        report.failed.append((unit.name, exc.reason))
    except Exception as exc:  # a bug must not lose the rest of the batch
        report.failed.append((unit.name, f"internal error while reading ({type(exc).__name__}: "
                                         f"{exc}); please report this file"))
    return None


def _checked(bundle: Bundle, name: str, sport: str | None) -> Bundle:
    """``bundle`` without its implausibly dated parts (kept as row errors), and ``sport``
    given to its activities whose file names none."""
    bundle, refused = dates.implausible_parts(bundle, name)
    if refused:  # counted as row errors: a file left with nothing is reported again next time
        bundle = replace(bundle, errors=[*refused, *bundle.errors])
    if sport:
        from heavylegs.core.model import UNKNOWN_SPORT

        bundle = replace(bundle, activities=[
            replace(a, summary=replace(a.summary, sport=sport)) if a.summary.sport == UNKNOWN_SPORT else a
            for a in bundle.activities])
    return bundle


def _count_stored(name: str, bundle: Bundle, report: ImportReport, changed: bool) -> None:
    """Report a stored unit: its warnings and row errors, and imported or unchanged."""
    report.warnings += [w if w.startswith(name) else f"{name}: {w}" for w in bundle.warnings]
    report.failed += [(name, e) for e in bundle.errors]
    if not (bundle.activities or bundle.log_rows or bundle.daily_values or bundle.gear):
        return  # nothing but rejected rows: reported as failed, not as stored
    if changed:
        report.imported += 1
    else:  # a table with rejected rows, read again: nothing new
        report.unchanged += 1

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

