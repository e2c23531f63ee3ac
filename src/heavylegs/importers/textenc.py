r"""Text files in UTF-16 (with a byte-order mark) or UTF-8 with a BOM, seen through.

Windows tools (PowerShell's ``Out-File``, Excel's "Unicode text", some Garmin and
TrainingPeaks exports) write GPX, TCX and CSV files as UTF-16 with a BOM. The format
sniffing looks at :func:`sniff_head` of a file's first bytes, and a reader gets the file
through :func:`to_utf8`, so every reader sees UTF-8 bytes. An XML declaration that names
the old encoding is relabelled, else an XML parser would decode the bytes as UTF-16 again.
An XML file read as a stream (Apple Health's export.xml) goes through :func:`utf8_stream`,
which re-encodes it chunk by chunk.

>>> data = "\ufeff<?xml version='1.0' encoding='UTF-16'?><gpx/>".encode("utf-16-le")
>>> to_utf8(data)
b"<?xml version='1.0' encoding='UTF-8'?><gpx/>"
>>> sniff_head("\ufeffdate,heaviness\n".encode("utf-16-be"))
b'date,heaviness\n'
>>> sniff_head(b"\xef\xbb\xbfdate\n"), to_utf8(b"plain") == b"plain"
(b'date\n', True)
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO, Protocol

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")  # little-, big-endian
_DECLARATION = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])[^"']*\2""")


def is_utf16(data: bytes) -> bool:
    """Whether ``data`` starts with a UTF-16 byte-order mark (not a UTF-32 one)."""
    return data[:2] in UTF16_BOMS and data[:4] != b"\xff\xfe\x00\x00"


def sniff_head(head: bytes) -> bytes:
    """A file's first bytes as UTF-8 without a BOM, for telling formats apart (a UTF-16
    head cut inside a character ends in U+FFFD)."""
    if is_utf16(head):
        return head.decode("utf-16", "replace").encode("utf-8")
    return head.removeprefix(UTF8_BOM)


def to_utf8(data: bytes) -> bytes:
    """``data`` re-encoded as UTF-8 if it is UTF-16 with a BOM (undecodable bytes become
    U+FFFD, for the reader to report), else unchanged (and not copied)."""
    if not is_utf16(data):
        return data
    text = data.decode("utf-16", "replace")
    return _DECLARATION.sub(r"\1\2UTF-8\2", text, count=1).encode("utf-8")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def utf8_stream(stream: Readable, chunk: int = 1 << 20) -> BinaryIO:
    """``stream`` read as UTF-8: re-encoded as it is read if it is UTF-16 with a BOM."""
    head = stream.read(4)
    return _Recoded(stream, head, chunk) if is_utf16(head) else _Prefixed(stream, head)  # type: ignore[return-value]


class _Prefixed:
    """``head`` (already read from ``stream``), then the rest of ``stream``."""

    def __init__(self, stream: Readable, head: bytes) -> None:
        self.stream, self.head = stream, head

    def read(self, size: int = -1) -> bytes:
        if not self.head:
            return self.stream.read(size)
        head, rest = (self.head, b"") if size < 0 or size >= len(self.head) else (
            self.head[:size], self.head[size:])
        self.head = rest
        more = self.stream.read(-1 if size < 0 else size - len(head)) if size != len(head) else b""
        return head + more


class _Recoded:
    """UTF-16 text from ``stream`` (``head``: its first bytes), read as UTF-8 bytes."""

    def __init__(self, stream: Readable, head: bytes, chunk: int) -> None:
        self.stream, self.pending, self.chunk = stream, head, chunk
        self.decoder = codecs.getincrementaldecoder("utf-16")("replace")
        self.out, self.first, self.done = b"", True, False

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.out) < size):
            raw = self.pending + self.stream.read(self.chunk)
            self.pending = b""
            text = self.decoder.decode(raw, final=not raw)
            self.done = not raw
            if self.first and text:
                text, self.first = _DECLARATION.sub(r"\1\2UTF-8\2", text, count=1), False
            self.out += text.encode("utf-8")
        size = len(self.out) if size < 0 else size
        chunk, self.out = self.out[:size], self.out[size:]
        return chunk
