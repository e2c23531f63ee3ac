"""From a path and its bytes to units of work (see bundle.py), by content.

- zip archives: a Strava or Garmin Connect bulk export or an Apple Health export.zip
  (importers/exports.py) — one unit per data member;
- Apple Health export.xml (importers/apple_health.py);
- CSV: the daily log (importers/daily_log.py) or an app's export (importers/wellness_csv.py:
  Oura, WHOOP, Cronometer, MyFitnessPal), told apart by the header;
- anything else: an activity file (FIT, GPX, TCX, also gzipped).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from heavylegs.importers.bundle import Bundle, Unit

ZIP_MAGIC = b"PK\x03\x04"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _activity_bundle(path: str, data: bytes) -> Bundle:
    from heavylegs.importers import read_activity_file

    acts = read_activity_file(path, data)
    return Bundle(activities=acts, warnings=[w for a in acts for w in a.warnings])


def _daily_log_bundle(path: str, data: bytes) -> Bundle:
    from heavylegs.importers import daily_log

    parsed = daily_log.parse(data, path)
    return Bundle(log_rows=list(parsed.rows), warnings=list(parsed.warnings),
                  errors=[str(e) for e in parsed.errors], kind="daily-log")


def bundle_for(path: str, data: bytes) -> Bundle:
    """Parse one plain (non-archive) file's bytes into a bundle; raises ImportFailed."""
    from heavylegs.importers import detect_format

    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<") and b"<HealthData" in data[:65536]:
        from heavylegs.importers import apple_health

        return apple_health.parse_export_xml(data, path)
    if data[:2] != b"\x1f\x8b" and data[8:12] != b".FIT" and not head.startswith(b"<"):
        from heavylegs.importers import wellness_csv

        kind = wellness_csv.detect(data)  # app exports, whatever their first column is
        if kind is not None:
            return wellness_csv.parse(data, path, kind)
        if detect_format(data) == "csv":
            return _daily_log_bundle(path, data)
    return _activity_bundle(path, data)


def units_for(path: Path, data: bytes) -> list[Unit]:
    """The units a file holds: one, or one per data member of an archive."""
    if data[:4] == ZIP_MAGIC:
        from heavylegs.importers import exports

        return exports.units(str(path), data)
    name = str(path)
    return [Unit(name, sha256(data), len(data), lambda: bundle_for(name, data))]
