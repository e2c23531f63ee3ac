"""Run the real ``heavylegs import --json`` (the CLI's ``main``) on every file of a folder,
one file at a time, in this one process, and print one JSON line: the files that broke
a rule (a traceback, an "internal error", an exit code other than 0 or 1, output that is
not the JSON summary, or a hang past the time limit), and the process's peak RSS.

    python tests/fuzz_import_driver.py FOLDER HOME [SECONDS_PER_FILE]

Used by tests/test_fuzz_import.py; run by hand to replay a failing mutant.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import signal
import sys
import time
import traceback
from pathlib import Path


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang


OUTCOMES: dict[str, int] = {"imported": 0, "unchanged": 0, "failed": 0}


def peak_rss_kb() -> int:
    """This process's own peak RSS: /proc's VmHWM, which starts afresh at exec. (getrusage's
    ru_maxrss keeps the high-water mark of the process that forked us, so a driver started
    from a big pytest process would report pytest's memory, not its own.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def check(path: Path, home: str, limit_s: int) -> str | None:
    """What went wrong importing ``path``, or None (``OUTCOMES`` counts the summaries)."""
    from heavylegs.cli import main

    out, err = io.StringIO(), io.StringIO()
    signal.alarm(limit_s)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--home", home, "import", "--json", str(path)])
    except Hang:
        return f"no result after {limit_s} s (a hang?)"
    except BaseException:  # noqa: BLE001 - a traceback is exactly what is looked for
        return "exception escaped: " + traceback.format_exc()[-1500:]
    finally:
        signal.alarm(0)
    text = out.getvalue() + err.getvalue()
    if code not in (0, 1):
        return f"exit code {code}: {text[-500:]}"
    if "Traceback" in text or "internal error" in text:
        return text[-1500:]
    try:
        summary = json.loads(out.getvalue())
        assert {"imported", "unchanged", "failed"} <= set(summary)
    except (ValueError, AssertionError):
        return f"not the JSON summary: {out.getvalue()[:300]!r}"
    for key in OUTCOMES:
        OUTCOMES[key] += len(summary[key]) if key == "failed" else summary[key]
    if code != (1 if summary["failed"] else 0):
        return f"exit code {code} with {len(summary['failed'])} failures"
    return None


def run(folder: Path, home: str, limit_s: int) -> dict[str, object]:
    signal.signal(signal.SIGALRM, _alarm)
    problems, started = [], time.perf_counter()
    files = sorted(p for p in folder.iterdir() if p.is_file())
    for path in files:
        problem = check(path, home, limit_s)
        if problem is not None:
            problems.append({"file": path.name, "problem": problem})
    return {"files": len(files), "problems": problems,
            "seconds": round(time.perf_counter() - started, 1), "outcomes": OUTCOMES,
            "max_rss_kb": peak_rss_kb()}


if __name__ == "__main__":
    limit = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    print(json.dumps(run(Path(sys.argv[1]), sys.argv[2], limit)))
