"""Stream storage encodings compared on a real corpus ride (the choice in storage/repo.py).

Run: .venv/bin/python benchmarks/bench_streams.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
RIDE = (
    ROOT.parent
    / "shared/corpus/dtcooper_python-fitparse/tests/files/2019-02-17-062644-ELEMNT-297E-195-0.fit"
)
FLOAT32 = ["speed_mps", "heart_rate_bpm", "cadence_spm", "altitude_m", "power_w", "temperature_c"]


def load() -> pl.DataFrame:
    from heavylegs.importers import read_activity_file

    return read_activity_file(RIDE)[0].streams


def encoders(df: pl.DataFrame) -> dict[str, tuple]:
    def ipc(frame: pl.DataFrame, c: str):
        def write() -> bytes:
            b = io.BytesIO()
            frame.write_ipc(b, compression=c)
            return b.getvalue()

        return write, lambda b: pl.read_ipc(io.BytesIO(b))

    def parquet(frame: pl.DataFrame, c: str):
        def write() -> bytes:
            b = io.BytesIO()
            frame.write_parquet(b, compression=c)
            return b.getvalue()

        return write, lambda b: pl.read_parquet(io.BytesIO(b))

    small = df.with_columns([pl.col(c).cast(pl.Float32) for c in FLOAT32])
    return {
        "ipc-zstd f32 (chosen)": ipc(small, "zstd"),
        "ipc-zstd f64": ipc(df, "zstd"),
        "ipc-lz4 f32": ipc(small, "lz4"),
        "parquet-zstd f32": parquet(small, "zstd"),
        "ipc uncompressed f64": ipc(df, "uncompressed"),
    }


def main(rounds: int = 7) -> None:
    if not RIDE.exists():
        sys.exit(f"corpus file not found: {RIDE}")
    df = load()
    print(f"{RIDE.name}: {df.height} samples; median of {rounds} rounds")
    for name, (write, read) in encoders(df).items():
        tw, tr = [], []
        for _ in range(rounds):
            t = time.perf_counter()
            blob = write()
            tw.append(time.perf_counter() - t)
            t = time.perf_counter()
            read(blob)
            tr.append(time.perf_counter() - t)
        print(
            f"{name:24s} {len(blob) / 1024:8.1f} KiB {len(blob) / df.height:6.1f} B/sample "
            f"write {statistics.median(tw) * 1e3:6.2f} ms  read {statistics.median(tr) * 1e3:6.2f} ms"
        )


if __name__ == "__main__":
    main()
