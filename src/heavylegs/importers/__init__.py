"""Activity files → canonical values: format detection, gunzip, and the readers' shared maths.

``read_activity_file`` looks at the bytes, not the name: a FIT header says ``.FIT`` at
byte 8, GPX and TCX are told apart by their XML root element (after any BOM, spaces or
prolog), gzip is unwrapped first. The format modules are imported on first use.

>>> detect_format(b"\\xef\\xbb\\xbf  <?xml version='1.0'?><gpx version='1.1'/>")
'gpx'
>>> detect_format(b"date,heaviness\\n2024-05-01,6\\n")
'csv'
>>> detect_format(b"hello") is None
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from heavylegs.core import streams as stream_schema
from heavylegs.core.model import RUNNING_SPORTS, ActivitySummary, ParsedActivity
from heavylegs.core.summary import summarize
from heavylegs.errors import CorruptFile, ImportFailed, UnsupportedFormat

if TYPE_CHECKING:
    from heavylegs.importers.xmlcolumns import UtcTimes

__all__ = ["ACCEPTED", "detect_format", "read_activity_file"]

ACCEPTED = "FIT, GPX or TCX activity files (also gzipped), or a daily-log CSV"
_GZIP_MAGIC = b"\x1f\x8b"
_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_SKIP = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE(\[.*?\]|[^>\[])*>)", re.S)
_XML_ROOTS = {b"gpx": "gpx", b"TrainingCenterDatabase": "tcx"}


def detect_format(data: bytes) -> str | None:
    """``'fit'``, ``'gpx'``, ``'tcx'``, ``'csv'`` (a daily log) or ``None``, from content."""
    if data[8:12] == b".FIT":
        return "fit"
    from heavylegs.importers.textenc import sniff_head

    head = sniff_head(data[:65536]).lstrip()
    if head.startswith(b"<"):
        return _xml_format(head)
    return "csv" if _is_daily_log(head) else None


def _xml_format(head: bytes) -> str | None:
    position = 0
    while match := _SKIP.match(head, position):
        position = match.end()
    root = _ROOT.match(head, position)
    return _XML_ROOTS.get(root.group(2)) if root else None


def _is_daily_log(head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
    cells = re.split(r"[,;\t]", first)
    return any(cell.strip().strip("\"'").strip().lower() == "date" for cell in cells)


def gunzip(data: bytes, path: str) -> bytes:
    """The content of a gzip stream, inflated in chunks and refused (before it is all in
    memory) past 256 MiB or past the archives' ratio (``MAX_RATIO``:1 over
    ``RATIO_FLOOR_BYTES``); a truncated or damaged one is a ``CorruptFile``."""
    from heavylegs.importers import archive, inflate

    def check(size: int) -> None:
        inflate.check_cap(path, size)
        if size > archive.RATIO_FLOOR_BYTES and size > archive.MAX_RATIO * len(data):
            raise ImportFailed(path, f"gzip content expands more than {archive.MAX_RATIO}:1 "
                                     "(a gzip bomb?); refused")
    return inflate.gunzip(data, path, check)


def activity_problem(name: str, head: bytes) -> str | None:
    """Why a file whose content starts with ``head`` is not an activity file, or None."""
    kind = detect_format(head)
    if kind in ("fit", "gpx", "tcx"):
        return None
    return f"{_unknown(name, kind)} (accepted: {ACCEPTED})"


def read_activity_file(path: str | Path, data: bytes | None = None) -> list[ParsedActivity]:
    """Every activity in one FIT, GPX or TCX file (optionally gzipped)."""
    name = str(path)
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise ImportFailed(name, f"cannot read the file ({error.strerror or error})") from None
    if data[:2] == _GZIP_MAGIC:  # what it holds is told from a prefix, before the rest
        from heavylegs.importers.inflate import gunzip_head

        if problem := activity_problem(name, gunzip_head(data, name)):
            raise UnsupportedFormat(name, problem)
        data = gunzip(data, name)
    from heavylegs.importers.textenc import to_utf8

    data = to_utf8(data)  # UTF-16 GPX/TCX with a BOM
    kind = detect_format(data)
    if kind == "fit":
        from heavylegs.importers import fit
        return fit.parse_fit(data, name)
    if kind == "gpx":
        from heavylegs.importers import gpx
        return gpx.parse_gpx(data, name)
    if kind == "tcx":
        from heavylegs.importers import tcx
        return tcx.parse_tcx(data, name)
    raise UnsupportedFormat(name, f"{_unknown(name, kind)} (accepted: {ACCEPTED})")


def _unknown(name: str, kind: str | None) -> str:
    if kind == "csv":
        return "a daily-log CSV, not an activity file"
    suffix = name.lower().removesuffix(".gz").rpartition(".")[2]
    if suffix in ("fit", "gpx", "tcx"):
        return f"named .{suffix} but the content is not {suffix.upper()}"
    return "not a format heavylegs reads"


# --- shared by the readers ---------------------------------------------------------------

Parser = Callable[[bytes, str], list[ParsedActivity]]


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


def guarded(parse: Parser) -> Parser:
    """Let only ``ImportFailed`` escape a parser: anything else becomes a ``CorruptFile``."""
    @functools.wraps(parse)
    def run(data: bytes, path: str) -> list[ParsedActivity]:
        try:
            return parse(data, path)
        except ImportFailed:
            raise
        except Exception as error:
            detail = one_line(f"{type(error).__name__}: {error}")
            raise CorruptFile(path, f"could not be read ({detail})") from error
    return run


EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
# Median cadence below which a file's running/walking cadence is per leg (strides/min).
PER_LEG_BELOW_SPM = {"running": 120.0, "walking": 75.0, "hiking": 75.0}


def path_distance_m(lat: np.ndarray, lon: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Cumulative great-circle (haversine) distance over the points with a position,
    counting nothing across a segment break; ``nan`` where a point has no position."""
    out = np.full(lat.shape, np.nan)
    idx = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    if idx.size == 0:
        return out
    la, lo = np.radians(lat[idx]), np.radians(lon[idx])
    h = (np.sin(np.diff(la) / 2) ** 2
         + np.cos(la[:-1]) * np.cos(la[1:]) * np.sin(np.diff(lo) / 2) ** 2)
    step = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    step[segment[idx][1:] != segment[idx][:-1]] = 0.0
    out[idx] = np.concatenate(([0.0], np.cumsum(step)))
    return out


