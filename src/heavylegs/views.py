"""Shaping workspace data for display (shared by the CLI and the web page)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import polars as pl
from rich.table import Table

from heavylegs.explain.units import distance_unit, distance_value


def _iso_local(start_utc: str, offset_s: int | None) -> str:
    start = datetime.fromisoformat(start_utc)
    if offset_s is not None:
        try:
            start = start.astimezone(timezone(timedelta(seconds=offset_s)))
        except OverflowError:  # a broken clock's far date, stored before it was refused: shown in UTC
            pass
    return start.isoformat()


def activities_rows(frame: pl.DataFrame) -> list[dict[str, object]]:
    """Rows in the shape of spec/cli.md: id, start (ISO 8601 with offset), sport, ..."""
    rows = []
    for r in frame.iter_rows(named=True):
        rows.append({
            "id": r["id"], "start": _iso_local(r["start_utc"], r.get("local_offset_s", r["utc_offset_s"])),
            "sport": r["sport"], "name": r["name"], "distance_m": r["distance_m"] and round(r["distance_m"], 1),
            "elapsed_s": r["elapsed_s"] and round(r["elapsed_s"], 1),
            "moving_s": r["moving_s"] and round(r["moving_s"], 1),
            "avg_hr_bpm": r["avg_hr_bpm"] and round(r["avg_hr_bpm"], 1),
            "source": r["source"],
        })
    return rows


def activities_table(rows: list[dict[str, object]], units: str | None = None) -> Table:
    """The activities as a table, distances in the runner's ``units`` (km or mi)."""
    table = Table("id", "start", "sport", "name", distance_unit(units), "time", "HR", "source")
    for r in rows:
        km = f"{distance_value(float(r['distance_m']), units):.2f}" if r["distance_m"] else "-"  # type: ignore[arg-type]
        secs = int(r["elapsed_s"] or 0)  # type: ignore[call-overload]
        hr = f"{r['avg_hr_bpm']:.0f}" if r["avg_hr_bpm"] else "-"
        start = str(r["start"])  # ISO with offset: shown as 2024-03-04 07:00 +01:00
        table.add_row(str(r["id"]), f"{start[:10]} {start[11:16]} {start[-6:]}", str(r["sport"]), str(r["name"] or "-"), km,
                      f"{secs // 3600}:{secs % 3600 // 60:02d}:{secs % 60:02d}", hr, str(r["source"]))
    return table
