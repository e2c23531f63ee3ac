"""Gzip layers inflated under a budget, and looked into before they are inflated.

A ``.fit.gz`` (a file given to ``import``, or a member of a zip) is inflated in chunks,
and a caller's ``check`` sees the size so far after each chunk: it raises to stop a gzip
bomb before the bomb is in memory. Inside a zip the check is the archive's (the member's
ratio against its compressed size in the outermost archive, and the archive's total: see
importers/archive.py), so gzip inside zip is budgeted with the zip as a whole.

:func:`gunzip_head` inflates only the first bytes, so a reader can tell what a member is
(FIT, GPX, TCX, CSV) and refuse what it does not read without inflating the rest.

>>> import gzip
>>> packed = gzip.compress(b"<gpx/>" + b" " * 100_000)
>>> gunzip_head(packed, "a.gpx.gz", 4), len(gunzip(packed, "a.gpx.gz", lambda size: None))
(b'<gpx', 100006)
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator

from heavylegs.errors import CorruptFile, ImportFailed

GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 64 << 10  # what a reader looks at to tell the formats apart
CHUNK_BYTES = 1 << 20  # inflated at a time, then checked
MAX_GUNZIPPED_BYTES = 256 << 20  # a gzip bomb stops here; real activities are < 50 MB
_WBITS = 16 + zlib.MAX_WBITS  # a gzip header and trailer


def check_cap(path: str, size: int) -> None:
    """Refuse gzip content past ``MAX_GUNZIPPED_BYTES`` (read at call time)."""
    if size > MAX_GUNZIPPED_BYTES:
        raise ImportFailed(path, f"gzip content is larger than {MAX_GUNZIPPED_BYTES >> 20} MiB "
                                 "(a gzip bomb?); refused")


def _pieces(data: bytes | memoryview, size: int) -> Iterator[memoryview]:
    with memoryview(data) as view:
        for at in range(0, len(view), size):
            yield view[at:at + size]


def _inflate(data: bytes, path: str) -> Iterator[bytes]:
    """The gzip content of ``data`` in chunks of at most ``CHUNK_BYTES``. Only the first
    gzip member is read (as ``gzip -d`` of a single file would); bytes after it are ignored."""
    inflater = zlib.decompressobj(_WBITS)
    try:
        for piece in _pieces(data, CHUNK_BYTES):
            pending: bytes | memoryview = piece
            while pending and not inflater.eof:
                out = inflater.decompress(pending, CHUNK_BYTES)
                pending = inflater.unconsumed_tail
                if out:
                    yield out
            if inflater.eof:
                return
        while not inflater.eof and (out := inflater.decompress(b"", CHUNK_BYTES)):
            yield out  # output still held back by the inflater
    except zlib.error as error:
        raise CorruptFile(path, f"damaged gzip data ({error})") from None
    if not inflater.eof:
        raise CorruptFile(path, "the gzip file is truncated (it ends before its content "
                                "does); download or copy it again")


def gunzip(data: bytes, path: str, check: Callable[[int], None]) -> bytes:
    """The content of gzip ``data``; ``check(size so far)`` runs after each chunk and
    raises to refuse (a bomb). A truncated or damaged stream is a ``CorruptFile``."""
    parts: list[bytes] = []
    size = 0
    chunks = _inflate(data, path)
    try:
        for chunk in chunks:
            size += len(chunk)
            check(size)
            parts.append(chunk)
    finally:
        chunks.close()
    return parts[0] if len(parts) == 1 else b"".join(parts)


def gunzip_head(data: bytes, path: str, count: int = SNIFF_BYTES) -> bytes:
    """The first ``count`` bytes of gzip ``data``'s content (fewer if it is shorter),
    inflating no more than a chunk. Damage within them is a ``CorruptFile``; a stream
    cut off within them gives what came before the cut."""
    inflater = zlib.decompressobj(_WBITS)
    out = bytearray()
    try:
        for piece in _pieces(data, SNIFF_BYTES):
            pending: bytes | memoryview = piece
            while pending and len(out) < count and not inflater.eof:
                out += inflater.decompress(pending, count - len(out))
                pending = inflater.unconsumed_tail
            if len(out) >= count or inflater.eof:
                break
    except zlib.error as error:
        raise CorruptFile(path, f"damaged gzip data ({error})") from None
    return bytes(out)
