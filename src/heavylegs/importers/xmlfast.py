"""Fast GPX/TCX trackpoints: points written one like the other are read by regex.

Devices and apps write every trackpoint of a segment the same way (the same elements,
in the same order, indented alike); only the numbers and times change. For the body of
each ``trkseg``/``Track``, ``split`` makes a pattern from the point in its middle: tags
and whitespace literal, the point's attribute values and each leaf element's text
captured from a small ASCII set (no ``&``, ``<``, ``>``, ``]``, quotes, CR or control
characters; 1 to 64 of them). One C-level ``re.split`` pass yields every matching
point's values and, between them, the *holes*: whatever does not match (a first point
without heart rate, a point with an empty value...), kept as it is.

What lxml then parses is a *skeleton*: the document with each stretch of matching points
cut to its first one, tagged with a ``_hl_run`` attribute; holes stay. The skeleton is
parsed with all of ``xmlsafe``'s protections and read by the usual code, point by point
for holes; a tagged point brings its whole run's columns (``Samples``). Which capture
feeds which value is learnt by running the format's own point reader once on the
template with placeholder texts, so the two paths cannot disagree on meaning. The cut
points are complete elements, written like the tagged one beside them (same parent,
structure and namespaces; plain ASCII values): the full document's tree is the
skeleton's with those points put back, so reading it gives the same result, and an
error in the document stays in the skeleton (every cut point was checked). Comments, CDATA, a DOCTYPE or
processing instructions, a template the pattern cannot describe, or a skeleton lxml
reads with a problem: no fast path, the caller reads the whole document the usual way.

>>> doc = b'<gpx><trk><trkseg><pt a="1"><v>5</v></pt><pt a="2"><v>6</v></pt></trkseg></trk></gpx>'
>>> fast = split(doc, "trkseg", "pt", lambda e: {"a": e.get("a"), "v": e[0].text})
>>> fast.skeleton
b'<gpx><trk><trkseg><pt _hl_run="0" a="1"><v>5</v></pt></trkseg></trk></gpx>'
>>> fast.runs[0].texts("v"), fast.runs[0].texts("a"), fast.runs[0].texts("x")
(['5', '6'], ['1', '2'], [None, None])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import repeat
from typing import TypeVar

from lxml import etree

from heavylegs.errors import ImportFailed
from heavylegs.importers.xmlsafe import parse_xml, read_xml, strip_prefix

T = TypeVar("T")

RUN_ATTRIBUTE = "_hl_run"
_NAME = r"[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?"
_ATTRIBUTE = re.compile(rf"(\s+)({_NAME})(\s*=\s*)([\"'])([^\"'<&]*)\4")
_TOKEN = re.compile(rf"<(/?)({_NAME})((?:\s+{_NAME}\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)"
                    r"(\s*)(/?)>|([^<]+)")
_VALUE = "[\\t\\n !#-%(-;=?-\\\\^-~]{1,64}"  # printable ASCII but " & ' < > ], plus tab, LF
_SPACE = "[ \\t\\r\\n]{0,256}"
_PLACEHOLDER = "HLX{}"
MAX_TEMPLATE_TOKENS = 200
MIN_RUN = 4  # points per run, on average, for cutting to pay
MAX_CONTAINERS = 10_000  # hits of a container's name (start and end tags)
_PREFIX = re.compile(r"<(?:[A-Za-z_][\w.\-]{0,63}:)?")
_TAG_REST = re.compile(r"(?:[ \t\r\n][^<>]{0,256})?(?<!/)>")

ReadPoint = Callable[[etree._Element], dict[str, str | None]]


@dataclass(frozen=True)
class Run:
    """The points of one run: ``columns[i]`` holds capture ``i`` of every point;
    ``sources`` maps each value the point reader gives to its capture (``None``: the
    value is absent at every point)."""

    size: int
    columns: list[tuple[str, ...]]
    sources: dict[str, int | None]

    def texts(self, key: str) -> list[str | None]:
        source = self.sources.get(key)
        return [None] * self.size if source is None else list(self.columns[source])


@dataclass(frozen=True)
class Fast:
    skeleton: bytes
    runs: list[Run]


class Samples:
    """Points in file order, as text per value: read one by one (``read_point``) or,
    for a tagged point of the skeleton, as its whole run."""

    def __init__(self, read_point: ReadPoint, fast: Fast | None = None) -> None:
        self._read_point, self._fast = read_point, fast
        self._chunks: list[list[dict[str, str | None]] | Run] = []
        self.segment: list[int] = []

    def __len__(self) -> int:
        return len(self.segment)

    def read(self, points: Iterable[etree._Element], segment: int) -> None:
        added = 0
        for point in points:
            run = self._fast and point.get(RUN_ATTRIBUTE)
            if run:
                self._chunks.append(self._fast.runs[int(run)])
                added += self._chunks[-1].size
                continue
            if not self._chunks or not isinstance(self._chunks[-1], list):
                self._chunks.append([])
            self._chunks[-1].append(self._read_point(point))
            added += 1
        self.segment += [segment] * added

    def texts(self, key: str) -> list[str | None]:
        out: list[str | None] = []
        for chunk in self._chunks:
            out += chunk.texts(key) if isinstance(chunk, Run) else map(dict.get, chunk,
                                                                       repeat(key))
        return out


def read(data: bytes, path: str, container: str, point: str, read_point: ReadPoint,
         read_doc: Callable[[etree._Element, str, list[str], Fast | None], T]) -> T:
    """``read_doc(root, path, warnings, fast)`` on the document: by the fast path (the
    skeleton of :func:`split`, parsed whole) when the document allows, else by
    ``xmlsafe.read_xml`` on all of it (``fast`` None)."""
    fast = split(data, container, point, read_point)
    if fast is not None:
        try:
            root, problem = parse_xml(fast.skeleton, path)
        except ImportFailed:
            problem = "unreadable"
        if problem is None:
            return read_doc(root, path, [], fast)
    return read_xml(data, path, lambda root, warnings: read_doc(root, path, warnings, None))


def split(data: bytes, container: str, point: str, read_point: ReadPoint) -> Fast | None:
    """The skeleton and runs of ``data`` (the points of every ``container`` written
    like the one in its middle), or ``None`` when the fast path does not apply."""
    text = strip_prefix(data).decode("latin-1")  # byte for byte; values are ASCII
    if _declarations(text) or RUN_ATTRIBUTE in text:  # a file's own would pass for ours
        return None
    tags = _start_tags(text, container)
    if tags is None:
        return None
    pieces, runs, position = [], [], 0
    for name, open_end in tags:
        if open_end <= position:  # nested in the one before: not a plain run
            return None
        closing = re.compile(rf"</{re.escape(name)}[ \t\r\n]*>").search(text, open_end)
        if closing is None:
            return None
        end = closing.start()
        body = text[open_end:end]
        if not body or body.isspace():
            continue
        kept = _runs(body, point, read_point, runs)
        if kept is None:
            return None
        pieces += [text[position:open_end], kept]
        position = end
    if not runs:
        return None
    return Fast(("".join(pieces) + text[position:]).encode("latin-1"), runs)


def _declarations(text: str) -> bool:
    """Whether ``text`` has a comment, CDATA, DOCTYPE or processing instruction (other
    than the XML declaration). ``!`` and ``?`` are rare, so found fast (``<`` is not)."""
    for mark in "!?":
        at = text.find(mark)
        while at >= 0:
            if at and text[at - 1] == "<" and not (at == 1 and text.startswith("<?xml")):
                return True
            at = text.find(mark, at + 1)
    return False


def _start_tags(text: str, name: str) -> list[tuple[str, int]] | None:
    """Each start tag of a ``name`` element (any prefix, not self-closing): its
    qualified name and where it ends; ``None`` past ``MAX_CONTAINERS`` hits of the name
    (hostile text: each costs a bounded look around). Led by the literal name, the regex
    engine jumps between hits (one led by ``<`` and a prefix is tried at every tag). A
    tag missed here (a prefix over 64 characters) only leaves its points to lxml."""
    found = []
    for hits, match in enumerate(re.finditer(rf"{name}[ \t\r\n>]", text)):
        if hits >= MAX_CONTAINERS:
            return None
        start = match.start()
        begin = text.rfind("<", max(0, start - 66), start)
        if begin < 0 or not _PREFIX.fullmatch(text, begin, start):
            continue
        rest = _TAG_REST.match(text, start + len(name))
        if rest:
            found.append((text[begin + 1:start] + name, rest.end()))
    return found


def _runs(body: str, point: str, read_point: ReadPoint, runs: list[Run]) -> str | None:
    """The skeleton's version of a container's ``body``: each stretch of points written
    like the template cut to its first point, tagged with the number of its ``Run``
    (appended to ``runs``); other points (holes) stay as they are, for lxml."""
    template = _template(body, point)
    layout = template and _layout(template)
    if not layout or not layout.captures:
        return None
    sources = _sources(template, layout, read_point)
    if sources is None:
        return None
    # Led by the point's literal start tag, so the regex engine jumps between points.
    parts = re.compile(f"{layout.pattern()}({_SPACE})").split(body)
    stride = layout.captures + 2  # a hole, then each match's captures and its space
    holes, count = parts[::stride], len(parts) // stride
    starts = [0, *[i for i in range(1, count) if holes[i]], count]
    if len(starts) > 2 and (len(starts) - 1) * MIN_RUN > count:  # layouts alternate
        return body
    columns = [parts[1 + c::stride] for c in range(layout.captures)]
    name = template[0][2]
    kept = []
    for begin, end in zip(starts, starts[1:], strict=False):
        if begin == end:
            continue
        values = parts[1 + begin * stride:1 + begin * stride + layout.captures]
        tag = f'<{name} {RUN_ATTRIBUTE}="{len(runs)}"'
        kept += [holes[begin], tag, layout.text(values)[len(name) + 1:],
                 parts[end * stride - 1]]  # the last point's trailing space
        runs.append(Run(end - begin, [c[begin:end] for c in columns], sources))
    return "".join(kept) + holes[count]


def _template(body: str, point: str) -> list[tuple[str, ...]] | None:
    """The tokens of the point that the others are matched against: the one in the
    middle of ``body`` (a first point often lacks a value), else the first."""
    first = _first_point(body, point)
    if first is None:
        return None
    middle = body.find(f"<{first[0][2]}", len(body) // 2)
    return (middle > 0 and _first_point(body[middle:], point)) or first


def _first_point(body: str, point: str) -> list[tuple[str, ...]] | None:
    """The tokens of the first element of ``body`` (a ``point``): (raw, closing, name,
    attributes, space, self-closing, text) each."""
    begin = re.compile("[ \t\r\n]*").match(body).end()
    tokens: list[tuple[str, ...]] = []
    depth, position = 0, begin
    while len(tokens) < MAX_TEMPLATE_TOKENS:
        match = _TOKEN.match(body, position)
        if match is None:
            return None
        closing, name, attributes, space, empty, text = match.groups(default="")
        if not tokens and (not name or closing or name.rpartition(":")[2] != point):
            return None
        tokens.append((match.group(0), closing, name, attributes, space, empty, text))
        if name and not empty:
            depth += -1 if closing else 1
        position = match.end()
        if depth == 0:
            return tokens
    return None


@dataclass(frozen=True)
class _Layout:
    """How one point is written: the text between its captures (``literals``, one more
    than the captures), so the regex, the placeholder text and any point's text follow."""

    literals: list[str]

    @property
    def captures(self) -> int:
        return len(self.literals) - 1

    def pattern(self) -> str:
        return f"({_VALUE})".join(map(re.escape, self.literals))

    def text(self, values: Iterable[str]) -> str:
        out = [self.literals[0]]
        for value, literal in zip(values, self.literals[1:], strict=True):
            out += [value, literal]
        return "".join(out)

    def placeholders(self) -> str:
        return self.text([_PLACEHOLDER.format(i) for i in range(self.captures)])


