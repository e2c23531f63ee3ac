"""The local engine: a process pool over athletes on this machine (no JVM).

One task per athlete does all of that athlete's work in one worker: decode the folder
(decode.py) into ``OUT/tables/<table>/<athlete>.parquet``, explain the decoded tables with
the pure engine (explain.py) and write ``answers/<athlete>.json``. One pool serves the
whole job (each spawned worker imports polars and heavylegs once), the biggest folders go
first (so no big athlete is left running alone at the end), and the parent only gathers
the small answer rows and writes the job-wide outputs (outputs.py)."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import polars as pl

from heavylegs.batch import decode, explain, inputs, outputs

# Each pool worker runs one athlete at a time on one core: polars' and OpenBLAS's own
# thread pools would only oversubscribe the cores the workers already share.
WORKER_ENV = {"POLARS_MAX_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


@dataclass
class Summary:
    athletes: int
    files_decoded: int
    files_unchanged: int
    answered: int
    errors: int
    decode_s: float = 0.0  # wall seconds of decoding (local: the pool's wall times decoding's share of task time)
    explain_s: float = 0.0  # wall seconds of explaining and writing the outputs
    busy: float | None = None  # local: the workers' task seconds / (pool wall x workers); 1.0 = none idle


@dataclass
class Done:
    """One athlete's task: problems, file counts, the answer row, and the seconds its
    decoding and its explaining took in the worker."""

    athlete: str
    errors: list[tuple[str, str]]
    decoded: int
    unchanged: int
    row: dict[str, object]
    decode_s: float
    explain_s: float


def table_path(out: Path, table: str, athlete: str) -> Path:
    return out / "tables" / table / f"{quote(athlete, safe='')}.parquet"


def athlete_task(args: tuple[str, str, str, date | None, date]) -> Done:
    """Decode, write the tables of, explain and write the answer of one athlete."""
    athlete, root, out_text, day, latest = args
    out = Path(out_text)
    started = time.perf_counter()
    got = decode.decode(athlete, Path(root) / athlete, out / "work" / quote(athlete, safe=""))
    for name, frame in got.frames.items():
        path = table_path(out, name, athlete)
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.write_parquet(path)
    decoded_at = time.perf_counter()
    frames = got.frames or read_tables(out, athlete)  # not decoded this time: the last run's tables, if any
    if frames is None:
        row: dict[str, object] = dict.fromkeys(explain.ANSWER_SCHEMA)
        row.update(athlete=athlete, error="not decoded (see errors.csv)")
    else:
        row = explain.explain(athlete, frames, day, latest)
    outputs.write_answer_file(row, out)
    return Done(athlete, got.errors, got.decoded, got.unchanged, row, decoded_at - started,
                time.perf_counter() - decoded_at)


def read_tables(out: Path, athlete: str) -> dict[str, pl.DataFrame] | None:
    paths = {t: table_path(out, t, athlete) for t in decode.TABLES}
    if not all(p.exists() for p in paths.values()):
        return None
    return {t: pl.read_parquet(p) for t, p in paths.items()}


def biggest_first(root: Path, names: list[str]) -> list[str]:
    """``names`` by the bytes in their folders, largest first (ties by name): the longest
    tasks start first, so the pool's last minutes are not one big athlete alone."""
    def size(folder: Path) -> int:
        total = 0
        for dirpath, _, files in os.walk(folder):
            for f in files:
                try:
                    total += os.stat(os.path.join(dirpath, f)).st_size
                except OSError:
                    pass
        return total

    return sorted(names, key=lambda a: (-size(root / a), a))


@contextmanager
def _worker_env() -> Iterator[None]:
    """WORKER_ENV (unless set) in the environment the spawned workers inherit."""
    saved = {k: os.environ.get(k) for k in WORKER_ENV}
    os.environ.update({k: v for k, v in WORKER_ENV.items() if saved[k] is None})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)


def _map(fn: Callable[[Any], Any], items: list, workers: int, label: str, progress: bool) -> Iterator:
    """``fn`` over ``items`` in ``workers`` spawned processes (in this one when 1), results
    as they complete, with a progress bar. At most 2 tasks per worker are queued."""
    from rich.progress import Progress

    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task(label, total=len(items))
        if workers <= 1:
            for item in items:
                yield fn(item)
                bar.advance(task)
            return
        ctx = multiprocessing.get_context("spawn")  # forking a running polars thread pool can deadlock
        with _worker_env(), ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            todo, running = iter(items), set()
            while True:
                running |= {pool.submit(fn, item) for item in _take(todo, 2 * workers - len(running))}
                if not running:
                    return
                finished, running = wait(running, return_when=FIRST_COMPLETED)
                for f in finished:
                    yield f.result()
                    bar.advance(task)


def _take(items: Iterator, n: int) -> list:
    out = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out


def run(root: Path, out: Path, day: date | None, latest: date, workers: int = 2,
        progress: bool = True) -> Summary:
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    names = inputs.athletes(root)
    _drop_gone(out, set(names))
    order = biggest_first(root, names) if workers > 1 else names
    done = list(_map(athlete_task, [(a, str(root), str(out), day, latest) for a in order], workers,
                     "athletes", progress))
    pooled_at = time.perf_counter()
    errors = [(d.athlete, path, reason) for d in done for path, reason in d.errors]
    rows = [d.row for d in done]
    errors += [(str(r["athlete"]), str(r["athlete"]), str(r["error"])) for r in rows if r["error"]]
    outputs.write_answers(rows, out, files=False)  # the per-athlete files are the workers'
    outputs.write_errors(errors, out)
    finished = time.perf_counter()
    task_decode, task_explain = sum(d.decode_s for d in done), sum(d.explain_s for d in done)
    share = task_decode / (task_decode + task_explain) if task_decode + task_explain > 0 else 1.0
    pool_s = pooled_at - started
    return Summary(len(names), sum(d.decoded for d in done), sum(d.unchanged for d in done),
                   sum(1 for r in rows if r["answer"]), len(errors),
                   pool_s * share, pool_s * (1 - share) + finished - pooled_at,
                   (task_decode + task_explain) / (pool_s * max(1, workers)) if pool_s > 0 else None)


def _drop_gone(out: Path, names: set[str]) -> None:
    """Tables and kept workspaces of athletes whose folder is gone are removed (the job
    reflects ROOT)."""
    keep = {quote(n, safe="") for n in names}
    for table in decode.TABLES:
        folder = out / "tables" / table
        for f in folder.glob("*.parquet") if folder.exists() else []:
            if f.stem not in keep:
                f.unlink()
    decode.drop_workspaces(out / "work", keep)
