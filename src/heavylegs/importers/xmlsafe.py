"""Safe XML parsing and the small helpers the GPX and TCX readers share.

Activity files come from strangers, so the parser never resolves entities, never loads
a DTD, never touches the network and keeps libxml2's size limits (``huge_tree=False``).
A document whose DOCTYPE declares entities (billion laughs, external-entity attacks) is
refused before it is parsed. Strava writes spaces before ``<?xml``; a UTF-8 BOM is also
common: both are tolerated. A document broken part-way (a truncated upload) is read up
to the break, with a warning.

>>> root, problem = parse_xml(b"  <?xml version='1.0'?><gpx><trk/></gpx>", "a.gpx")
>>> local_name(root.tag), problem
('gpx', None)
>>> parse_time("2013-02-04T20:38:11.5+01:00").isoformat()
'2013-02-04T19:38:11.500000+00:00'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypeVar

from lxml import etree

from heavylegs.errors import CorruptFile, ImportFailed

T = TypeVar("T")
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = b" \t\r\n"
_ZONE = re.compile(r"(Z|[+-]\d\d(:?\d\d)?)$", re.I)


def _parser(recover: bool) -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, recover=recover,
                           remove_comments=True, remove_pis=True)


def strip_prefix(data: bytes) -> bytes:
    """``data`` without a leading UTF-8 BOM and whitespace (either order, as found)."""
    start = 0
    while True:
        if data.startswith(_BOM, start):
            start += len(_BOM)
        elif start < len(data) and data[start] in _WHITESPACE:
            start += 1
        else:
            return data[start:] if start else data


def _refuse_entities(data: bytes, path: str) -> None:
    if b"<!DOCTYPE" in data and b"<!ENTITY" in data:
        raise ImportFailed(path, "the XML declares entities in a DOCTYPE (an XML bomb or "
                                 "external-entity attack); refused, activity files never need them")


def parse_xml(data: bytes, path: str) -> tuple[etree._Element, str | None]:
    """Parse ``data`` safely: the root, and what is broken if it was read only in part."""
    text = strip_prefix(data)
    _refuse_entities(text, path)
    try:
        return etree.fromstring(text, _parser(recover=False)), None
    except etree.XMLSyntaxError as error:
        problem = f"{error.msg} (line {error.lineno})"
    root = None
    try:
        root = etree.fromstring(text, _parser(recover=True))
    except etree.XMLSyntaxError:
        pass
    if root is None:
        raise CorruptFile(path, f"not well-formed XML: {problem}")
    return root, problem


def read_xml(data: bytes, path: str, read: Callable[[etree._Element, list[str]], T]) -> T:
    """``read(root, warnings)`` on the parsed document. A document broken part-way is read
    up to the break with a warning; if nothing usable came before it, the break is the
    error."""
    root, problem = parse_xml(data, path)
    if problem is None:
        return read(root, [])
    try:
        return read(root, [f"XML is broken ({problem}); read what came before the break"])
    except ImportFailed:
        raise CorruptFile(path, f"not well-formed XML: {problem}") from None


def local_name(tag: object) -> str:
    """The tag name without its namespace (``''`` for comments and other non-elements)."""
    if not isinstance(tag, str):
        return ""
    return tag[tag.rfind("}") + 1:]


def _moment(text: str | None) -> datetime | None:
    """An xsd:dateTime as written (aware or naive); ``None`` when empty or unreadable."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_time(text: str | None) -> datetime | None:
    """An xsd:dateTime as aware UTC; no zone means UTC. ``None`` when unreadable."""
    moment = _moment(text)
    if moment is None:
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def declared_offset(text: str | None) -> int | None:
    """The UTC offset, in seconds, an xsd:dateTime was written with, when it names one
    other than UTC (``07:00:00+02:00``: 7200); ``None`` for ``Z``, ``+00:00``, no zone
    or unreadable text (UTC times say nothing of where the runner was)."""
    moment = _moment(text)
    if moment is None:
        return None
    offset = moment.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    return seconds if seconds and abs(seconds) <= 14 * 3600 else None


def zone_warnings(root: etree._Element, tag: str) -> list[str]:
    """A warning when the document's first ``tag`` time has no ``Z`` or offset."""
    first = next(root.iter(f"{{*}}{tag}"), None)
    text = (first.text or "").strip() if first is not None else ""
    if text and parse_time(text) is not None and _ZONE.search(text) is None:
        return ["times carry no time zone; read as UTC"]
    return []


def to_float(text: str | None) -> float | None:
    """A decimal number, or ``None`` when absent or unreadable (``nan`` counts as absent)."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None
