"""GPX and TCX parse time, per file and per trackpoint.

Usage: ``.venv/bin/python benchmarks/bench_xml_parse.py [--weeks W] [--sim DIR]
[--corpus DIR] [--repeat R]``

Two simulated athletes' run files (``sim.Scenario(seed=1, weeks=W)``, one written as GPX,
one as TCX; 26 weeks is about 100 files of each) and the shared corpus's GPX/TCX files
are read from memory with ``read_activity_file`` (gunzip, detection, XML parse, columns,
summary: everything of an import but storage and metrics). Each file's best of
``--repeat`` runs counts. The table shows, per set: files, trackpoints, MB, CPU ms per
file, CPU µs per trackpoint and MB/s; CPU time (``time.process_time``) is the fairer
number on a shared machine (the wall time and load average are printed too). Numbers
only, no pass/fail. To compare with older code, run this script with that code first on
``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

from heavylegs.errors import ImportFailed
from heavylegs.importers import read_activity_file

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def simulated(folder: Path, weeks: int, fmt: str) -> list[Path]:
    target = folder / f"seed1-{weeks}w-{fmt}"
    if not target.exists():
        from heavylegs import sim

        result = sim.simulate(sim.Scenario(seed=1, weeks=weeks, formats=fmt))
        sim.write_files(result, target)
    return sorted(target.glob(f"*.{fmt}"))


def corpus(folder: Path, fmt: str) -> list[Path]:
    manifest = folder / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8") as handle:
        return [folder / row["path"] for row in csv.DictReader(handle, delimiter="\t")
                if row["format"] == fmt]


def measure(paths: list[Path], repeat: int) -> tuple[int, int, int, float, float]:
    """files read, trackpoints, bytes, best CPU seconds and best wall seconds (summed)."""
    points = size = 0
    cpu = wall = 0.0
    for path in paths:
        data = path.read_bytes()
        best_cpu = best_wall = float("inf")
        for _ in range(repeat):
            began_cpu, began_wall = time.process_time(), time.perf_counter()
            try:
                activities = read_activity_file(path, data)
            except ImportFailed:
                activities = []
            best_cpu = min(best_cpu, time.process_time() - began_cpu)
            best_wall = min(best_wall, time.perf_counter() - began_wall)
        points += sum(a.streams.height for a in activities)
        size += len(data)
        cpu, wall = cpu + best_cpu, wall + best_wall
    return len(paths), points, size, cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--weeks", type=int, default=26)
    parser.add_argument("--sim", type=Path, help="folder for the simulated files (kept)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.sim or Path(scratch)
        sets = {f"sim {args.weeks} weeks {fmt.upper()}": simulated(folder, args.weeks, fmt)
                for fmt in ("gpx", "tcx")}
        sets |= {f"corpus {fmt.upper()}": corpus(args.corpus, fmt) for fmt in ("gpx", "tcx")}
        print(f"load average {os.getloadavg()[0]:.1f}; best of {args.repeat} per file")
        print(f"{'set':<22}{'files':>6}{'points':>9}{'MB':>7}{'ms/file':>9}"
              f"{'us/point':>10}{'MB/s':>7}{'wall s':>8}")
        for name, paths in sets.items():
            if not paths:
                continue
            files, points, size, cpu, wall = measure(paths, args.repeat)
            print(f"{name:<22}{files:>6}{points:>9}{size / 1e6:>7.1f}{cpu / files * 1e3:>9.2f}"
                  f"{cpu / max(points, 1) * 1e6:>10.2f}{size / 1e6 / cpu:>7.1f}{wall:>8.2f}")


if __name__ == "__main__":
    main()
