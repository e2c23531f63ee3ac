"""The local engine: a process pool over athletes on this machine (no JVM).

Stage 1 decodes each athlete's folder (decode.py) into ``OUT/tables/<table>/<athlete>.parquet``;
stage 2 reads each athlete's tables back from Parquet and explains them with the pure
engine (explain.py); then the outputs are written (outputs.py)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import polars as pl

from heavylegs.batch import decode, explain, inputs, outputs


@dataclass
class Summary:
    athletes: int
    files_decoded: int
    files_unchanged: int
    answered: int
    errors: int
    decode_s: float = 0.0  # wall seconds of the decoding stage
    explain_s: float = 0.0  # wall seconds of explaining and writing the outputs


def table_path(out: Path, table: str, athlete: str) -> Path:
    return out / "tables" / table / f"{quote(athlete, safe='')}.parquet"


def decode_one(args: tuple[str, str, str]) -> tuple[str, list[tuple[str, str]], int, int]:
    athlete, root, out = args
    got = decode.decode(athlete, Path(root) / athlete, Path(out) / "work" / quote(athlete, safe=""))
    for name, frame in got.frames.items():
        path = table_path(Path(out), name, athlete)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path)
    return athlete, got.errors, got.decoded, got.unchanged


def read_tables(out: Path, athlete: str) -> dict[str, pl.DataFrame] | None:
    paths = {t: table_path(out, t, athlete) for t in decode.TABLES}
    if not all(p.exists() for p in paths.values()):
        return None
    return {t: pl.read_parquet(p) for t, p in paths.items()}


def explain_one(args: tuple[str, str, date | None, date]) -> dict[str, object]:
    athlete, out, day, latest = args
    frames = read_tables(Path(out), athlete)
    if frames is None:
        row: dict[str, object] = dict.fromkeys(explain.ANSWER_SCHEMA)
        row.update(athlete=athlete, error="not decoded (see errors.csv)")
        return row
    return explain.explain(athlete, frames, day, latest)


def _map(fn: Callable[[Any], Any], items: list, workers: int, label: str, progress: bool) -> Iterable:
    """``fn`` over ``items`` in ``workers`` spawned processes (in this one when 1), with a progress bar."""
    from rich.progress import Progress

    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        if workers <= 1:
            for item in items:
                yield fn(item)
                bar.advance(task)
            return
        ctx = multiprocessing.get_context("spawn")  # forking a running polars thread pool can deadlock
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            for result in pool.map(fn, items, chunksize=1):
                yield result
                bar.advance(task)


def run(root: Path, out: Path, day: date | None, latest: date, workers: int = 2,
        progress: bool = True) -> Summary:
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    names = inputs.athletes(root)
    _drop_gone(out, set(names))
    errors: list[tuple[str, str, str]] = []
    decoded = unchanged = 0
    for athlete, errs, n_new, n_old in _map(decode_one, [(a, str(root), str(out)) for a in names], workers,
                                            "decoding", progress):
        errors += [(athlete, path, reason) for path, reason in errs]
        decoded, unchanged = decoded + n_new, unchanged + n_old
    decoded_at = time.perf_counter()
    rows = list(_map(explain_one, [(a, str(out), day, latest) for a in names], workers, "explaining", progress))
    errors += [(str(r["athlete"]), str(r["athlete"]), str(r["error"])) for r in rows if r["error"]]
    outputs.write_answers(rows, out)
    outputs.write_errors(errors, out)
    done = time.perf_counter()
    return Summary(len(names), decoded, unchanged, sum(1 for r in rows if r["answer"]), len(errors),
                   decoded_at - started, done - decoded_at)


def _drop_gone(out: Path, names: set[str]) -> None:
    """Tables of athletes whose folder is gone are removed (the job reflects ROOT)."""
    keep = {quote(n, safe="") for n in names}
    for table in decode.TABLES:
        folder = out / "tables" / table
        for f in folder.glob("*.parquet") if folder.exists() else []:
            if f.stem not in keep:
                f.unlink()
