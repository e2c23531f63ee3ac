"""Stream storage encodings compared on every activity of the corpus' FIT files (the choice
in storage/repo.py).

Run: .venv/bin/python benchmarks/bench_streams.py [--rounds N]

Each encoding writes and reads the stream frames of all activities the FIT importer gets
from the distinct corpus FIT files, sensor channels as float32 as stored; the table gives
the total stored size and the CPU seconds (user + system, polars' threads included) to
write and to read them all, the median of the rounds.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"


def load() -> list[pl.DataFrame]:
    from heavylegs.errors import HeavyLegsError
    from heavylegs.importers.fit import parse_fit

    frames, seen = [], set()
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() != ".fit" or not path.is_file():
            continue
        data = path.read_bytes()
        digest = hashlib.sha256(data).digest()
        if digest in seen:
            continue
        seen.add(digest)
        try:
            frames += [act.streams for act in parse_fit(data, str(path))]
        except HeavyLegsError:
            continue
    return frames


Codec = tuple[Callable[[pl.DataFrame], bytes], Callable[[bytes], pl.DataFrame]]


def encodings() -> dict[str, Codec]:
    def codec(write_method: str, read: Callable[[io.BytesIO], pl.DataFrame], compression: str) -> Codec:
        def write(frame: pl.DataFrame) -> bytes:
            buf = io.BytesIO()
            getattr(frame, write_method)(buf, compression=compression)
            return buf.getvalue()

        return write, lambda blob: read(io.BytesIO(blob))

    def ipc_file(compression: str) -> Codec:
        return codec("write_ipc", pl.read_ipc, compression)

    def ipc_stream(compression: str) -> Codec:
        return codec("write_ipc_stream", pl.read_ipc_stream, compression)

    def parquet(compression: str) -> Codec:
        return codec("write_parquet", pl.read_parquet, compression)

    return {
        "IPC stream, zstd (chosen)": ipc_stream("zstd"),
        "IPC file, zstd (before)": ipc_file("zstd"),
        "IPC stream, lz4": ipc_stream("lz4"),
        "IPC file, lz4": ipc_file("lz4"),
        "IPC stream, uncompressed": ipc_stream("uncompressed"),
        "Parquet, zstd": parquet("zstd"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"shared corpus not found at {CORPUS}: skipped")
        return 0
    from heavylegs.storage.repo import compact_streams

    frames = [compact_streams(frame) for frame in load()]
    print(f"{len(frames)} activities, {sum(f.height for f in frames):,} samples; "
          f"median of {args.rounds} rounds, CPU seconds for all")
    for name, (write, read) in encodings().items():
        writes, reads = [], []
        for _ in range(args.rounds):
            started = time.process_time()
            blobs = [write(frame) for frame in frames]
            writes.append(time.process_time() - started)
            started = time.process_time()
            for blob in blobs:
                read(blob)
            reads.append(time.process_time() - started)
        size = sum(map(len, blobs))
        print(f"{name:28s} {size / 1e6:6.2f} MB  write {statistics.median(writes):.3f} s  "
              f"read {statistics.median(reads):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