def speed_from_distance(elapsed_s: np.ndarray, distance_m: np.ndarray,
                        segment: np.ndarray | None = None) -> np.ndarray:
    """Speed between consecutive samples (``nan`` at segment starts and zero time steps)."""
    speed = np.full(elapsed_s.shape, np.nan)
    if elapsed_s.size < 2:
        return speed
    dt = np.diff(elapsed_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        step = np.where(dt > 0, np.diff(distance_m) / dt, np.nan)
    if segment is not None:
        step[segment[1:] != segment[:-1]] = np.nan
    step[step < 0] = np.nan
    speed[1:] = step
    return speed


def family(sport: str) -> str:
    """The sport family whose cadence rules apply: running, walking, hiking or the sport."""
    return "running" if sport in RUNNING_SPORTS else sport


def steps_per_minute(cadence: np.ndarray, sport: str) -> tuple[np.ndarray, str | None]:
    """Cadence in steps/min: files that store running or walking cadence per leg (median
    below ``PER_LEG_BELOW_SPM``) are doubled, and a warning says so."""
    threshold = PER_LEG_BELOW_SPM.get(family(sport))
    moving = cadence[np.isfinite(cadence) & (cadence > 0)]
    if threshold is None or moving.size == 0 or np.median(moving) >= threshold:
        return cadence, None
    return cadence * 2.0, (f"cadence looked per leg (median {np.median(moving):.0f}/min); "
                           "doubled to steps per minute")


def to_array(values: Sequence[float | None]) -> np.ndarray:
    """Floats with ``nan`` for missing values."""
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def elapsed_seconds(times: Sequence[datetime | None]) -> np.ndarray:
    """Seconds since the earliest time (``nan`` where a sample has no time)."""
    origin = min((t for t in times if t is not None), default=None)
    return to_array([None if t is None or origin is None else (t - origin).total_seconds()
                     for t in times])


def make_activity(columns: dict[str, np.ndarray | list],
                  times: Sequence[datetime | None] | UtcTimes, *,
                  sport: str, warnings: Sequence[str] = (), start: datetime | None = None,
                  reported: ActivitySummary | None = None, **extra: object) -> ParsedActivity:
    """One ParsedActivity from sample columns and their UTC times (``None`` allowed, or
    ``importers.xmlcolumns.UtcTimes``).

    ``elapsed_s`` counts from the earliest sample; ``start`` defaults to its time.
    """
    from heavylegs.importers import xmlcolumns

    if isinstance(times, xmlcolumns.UtcTimes):
        first, elapsed, times = times.first(), times.elapsed_s(), times.series()
    else:
        first = min((t for t in times if t is not None), default=None)
        times, elapsed = list(times), elapsed_seconds(times)
    start = start or first
    if start is None:
        raise ValueError("an activity needs a start time")
    data = {name: _series(name, values) for name, values in columns.items()}
    if "heart_rate_bpm" in data:  # 0 and 255 are sensors' "no reading"
        hr = data["heart_rate_bpm"]
        no_reading = (hr <= 0) | (hr >= 255)
        if no_reading.any():
            data["heart_rate_bpm"] = hr.set(no_reading, None)
    frame = stream_schema.from_columns({"timestamp": times,
                                        "elapsed_s": _series("elapsed_s", elapsed), **data})
    summary = summarize(frame, start=start, sport=sport, reported=reported, **extra)
    return ParsedActivity(summary=summary, streams=frame, warnings=tuple(warnings))


def _series(name: str, values: np.ndarray | Sequence[float | None]) -> pl.Series:
    if isinstance(values, np.ndarray) and values.dtype == np.float64:  # nan → null
        return pl.Series(name, values, nan_to_null=True)
    return pl.Series(name, values, dtype=pl.Float64, strict=False).fill_nan(None)
