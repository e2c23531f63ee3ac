"""Fast GPX/TCX trackpoints: a run of points written one like the other is read by regex.

Devices and apps write every trackpoint of a segment the same way (the same elements,
in the same order, indented alike); only the numbers and times change. ``split`` finds
each such run (the body of a ``trkseg``/``Track``), checks *all* of it against a pattern
made from its first point (tags and whitespace literal, each element's text and the
point's attribute values captured from a small ASCII set: no ``&``, ``<``, ``>``, ``]``,
CR or control characters), and captures every point's values in one C-level pass.

What stays for lxml is a *skeleton*: the document with each run cut down to its first
point, which is tagged with a ``_hl_run`` attribute. The skeleton is parsed with all of
``xmlsafe``'s protections and read by the usual code; when it reaches a tagged point it
takes the whole run's columns (``Samples``). Which capture feeds which value is learnt by
running the format's own point reader once on the first point with placeholder texts,
so the two paths cannot disagree on meaning. The tree of the full document is the
skeleton's with each tagged point repeated (same structure, other texts), so the result
is the same. Anything unusual (comments, CDATA, DOCTYPE, processing instructions, a
point unlike the first, an empty value, a skeleton that is not well-formed) means no
fast path: the caller reads the whole document the usual way.

>>> doc = b'<gpx><trk><trkseg><pt a="1"><v>5</v></pt><pt a="2"><v>6</v></pt></trkseg></trk></gpx>'
>>> fast = split(doc, "trkseg", "pt", lambda e: {"a": e.get("a"), "v": e[0].text})
>>> fast.skeleton
b'<gpx><trk><trkseg><pt _hl_run="0" a="1"><v>5</v></pt></trkseg></trk></gpx>'
>>> fast.runs[0].texts("v"), fast.runs[0].texts("a"), fast.runs[0].texts("x")
(['5', '6'], ['1', '2'], [None, None])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, repeat
from operator import itemgetter

from lxml import etree

from heavylegs.importers.xmlsafe import strip_prefix

RUN_ATTRIBUTE = "_hl_run"
_NAME = r"[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?"
_ATTRIBUTE = re.compile(rf"(\s+)({_NAME})(\s*=\s*)([\"'])([^\"'<&]*)\4")
_TOKEN = re.compile(rf"<(/?)({_NAME})((?:\s+{_NAME}\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)"
                    r"(\s*)(/?)>|([^<]+)")
_VALUE = "[\\t\\n !#-%(-;=?-\\\\^-~]{0,64}"  # printable ASCII but " & ' < > ], plus tab, LF
_SPACE = "[ \\t\\r\\n]{0,256}"
_PLACEHOLDER = "HLX{}"
MAX_TEMPLATE_TOKENS = 200

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
        before = len(self.segment)
        for point in points:
            run = self._fast and point.get(RUN_ATTRIBUTE)
            if run:
                self._chunks.append(self._fast.runs[int(run)])
                continue
            if not self._chunks or not isinstance(self._chunks[-1], list):
                self._chunks.append([])
            self._chunks[-1].append(self._read_point(point))
        self.segment += [segment] * (self._size() - before)

    def _size(self) -> int:
        return sum(c.size if isinstance(c, Run) else len(c) for c in self._chunks)

    def texts(self, key: str) -> list[str | None]:
        out: list[str | None] = []
        for chunk in self._chunks:
            out += chunk.texts(key) if isinstance(chunk, Run) else map(dict.get, chunk,
                                                                       repeat(key))
        return out


def split(data: bytes, container: str, point: str, read_point: ReadPoint) -> Fast | None:
    """The skeleton and runs of ``data`` (every non-empty ``container`` a run of
    ``point`` elements), or ``None`` when the fast path does not apply."""
    text = strip_prefix(data).decode("latin-1")  # byte for byte; values are ASCII
    if _declarations(text):
        return None
    pieces, runs, position = [], [], 0
    for name, open_end in _start_tags(text, container):
        closing = re.compile(rf"</{re.escape(name)}[ \t\r\n]*>").search(text, open_end)
        if closing is None:
            return None
        end = closing.start()
        body = text[open_end:end]
        if not body or body.isspace():
            continue
        found = _run(body, point, read_point, len(runs))
        if found is None:
            return None
        run, kept = found
        pieces += [text[position:open_end], kept]
        runs.append(run)
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


def _start_tags(text: str, name: str) -> Iterator[tuple[str, int]]:
    """Each start tag of a ``name`` element (any prefix, not self-closing): where it
    begins, its qualified name and where it ends. A regex led by the literal name is
    found fast (one led by ``<`` and a prefix is tried at every tag)."""
    for match in re.finditer(rf"{name}(?:[ \t\r\n][^<>]*)?(?<!/)>", text):
        begin = text.rfind("<", 0, match.start())
        if begin >= 0 and re.fullmatch(r"<(?:[A-Za-z_][\w.\-]*:)?", text[begin:match.start()]):
            yield text[begin + 1:match.start()] + name, match.end()


def _run(body: str, point: str, read_point: ReadPoint, number: int) -> tuple[Run, str] | None:
    """The run in a container's ``body`` and what the skeleton keeps of it."""
    first = _first_point(body, point)
    made = first and _pattern(first[2])
    if not made:
        return None
    begin, end, tokens = first
    pattern, template, captures = made
    rows = re.compile(f"({_SPACE}){pattern}").findall(body)
    if not _tiled(body, rows, fixed=end - begin - sum(map(len, rows[0][1:]))):
        return None
    columns = [list(map(itemgetter(i), rows)) for i in range(1, len(rows[0]))]
    if any("" in column for column in columns):
        return None
    sources = _sources(tokens, template, captures, read_point)
    if sources is None:
        return None
    name = tokens[0][2]
    kept = f'{body[:begin]}<{name} {RUN_ATTRIBUTE}="{number}"{body[begin + len(name) + 1:end]}'
    return Run(len(rows), columns, sources), kept


