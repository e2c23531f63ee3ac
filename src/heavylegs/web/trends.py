"""Trends (charts over a chosen range) and Calendar (a month grid). The numbers come from
``Workspace.daily_range``, the engine's own daily table; this module only picks columns,
sums weeks for display and lays them out."""

from __future__ import annotations

import calendar as cal
import json
import sqlite3
import threading
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request

from heavylegs.errors import NotEnoughData
from heavylegs.web.common import (
    Units,
    answer_json,
    parse_day,
    render,
    settings,
    units_of,
    workspace,
)

router = APIRouter(include_in_schema=False)
RANGES = {"4w": ("4 weeks", 28), "3m": ("3 months", 91), "1y": ("1 year", 365), "all": ("All", None)}
LOG_COLUMNS = ["heaviness", "soreness", "fatigue", "sleep_h", "sleep_quality", "resting_hr_bpm", "hrv_rmssd_ms"]
MAX_DAYS_DRAWN = 1500  # longer ranges: weekly means (ten years of days stay smooth)

# chart id, title, series (column, label, kind[, axis: "right" for a second scale])
CHARTS = (
    ("load", "Daily load, fitness (CTL), fatigue (ATL) and form (TSB)",
     (("load", "load", "bar"), ("ctl", "CTL", "line"), ("atl", "ATL", "line"), ("tsb", "TSB", "line"))),
    ("distance", "Weekly distance, with the +30 % spike band over the previous 4 weeks",
     (("week_dist", "distance", "bar"), ("spike", "spike band", "line"))),
    ("intensity", "Minutes per day: hard, and total", (("hard_min", "hard min", "bar"), ("total_min", "total min", "line"))),
    ("sleep", "Sleep (hours, left scale) and sleep quality (1-5, right scale)",
     (("sleep_h", "sleep h", "line"), ("sleep_quality", "quality 1-5", "line", "right"))),
    ("hrv", "Resting HR (bpm, left scale) and HRV (ms, right scale) against your 60-day range (mean ± 1 SD)",
     (("resting_hr_bpm", "resting HR", "line"), ("rhr_lo", "RHR range", "band"),
      ("hrv_rmssd_ms", "HRV", "line", "right"), ("hrv_lo", "HRV range", "band", "right"))),
    ("heaviness", "Heaviness, soreness and fatigue (0-10); heavy days (7+) marked, hover one for its top causes",
     (("heaviness", "heaviness", "line"), ("soreness", "soreness", "line"), ("fatigue", "fatigue", "line"))),
)


def _series(table: Any, units: Units) -> dict[str, list[Any]]:
    """The columns each chart draws, one value per day (None where there is none)."""
    import polars as pl

    t = table.with_columns(
        total_min=pl.col("duration_s") / 60,
        week_dist=pl.col("run_distance_m").rolling_sum(7, min_samples=1) / units.per,
    ).with_columns(
        spike=pl.col("week_dist").shift(7).rolling_mean(28, min_samples=7) * 1.3,
    )
    for col, out in (("resting_hr_bpm", "rhr"), ("hrv_rmssd_ms", "hrv")):
        mean = pl.col(col).rolling_mean(60, min_samples=14)
        sd = pl.col(col).rolling_std(60, min_samples=14)
        t = t.with_columns(**{f"{out}_lo": mean - sd, f"{out}_hi": mean + sd})
    cols = {s[0] for _, _, series in CHARTS for s in series} | {"rhr_hi", "hrv_hi"}
    out = {c: [None if v is None else round(float(v), 2) for v in t[c].to_list()] for c in sorted(cols)}
    out["date"] = [d.isoformat() for d in t["date"].to_list()]
    return out


def _first_with_data(data: dict[str, list[Any]]) -> str:
    """The first day with an activity or a logged value (a range starts there at the earliest)."""
    for i, d in enumerate(data["date"]):
        if data["load"][i] or any(data[c][i] is not None for c in ("heaviness", "sleep_h", "resting_hr_bpm")):
            return d
    return data["date"][-1] if data["date"] else ""


