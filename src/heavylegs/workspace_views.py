"""The Workspace's read views for the web dashboard (`heavylegs serve`): the daily table
over any range, a page of the activity list, one activity in full. A mixin of
:class:`heavylegs.api.Workspace`, kept apart so api.py stays the CLI's facade."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import polars as pl

from heavylegs.core import daily, gear
from heavylegs.errors import InvalidInput
from heavylegs.storage import queries, repo

if TYPE_CHECKING:
    import sqlite3

    from heavylegs.core.profile import Profile


class Views:
    conn: sqlite3.Connection

    if TYPE_CHECKING:  # provided by Workspace
        def latest_day(self) -> date: ...
        def profile(self, day: date | None = None) -> Profile: ...
        def shoes(self) -> list[gear.Shoe]: ...
        def _metrics_frame(self, keys: list[str], ids: list[int]) -> pl.DataFrame: ...

    def daily_range(self, first: date | None = None, last: date | None = None,
                    log_columns: list[str] | None = None) -> pl.DataFrame:
        """The daily table as the engine builds it (load, CTL/ATL/TSB, the log, device
        values), over the whole history up to ``last`` (default: the latest day with data),
        from ``first`` on: for charts over any range, where ``context`` reads 400 days."""
        last = last or self.latest_day()
        profile = self.profile(last)
        until = datetime(last.year, last.month, last.day, tzinfo=UTC) + timedelta(days=3)
        acts = queries.activities_with_hists(self.conn, until_utc=until.isoformat(), columns=daily.LOAD_COLUMNS)
        acts = daily.with_loads(acts, profile).filter(pl.col("local_date") <= last)
        end = last.isoformat()
        wanted = None if log_columns is None else [*log_columns, "rpe"]
        values = queries.daily_values(self.conn, None, end)
        device = queries.daily_value_columns(self.conn)
        if wanted is not None:
            device = [c for c in device if c in wanted]
            values = values.filter(pl.col("column").is_in(device))
        log = daily.merge_device_values(queries.log_frame(self.conn, None, end, wanted), values, device)
        log_start = queries.first_log_date(self.conn, end)
        table = daily.build(acts, log, end=last, log_start=date.fromisoformat(log_start) if log_start else None)
        return table.filter(pl.col("date") >= first) if first else table

    def activity_page(self, sport: str | None = None, since: date | None = None, until: date | None = None,
                      offset: int = 0, limit: int = 50) -> tuple[int, list[dict[str, object]]]:
        """Activities newest first, of ``sport`` and local days ``since``..``until`` (each
        optional): how many match, and the rows ``offset``..``offset + limit`` as `activities
        --json` shows them plus ``load`` (as the daily table sums it). Only the rows shown are
        read in full."""
        from heavylegs.views import activities_rows

        frame = daily.with_dates(queries.activities(self.conn, with_source=False, columns=[
            "id", "start_utc", "utc_offset_s", "local_offset_s", "lon_deg", "sport"]))
        if sport:
            frame = frame.filter(pl.col("sport") == sport)
        if since:
            frame = frame.filter(pl.col("local_date") >= since)
        if until:
            frame = frame.filter(pl.col("local_date") <= until)
        ids = frame.sort("start_utc", "id", descending=True)["id"].to_list()
        shown = ids[offset:offset + limit]
        if not shown:
            return len(ids), []
        acts = self._rows_of(shown)
        loads = daily.with_loads(self._rows_of(shown, hists=True), self.profile())
        by_id = dict(zip(loads["id"].to_list(), loads["load"].to_list(), strict=True))
        rows = {r["id"]: {**r, "load": by_id.get(r["id"])} for r in activities_rows(acts)}  # type: ignore[call-overload]
        return len(ids), [rows[i] for i in shown]

    def _rows_of(self, ids: Sequence[int], hists: bool = False) -> pl.DataFrame:
        """The stored rows of these activities (with ``source``, or with ``hr_hist``)."""
        first, last = self.conn.execute(
            f"SELECT min(start_utc), max(start_utc) FROM activities WHERE id IN ({','.join('?' * len(ids))})",
            tuple(ids)).fetchone()
        until = last + "~"  # just after the last start (ISO text sorts as time)
        if hists:
            frame = queries.activities_with_hists(self.conn, first, until, columns=daily.LOAD_COLUMNS)
        else:
            frame = queries.activities(self.conn, first, with_source=False, until_utc=until)
            sources = self.conn.execute(
                "SELECT s.activity_id, group_concat(f.path, ';') FROM (SELECT DISTINCT activity_id, file_sha256 "
                f"FROM activity_sources WHERE activity_id IN ({','.join('?' * len(ids))}) ORDER BY activity_id, "
                "file_sha256) s JOIN files f ON f.sha256 = s.file_sha256 GROUP BY s.activity_id", tuple(ids)).fetchall()
            frame = frame.with_columns(source=pl.col("id").replace_strict(
                {int(i): str(p) for i, p in sources}, default=None, return_dtype=pl.String))
        return frame.filter(pl.col("id").is_in(list(ids)))

    def activity_detail(self, activity_id: int) -> tuple[dict[str, object], pl.DataFrame | None]:
        """One stored activity: its row (as `activities --json` shows it, plus elevation,
        cadence, its metrics and its shoes) and its sample streams (None when not stored)."""
        from heavylegs.core.metric_keys import METRICS
        from heavylegs.views import activities_rows

        if self.conn.execute("SELECT 1 FROM activities WHERE id = ?", (activity_id,)).fetchone() is None:
            raise InvalidInput("activity id", str(activity_id), "an id listed by `heavylegs activities`")
        frame = daily.with_dates(self._rows_of([activity_id]))
        row = activities_rows(frame)[0]
        first = frame.row(0, named=True)
        row.update({k: first[k] for k in ("elev_gain_m", "elev_loss_m", "avg_cadence_spm", "max_hr_bpm", "local_date")})
        metrics = self._metrics_frame(list(METRICS), [activity_id]).drop("id")  # pending: computed
        row["metrics"] = metrics.row(0, named=True) if metrics.height else {}
        shoes = self.shoes()
        row["gear"] = None
        if shoes:  # km on a pair count every run before: the whole history, light columns only
            acts = daily.with_dates(queries.activities(self.conn, with_source=False, columns=daily.LOAD_COLUMNS))
            mine = gear.assign(acts, shoes).filter(pl.col("id") == activity_id)
            row["gear"] = mine["gear_name"][0] if mine.height else None
        return row, repo.stream_of(self.conn, activity_id)
