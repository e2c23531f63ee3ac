"""The Workspace's records of the runner: the daily log (a check-in's values, the CSV
export), the profile (set, resolved with estimates from the data, shown with where each
value came from) and the gear. A mixin of :class:`heavylegs.api.Workspace`, kept apart so
the facade does not hold every concern in one class."""

from __future__ import annotations

import csv
import io
import sqlite3
import statistics
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from heavylegs import dates, triage, zones
from heavylegs.core import daily, gear
from heavylegs.core.profile import KEYS as PROFILE_KEYS
from heavylegs.core.profile import Profile, normalize, parse_setting, resolve
from heavylegs.errors import InvalidInput, NotEnoughData
from heavylegs.storage import queries, repo
from heavylegs.storage.db import transaction

if TYPE_CHECKING:
    from heavylegs.workspace_import import Progress


class Records:
    # set by Workspace.__init__
    conn: sqlite3.Connection
    system_zone: str | None

    if TYPE_CHECKING:  # provided by Workspace
        def today(self) -> date: ...
        def latest_day(self) -> date: ...
        def sync_offsets(self) -> int: ...
        def refresh_metrics(self, progress: Progress | None = None, only: set[int] | None = None) -> int: ...

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

