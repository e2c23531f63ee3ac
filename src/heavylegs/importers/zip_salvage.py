"""Damaged zip archives: the members a zip without a readable central directory (a
truncated download) still holds, recovered from their local headers and inflated from
there, with their CRC checked."""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator

from heavylegs.importers.source import View, release
from heavylegs.importers.zip_members import Entry, method_problem, printable, unsafe_name

_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # a local file header, 30 bytes
_LOCAL_SIG, _CENTRAL_SIG, _DESCRIPTOR_SIG = b"PK\x03\x04", b"PK\x01\x02", b"PK\x07\x08"


def salvage(data: View) -> tuple[list[Entry], str]:
    """The members a zip without a readable central directory still holds, in order.
    A member whose data runs past the end is kept with a "cut off" problem. ``data`` may
    be a memory map: the pages scanned are released as the walk passes them."""
    entries: list[Entry] = []
    pos = data.find(_LOCAL_SIG)
    done = 0
    while pos >= 0 and pos + _LOCAL.size <= len(data) and data[pos:pos + 4] == _LOCAL_SIG:
        entry, pos = _local_entry(data, pos)
        entries.append(entry)
        release(data, done, pos)
        done = pos
        if entry.problem and "cut off" in entry.problem:
            break
    release(data, done, len(data))  # what a search for the next header ran through
    return entries, (f"the archive is damaged or truncated (its table of contents is missing); "
                     f"{len(entries)} member(s) found from their headers; download it again")


def _local_entry(data: View, pos: int) -> tuple[Entry, int]:
    _, _, flags, method, _, _, crc, csize, _, nlen, xlen = _LOCAL.unpack_from(data, pos)
    raw = data[pos + 30:pos + 30 + nlen].decode("utf-8" if flags & 0x800 else "cp437", "replace")
    start = pos + 30 + nlen + xlen
    if csize == 0xFFFFFFFF:
        csize = _zip64_csize(data[pos + 30 + nlen:start])
    end, descriptor = start + csize, 0
    if flags & 0x8:
        found = _find_descriptor(data, start)
        if found is not None:
            csize, crc, descriptor = found
            end = start + csize
    cut = end > len(data) or (flags & 0x8 and descriptor == 0)
    name = printable(raw.replace("\\", "/"))
    problem = ("cut off: the archive ends inside this member; download the archive again"
               if cut else method_problem(method, flags))
    if problem is None and method not in (0, 8):
        problem = "its compression cannot be read in a damaged archive; download it again"
    entry = Entry(name, csize, crc, method, flags, None, start, unsafe_name(raw), problem)
    return entry, end + descriptor


def _zip64_csize(extra: bytes) -> int:
    offset = 0
    while offset + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, offset)
        if kind == 1 and size >= 16:
            return int(struct.unpack_from("<Q", extra, offset + 12)[0])
        offset += 4 + size
    return 0xFFFFFFFF


def _find_descriptor(data: View, start: int) -> tuple[int, int, int] | None:
    """(compressed size, CRC, descriptor length) of a streamed member: the data descriptor
    that ends right before the next header and whose size matches."""
    pos = start
    while True:
        nexts = [p for p in (data.find(_LOCAL_SIG, pos), data.find(_CENTRAL_SIG, pos)) if p >= 0]
        if not nexts:
            return None
        p = min(nexts)
        for length, fmt in ((16, "<4sIII"), (12, "<III"), (24, "<4sIQQ"), (20, "<IQQ")):
            if p - length < start:
                continue
            fields = struct.unpack_from(fmt, data, p - length)
            if len(fields) == 4 and fields[0] != _DESCRIPTOR_SIG:
                continue
            crc, csize = fields[-3], fields[-2]
            if start + csize == p - length:
                return int(csize), int(crc), length
        pos = p + 4


def inflate_member(data: View, entry: Entry, chunk_bytes: int) -> Iterator[bytes]:
    """A recovered member's bytes in pieces of at most ``chunk_bytes``; raises
    ``zipfile.BadZipFile`` when its CRC does not match."""
    pieces = _compressed(data, entry.data_start, entry.compress_size, chunk_bytes)
    crc = 0
    chunks = (_stored(pieces) if entry.method == 0 else _deflated(pieces, chunk_bytes))
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if crc != entry.crc:
        raise zipfile.BadZipFile("CRC check failed")


def _compressed(data: View, start: int, length: int, chunk_bytes: int
                ) -> Iterator[memoryview]:
    """``data[start:start + length]`` (cut at the end of ``data``) in ``chunk_bytes``
    pieces, not copied; a memory map's pages are released once a piece is used."""
    end = min(start + length, len(data))
    with memoryview(data) as view:
        for at in range(start, end, chunk_bytes):
            with view[at:min(at + chunk_bytes, end)] as piece:
                yield piece
            release(data, at, at + chunk_bytes)


def _stored(pieces: Iterator[memoryview]) -> Iterator[bytes]:
    for piece in pieces:
        yield bytes(piece)


def _deflated(pieces: Iterator[memoryview], chunk_bytes: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for piece in pieces:
        pending: bytes | memoryview = piece
        while True:
            out = inflater.decompress(pending, chunk_bytes)
            if out:
                yield out
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(out) < chunk_bytes):
                break
        if inflater.eof:
            return
    raise EOFError("compressed data ends early")
