"""Every GPX, TCX and FIT file in the shared corpus (``../shared/corpus``) either imports
or fails with a one-line ``ImportFailed`` naming the file and the reason; nothing else.

The corpus holds ~460 such files (~85 MB, broken ones on purpose); the walk takes about
a minute and a half, most of it the Garmin SDK decoding FIT at ~1 MB/s.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import timedelta
from pathlib import Path

from heavylegs.core.model import ParsedActivity
from heavylegs.core.streams import COLUMNS
from heavylegs.errors import ImportFailed
from heavylegs.importers import read_activity_file

SUFFIXES = (".gpx", ".tcx", ".fit")


def activity_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and p.name.lower().removesuffix(".gz").endswith(SUFFIXES))


def problems_with(activity: ParsedActivity) -> list[str]:
    summary, found = activity.summary, []
    if summary.start.utcoffset() != timedelta(0):
        found.append(f"start not UTC: {summary.start}")
    if not (math.isfinite(summary.elapsed_s) and summary.elapsed_s >= 0):
        found.append(f"elapsed_s={summary.elapsed_s}")
    if not summary.sport:
        found.append("no sport")
    if activity.streams.columns != list(COLUMNS):
        found.append(f"columns {activity.streams.columns}")
    return found


def test_every_corpus_file_imports_or_fails_clearly(corpus: Path) -> None:
    files = activity_files(corpus)
    assert len(files) > 400, "the corpus looks incomplete"
    bad: list[str] = []
    reasons: Counter[str] = Counter()
    for path in files:
        try:
            found = read_activity_file(path)
        except ImportFailed as error:
            message = str(error)
            reasons[error.reason] += 1
            if "\n" in message or not message.startswith(f"{path}: ") or not error.reason:
                bad.append(f"{path}: unclear failure {message!r}")
            continue
        except Exception as error:  # any other exception is what the walk looks for
            bad.append(f"{path}: {type(error).__name__}: {error}")
            continue
        if not found:
            bad.append(f"{path}: no activity and no error")
        bad += [f"{path}: {p}" for a in found for p in problems_with(a)]
    assert not bad, "\n".join(bad)
    assert sum(reasons.values()) < len(files) / 4, reasons.most_common()
