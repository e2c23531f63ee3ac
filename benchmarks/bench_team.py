"""`heavylegs team run` on N simulated athletes x 26 weeks (FIT and TCX run files and a daily
log each: every run is FIT with probability 0.8, as modern watches write, else TCX; sim
formats "fit-tcx"): decode files/s and explain athletes/s for one process, the local engine
with 2 workers and Spark local[2], with each run's CPU time and peak memory.

Each configuration runs in its own process (Spark's JVM is that process's child), into its
own OUT, cold (no cached decode). Peak memory: the highest sum of resident memory over that
process and all its descendants (pool workers, the JVM, Spark's Python workers), sampled
every 0.2 s, and the largest single waited-for process (getrusage). CPU: the user+system
seconds of that process tree (each process's last sample), and CPU / (wall x cores): how
busy the job kept the machine's cores. On a machine shared with other work the wall-time
ratios are noisy; the CPU columns say whether the job itself left a core idle.

Targets (issue 15): the local engine >= 1.8x one process; Spark local[2] within 1.5x of
the local engine's wall time at N = 500, the gap shrinking as N grows (N = 100 and 500).

Run: .venv/bin/python benchmarks/bench_team.py [--n 100,500] [--weeks 26]
(`make bench` runs N = 30 and 100; HEAVYLEGS_BENCH_TEAM_N=100,500 sets the N list, e.g. for
the issue's N = 500 run.)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"
FORMATS = "fit-tcx"  # each run FIT (80 %, sim.simulate.FIT_SHARE) or TCX, a seeded draw per run
CONFIGS = (("one process", "local", 1), ("local, 2 workers", "local", 2), ("spark local[2]", "spark", 2))


def make_root(n: int, weeks: int) -> Path:
    """N simulated athletes (seeds 1..N, kinds and injections in turn), written once."""
    from datetime import date, timedelta

    from heavylegs import sim

    root = OUT / f"team-{n}x{weeks}w-{FORMATS}" / "root"
    stamp = root.parent / "complete"
    if stamp.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    injections = [(), *((name,) for name in sorted(sim.CAUSE_INJECTIONS.values()))]
    end = date(2026, 11, 1)
    for i in range(n):
        scenario = sim.Scenario(seed=10_000 + i, start=end - timedelta(days=7 * weeks - 1), weeks=weeks,
                                kind=("novice", "recreational", "advanced")[i % 3],
                                injections=injections[i % len(injections)], formats=FORMATS)
        result = sim.simulate(scenario)
        folder = root / f"athlete-{i:05d}"
        sim.write_files(result, folder)
        r = result.runner
        (folder / "profile.toml").write_text(f'sex = "{r.sex}"\nbirth_year = {r.birth_year}\ntimezone = "{r.home.tz}"\n')
    stamp.write_text("ok")
    return root


def _tree(pid: int) -> dict[int, tuple[int, float]]:
    """``pid`` and all its descendants now (Linux /proc): pid -> (resident kB, CPU s)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    seen: dict[int, tuple[int, float]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        p = int(stat.parent.name)
        parents[p] = int(fields[1])
        # fields after the name: state ppid ... utime(12) stime(13) ... rss(22, pages)
        seen[p] = (int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024, (int(fields[11]) + int(fields[12])) / tick)
    tree, grew = {pid}, True
    while grew:
        more = {p for p, pp in parents.items() if pp in tree} - tree
        tree |= more
        grew = bool(more)
    return {p: seen[p] for p in tree if p in seen}


class _Peak(threading.Thread):
    """Samples the whole process tree every 0.2 s: ``peak`` is the highest sum of resident
    memory (MB), ``cpu`` the CPU seconds of every process seen (at its last sample)."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak, self.stop, self.last_cpu = 0.0, threading.Event(), {}

    def run(self) -> None:
        while not self.stop.wait(0.2):
            now = _tree(os.getpid())
            self.peak = max(self.peak, sum(rss for rss, _ in now.values()) / 1024)
            self.last_cpu.update({p: cpu for p, (_, cpu) in now.items()})

    @property
    def cpu(self) -> float:
        return sum(self.last_cpu.values())


def one(engine: str, workers: int, root: Path, out: Path) -> dict[str, float]:
    """One configuration, in this process (called in a child by :func:`main`)."""
    from heavylegs.dates import latest

    shutil.rmtree(out, ignore_errors=True)
    sampler = _Peak()
    sampler.start()
    start = time.perf_counter()
    if engine == "spark":
        from heavylegs.batch import spark

        summary = spark.run(root, out, None, latest(), f"local[{workers}]")
    else:
        from heavylegs.batch import local

        summary = local.run(root, out, None, latest(), workers, progress=False)
    wall = time.perf_counter() - start
    sampler.stop.set()
    sampler.join()
    rss = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"wall_s": wall, "decode_s": summary.decode_s, "explain_s": summary.explain_s,
            "files": summary.files_decoded, "athletes": summary.athletes, "answered": summary.answered,
            "peak_rss_mb": rss / 1024, "peak_tree_mb": sampler.peak, "cpu_s": sampler.cpu}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", default=os.environ.get("HEAVYLEGS_BENCH_TEAM_N", "30,100"))
    ap.add_argument("--weeks", type=int, default=26)
    ap.add_argument("--one", nargs=4, metavar=("ENGINE", "WORKERS", "ROOT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        engine, workers, root, out = args.one
        print(json.dumps(one(engine, int(workers), Path(root), Path(out))))
        return 0
    gaps: dict[int, float] = {}
    for n in (int(v) for v in args.n.split(",")):
        t = time.perf_counter()
        root = make_root(n, args.weeks)
        files = sum(1 for _ in root.rglob("*") if _.is_file())
        print(f"\nN = {n} athletes x {args.weeks} weeks: {files} files (written in {time.perf_counter() - t:.0f} s "
              "or cached)", flush=True)
        print(f"  {'configuration':18s} | {'wall s':>7s} | {'decode files/s':>14s} | {'explain athl./s':>15s} | "
              f"{'CPU s':>6s} | {'CPU/(wall x cores)':>18s} | {'peak MB all':>11s} | {'largest':>7s} | answered",
              flush=True)
        walls = {}
        for label, engine, workers in CONFIGS:
            out = root.parent / f"out-{engine}-{workers}"
            done = subprocess.run([sys.executable, __file__, "--one", engine, str(workers), str(root), str(out)],
                                  capture_output=True, text=True)
            if done.returncode != 0:
                print(f"  {label:18s} failed: {done.stderr.strip().splitlines()[-1:]}")
                continue
            r = json.loads(done.stdout.strip().splitlines()[-1])
            walls[label] = r["wall_s"]
            print(f"  {label:18s} | {r['wall_s']:7.1f} | {r['files'] / r['decode_s']:14.1f} | "
                  f"{r['athletes'] / r['explain_s']:15.2f} | {r['cpu_s']:6.1f} | "
                  f"{r['cpu_s'] / (r['wall_s'] * workers):18.2f} | {r['peak_tree_mb']:11.0f} | "
                  f"{r['peak_rss_mb']:7.0f} | {r['answered']}/{r['athletes']}", flush=True)
        if len(walls) == 3:
            one_p, loc, spk = walls["one process"], walls["local, 2 workers"], walls["spark local[2]"]
            gaps[n] = spk / loc
            print(f"  local engine speed-up over one process: {one_p / loc:.2f}x (target >= 1.8x)\n"
                  f"  Spark local[2] / local engine wall:      {spk / loc:.2f}x (target <= 1.5x at N = 500)", flush=True)
    if len(gaps) > 1:
        print("\nSpark / local wall by N (should shrink as N grows): "
              + ", ".join(f"N = {n}: {g:.2f}x" for n, g in gaps.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
