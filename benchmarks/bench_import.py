"""End-to-end import of a synthetic 3,000-activity Strava bulk export.

Usage: ``.venv/bin/python benchmarks/bench_import.py [--activities N] [--corpus DIR]
[--max-kb K] [--keep DIR]``

The export is built from the shared corpus's running and cycling FIT files that import
(single-segment files without compressed-timestamp records, up to ``--max-kb``). Copy
``i`` of a file has every time field (``timestamp`` of every message, ``file_id``
``time_created``, ``session``/``lap``/``length`` ``start_time``, ``activity``
``local_timestamp``) moved ``i`` × 6 h 1 min later, and its file CRC recomputed, so each
copy is a distinct file with a distinct start (no hash or start-time deduplication).
Copies are gzipped as Strava stores them (``activities/<id>.fit.gz``) beside an
``activities.csv`` with the 94-column 2020 header.

Then ``heavylegs --home <fresh> import export.zip --json`` runs in a subprocess: the
table shows its wall time, CPU time (the fairer number on a shared machine: the load
average is printed), files/s, MB/s (of FIT bytes, uncompressed), and peak RSS
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``). The issue's targets: < 60 s and < 1 GB on a
2-core machine. No pass/fail: numbers only. FIT files go through heavylegs' own decoder
(importers/fastfit); the rest of the time is per-activity metrics and storage.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from heavylegs.importers.strava_export import HEADER_2020

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
SHIFT_S = 6 * 3600 + 60  # between consecutive copies of a file
SAME_START_S = 600  # base files starting closer than this are one activity to heavylegs
TIME_FIELDS = {0: {4}, 18: {2}, 19: {2}, 34: {5}, 101: {2}}  # global message -> field numbers
TIMESTAMP = 253
INVALID_U32, SYSTEM_TIME_END = 0xFFFFFFFF, 0x10000000
TARGET_S, TARGET_RSS_MB = 60.0, 1024.0
STRAVA_HEADER = HEADER_2020


@dataclass(frozen=True)
class BaseFile:
    """A corpus FIT file and where its uint32 time fields sit (little / big endian)."""

    name: str
    data: bytes
    sport: str
    start: float  # Unix seconds, before any shift
    little: np.ndarray
    big: np.ndarray


# -- a FIT time shifter ---------------------------------------------------------------------
def time_field_offsets(data: bytes) -> tuple[np.ndarray, np.ndarray] | None:
    """Byte offsets of the time fields, or ``None`` for files this shifter leaves alone
    (chained, compressed timestamps, truncated)."""
    if len(data) < 14 or data[8:12] != b".FIT":
        return None
    end = data[0] + int.from_bytes(data[4:8], "little")
    if end + 2 != len(data):
        return None
    pos, defs = data[0], {}
    little: list[int] = []
    big: list[int] = []
    while pos < end:
        header = data[pos]
        pos += 1
        if header & 0x80:
            return None
        if header & 0x40:
            pos = _definition(data, pos, header, defs)
            continue
        if header & 0x0F not in defs:
            return None
        message, is_big, fields, dev_size = defs[header & 0x0F]
        wanted = TIME_FIELDS.get(message, set()) | {TIMESTAMP}
        for number, size in fields:
            if number in wanted and size == 4:
                (big if is_big else little).append(pos)
            pos += size
        pos += dev_size
    return np.array(little, dtype=np.int64), np.array(big, dtype=np.int64)


def _definition(data: bytes, pos: int, header: int, defs: dict) -> int:
    is_big = data[pos + 1] == 1
    message = int.from_bytes(data[pos + 2:pos + 4], "big" if is_big else "little")
    count, pos = data[pos + 4], pos + 5
    fields = [(data[pos + 3 * i], data[pos + 3 * i + 1]) for i in range(count)]
    pos += 3 * count
    dev_size = 0
    if header & 0x20:
        dev_count, pos = data[pos], pos + 1
        dev_size = sum(data[pos + 3 * i + 1] for i in range(dev_count))
        pos += 3 * dev_count
    defs[header & 0x0F] = (message, is_big, fields, dev_size)
    return pos


def shifted(base: BaseFile, seconds: int) -> bytes:
    """``base`` with every valid absolute time ``seconds`` later and a new file CRC."""
    from heavylegs.importers.fastfit.crc import crc16

    buf = np.frombuffer(base.data, dtype=np.uint8).copy()
    for offsets, dtype in ((base.little, "<u4"), (base.big, ">u4")):
        if offsets.size == 0:
            continue
        index = offsets[:, None] + np.arange(4)
        values = buf[index].copy().view(dtype).ravel().astype(np.int64)
        valid = (values != INVALID_U32) & (values >= SYSTEM_TIME_END)
        values[valid] += seconds
        buf[index] = (values & INVALID_U32).astype(dtype).view(np.uint8).reshape(-1, 4)
    end = len(buf) - 2
    buf[end:] = np.frombuffer(crc16(buf.tobytes(), 0, end).to_bytes(2, "little"), dtype=np.uint8)
    return buf.tobytes()


# -- the export -----------------------------------------------------------------------------
def base_files(corpus: Path, max_kb: int) -> list[BaseFile]:
    """Distinct running/cycling FIT files of the corpus that shift and import cleanly."""
    from heavylegs.importers import read_activity_file

    found, seen, starts = [], set(), []
    for line in (corpus / "MANIFEST.tsv").read_text().splitlines()[1:]:
        cells = line.split("\t")
        path, kind, sport, size, sha = cells[0], cells[1], cells[5], int(cells[7]), cells[9]
        if kind != "fit" or sport not in ("running", "cycling") or size > max_kb << 10 or sha in seen:
            continue
        data = (corpus / path).read_bytes()
        offsets = time_field_offsets(data)
        if offsets is None or not offsets[0].size + offsets[1].size:
            continue
        try:
            acts = read_activity_file(path, shifted(BaseFile(path, data, sport, 0, *offsets), SHIFT_S))
        except Exception:
            continue
        start = acts[0].summary.start.timestamp() - SHIFT_S if len(acts) == 1 else None
        if start is None or any(abs(start - other) < SAME_START_S for other in starts):
            continue  # another copy of a base file's activity would merge with it
        seen.add(sha)
        starts.append(start)
        found.append(BaseFile(path, data, sport, start, *offsets))
    return found


def build_export(bases: list[BaseFile], count: int, out: Path) -> tuple[int, int]:
    """Write the export zip; returns (FIT bytes uncompressed, activities with a file)."""
    rows, fit_bytes = io.StringIO(), 0
    table = csv.writer(rows, lineterminator="\n")
    table.writerow(STRAVA_HEADER)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(count):
            base = bases[i % len(bases)]
            shift = (i // len(bases) + 1) * SHIFT_S
            data = shifted(base, shift)
            fit_bytes += len(data)
            name = f"activities/{10_000_000 + i}.fit.gz"
            zf.writestr(name, gzip.compress(data, compresslevel=6, mtime=0))
            table.writerow(_csv_row(i, base, base.start + shift, name))
        zf.writestr("activities.csv", rows.getvalue())
    return fit_bytes, count


def _csv_row(i: int, base: BaseFile, start: float, filename: str) -> list[str]:
    cells = [""] * len(STRAVA_HEADER)
    run = base.sport == "running"
    cells[0], cells[2], cells[3] = str(10_000_000 + i), f"Activity {i}", "Run" if run else "Ride"
    cells[1] = datetime.fromtimestamp(start, UTC).strftime("%b %d, %Y, %I:%M:%S %p")
    cells[11], cells[12] = ("Shoe A" if i % 2 else "Shoe B") if run else "", filename
    return cells


# -- the run --------------------------------------------------------------------------------
def run_import(export: Path, home: Path) -> tuple[float, float, dict, float]:
    """Wall and CPU seconds, the JSON report, and peak RSS (MB) of ``heavylegs import``."""
    cli = Path(sys.executable).with_name("heavylegs")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "heavylegs.cli"]
    started = time.perf_counter()
    done = subprocess.run([*command, "--home", str(home), "import", str(export), "--json"],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu, rss_mb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = {"error": done.stderr[-2000:], "imported": 0, "failed": []}
    return wall, cpu, report, rss_mb


def stored_activities(home: Path) -> int:
    import sqlite3

    with sqlite3.connect(home / "heavylegs.sqlite") as conn:
        return int(conn.execute("SELECT count(*) FROM activities").fetchone()[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--activities", type=int, default=3000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--max-kb", type=int, default=400, help="largest corpus FIT file used")
    parser.add_argument("--keep", type=Path, help="build the export and workspace here")
    args = parser.parse_args()
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"shared corpus not found at {args.corpus}: skipped")
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench_import_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return _measure(args, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def _measure(args: argparse.Namespace, work: Path) -> int:
    started = time.perf_counter()
    bases = base_files(args.corpus, args.max_kb)
    export, home = work / "export.zip", work / "home"
    shutil.rmtree(home, ignore_errors=True)
    fit_bytes, files = build_export(bases, args.activities, export)
    print(f"built {export.name}: {files:,} activities from {len(bases)} corpus FIT files "
          f"({sum(b.sport == 'running' for b in bases)} running, "
          f"{sum(b.sport == 'cycling' for b in bases)} cycling) in {time.perf_counter() - started:.1f} s")
    load = os.getloadavg()[0]
    wall, cpu, report, rss_mb = run_import(export, home)
    if "error" in report:
        print(f"import failed:\n{report['error']}")
        return 1
    fit_mb, zip_mb = fit_bytes / 1e6, export.stat().st_size / 1e6
    rows = [("activity files", f"{files:,}"), ("export zip", f"{zip_mb:,.1f} MB"),
            ("FIT bytes (uncompressed)", f"{fit_mb:,.1f} MB"),
            ("units imported / failed", f"{report['imported']:,} / {len(report['failed']):,}"),
            ("warnings", f"{len(report['warnings']):,}"),
            ("activities stored", f"{stored_activities(home):,}"),
            ("wall time", f"{wall:,.1f} s   (target < {TARGET_S:.0f} s: {wall / TARGET_S:.1f}x)"),
            ("CPU time (user + sys)", f"{cpu:,.1f} s   (load average {load:.1f} at start, "
                                      f"{os.cpu_count()} cores)"),
            ("files/s", f"{files / wall:,.1f}"), ("MB/s (FIT)", f"{fit_mb / wall:,.2f}"),
            ("peak RSS", f"{rss_mb:,.0f} MB (target < {TARGET_RSS_MB:.0f} MB)")]
    width = max(len(k) for k, _ in rows)
    print(f"\n{'measure':<{width}}  value\n{'-' * width}  {'-' * 40}")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    for path, error in report["failed"][:5]:
        print(f"failed: {path}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
