"""End-to-end ``heavylegs import`` of every corpus FIT file against the SDK's decode alone.

Usage: ``.venv/bin/python benchmarks/bench_fit_import.py [--rounds N] [--corpus DIR]``

Every distinct FIT file of the shared corpus (identical copies once) is copied into one
folder. Each round, in alternating order so a burst of load from other jobs hits both:

* ``heavylegs --home <fresh workspace> import <folder> --json`` in a subprocess: the whole
  command (interpreter start, decoding, metrics, SQLite storage), wall and CPU time, as a
  runner runs it (the files read by one process per CPU: parallel_import.py);
* the same with ``--jobs 1``: everything in one process;
* the official Garmin SDK decoding the same files in this process (``Decoder.read()``
  with its defaults; its import time not counted): decode only, nothing stored.

The table gives the medians and ``SDK / heavylegs`` as a ratio (the goal: >= 20x), and
how many files the importer read with the Garmin SDK after a fastfit failure (its
fallback for a decoder bug, counted from the import's warnings): the goal is 0.

Before the rounds, heavylegs' own modules are compiled to bytecode (``compileall``), as a
pip install does: in a development checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (or
with stale ``__pycache__`` after a merge) every import would otherwise compile ~150
modules from source first, ~0.25 s CPU that no installed heavylegs pays.

The goal is on time, the wall time a runner waits: ``SDK / import`` of the default
import. The CPU ratios (user + system time of each side, the import's workers included)
are printed too: they say what the import costs, and one process's is the ratio it would
reach on one core. On a shared machine the wall ratios swing with the load (a 1-3 s import
and a 20-80 s SDK run see different slices of it), and two processes only gain where two
cores are free: compare the rounds' load column.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
FALLBACK_NOTE = "read with the Garmin SDK instead"  # heavylegs.importers.fit.SDK_FALLBACK_NOTE
TARGET = 20.0


def copy_corpus(corpus: Path, folder: Path) -> list[bytes]:
    """Distinct FIT files of ``corpus`` into ``folder``; returns their bytes."""
    seen: set[str] = set()
    datas = []
    for path in sorted(corpus.rglob("*")):
        if path.suffix.lower() != ".fit" or not path.is_file():
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            (folder / f"{digest[:10]}-{path.name}").write_bytes(data)
            datas.append(data)
    return datas


def sdk_decode_all(datas: list[bytes]) -> tuple[float, float]:
    """Wall and CPU seconds of the SDK decoding every file (errors kept, as it returns)."""
    from garmin_fit_sdk import Decoder, Stream

    wall, cpu = time.perf_counter(), time.process_time()
    for data in datas:
        Decoder(Stream.from_byte_array(bytearray(data))).read()
    return time.perf_counter() - wall, time.process_time() - cpu


def compile_sources() -> None:
    """Bytecode for heavylegs' modules, written whatever PYTHONDONTWRITEBYTECODE says."""
    code = ("import compileall, pathlib, heavylegs; "
            "compileall.compile_dir(pathlib.Path(heavylegs.__file__).parent, quiet=1)")
    subprocess.run([sys.executable, "-c", code], check=True)


def heavylegs_import(folder: Path, home: Path, *extra: str) -> tuple[float, float, dict]:
    """Wall and CPU seconds of ``heavylegs import`` into a fresh ``home``, and its report."""
    shutil.rmtree(home, ignore_errors=True)
    cli = Path(sys.executable).with_name("heavylegs")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "heavylegs.cli"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*command, "--home", str(home), "import", str(folder), "--json", *extra],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = {"error": done.stderr[-2000:]}
    return wall, cpu, report


STEPS = {"ours": (), "one": ("--jobs", "1")}


