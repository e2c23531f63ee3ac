"""Workspace: the one facade every interface (CLI, web, batch) calls.

Here: the workspace itself, its time zone, the activity list and the answer. The other
concerns are mixins Workspace inherits: the import (workspace_import.py), the daily log,
profile and gear (workspace_records.py), the web dashboard's read views
(workspace_views.py)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from heavylegs import dates, engine, explain, metrics_batch, zones
from heavylegs.causes.base import Context
from heavylegs.core import daily
from heavylegs.core.profile import KEYS as PROFILE_KEYS
from heavylegs.discovery import ACTIVITY_SUFFIXES, discover  # noqa: F401 - part of this module's API
from heavylegs.errors import HeavyLegsError, InvalidInput, NotEnoughData
from heavylegs.metrics_batch import StreamCache
from heavylegs.sports import check_sport
from heavylegs.storage import answers as stored_answers
from heavylegs.storage import offsets, open_database, queries, repo
from heavylegs.storage.db import default_home, storage_error, transaction
from heavylegs.workspace_import import (  # noqa: F401 - the import (a mixin) and its names
    ImportReport,
    Imports,
    merge_reports,
    streams_hr_hist,
)
from heavylegs.workspace_records import Records  # the daily log, the profile, the gear (a mixin)
from heavylegs.workspace_views import Views  # the web dashboard's read views (a mixin)

SYSTEM_ZONE = "<system>"  # Workspace(system_zone=...): read TZ and /etc/localtime


class Workspace(Imports, Records, Views):
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


CONTEXT_DAYS = engine.CONTEXT_DAYS


__all__ = ["Workspace", "ImportReport", "default_home", "HeavyLegsError"]
