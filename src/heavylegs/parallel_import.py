"""A parallel `heavylegs import`: the files are split between this process and forked
workers, each reading and storing its share into the same workspace (imports are safe to
run concurrently: one transaction per file, a lost race on a duplicate counts as
unchanged). The process that started them merges the workers' reports in file order,
then computes the pending metrics and the answer once (metrics_batch.py).

- Forking happens before polars (or any thread) is loaded: the CLI plans the split with
  ``discovery`` alone. If polars is already loaded the import stays in one process.
- A worker sends one line per file it finished (``<index> <report JSON>``), then ``D``
  once its share is stored. A worker that dies (killed, out of memory, a bug) loses
  nothing: the files it did not report are read by the parent, and a file it stored but
  did not report is found unchanged.
- Metrics: once every share is stored (so each process estimates the same profile), the
  parent sends each worker ``G`` and each process computes the pending metrics of the
  activities it stored (its streams still in its cache); the parent then computes any
  left (a worker that failed) and the answer.
- Workers die with their parent (Linux ``PR_SET_PDEATHSIG``), so a killed import leaves no
  process writing behind it.
- How many processes: ``--jobs N``, else ``HEAVYLEGS_IMPORT_JOBS``, else the CPUs this
  process may use (at most ``MAX_JOBS``); never more than one per ``MIN_FILES_PER_JOB``
  files, so a small import pays no start-up for a worker it does not need.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

MAX_JOBS = 4
MIN_FILES_PER_JOB = 24
ENV_JOBS = "HEAVYLEGS_IMPORT_JOBS"
# For tests: a worker exits (as if killed) after reporting this many files.
ENV_WORKER_EXIT_AFTER = "HEAVYLEGS_IMPORT_WORKER_EXIT_AFTER"


def default_jobs() -> int:
    """``HEAVYLEGS_IMPORT_JOBS`` if set (an integer >= 1), else the usable CPUs, capped."""
    value = os.environ.get(ENV_JOBS, "").strip()
    if value.isdigit() and int(value) >= 1:
        return int(value)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(usable, MAX_JOBS))


def jobs_for(n_files: int, requested: int | None = None) -> int:
    """Processes to use for ``n_files`` files: 1 where forking is unavailable or unsafe."""
    if not hasattr(os, "fork") or "polars" in sys.modules:
        return 1
    jobs = requested if requested is not None else default_jobs()
    return max(1, min(jobs, n_files // MIN_FILES_PER_JOB))


def plan(sizes: Sequence[int], jobs: int) -> list[list[int]]:
    """File indices split into ``jobs`` shares of about equal bytes (largest file first to
    the lightest share), each share in file order. Share 0 is the parent's."""
    shares: list[list[int]] = [[] for _ in range(max(1, jobs))]
    load = [0] * len(shares)
    for i in sorted(range(len(sizes)), key=lambda k: (-sizes[k], k)):
        lightest = min(range(len(shares)), key=lambda s: (load[s], s))
        shares[lightest].append(i)
        load[lightest] += sizes[i]
    return [sorted(s) for s in shares]


def file_sizes(files: Sequence[Path]) -> list[int]:
    sizes = []
    for f in files:
        try:
            sizes.append(f.stat().st_size)
        except OSError:
            sizes.append(0)
    return sizes