def _tiled(body: str, rows: list[tuple[str, ...]], fixed: int) -> bool:
    """Whether the matches (whitespace, then a point of ``fixed`` literal characters
    plus its captures) cover ``body`` from its start with no hole, up to whitespace.
    Matches never overlap, so their lengths add up to the end of the last one only when
    nothing lies between them; else what follows the sum ends in that point's ``>``."""
    covered = len(rows) * fixed + sum(map(len, chain.from_iterable(rows)))
    return re.fullmatch(_SPACE, body[covered:]) is not None


def _first_point(body: str, point: str) -> tuple[int, int, list[tuple[str, ...]]] | None:
    """Where the first element of ``body`` (a ``point``) begins and ends, and its tokens:
    (raw, closing, name, attributes, space, self-closing, text)."""
    begin = re.compile("[ \t\n]*").match(body).end()
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
            return begin, position, tokens
    return None


def _pattern(tokens: list[tuple[str, ...]]) -> tuple[str, str, int] | None:
    """The regex of points written like ``tokens``, the point's text with capture ``i``
    replaced by the placeholder ``HLXi``, and the number of captures."""
    parts, template = [], []
    for index, (raw, _, name, attributes, space, empty, text) in enumerate(tokens):
        if index == 0:
            if "xmlns" in attributes or empty:
                return None
            parts.append(re.escape(f"<{name}"))
            template.append(f"<{name}")
            for lead, key, equals, quote, _ in _ATTRIBUTE.findall(attributes):
                parts.append(re.escape(f"{lead}{key}{equals}{quote}") + f"({_VALUE})"
                             + re.escape(quote))
                template.append(f"{lead}{key}{equals}{quote}{_placeholder(parts)}{quote}")
            parts.append(re.escape(f"{space}>"))
            template.append(f"{space}>")
        elif text and _is_leaf_text(tokens, index):
            if re.fullmatch(_VALUE, text) is None:
                return None
            parts.append(f"({_VALUE})")
            template.append(_placeholder(parts))
        elif text and text.strip(" \t\n"):
            return None
        else:
            parts.append(re.escape(raw))
            template.append(raw)
    return "".join(parts), "".join(template), _captures(parts)


def _captures(parts: list[str]) -> int:
    return sum(part.count(f"({_VALUE})") for part in parts)


def _placeholder(parts: list[str]) -> str:
    """The placeholder of the capture just added to ``parts``."""
    return _PLACEHOLDER.format(_captures(parts) - 1)


def _is_leaf_text(tokens: list[tuple[str, ...]], index: int) -> bool:
    before, after = tokens[index - 1], tokens[index + 1] if index + 1 < len(tokens) else None
    return bool(before[2] and not before[1] and not before[5] and after and after[1]
                and after[2] == before[2])


def _sources(tokens: list[tuple[str, ...]], template: str, captures: int,
             read_point: ReadPoint) -> dict[str, int | None] | None:
    """Which capture each value of the point reader comes from, learnt by reading the
    template with placeholders (prefixes bound to a dummy namespace: names are matched
    without it); ``None`` if a value is anything but a placeholder or absent."""
    numbers = {_PLACEHOLDER.format(i): i for i in range(captures)}
    prefixes = {name.partition(":")[0] for _, _, name, *_ in tokens if ":" in name}
    prefixes |= {key.partition(":")[0] for _, key, *_ in _ATTRIBUTE.findall(tokens[0][3])
                 if ":" in key}
    if not captures or prefixes & {"xml", "xmlns"}:
        return None
    declared = "".join(f' xmlns:{prefix}="urn:heavylegs:template"' for prefix in sorted(prefixes))
    try:
        wrapper = etree.fromstring(f"<template{declared}>{template}</template>")
    except etree.XMLSyntaxError:
        return None
    sources: dict[str, int | None] = {}
    for key, value in read_point(wrapper[0]).items():
        if value is not None and value not in numbers:
            return None
        sources[key] = None if value is None else numbers[value]
    return sources
