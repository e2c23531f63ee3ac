"""Build an engine Context by hand, for unit tests of causes and triage."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from heavylegs.causes.base import Context
from heavylegs.core import daily
from heavylegs.core.logschema import COLUMNS
from heavylegs.core.profile import resolve


def make_context(day: date, runs: dict[date, float], log: dict[date, dict] | None = None,
                 minutes_per_km: float = 6.0) -> Context:
    """``runs``: local date -> km (one run at 07:00 UTC, no HR); ``log``: date -> columns."""
    rows = [{"id": i, "start_utc": f"{d.isoformat()}T07:00:00+00:00", "utc_offset_s": 0,
             "lon_deg": 0.0, "sport": "running", "distance_m": km * 1000,
             "elapsed_s": km * minutes_per_km * 60, "moving_s": km * minutes_per_km * 60}
            for i, (d, km) in enumerate(sorted(runs.items()), start=1)]
    acts = pl.DataFrame(rows, schema={"id": pl.Int64, "start_utc": pl.String, "utc_offset_s": pl.Int64,
                                      "lon_deg": pl.Float64, "sport": pl.String, "distance_m": pl.Float64,
                                      "elapsed_s": pl.Float64, "moving_s": pl.Float64})
    profile = resolve({}, hr_hist_12m=None, resting_hr_7d_median=None, age=None)
    acts = daily.with_loads(acts, profile, 0)
    schema = {c.name: {"INTEGER": pl.Int64, "REAL": pl.Float64}.get(c.sql_type, pl.String) for c in COLUMNS}
    schema["date"] = pl.Date
    log_rows = [{"date": d, **values} for d, values in sorted((log or {}).items())]
    log_frame = pl.DataFrame(log_rows, schema=schema) if log_rows else pl.DataFrame(schema=schema)
    table = daily.build(acts, log_frame, end=day)
    return Context(day=day, daily=table, acts=acts, profile=profile)


def steady_weeks(end: date, weeks: int, week: tuple[float, ...] = (8, 0, 10, 6, 0, 8, 14)) -> dict[date, float]:
    """A repeating week of runs (km per weekday, 0 = rest) ending on ``end`` (inclusive)."""
    start = end - timedelta(days=7 * weeks - 1)
    out = {}
    for i in range(7 * weeks):
        d = start + timedelta(days=i)
        km = week[d.weekday()]
        if km:
            out[d] = float(km)
    return out