def run(datas: list[bytes], folder: Path, home: Path, rounds: int) -> dict[str, list]:
    found: dict[str, list] = {k: [] for k in ("sdk", "sdk_cpu", "ours", "ours_cpu", "one", "one_cpu",
                                              "reports", "load")}
    for r in range(rounds):
        steps = ["ours", "one", "sdk"] if r % 2 == 0 else ["sdk", "one", "ours"]
        for step in steps:
            if step == "sdk":
                wall, cpu = sdk_decode_all(datas)
            else:
                wall, cpu, report = heavylegs_import(folder, home, *STEPS[step])
                found["reports"].append(report)
            found[step].append(wall)
            found[f"{step}_cpu"].append(cpu)
        found["load"].append(os.getloadavg()[0])
        print(f"  round {r + 1}: import {found['ours'][-1]:.2f} s ({found['sdk'][-1] / found['ours'][-1]:.1f}x), "
              f"--jobs 1 {found['one'][-1]:.2f} s ({found['sdk'][-1] / found['one'][-1]:.1f}x), "
              f"SDK decode {found['sdk'][-1]:.2f} s (load {found['load'][-1]:.1f})", flush=True)
    return found


def fallbacks(report: dict) -> int:
    return sum(FALLBACK_NOTE in warning for warning in report.get("warnings", ()))


def show(found: dict[str, list], files: int, megabytes: float) -> int:
    report = found["reports"][-1]
    if "error" in report:
        print(f"import failed:\n{report['error']}")
        return 1
    med = {k: statistics.median(found[k]) for k in ("sdk", "ours", "one", "sdk_cpu", "ours_cpu", "one_cpu")}
    counts = sorted({fallbacks(r) for r in found["reports"]})

    def rounds(key: str) -> str:
        return " / ".join(f"{t:.2f}" for t in found[key])

    def per_round(key: str) -> str:
        return " / ".join(f"{s / o:.1f}" for s, o in zip(found["sdk"], found[key], strict=True))

    rows = [
        ("FIT files (distinct)", f"{files} ({megabytes:.1f} MB)"),
        ("imported / unchanged / failed / skipped",
         f"{report['imported']} / {report['unchanged']} / {len(report['failed'])} / "
         f"{len(report.get('skipped', ()))}"),
        ("heavylegs import, wall (median)", f"{med['ours']:.2f} s   rounds: {rounds('ours')}"),
        ("heavylegs import --jobs 1, wall", f"{med['one']:.2f} s   rounds: {rounds('one')}"),
        ("SDK decode only, wall (median)", f"{med['sdk']:.2f} s   rounds: {rounds('sdk')}"),
        ("ratio SDK / import, wall", f"{med['sdk'] / med['ours']:.1f}x   (goal >= {TARGET:.0f}x; "
         f"per round: {per_round('ours')})"),
        ("ratio SDK / import --jobs 1, wall", f"{med['sdk'] / med['one']:.1f}x   (per round: {per_round('one')})"),
        ("ratio SDK / import, CPU", f"{med['sdk_cpu'] / med['ours_cpu']:.1f}x   ({med['sdk_cpu']:.2f} s / "
         f"{med['ours_cpu']:.2f} s, all processes)"),
        ("ratio SDK / import --jobs 1, CPU", f"{med['sdk_cpu'] / med['one_cpu']:.1f}x   "
         f"({med['sdk_cpu']:.2f} s / {med['one_cpu']:.2f} s)"),
        ("load average per round", " / ".join(f"{v:.1f}" for v in found["load"])),
        ("SDK fallbacks in the import", " / ".join(map(str, counts)) + "   (goal 0)"),
    ]
    width = max(len(key) for key, _ in rows)
    print(f"\n{'measure':<{width}}  value\n{'-' * width}  {'-' * 50}")
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"shared corpus not found at {args.corpus}: skipped")
        return 0
    work = Path(tempfile.mkdtemp(prefix="bench_fit_import_"))
    try:
        folder = work / "fit"
        folder.mkdir()
        datas = copy_corpus(args.corpus, folder)
        megabytes = sum(map(len, datas)) / 1e6
        print(f"{len(datas)} distinct FIT files, {megabytes:.1f} MB; {args.rounds} rounds, "
              f"{os.cpu_count()} cores", flush=True)
        compile_sources()
        found = run(datas, folder, work / "home", args.rounds)
        return show(found, len(datas), megabytes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