def _weekly(data: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Weekly means (dates: each week's first day) when the range has too many days."""
    n = len(data["date"])
    out: dict[str, list[Any]] = {k: [] for k in data}
    for i in range(0, n, 7):
        for k, values in data.items():
            chunk = [v for v in values[i:i + 7] if v is not None]
            if k == "date":
                out[k].append(values[i])
            else:
                out[k].append(round(sum(chunk) / len(chunk), 2) if chunk else None)
    return out


class SeriesCache:
    """The last series drawn, kept while no data changed: SQLite's ``data_version`` on one
    connection of its own moves whenever any other connection (an import, a check-in, the
    CLI, a script) commits a change to the database."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.conn: sqlite3.Connection | None = None
        self.key: tuple = ()
        self.value: Any = None

    def version(self, home: Path) -> int | None:
        from heavylegs.storage.db import DB_NAME

        if self.conn is None:
            if not (home / DB_NAME).is_file():
                return None
            self.conn = sqlite3.connect(f"file:{home / DB_NAME}?mode=ro", uri=True, check_same_thread=False)
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def get(self, home: Path, key: tuple, compute: Callable[[], Any]) -> Any:
        with self.lock:
            version = self.version(home)
            if version is not None and self.key == (version, *key):
                return self.value
        value = compute()
        with self.lock:
            self.key, self.value = (version, *key), value
        return value


@router.get("/trends")
def trends_page(request: Request, range: str = "3m", start: str = "", end: str = "") -> Any:  # noqa: A002
    first, last = parse_day(start, "start"), parse_day(end, "end")
    key = "custom" if (first or last) else (range if range in RANGES else "3m")
    try:
        if not hasattr(request.app.state, "trends_cache"):
            request.app.state.trends_cache = SeriesCache()
        page = request.app.state.trends_cache.get(settings(request).home, (key, first, last), lambda: _trends(request, key, first, last))
    except NotEnoughData as exc:
        return render(request, "empty.html", message=str(exc))
    return render(request, "trends.html", ranges=RANGES, key=key, **page)


def _trends(request: Request, key: str, first: date | None, last: date | None) -> dict[str, Any]:
    with workspace(request) as ws:
        last = last or ws.latest_day()
        if key in RANGES and RANGES[key][1]:
            first = last - timedelta(days=RANGES[key][1] - 1)  # type: ignore[operator]
        units = Units(units_of(ws))
        table = ws.daily_range(None, last, LOG_COLUMNS)
    data = _series(table, units)
    since = max(first.isoformat() if first else "", _first_with_data(data))
    keep = next((i for i, d in enumerate(data["date"]) if d >= since), len(data["date"]))
    data = {k: v[keep:] for k, v in data.items()}
    weekly = len(data["date"]) > MAX_DAYS_DRAWN
    if weekly:
        data = _weekly(data)
    charts = [{"id": cid, "title": title.replace("distance", f"distance ({units.dist})", 1) if cid == "distance" else title,
               "series": [{"col": c, "label": lbl, "kind": kind, "axis": axis[0] if axis else "left"}
                          for c, lbl, kind, *axis in series]}
              for cid, title, series in CHARTS]
    return {"first": first or (data["date"][0] if data["date"] else ""), "last": last, "charts": charts,
            "weekly": weekly, "data": json.dumps(data, separators=(",", ":")), "ndays": len(data["date"])}


@router.get("/calendar")
def calendar_page(request: Request, month: str = "") -> Any:
    from heavylegs.storage import queries
    from heavylegs.views import activities_rows

    try:
        with workspace(request) as ws:
            start = parse_day(month + "-01", "month") if month else ws.default_day().replace(day=1)
            assert start is not None
            weeks = cal.Calendar(firstweekday=0).monthdatescalendar(start.year, start.month)
            first, last = weeks[0][0], weeks[-1][-1]  # the whole grid, days of the months around too
            rows = activities_rows(ws.activities(first))
            units = Units(units_of(ws))
            log = queries.log_frame(ws.conn, first.isoformat(), last.isoformat())
    except NotEnoughData as exc:
        return render(request, "empty.html", message=str(exc))
    by_day: dict[str, dict[str, Any]] = {}
    for r in rows:
        day = str(r["start"])[:10]
        if day <= last.isoformat():
            by_day.setdefault(day, {"acts": []})["acts"].append(r)
    for r in log.iter_rows(named=True):
        cell = by_day.setdefault(r["date"].isoformat(), {"acts": []})
        cell["heaviness"] = r.get("heaviness")
        cell["symptoms"] = [c for c in str(r.get("symptoms") or "").split(";") if c and c != "none"]
    flag_days = _flag_days(request, first, last, by_day)
    prev = (start - timedelta(days=1)).replace(day=1)
    nxt = (start + timedelta(days=32)).replace(day=1)
    return render(request, "calendar.html", weeks=weeks, month=start, by_day=by_day, units=units,
                  prev=prev.strftime("%Y-%m"), next=nxt.strftime("%Y-%m"), flags=flag_days)


def _flag_days(request: Request, first: date, last: date, by_day: dict[str, dict[str, Any]]) -> set[str]:
    """Days of the month with a red flag: days with symptoms logged that triage flags (the
    stored answer of the day, computed when not stored)."""
    flagged = set()
    for day, cell in by_day.items():
        if cell.get("symptoms") and first.isoformat() <= day <= last.isoformat():
            answer = answer_json(request, date.fromisoformat(day))
            if answer["triage"]:
                flagged.add(day)
    return flagged