def _layout(tokens: list[tuple[str, ...]]) -> _Layout | None:
    """The layout of the point written as ``tokens``: the point's attribute values and
    each leaf element's text are captured, everything else is literal."""
    literals, current = [], []
    for index, (raw, _, name, attributes, space, empty, text) in enumerate(tokens):
        if index == 0:
            if "xmlns" in attributes or empty:
                return None
            current.append(f"<{name}")
            if "".join(m.group(0) for m in _ATTRIBUTE.finditer(attributes)) != attributes:
                return None  # an attribute value with a reference or markup
            for lead, key, equals, quote, _ in _ATTRIBUTE.findall(attributes):
                literals.append("".join(current) + f"{lead}{key}{equals}{quote}")
                current = [quote]
            current.append(f"{space}>")
        elif text and _is_leaf_text(tokens, index):
            if re.fullmatch(_VALUE, text) is None:
                return None
            literals.append("".join(current))
            current = []
        elif text and text.strip(" \t\r\n"):
            return None
        else:
            current.append(raw)
    return _Layout([*literals, "".join(current)])


def _is_leaf_text(tokens: list[tuple[str, ...]], index: int) -> bool:
    before, after = tokens[index - 1], tokens[index + 1] if index + 1 < len(tokens) else None
    return bool(before[2] and not before[1] and not before[5] and after and after[1]
                and after[2] == before[2])


def _sources(tokens: list[tuple[str, ...]], layout: _Layout, read_point: ReadPoint
             ) -> dict[str, int | None] | None:
    """Which capture each value of the point reader comes from, learnt by reading the
    template with placeholders (prefixes bound to a dummy namespace: names are matched
    without it); ``None`` if a value is anything but a placeholder or absent."""
    numbers = {_PLACEHOLDER.format(i): i for i in range(layout.captures)}
    prefixes = {name.partition(":")[0] for _, _, name, *_ in tokens if ":" in name}
    prefixes |= {key.partition(":")[0] for token in tokens
                 for _, key, *_ in _ATTRIBUTE.findall(token[3]) if ":" in key}
    if prefixes & {"xml", "xmlns"}:
        return None
    declared = "".join(f' xmlns:{prefix}="urn:heavylegs:template"' for prefix in sorted(prefixes))
    try:
        wrapper = etree.fromstring(f"<template{declared}>{layout.placeholders()}</template>")
    except etree.XMLSyntaxError:
        return None
    sources: dict[str, int | None] = {}
    for key, value in read_point(wrapper[0]).items():
        if value is not None and value not in numbers:
            return None
        sources[key] = None if value is None else numbers[value]
    return sources
