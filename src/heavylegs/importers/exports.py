"""Zip archives → units of work (one per data member), by what the archive holds.

- a Strava bulk export (``activities.csv`` at the root or one folder down, beside an
  ``activities/`` folder): importers/strava_export.py;
- a Garmin Connect export (a ``DI_CONNECT/`` folder): importers/garmin_export.py;
- an Apple Health ``export.zip`` (``apple_health_export/export.xml``): importers/apple_health.py;
- any other zip: every FIT, GPX or TCX file (also ``.gz``), daily-log or app CSV and Apple
  Health ``export.xml`` member is one unit; zips inside are read the same way.

Members are read one at a time, in memory (an export.xml as a stream), under the limits of
importers/archive.py; the archive itself stays on disk. A unit's hash is that of its
member's bytes (as unzipped), so the same file inside two different archives is imported
once; a unit reads its member again only when parsed.
A member that cannot be read fails alone; unsafe member names fail even when the member
would have been skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from heavylegs.errors import ImportFailed
from heavylegs.importers.archive import Archive, Digest, Entry, failed_unit
from heavylegs.importers.bundle import Bundle, Unit
from heavylegs.importers.source import Source

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx")
APPLE_EXPORT = "apple_health_export/export.xml"


def units(path: str, data: bytes | Source) -> list[Unit]:
    """The units of the zip ``data`` (a source, or bytes) named ``path``; raises
    ImportFailed if it is no zip. Keep the source open until every unit is parsed."""
    return archive_units(Archive(path, data))


def archive_units(archive: Archive) -> list[Unit]:
    """The units of an open archive, by its kind (see the module docstring)."""
    from heavylegs.importers import garmin_export, strava_export

    names = [e.name for e in archive.safe_entries()]
    found = archive.problem_units()
    apple = _apple_entry(archive)
    if apple is not None:
        return found + _apple_units(archive, apple)
    base = strava_export.find_base(names)
    if base is not None:
        return found + strava_export.units(archive, base)
    if garmin_export.is_garmin(names):
        return found + garmin_export.units(archive)
    return found + plain_units(archive)


def plain_units(archive: Archive, entries: Iterable[Entry] | None = None) -> list[Unit]:
    """Every data member of an archive (or of ``entries``), zips inside included."""
    found: list[Unit] = []
    for entry in archive.safe_entries() if entries is None else entries:
        found += member_units(archive, entry)
    return found


def member_units(archive: Archive, entry: Entry) -> list[Unit]:
    """The units one member makes: none (not data), one, or a nested archive's. What a
    member is comes from its first bytes (:meth:`Archive.sniff`), before it is read whole."""
    from heavylegs.importers.dispatch import bundle_for, is_health_xml

    kind = member_kind(entry.name)
    if kind is None:
        return []
    try:
        head = archive.sniff(entry)
    except ImportFailed as error:
        return [failed_unit(archive.member_path(entry), error.reason)]
    if kind == "zip":
        if not head.startswith(b"PK"):
            return [failed_unit(archive.member_path(entry), "named .zip but it is not a zip "
                                                            "archive; refused")]
        return nested_units(archive, entry, plain_units)
    if kind == "activity":
        return [activity_unit(archive, entry, head=head)]
    if not _is_data(kind, head):
        return []
    try:
        digest = archive.digest(entry)
    except ImportFailed as error:
        return [failed_unit(archive.member_path(entry), error.reason)]
    if is_health_xml(digest.head):
        return [_health_xml_unit(archive, entry, digest)]
    return [archive.unit(entry, bundle_for, digest=digest)]


def activity_unit(archive: Archive, entry: Entry, parse: Callable[[str, bytes], Bundle] | None = None,
                  *, head: bytes | None = None, salt: str = "") -> Unit:
    """The unit of a member named as an activity file (``parse``: dispatch.bundle_for), or a
    failed one, without inflating it whole, when its first bytes are of no format heavylegs
    reads (a gzip bomb of zeros named ``run.fit.gz``)."""
    from heavylegs.importers.dispatch import bundle_for, unreadable

    name = archive.member_path(entry)
    try:
        head = archive.sniff(entry) if head is None else head
    except ImportFailed as error:
        return failed_unit(name, error.reason)
    if problem := unreadable(entry.name, head):
        return failed_unit(name, problem)
    return archive.unit(entry, parse or bundle_for, salt=salt)


def _health_xml_unit(archive: Archive, entry: Entry, digest: Digest) -> Unit:
    """An Apple Health export.xml that is a plain member: read as a stream when parsed
    (it can pass 1 GiB), into the bundle ``bundle_for`` would make of its bytes."""
    from heavylegs.importers import apple_health

    name = archive.member_path(entry)

    def parse() -> Bundle:
        with archive.stream(entry) as stream:
            return apple_health.parse_export_stream(stream, name)
    return Unit(name, digest.sha256, digest.size, parse)


def nested_units(archive: Archive, entry: Entry,
                 read: Callable[[Archive], list[Unit]]) -> list[Unit]:
    """The units of a zip inside ``archive``, read by ``read``; a refused one fails alone."""
    try:
        inner = archive.nested(entry)
    except ImportFailed as error:
        return [failed_unit(archive.member_path(entry), error.reason)]
    return inner.problem_units() + read(inner)


def member_kind(name: str) -> str | None:
    """``activity``, ``zip``, ``csv``, ``xml`` or ``None`` (skipped), from a member's name.

    >>> [member_kind(n) for n in ("a/1.FIT.gz", "b.zip", "log.csv", "x/._run.fit", "a.txt")]
    ['activity', 'zip', 'csv', None, None]
    """
    base = name.rsplit("/", 1)[-1].lower()
    if not base or base.startswith("."):
        return None
    stem = base.removesuffix(".gz")
    if stem.endswith(ACTIVITY_SUFFIXES):
        return "activity"
    if base.endswith(".zip"):
        return "zip"
    if base.endswith(".csv"):
        return "csv"
    return "xml" if base.endswith(".xml") else None


def _is_data(kind: str, head: bytes) -> bool:
    from heavylegs.importers import detect_format

    if kind == "xml":
        return b"<HealthData" in head
    if detect_format(head) == "csv":
        return True
    try:
        from heavylegs.importers import wellness_csv
    except ImportError:
        return False
    return wellness_csv.detect(head) is not None


def _apple_entry(archive: Archive) -> Entry | None:
    for entry in archive.safe_entries():
        name = entry.name
        if name == APPLE_EXPORT or (name.endswith("/" + APPLE_EXPORT) and name.count("/") == 2):
            return entry
    return None


def _apple_units(archive: Archive, entry: Entry) -> list[Unit]:
    """Apple Health reads its export.xml itself (it can pass 1 GiB, so it streams it),
    counted toward the archive's total as it streams."""
    if entry.problem or archive.zipfile is None:
        reason = entry.problem or "the archive is damaged; download the export again"
        return [failed_unit(archive.member_path(entry), reason)]
    from heavylegs.importers import apple_health

    try:
        return apple_health.units_from_zip(archive.path, archive.zipfile, archive.budget)
    except ImportFailed as error:
        return [failed_unit(error.path, error.reason)]
