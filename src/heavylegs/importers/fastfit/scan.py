"""The one per-message Python loop: walk record headers, note where data messages are.

:func:`scan_file` walks every chained FIT segment of a buffer. For each data message it
appends the byte offset of its header and the id of its definition; definition messages
are parsed (and de-duplicated by their bytes) on the way. Everything else — reading field
values, sentinels, scale, components, compressed timestamps — happens later, vectorised
over all the messages of one definition at once (``gather`` and ``expand``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .crc import crc16
from .profile import BASE_TYPE_MASK, BASE_TYPES, UINT8, BaseType

HEADER_SIZES = (12, 14)
CRC_SIZE = 2
_UNDEFINED = 1 << 40  # size of an undefined local type: jumps past any buffer end


@dataclass(frozen=True, slots=True)
class FieldDef:
    """One field of a definition message, at ``offset`` bytes into the message body."""

    num: int
    offset: int
    size: int
    base: BaseType
    count: int  # elements of ``base`` in ``size`` bytes
    declared_base: int  # the base type byte as written, for diagnostics


class Definition:
    """A parsed definition message; shared by every file that writes the same bytes.

    ``dtype`` and ``plan`` are filled in lazily by the gather and row paths.
    """

    __slots__ = ("global_num", "big_endian", "fields", "size", "notes", "dtype", "plan")

    def __init__(
        self,
        global_num: int,
        big_endian: bool,
        fields: tuple[FieldDef, ...],
        size: int,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.notes = notes  # oddities worth a warning, e.g. a field size off its type
        self.global_num = global_num
        self.big_endian = big_endian
        self.fields = fields
        self.size = size  # body bytes of a data message, developer fields included
        self.dtype: Any = None
        self.plan: Any = None


# By record header byte: how far to jump to the next record. >0 a normal data message,
# <0 (negated) a compressed timestamp one, 0 a definition. Undefined local types jump
# past any buffer end, which the walk then reports.
_INITIAL_STEPS: tuple[int, ...] = tuple(
    _UNDEFINED if h < 0x40 else 0 if h < 0x80 else -_UNDEFINED for h in range(256)
)


@dataclass(slots=True)
class Scan:
    """What the scan found in a whole buffer (all chained segments)."""

    offsets: Any = field(default_factory=list)  # list[int] while walking, then int64 array
    def_ids: Any = None  # int64 array, one definition id per message, set at the end
    compressed: list[tuple[int, int]] = field(default_factory=list)  # (message index, 5 bits)
    definitions: list[Definition] = field(default_factory=list)
    def_index: dict[bytes, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    crc_errors: list[tuple[str, int]] = field(default_factory=list)
    stopped_at: int | None = None
    segments: int = 0
    sizes: list[int] = field(default_factory=lambda: [_UNDEFINED] * 16)
    current: list[int] = field(default_factory=lambda: [-1] * 16)
    steps: list[int] = field(default_factory=lambda: list(_INITIAL_STEPS))
    events: list[tuple[int, int, int]] = field(default_factory=list)  # (message, local, def)


def _set_steps(steps: list[int], local: int, size: int) -> None:
    for high in (0x00, 0x10, 0x20, 0x30):
        steps[high | local] = size + 1
    if local < 4:
        start = 0x80 | local << 5
        steps[start : start + 32] = [-(size + 1)] * 32


class Stop(Exception):
    """Raised inside the scan when the bytes cannot be read on; carries the offset."""

    def __init__(self, reason: str, offset: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.offset = offset


def _field_defs(key: bytes, count: int, notes: list[str]) -> tuple[FieldDef, ...]:
    fields = []
    offset = 0
    for i in range(5, 5 + 3 * count, 3):
        num, size, declared = key[i], key[i + 1], key[i + 2]
        base = BASE_TYPES.get(declared & BASE_TYPE_MASK)
        if base is None:
            notes.append(f"field {num} has unknown base type {declared:#04x}: read as bytes")
            base = UINT8
        elif size % base.size:
            notes.append(f"field {num} is {size} bytes, no multiple of its type: read as bytes")
            base = UINT8  # as the SDK does
        if size:
            fields.append(FieldDef(num, offset, size, base, size // base.size, declared))
        offset += size
    return tuple(fields)


_DEFINITIONS: dict[bytes, Definition] = {}
_MAX_CACHED = 4096


def parse_definition(key: bytes) -> Definition:
    """The definition whose message body (after the record header) is ``key``."""
    definition = _DEFINITIONS.get(key)
    if definition is None:
        if len(_DEFINITIONS) >= _MAX_CACHED:
            _DEFINITIONS.clear()
        definition = _DEFINITIONS[key] = _parse_definition(key)
    return definition


def _parse_definition(key: bytes) -> Definition:
    notes: list[str] = []
    if key[1] > 1:
        notes.append(f"unknown architecture byte {key[1]}: read as big-endian (as the SDK)")
    big_endian = key[1] != 0
    global_num = int.from_bytes(key[2:4], "big" if big_endian else "little")
    count = key[4]
    fields = _field_defs(key, count, notes)
    size = sum(key[6 : 5 + 3 * count : 3])
    if len(key) > 5 + 3 * count:
        dev_start = 6 + 3 * count
        size += sum(key[dev_start + 1 : dev_start + 3 * key[5 + 3 * count] : 3])
    return Definition(global_num, big_endian, fields, size, tuple(notes))


def read_definition(data: bytes, pos: int, end: int, scan: Scan) -> int:
    """Parse the definition message at ``pos``; return the offset after it."""
    header = data[pos]
    if pos + 6 > end:
        raise Stop("definition message cut off", pos)
    stop = pos + 6 + 3 * data[pos + 5]
    if header & 0x20:
        if stop >= end:
            raise Stop("definition message cut off", pos)
        stop += 1 + 3 * data[stop]
    if stop > end:
        raise Stop("definition message cut off", pos)
    key = data[pos + 1 : stop]
    def_id = scan.def_index.get(key)
    if def_id is None:
        def_id = scan.def_index[key] = len(scan.definitions)
        definition = parse_definition(key)
        scan.definitions.append(definition)
        for note in definition.notes:
            scan.warnings.append(
                f"message {definition.global_num}, definition at byte {pos}: {note}"
            )
    local = header & 0x0F
    scan.sizes[local] = scan.definitions[def_id].size
    scan.current[local] = def_id
    _set_steps(scan.steps, local, scan.sizes[local])
    return stop


def scan_records(data: bytes, pos: int, end: int, scan: Scan) -> int:
    """Walk the records in ``data[pos:end]``; return where the walk stopped.

    The hot loop: one table look-up and one append per data message. Definition ids are
    recovered afterwards from ``scan.events`` (see :func:`def_ids`).
    """
    steps = scan.steps
    add = scan.offsets.append
    while pos < end:
        step = steps[data[pos]]
        if step > 0:
            add(pos)
            pos += step
        elif step < 0:
            scan.compressed.append((len(scan.offsets), data[pos] & 0x1F))
            add(pos)
            pos -= step
        else:
            local = data[pos] & 0x0F
            pos = read_definition(data, pos, end, scan)
            scan.events.append((len(scan.offsets), local, scan.current[local]))
    if pos > end:  # the last data message runs past the end: drop it
        start = scan.offsets.pop()
        if scan.compressed and scan.compressed[-1][0] == len(scan.offsets):
            scan.compressed.pop()
        header = data[start]
        local = (header >> 5) & 0x03 if header & 0x80 else header & 0x0F
        if scan.current[local] < 0:
            raise Stop(f"data message for undefined local type {local}", start)
        raise Stop("data message cut off", start)
    return pos


def def_ids(headers: np.ndarray, events: list[tuple[int, int, int]]) -> np.ndarray:
    """The definition of each message, from its header byte and the definition events.

    A message uses the latest definition of its local type made before it: sort the
    events by (local type, message index) and look each message's key up in them.
    """
    count = len(headers)
    local = np.where(headers >= 0x80, (headers >> 5) & 0x03, headers & 0x0F).astype(np.int64)
    ev = np.array(events, dtype=np.int64).reshape(-1, 3)
    keys = ev[:, 1] * (count + 1) + ev[:, 0]
    order = np.argsort(keys, kind="stable")
    found = np.searchsorted(keys[order], local * (count + 1) + np.arange(count), side="right")
    return ev[order, 2][found - 1] if count else np.zeros(0, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Header:
    size: int
    data_end: int  # offset of the file CRC (the end of the records)
    crc_ok: bool
    declared_end: int


def read_header(data: bytes, pos: int) -> Header | None:
    """The FIT file header at ``pos``, or None if there is none."""
    size = data[pos] if pos < len(data) else 0
    if size not in HEADER_SIZES or pos + size > len(data) or data[pos + 8 : pos + 12] != b".FIT":
        return None
    data_size = int.from_bytes(data[pos + 4 : pos + 8], "little")
    crc_ok = True
    if size == 14:
        stored = int.from_bytes(data[pos + 12 : pos + 14], "little")
        crc_ok = stored == 0 or stored == crc16(data, pos, pos + 12)
    declared_end = pos + size + data_size
    return Header(size, declared_end, crc_ok, declared_end)


def _segment_end(data: bytes, pos: int, header: Header, scan: Scan) -> tuple[int, bool]:
    """Where the records of this segment end, and whether the file is cut short."""
    end = header.data_end
    if end == pos + header.size and len(data) - CRC_SIZE > end:
        scan.warnings.append(
            f"header at byte {pos} declares no records although {len(data) - end} bytes "
            "follow; read them up to the last two bytes"
        )
        return len(data) - CRC_SIZE, False
    if end + CRC_SIZE > len(data):
        scan.warnings.append(
            f"header at byte {pos} declares records up to byte {end} but the file ends at "
            f"byte {len(data)}: truncated"
        )
        return len(data), True
    return end, False


def _finish(data: bytes, scan: Scan) -> None:
    """Turn the walk's lists into arrays and attach each message's definition id."""
    offsets = np.fromiter(scan.offsets, dtype=np.int64, count=len(scan.offsets))
    headers = np.frombuffer(data, dtype=np.uint8)[offsets]
    scan.def_ids = def_ids(headers, scan.events)
    scan.offsets = offsets


def _check_crc(data: bytes, pos: int, end: int, scan: Scan) -> None:
    stored = int.from_bytes(data[end : end + CRC_SIZE], "little")
    if stored != crc16(data, pos, end):
        scan.crc_errors.append(("file CRC mismatch", end))


def scan_file(data: bytes, check_crc: bool) -> Scan:
    """Scan every chained segment of ``data``; raise Stop if the first has no FIT header."""
    scan = Scan()
    pos = 0
    while pos < len(data):
        header = read_header(data, pos)
        if header is None:
            if scan.segments == 0:
                raise Stop("not a FIT file (no FIT header)", pos)
            scan.warnings.append(f"{len(data) - pos} bytes at byte {pos} are not a FIT segment")
            break
        if check_crc and not header.crc_ok:
            scan.crc_errors.append(("header CRC mismatch", pos + 12))
        end, truncated = _segment_end(data, pos, header, scan)
        scan.segments += 1
        try:
            scan_records(data, pos + header.size, end, scan)
        except Stop as stop:
            scan.warnings.append(f"{stop.reason} at byte {stop.offset}; kept what came before")
            scan.stopped_at = stop.offset
            break
        if truncated:
            scan.stopped_at = end
            break
        if check_crc:
            _check_crc(data, pos, end, scan)
        pos = end + CRC_SIZE
    if not scan.segments:
        raise Stop("not a FIT file (empty)", 0)
    _finish(data, scan)
    return scan
