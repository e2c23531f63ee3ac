"""From a file (its open source, see source.py) to units of work (see bundle.py), by content.

- zip archives: a Strava or Garmin Connect bulk export or an Apple Health export.zip
  (importers/exports.py) — one unit per data member;
- Apple Health export.xml (importers/apple_health.py);
- CSV: the daily log (importers/daily_log.py) or an app's export (importers/wellness_csv.py:
  Oura, WHOOP, Cronometer, MyFitnessPal), told apart by the header;
- anything else: an activity file (FIT, GPX, TCX, also gzipped).

A file is opened, not read (:func:`open_file`): a zip stays on disk and is read member by
member, a bare export.xml is hashed in chunks and parsed as a stream, and any other file
is read whole only when its unit is parsed (an unchanged file is only hashed).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from heavylegs.errors import ImportFailed
from heavylegs.importers import csvguard, textenc
from heavylegs.importers.bundle import Bundle, Unit
from heavylegs.importers.source import FileSource, MemorySource, Source

ZIP_MAGIC = b"PK\x03\x04"
SNIFF_BYTES = 65536  # what is looked at to tell the kinds apart


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str | None:
    """The content hash of the file at ``path`` (as an import stores it), or None when
    there is no such readable file."""
    try:
        with FileSource.open_path(path) as source:
            return source.sha256()
    except OSError:
        return None


def open_file(path: Path) -> Source:
    """The file at ``path``, opened for reading (raises OSError as ``open`` does). Close it
    once its units are imported."""
    return FileSource.open_path(path)


def is_health_xml(data: bytes) -> bool:
    """Whether a file (its first ``SNIFF_BYTES`` suffice) is an Apple Health export.xml."""
    data = textenc.sniff_head(data[:SNIFF_BYTES])
    return data[:4096].lstrip().startswith(b"<") and b"<HealthData" in data


def is_csv_text(head: bytes) -> bool:
    """Whether :func:`bundle_for` reads a file starting with ``head`` as a CSV: not gzip,
    FIT or XML (a BOM and UTF-16 seen through)."""
    text = textenc.sniff_head(head)
    return head[:2] != b"\x1f\x8b" and head[8:12] != b".FIT" and not text.lstrip().startswith(b"<")


def _activity_bundle(path: str, data: bytes) -> Bundle:
    from heavylegs.importers import read_activity_file

    acts = read_activity_file(path, data)
    return Bundle(activities=acts, warnings=[w for a in acts for w in a.warnings])


def _daily_log_bundle(path: str, data: bytes | Source) -> Bundle:
    from heavylegs.importers import daily_log

    parsed = daily_log.parse(data, path)
    return Bundle(log_rows=list(parsed.rows), warnings=list(parsed.warnings),
                  errors=[str(e) for e in parsed.errors], kind="daily-log")


def bundle_for(path: str, data: bytes | Source) -> Bundle:
    """Parse one plain (non-archive) file into a bundle; raises ImportFailed. ``data`` is
    its bytes, or its source (the file given to import): a UTF-8 CSV is then read from it
    in chunks, never whole, and anything else is read whole first."""
    from heavylegs.importers import detect_format

    if isinstance(data, Source):
        head = data.head(SNIFF_BYTES)
        if not is_csv_text(head) or textenc.is_utf16(head):
            data = _read(data, head, path)
    if isinstance(data, bytes):
        data = textenc.to_utf8(data)  # UTF-16 with a BOM: every reader takes UTF-8
        if is_health_xml(data):
            from heavylegs.importers import apple_health

            return apple_health.parse_export_xml(data, path)
    head = csvguard.head(data, SNIFF_BYTES)
    if is_csv_text(head):
        from heavylegs.importers import wellness_csv

        csvguard.check_lines(data, path)  # before any reader splits it
        kind = wellness_csv.detect(head)  # app exports, whatever their first column is
        if kind is not None:
            return wellness_csv.parse(data, path, kind)
        if detect_format(head) == "csv" or path.lower().endswith(".csv"):
            from heavylegs.importers import csv_layouts

            csv_layouts.check(head, path)  # one error for a CSV of no known layout (its header)
            return _daily_log_bundle(path, data)
    # the activity readers say what it is not; its first bytes suffice for a CSV
    return _activity_bundle(path, data if isinstance(data, bytes) else head)


def unreadable(name: str, head: bytes) -> str | None:
    """Why content starting with ``head`` (its first ``SNIFF_BYTES``, un-gzipped) is of no
    format :func:`bundle_for` reads, said as it would say it; None if it may be read."""
    from heavylegs.importers import activity_problem, detect_format

    if is_health_xml(head) or detect_format(head) is not None:
        return None
    text = textenc.sniff_head(head).lstrip()
    first = text.split(b"\n", 1)[0]
    if not text.startswith(b"<") and any(d in first for d in (b",", b";", b"\t")):
        from heavylegs.importers import wellness_csv

        if wellness_csv.detect(head) is not None:  # an app export's header is delimited
            return None
    return activity_problem(name, head)


def units_for(path: Path, data: bytes | Source) -> list[Unit]:
    """The units a file holds: one, or one per data member of an archive. ``data`` is the
    file's source (or its bytes): keep it open until every unit is parsed."""
    source = data if isinstance(data, Source) else MemorySource(data)
    name = str(path)
    head = source.head(SNIFF_BYTES)
    if head[:4] == ZIP_MAGIC:
        from heavylegs.importers import exports

        return exports.units(name, source)
    if is_health_xml(head):  # a bare export.xml: it can run to GBs, so it streams
        return [Unit(name, source.sha256(), source.size, lambda: _health_xml(source, name))]
    return [Unit(name, source.sha256(), source.size, lambda: _file_bundle(source, name))]


def _file_bundle(source: Source, name: str) -> Bundle:
    try:
        return bundle_for(name, source)
    except OSError as error:
        raise ImportFailed(name, f"cannot read ({error.strerror or error})") from None


def _read(source: Source, head: bytes, path: str) -> bytes:
    """The file's bytes; a CSV (UTF-16 here) is first scanned in chunks for over-long
    lines (see csvguard.py), so that a 200 MB line is refused before it is read whole."""
    if is_csv_text(head):
        csvguard.check_lines(source, path)
    return source.read()


def _health_xml(source: Source, name: str) -> Bundle:
    from heavylegs.importers import apple_health

    try:
        return apple_health.parse_export_stream(source.open(), name)
    except OSError as error:
        raise ImportFailed(name, f"cannot read ({error.strerror or error})") from None
