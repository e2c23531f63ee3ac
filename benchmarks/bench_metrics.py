"""Per-activity metrics (core/metrics.py) on a one-hour 1 Hz run with every channel, against
the activity summary (core/summary.py) of the same streams measured in the same run.

Run: .venv/bin/python benchmarks/bench_metrics.py
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import polars as pl

from heavylegs.core import streams
from heavylegs.core.metrics import compute
from heavylegs.core.profile import Profile
from heavylegs.core.summary import summarize

START = datetime(2026, 3, 1, 7, tzinfo=UTC)


def one_hour() -> pl.DataFrame:
    rng = np.random.default_rng(0)
    t = np.arange(3601, dtype=float)
    speed = 3.0 + 0.3 * np.sin(t / 300) + rng.normal(0, 0.1, t.size)
    stamps = pl.Series(np.datetime64("2026-03-01T07:00:00", "us") + t.astype("timedelta64[s]"))
    return streams.from_columns({
        "timestamp": stamps.dt.replace_time_zone("UTC"), "elapsed_s": t, "speed_mps": speed,
        "distance_m": np.cumsum(speed), "heart_rate_bpm": 150 + rng.normal(0, 2, t.size),
        "cadence_spm": 170 + 6 * (speed - 3), "altitude_m": 500 + 20 * np.sin(t / 400),
        "temperature_c": np.full(t.size, 15.0), "stance_time_ms": 250 + rng.normal(0, 5, t.size),
        "vertical_oscillation_mm": 85 + rng.normal(0, 3, t.size),
        "stance_balance_pct": 50 + rng.normal(0, 0.5, t.size)})


def best_ms(fn: Callable[[], object], repeats: int = 50) -> tuple[float, float]:
    fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return min(times), statistics.median(times)


def main() -> None:
    frame = one_hour()
    profile = Profile(sex="male", max_hr=190, resting_hr=50, lthr=170, threshold_pace_s_km=250)
    metrics = best_ms(lambda: compute(frame, profile, "running"))
    summary = best_ms(lambda: summarize(frame, start=START, sport="running"))
    print(f"{'1 h at 1 Hz':<14}{'min ms':>9}{'median ms':>11}")
    print(f"{'metrics':<14}{metrics[0]:>9.2f}{metrics[1]:>11.2f}")
    print(f"{'summary':<14}{summary[0]:>9.2f}{summary[1]:>11.2f}")
    print(f"metrics / summary (min): {metrics[0] / summary[0]:.1f}x")


if __name__ == "__main__":
    main()
