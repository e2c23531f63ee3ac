"""Workspace: the one facade every interface (CLI, web, batch) calls."""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import statistics
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl

from heavylegs import dates, engine, explain, metrics_batch, triage, zones
from heavylegs.causes.base import Context
from heavylegs.core import daily, gear
from heavylegs.core.profile import KEYS as PROFILE_KEYS
from heavylegs.core.profile import Profile, normalize, parse_setting, resolve
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
from heavylegs.workspace_views import Views  # the web dashboard's read views (a mixin)

SYSTEM_ZONE = "<system>"  # Workspace(system_zone=...): read TZ and /etc/localtime


class Workspace(Imports, Views):
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


__all__ = ["Workspace", "ImportReport", "default_home", "HeavyLegsError"]
