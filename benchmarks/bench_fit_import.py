"""End-to-end ``heavylegs import`` of every corpus FIT file against the SDK's decode alone.

Usage: ``.venv/bin/python benchmarks/bench_fit_import.py [--rounds N] [--corpus DIR]``

Every distinct FIT file of the shared corpus (identical copies once) is copied into one
folder. Each round, in alternating order so a burst of load from other jobs hits both:

* ``heavylegs --home <fresh workspace> import <folder> --json`` in a subprocess: the whole
  command (interpreter start, decoding, metrics, SQLite storage), wall and CPU time;
* the official Garmin SDK decoding the same files in this process (``Decoder.read()``
  with its defaults; its import time not counted): decode only, nothing stored.

The table gives the medians and ``SDK / heavylegs`` as a ratio (the goal: >= 20x), and
how many files the importer read with the Garmin SDK after a fastfit failure (its
fallback for a decoder bug, counted from the import's warnings): the goal is 0.

Before the rounds, heavylegs' own modules are compiled to bytecode (``compileall``), as a
pip install does: in a development checkout run with ``PYTHONDONTWRITEBYTECODE=1`` (or
with stale ``__pycache__`` after a merge) every import would otherwise compile ~150
modules from source first, ~0.25 s CPU that no installed heavylegs pays.

Both ratios are printed. On the shared machine the wall ratio swings with the load (a
3 s import and a 30-80 s SDK run see different slices of it: 9.5x-30x between rounds of
one run); the CPU ratio (user + system time of each side, the import's child process
included) moves by a few percent, so it is the one the goal is judged on.
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


def heavylegs_import(folder: Path, home: Path) -> tuple[float, float, dict]:
    """Wall and CPU seconds of ``heavylegs import`` into a fresh ``home``, and its report."""
    shutil.rmtree(home, ignore_errors=True)
    cli = Path(sys.executable).with_name("heavylegs")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "heavylegs.cli"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([*command, "--home", str(home), "import", str(folder), "--json"],
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        report = {"error": done.stderr[-2000:]}
    return wall, cpu, report


def run(datas: list[bytes], folder: Path, home: Path, rounds: int) -> dict[str, list]:
    found: dict[str, list] = {"sdk": [], "sdk_cpu": [], "ours": [], "ours_cpu": [], "reports": []}
    for r in range(rounds):
        steps = ["ours", "sdk"] if r % 2 == 0 else ["sdk", "ours"]
        for step in steps:
            if step == "sdk":
                wall, cpu = sdk_decode_all(datas)
            else:
                wall, cpu, report = heavylegs_import(folder, home)
                found["reports"].append(report)
            found[step].append(wall)
            found[f"{step}_cpu"].append(cpu)
        print(f"  round {r + 1}: import {found['ours'][-1]:.2f} s, SDK decode "
              f"{found['sdk'][-1]:.2f} s, ratio {found['sdk'][-1] / found['ours'][-1]:.1f}x "
              f"(load {os.getloadavg()[0]:.1f})", flush=True)
    return found


def fallbacks(report: dict) -> int:
    return sum(FALLBACK_NOTE in warning for warning in report.get("warnings", ()))


def show(found: dict[str, list], files: int, megabytes: float) -> int:
    report = found["reports"][-1]
    if "error" in report:
        print(f"import failed:\n{report['error']}")
        return 1
    sdk, ours = statistics.median(found["sdk"]), statistics.median(found["ours"])
    sdk_cpu, ours_cpu = statistics.median(found["sdk_cpu"]), statistics.median(found["ours_cpu"])
    counts = sorted({fallbacks(r) for r in found["reports"]})
    rows = [
        ("FIT files (distinct)", f"{files} ({megabytes:.1f} MB)"),
        ("imported / unchanged / failed / skipped",
         f"{report['imported']} / {report['unchanged']} / {len(report['failed'])} / "
         f"{len(report.get('skipped', ()))}"),
        ("heavylegs import, wall (median)", f"{ours:.2f} s   rounds: "
         + " / ".join(f"{t:.2f}" for t in found["ours"])),
        ("SDK decode only, wall (median)", f"{sdk:.2f} s   rounds: "
         + " / ".join(f"{t:.2f}" for t in found["sdk"])),
        ("ratio SDK / import, wall", f"{sdk / ours:.1f}x   (per round: "
         + " / ".join(f"{s / o:.1f}" for s, o in zip(found["sdk"], found["ours"], strict=True))
         + ")"),
        ("ratio SDK / import, CPU", f"{sdk_cpu / ours_cpu:.1f}x   ({sdk_cpu:.2f} s / "
         f"{ours_cpu:.2f} s; goal >= {TARGET:.0f}x)"),
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