class Worker:
    """A forked worker reading ``share`` of ``files``; the parent polls and waits on it."""

    def __init__(self, pid: int, fd: int, go_fd: int, share: Sequence[int], files: Sequence[Path]) -> None:
        self.pid, self.fd, self.go_fd, self.share, self.files = pid, fd, go_fd, list(share), files
        self.got: dict[int, object] = {}  # index -> ImportReport
        self.stopped = False  # it reported a storage error (a full disk)
        self.stored = False  # its whole share is stored
        self._buffer = b""
        self._open = True
        self._status: int | None = None

    @property
    def done(self) -> int:
        return len(self.got)

    def _take(self, data: bytes, tick: Callable[[Path], None] | None) -> None:
        from heavylegs.workspace_import import ImportReport

        self._buffer += data
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line == b"D":
                self.stored = True
                continue
            index, _, body = line.partition(b" ")
            report = ImportReport.from_json(json.loads(body))
            self.got[int(index)] = report
            self.stopped = self.stopped or bool(report.stopped)
            if tick:
                tick(self.files[int(index)])

    def poll(self, tick: Callable[[Path], None] | None = None) -> None:
        """Take what the worker has sent so far, without waiting."""
        while self._open and select.select([self.fd], [], [], 0)[0]:
            if not self._read_once(tick):
                break

    def _read_once(self, tick: Callable[[Path], None] | None) -> bool:
        data = os.read(self.fd, 1 << 16)
        if not data:
            self._open = False
            os.close(self.fd)
            return False
        self._take(data, tick)
        return True

    def wait(self, tick: Callable[[Path], None] | None = None, stored: bool = False) -> None:
        """Take what the worker reports until it ends (or, with ``stored``, until its
        share is stored)."""
        while self._open and not (stored and self.stored):
            self._read_once(tick)
        if not stored or not self._open:
            self._reap()

    def go(self) -> None:
        """Tell a worker whose share is stored to compute its metrics."""
        if self.stored and self._status is None and self.go_fd >= 0:
            try:
                os.write(self.go_fd, b"G")
            except OSError:  # it is gone: the final refresh computes its share
                pass

    def unread(self) -> list[int]:
        """The indices of its share it did not report (for the caller to read)."""
        return [i for i in self.share if i not in self.got]

    def _reap(self) -> None:
        if self._status is None:
            self._status = os.waitpid(self.pid, 0)[1]

    def abandon(self) -> None:
        """Stop the worker now (done, or the import stopped or failed) and reap it."""
        if self.go_fd >= 0:
            os.close(self.go_fd)
            self.go_fd = -1
        if self._status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()
        if self._open:
            self._open = False
            os.close(self.fd)


def ready(home: Path) -> bool:
    """Create (and migrate) the workspace before any worker opens it: processes creating
    one database at the same instant can fail on SQLite's locks (the WAL switch). False if
    it cannot be opened for writing (the import then runs in one process and says why)."""
    from heavylegs.errors import HeavyLegsError
    from heavylegs.storage.db import open_database

    try:
        conn = open_database(home)
    except HeavyLegsError:
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")  # a read-only workspace refuses this
        conn.execute("ROLLBACK")
        return True
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def start(home: Path, files: Sequence[Path], shares: Sequence[Sequence[int]], sport: str | None) -> list[Worker]:
    """Fork one worker per share; each imports its share into ``home`` and reports.
    None when the workspace is not ready for writers (:func:`ready`)."""
    if not shares or not ready(home):
        return []
    workers = []
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    for share in shares:
        read_fd, write_fd = os.pipe()
        go_read, go_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            os.close(read_fd)
            os.close(go_write)
            for w in workers:
                os.close(w.fd)
                os.close(w.go_fd)
            _work(home, files, share, sport, (write_fd, go_read), parent)
        os.close(write_fd)
        os.close(go_read)
        workers.append(Worker(pid, read_fd, go_write, share, files))
    return workers


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _work(home: Path, files: Sequence[Path], share: Sequence[int], sport: str | None,
          fds: tuple[int, int], parent: int) -> None:
    _die_with_parent(parent)
    fd, go_fd = fds
    exit_after = int(os.environ.get(ENV_WORKER_EXIT_AFTER, "0") or 0)
    sent = 0

    def write(line: bytes) -> None:
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view):]

    def send(index: int, report: object) -> None:
        nonlocal sent
        write(f"{index} {json.dumps(report.to_json())}\n".encode())  # type: ignore[attr-defined]
        sent += 1
        if sent == exit_after:
            os._exit(9)

    code = 0
    try:
        from heavylegs.api import Workspace

        with Workspace(home) as ws:
            report = ws.import_files(files, (), None, sport, share=share, finish=False, on_file=send)
            write(b"D\n")
            if not report.stopped and os.read(go_fd, 1) == b"G":
                ws.refresh_metrics(only=ws.stored_ids())
            ws.end_import()
    except BaseException:  # noqa: BLE001 - the parent reads what this worker did not report
        code = 1
    finally:
        os._exit(code)
