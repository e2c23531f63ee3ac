"""Write a simulation to disk: one GPX, TCX or FIT file per run and ``daily-log.csv``.

Run files are named by local date (``2026-03-14-run.gpx``); the log follows
spec/daily-log.md: ``date`` first, then the columns the simulator filled, in the order
of ``core/logschema.py``; blank cells are what the runner forgot. Everything written
depends only on the scenario, so the same scenario gives byte-identical files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from heavylegs.core.logschema import COLUMN_BY_NAME, COLUMNS
from heavylegs.sim.fit import fit_bytes
from heavylegs.sim.gpx import gpx_bytes
from heavylegs.sim.runs import SimActivity
from heavylegs.sim.simulate import SimResult
from heavylegs.sim.tcx import tcx_bytes
from heavylegs.sim.wellness import BASE_COLUMNS, LogRow

LOG_NAME = "daily-log.csv"


def write_files(result: SimResult, folder: Path | str) -> list[Path]:
    """Write every run and the daily log into ``folder`` (created if needed); return
    the paths written, runs in date order then the log."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{result.runner.home.city} Running"
    paths: list[Path] = []
    for a in result.activities:
        path = _free(folder / a.file_name, paths)
        path.write_bytes(run_bytes(result, a, name))
        paths.append(path)
    log = folder / LOG_NAME
    log.write_bytes(log_csv(result.log).encode("utf-8"))
    return [*paths, log]


def run_bytes(result: SimResult, a: SimActivity, name: str = "") -> bytes:
    """One run as the bytes of its file (GPX, TCX or FIT)."""
    if a.file_format == "gpx":
        return gpx_bytes(a, name or f"{result.runner.home.city} Running")
    if a.file_format == "fit":
        return fit_bytes(a, result.runner.weight_kg, serial=result.scenario.seed + 1)
    return tcx_bytes(a, result.runner.weight_kg)


def _free(path: Path, taken: list[Path]) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext``... if this run already used it."""
    k = 2
    candidate = path
    while candidate in taken:
        candidate = path.with_name(f"{path.stem}-{k}{path.suffix}")
        k += 1
    return candidate


def log_columns(rows: tuple[LogRow, ...]) -> list[str]:
    """``date`` and the columns the log uses, in spec order."""
    used = set(BASE_COLUMNS).union(*({c for c, _ in row.values} for row in rows))
    return ["date", *(c.name for c in COLUMNS if c.name in used and c.name != "date")]


def log_csv(rows: tuple[LogRow, ...]) -> str:
    """The daily log as CSV text (``\\n`` line ends)."""
    columns = log_columns(rows)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = dict(row.values)
        writer.writerow([row.date.isoformat(),
                         *(_cell(c, values.get(c)) for c in columns[1:])])
    return out.getvalue()


def _cell(column: str, value: object) -> str:
    if value is None:
        return ""
    kind = COLUMN_BY_NAME[column].kind
    if kind == "bool":
        return "yes" if value else "no"
    if kind in ("symptoms", "floatlist") and isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if kind == "float":
        return f"{float(value):.1f}"
    return str(value)
