"""Apple Health exports: ``export.xml`` (bare) or ``export.zip`` → one Bundle.

``export.xml`` routinely runs to several GB, so it is never parsed whole: the bytes are
fed to libxml2 in 256 KiB chunks and every child of ``<HealthData>`` is read and then
dropped, leaving only running daily totals (apple_health_records.py), the workouts
(apple_health_workouts.py) and a compact heart-rate trace behind. In a zip the member is
read as a stream, never whole, both for its hash and for parsing; a bare export.xml is
read from its file the same way. Given the archive's ``Budget`` (importers/archive.py),
the member and the routes read count toward the archive's total as they stream, and a
member that expands past the total or the zip-bomb ratio is refused.

Safety: Apple's export carries an internal DTD (``<!ELEMENT>``/``<!ATTLIST>``) and is
accepted with it, but a DTD that declares an ENTITY (an XML bomb or external-entity
attack) is refused before any parsing, and again by the parser's own view of the DTD.
Entities are never resolved, no DTD or network is loaded, libxml2's limits stay on.

A truncated export (the Health app's export is known to die part-way) is read up to
the break, with a warning.

>>> prolog_end(b'<?xml version="1.0"?><!DOCTYPE H [<!ATTLIST H a CDATA "<x">]><H/>', "e")
61
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import numpy as np
import polars as pl
from lxml import etree

from heavylegs.core import streams as stream_schema
from heavylegs.core.model import ParsedActivity
from heavylegs.errors import CorruptFile, ImportFailed
from heavylegs.importers.apple_health_records import DailyRecords
from heavylegs.importers.apple_health_workouts import (
    Workout,
    location_frame,
    read_workout,
    route_fits,
    to_activity,
    with_heart_rate,
)
from heavylegs.importers.archive import Budget, LimitedReader
from heavylegs.importers.bundle import Bundle, Unit
from heavylegs.importers.xmlsafe import strip_prefix

__all__ = ["export_member", "parse_export_stream", "parse_export_xml", "parse_stream",
           "units_from_zip"]

CHUNK = 1 << 18  # the tree holds at most one chunk's elements (~1,000) at a time
PROLOG_LIMIT = 8 << 20  # Apple's DTD is ~10 KB; no <HealthData> by here: not an export
ROUTE_LIMIT = 64 << 20  # a route GPX is a few MB; more is a zip bomb
# A route file's location → (name for messages, bytes), or None when it is not there.
RouteLoader = Callable[[str], tuple[str, bytes] | None]

_PROLOG_TOKEN = re.compile(
    rb"<\?.*?\?>|<!--.*?-->|\"[^\"]*\"|'[^']*'|<!ENTITY|<![A-Z\[]|<[A-Za-z_:]|[^<\"']+", re.S)
_ROOT = re.compile(rb"<HealthData[\s/>]")
_ROUTE_NOTE = "names no activity type"
TAGS = ("Record", "Workout", "ActivitySummary")


def _options() -> dict[str, object]:
    return {"resolve_entities": False, "no_network": True, "load_dtd": False,
            "dtd_validation": False, "huge_tree": False, "remove_comments": True,
            "remove_pis": True}


def _refused(path: str) -> ImportFailed:
    return ImportFailed(path, "the XML declares entities in its DOCTYPE (an XML bomb or "
                              "external-entity attack); refused, Apple Health exports never do")


def prolog_end(head: bytes, path: str) -> int | None:
    """Where the root element starts in ``head``, or ``None`` if ``head`` ends inside the
    prolog (XML declaration, comments, DOCTYPE). An ``<!ENTITY`` in it raises."""
    position = 0
    while position < len(head):
        match = _PROLOG_TOKEN.match(head, position)
        if match is None:  # an unfinished comment, PI or quoted literal: need more bytes
            return None
        token = match.group()
        if token == b"<!ENTITY":
            raise _refused(path)
        if token[:1] == b"<" and len(token) == 2 and token[1:2] not in b"!?":
            return position
        position = match.end()
    return None


def _read_head(stream: BinaryIO, path: str) -> bytes:
    """The first chunks, up to past the prolog (checked for entities, and for a
    ``<HealthData>`` root), without a leading BOM or spaces."""
    head = b""
    while True:
        chunk = stream.read(CHUNK)
        head = strip_prefix(head + chunk)
        at = prolog_end(head, path)
        if at is not None and (len(head) > at + 12 or not chunk):
            if _ROOT.match(head, at):
                return head
            raise ImportFailed(path, "the root element is not <HealthData>: not an Apple "
                                     "Health export.xml")
        if not chunk or len(head) > PROLOG_LIMIT:
            raise ImportFailed(path, "no root element found: not an Apple Health export.xml")


class _Walk:
    """``end`` events of the element kinds read → the complete children of the root.
    Each is cleared once read, and every earlier sibling (read or of another kind, such
    as ``Correlation``) deleted, so the tree never holds more than one chunk."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.root: etree._Element | None = None

    def children(self, parser: etree.XMLPullParser) -> Iterator[etree._Element]:
        for _, elem in parser.read_events():
            parent = elem.getparent()
            if self.root is None:
                self.check_root(elem.getroottree().getroot())
            if parent is not self.root:
                continue  # a Record inside a Correlation (it is also at the top level)
            yield elem
            elem.clear(keep_tail=False)
            while elem.getprevious() is not None:
                del parent[0]

    def check_root(self, root: etree._Element) -> None:
        dtd = root.getroottree().docinfo.internalDTD
        if dtd is not None and any(True for _ in dtd.iterentities()):
            raise _refused(self.path)
        self.root = root


