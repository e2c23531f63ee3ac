"""`heavylegs why` on a 10-year history (3,650 days, ~5,000 activities) in a cold process.

The workspace is filled through the storage layer (activity summaries with heart-rate
histograms, a daily log every day), not by parsing 5,000 files, so the benchmark measures
the answer, not the import. Target (issue: the engine): under 0.5 s per cold `why`.

Measured three ways: a cold process where the engine computes the answer (nothing stored:
the first `why` after data was written by something other than `import`/`checkin`, or for
a new `--date`); a cold process printing the answer stored by the previous `why`, `import`
or `checkin` (what a runner usually meets); and the engine warm in one process. The cold
rows run `python -m heavylegs.cli`, the same entry point as the installed `heavylegs`
command (cli.run: no numpy or rich imported, no interpreter teardown).

Run: .venv/bin/python benchmarks/bench_why.py
"""

from __future__ import annotations

import compileall
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HOME = ROOT / "benchmarks" / "out" / "why-10y"
END = date(2026, 11, 1)
DAYS = 3650


def _activity(rng: np.random.Generator, day: date, km: float, hard: bool):
    from heavylegs.core import streams
    from heavylegs.core.model import ActivitySummary, ParsedActivity

    secs = km * rng.uniform(290, 380)
    start = datetime(day.year, day.month, day.day, 6, 30, tzinfo=UTC) + timedelta(
        minutes=int(rng.integers(0, 600))
    )
    summary = ActivitySummary(
        start=start,
        sport="running",
        elapsed_s=secs,
        distance_m=km * 1000,
        moving_s=secs,
        avg_hr_bpm=150.0 if hard else 135.0,
        utc_offset_s=3600,
        lon_deg=8.0,
    )
    hist = np.zeros(256, dtype=np.int32)
    bpm = rng.normal(160 if hard else 138, 8, int(secs)).clip(60, 195).astype(int)
    np.add.at(hist, bpm, 1)
    return ParsedActivity(summary, streams.empty()), hist


def build() -> None:
    from heavylegs.api import Workspace
    from heavylegs.importers.bundle import Bundle, Unit
    from heavylegs.storage import repo

    rng = np.random.default_rng(42)
    first = END - timedelta(days=DAYS - 1)
    acts, hists, log = [], [], []
    for i in range(DAYS):
        day = first + timedelta(days=i)
        if day.weekday() != 0:
            for _ in range(1 + (rng.random() < 0.6)):
                a, h = _activity(
                    rng,
                    day,
                    float(rng.uniform(5, 12) if day.weekday() != 6 else rng.uniform(16, 24)),
                    day.weekday() == 2,
                )
                acts.append(a)
                hists.append(h)
        log.append(
            {
                "date": day,
                "heaviness": int(rng.integers(1, 7)),
                "sleep_h": round(float(rng.normal(7.6, 0.6)), 1),
                "resting_hr_bpm": int(rng.normal(50, 2)),
                "soreness": int(rng.integers(0, 6)),
            }
        )
    with Workspace(HOME) as ws:
        for n in range(0, len(acts), 250):
            b = Bundle(activities=acts[n : n + 250])
            repo.save_bundle(
                ws.conn,
                Unit(f"synthetic-{n}", f"{n:064x}", 0, lambda b=b: b),
                b,
                hists[n : n + 250],
            )
        b = Bundle(log_rows=log, kind="daily-log")
        repo.save_bundle(ws.conn, Unit("log", "f" * 64, 0, lambda: b), b, [])
        print(
            f"built {HOME}: {ws.counts()['activities']} activities, {ws.counts()['daily_log']} days"
        )


def _cold(cmd: list[str], rounds: int, before=None) -> list[float]:
    times = []
    for _ in range(rounds):
        if before:
            before()
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return times


def _forget_answers() -> None:
    """Empty the stored answers, as any change to the data does."""
    with sqlite3.connect(HOME / "heavylegs.sqlite") as conn:
        conn.execute("DELETE FROM answers")


def _fmt(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f})"


def main(rounds: int = 11) -> None:
    if not (HOME / "heavylegs.sqlite").exists():
        build()
    # as installed: bytecode present (pip writes it for a wheel; `make install` for a checkout)
    compileall.compile_dir(ROOT / "src" / "heavylegs", quiet=1)
    cmd = [sys.executable, "-m", "heavylegs.cli", "--home", str(HOME), "why", "--json"]
    subprocess.run(cmd, check=True, capture_output=True)  # migrate an older bench workspace
    base = _cold([sys.executable, "-c", "pass"], rounds)
    computed = _cold(cmd, rounds, before=_forget_answers)  # the engine runs: nothing stored
    stored = _cold(cmd, rounds)  # the answer the previous `why` (or import/check-in) stored
    text = _cold(cmd[:-1], rounds)  # the terminal rendering of the stored answer
    from heavylegs.api import Workspace

    with Workspace(HOME) as ws:
        warm = []
        for _ in range(rounds):
            t = time.perf_counter()
            ws.why()
            warm.append(time.perf_counter() - t)
    print(f"why on 10 years ({DAYS} days), {rounds} rounds each, target < 0.5 s in a cold process:")
    print(f"  bare python start                      {_fmt(base)}")
    print(f"  cold process, engine computes (--json) {_fmt(computed)}")
    print(f"  cold process, stored answer (--json)   {_fmt(stored)}")
    print(f"  cold process, stored answer (terminal) {_fmt(text)}")
    print(f"  warm, in-process engine                {_fmt(warm)}")


if __name__ == "__main__":
    main()