def iter_children(stream: BinaryIO, path: str, problems: Counter[str]
                  ) -> Iterator[etree._Element]:
    """Each ``Record``, ``Workout`` and ``ActivitySummary`` child of ``<HealthData>``,
    complete, in file order; a break in the XML ends the walk with a note in ``problems``."""
    chunk = _read_head(stream, path)
    parser = etree.XMLPullParser(events=("end",), tag=TAGS, **_options())
    walk = _Walk(path)
    try:
        while chunk:
            parser.feed(chunk)
            yield from walk.children(parser)
            chunk = stream.read(CHUNK)
        root = parser.close()
    except etree.XMLSyntaxError as error:
        yield from walk.children(parser)
        if walk.root is None:
            raise CorruptFile(path, f"not well-formed XML: {error.msg} (line {error.lineno})"
                              ) from None
        problems[f"export.xml is broken ({error.msg}, line {error.lineno}); "
                 "read what came before the break"] += 1
        return
    yield from walk.children(parser)
    if walk.root is None:  # nothing read: still refuse a DTD with entities
        walk.check_root(root)


def parse_stream(stream: BinaryIO, path: str, routes: RouteLoader) -> Bundle:
    """The bundle of one export.xml read from ``stream`` (UTF-8, or UTF-16 with a BOM)."""
    from heavylegs.importers.textenc import utf8_stream

    stream = utf8_stream(stream)
    records = DailyRecords()
    workouts: list[Workout] = []
    for elem in iter_children(stream, path, records.problems):
        tag = elem.tag
        if tag == "Record":
            records.add(elem)
        elif tag == "Workout":
            workout = read_workout(elem, records.problems)
            if workout is not None:
                workouts.append(workout)
        elif tag == "ActivitySummary":
            records.add_summary(elem)
    heart = records.heart.arrays()
    activities = [_activity(w, routes, heart, records.problems) for w in workouts]
    notes = [f"workout {a.summary.start:%Y-%m-%d %H:%M} UTC: {w}"
             for a in activities for w in a.warnings]
    return Bundle(activities=activities, daily_values=records.values(),
                  warnings=records.warnings() + notes,
                  kind="activity" if activities else "wellness")


def _activity(workout: Workout, routes: RouteLoader, heart: tuple[np.ndarray, np.ndarray],
              problems: Counter[str]) -> ParsedActivity:
    frame, notes = _route_frame(workout, routes, problems)
    return to_activity(workout, with_heart_rate(frame, workout, heart), notes)


def _route_frame(workout: Workout, routes: RouteLoader, problems: Counter[str]
                 ) -> tuple[pl.DataFrame, list[str]]:
    if workout.locations is not None:
        return location_frame(workout.locations), []
    if workout.route_file is None:
        return stream_schema.empty(), []
    found = routes(workout.route_file)
    if found is None:
        problems["workout route files (workout-routes/*.gpx) not found, those workouts are "
                 "kept without their route: import the whole export.zip to get them"] += 1
        return stream_schema.empty(), []
    from heavylegs.importers import read_activity_file

    name, data = found
    try:
        route = read_activity_file(name, data)[0]
    except ImportFailed as error:
        return stream_schema.empty(), [f"route {name} unreadable ({error.reason}); "
                                       "kept without it"]
    if not route_fits(route.streams, workout):
        return stream_schema.empty(), [f"route {name} was recorded at another time than the "
                                       "workout; kept without it"]
    return route.streams, [w for w in route.warnings if _ROUTE_NOTE not in w]


# --- entry points --------------------------------------------------------------------------

def parse_export_xml(data: bytes, path: str) -> Bundle:
    """A bare export.xml; route files are looked for beside it (an unzipped export)."""
    return parse_export_stream(io.BytesIO(data), path)


def parse_export_stream(stream: BinaryIO, path: str) -> Bundle:
    """:func:`parse_export_xml` of an export.xml read from ``stream`` (its file)."""
    return parse_stream(stream, path, _folder_routes(Path(path).parent))


def _folder_routes(folder: Path) -> RouteLoader:
    def load(reference: str) -> tuple[str, bytes] | None:
        candidate = (folder / reference.lstrip("/")).resolve()
        if (candidate.suffix.lower() != ".gpx" or not candidate.is_file()
                or not candidate.is_relative_to(folder.resolve())
                or candidate.stat().st_size > ROUTE_LIMIT):
            return None
        return str(candidate), candidate.read_bytes()
    return load


def export_member(zf: zipfile.ZipFile) -> str | None:
    """The export.xml member of an Apple Health export.zip (``None`` if there is none)."""
    names = sorted((n for n in zf.namelist() if n.rsplit("/", 1)[-1] == "export.xml"), key=len)
    for name in names:
        try:
            with zf.open(name) as member:
                if b"<HealthData" in member.read(65536):
                    return name
        except (RuntimeError, zipfile.BadZipFile, zlib.error, EOFError, OSError):
            continue  # encrypted or damaged: not one we can read
    return None


def units_from_zip(path: str, zf: zipfile.ZipFile, budget: Budget | None = None) -> list[Unit]:
    """ONE unit for the export.xml of an Apple Health export.zip: all its workouts (with
    their routes from ``workout-routes/``) and daily values. ``zf`` must stay open until
    the unit is parsed. The route GPX members belong to this unit: they are not units.
    With ``budget``, hashing the member counts it toward the archive's total (raises
    ImportFailed past it), and so does every route read."""
    member = export_member(zf)
    if member is None:
        return []
    digest, size = _digest(zf, member, path, budget)
    name = f"{path}!{member}"

    def parse() -> Bundle:
        try:
            with zf.open(member) as raw:
                stream = _limited(raw, name, zf.getinfo(member), budget, count=False)
                return parse_stream(stream, name, _zip_routes(zf, member, path, budget))
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
            raise CorruptFile(name, f"damaged zip member ({error})") from None
    return [Unit(name, digest, size, parse)]


def _limited(raw: BinaryIO, name: str, info: zipfile.ZipInfo, budget: Budget | None, *,
             count: bool) -> BinaryIO:
    """``raw`` held to the archive's limits (see archive.LimitedReader) when there is a
    ``budget``; ``count`` adds what is read to the archive's total."""
    if budget is None:
        return raw
    return LimitedReader(raw, name, info.compress_size, budget, count=count)  # type: ignore[return-value]


def _digest(zf: zipfile.ZipFile, member: str, path: str, budget: Budget | None) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    try:
        with zf.open(member) as raw:
            stream = _limited(raw, f"{path}!{member}", zf.getinfo(member), budget, count=True)
            while chunk := stream.read(CHUNK):
                sha.update(chunk)
                size += len(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise CorruptFile(f"{path}!{member}", f"damaged zip member ({error})") from None
    return sha.hexdigest(), size


def _zip_routes(zf: zipfile.ZipFile, member: str, path: str,
               budget: Budget | None = None) -> RouteLoader:
    base = member.rpartition("/")[0]
    by_name = {n: info for info in zf.infolist() if not (n := info.filename).endswith("/")}

    def load(reference: str) -> tuple[str, bytes] | None:
        relative = reference.lstrip("/")
        for candidate in (f"{base}/{relative}" if base else relative, relative):
            info = by_name.get(candidate)
            if info is not None and info.file_size <= ROUTE_LIMIT:
                name = f"{path}!{candidate}"
                with zf.open(info) as raw:  # zipfile stops at the declared size
                    return name, _limited(raw, name, info, budget, count=True).read()
        return None
    return load
