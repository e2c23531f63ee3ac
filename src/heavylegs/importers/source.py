"""An imported file's bytes, reached without holding them all in memory.

Exports run to several GB (an Apple Health export.zip, a Garmin Connect export), so a
file is opened, not read: a :class:`Source` gives each reader what it needs of it, and
no more, at a memory cost that does not grow with the file's size:

- its size, its first bytes (to tell formats apart) and its sha256 (read in chunks);
- a seekable, read-only file object, for ``zipfile``;
- a random-access view (a read-only memory map of a file on disk), for recovering the
  members of a damaged zip from their local headers; :func:`release` drops the pages a
  scan has passed from the process's resident memory (they stay in the OS's page cache);
- the whole content, for the readers that need it whole (activity files, CSVs: small).

:class:`MemorySource` holds bytes already in memory (a small zip inside a zip, a test's
bytes); :class:`FileSource` an open file (a file given to ``import``, or a nested zip
spilled to an anonymous temporary file). Closing a source closes the sources attached
to it (the nested archives spilled while reading it), which deletes their temporary files.

>>> with MemorySource(b"PK\\x03\\x04 and more") as source:
...     source.size, source.head(4), source.read()[-4:], source.sha256()[:12]
(13, b'PK\\x03\\x04', b'more', 'b1aeff1de5a4')
"""

from __future__ import annotations

import hashlib
import io
import mmap
import os
from pathlib import Path
from typing import BinaryIO

CHUNK_BYTES = 1 << 20  # hashing reads this much at a time

View = bytes | mmap.mmap


class Source:
    """Read-only access to one file's bytes; see the module docstring."""

    size: int

    def __init__(self) -> None:
        self._sha256: str | None = None
        self._attached: list[Source] = []

    def head(self, count: int) -> bytes:
        """The first ``count`` bytes (fewer if the file is shorter)."""
        raise NotImplementedError

    def read(self) -> bytes:
        """The whole content, in memory."""
        raise NotImplementedError

    def open(self) -> BinaryIO:
        """A seekable, read-only file object over the content, positioned at its start.
        It belongs to the source (closed with it): do not close it."""
        raise NotImplementedError

    def view(self) -> View:
        """The content for random access (``find``, slices, ``memoryview``), not copied."""
        raise NotImplementedError

    def stream(self) -> BinaryIO:
        """A new read-only stream over the content from its start, with a position of its
        own (``open()``'s is not moved); closing it leaves the source open. A reader that
        takes its input as a stream (a CSV) reads a file on disk this way, in chunks."""
        raise NotImplementedError

    def sha256(self) -> str:
        if self._sha256 is None:
            self._sha256 = self._hash()
        return self._sha256

    def _hash(self) -> str:
        raise NotImplementedError

    def attach(self, other: Source) -> None:
        """Close ``other`` when this source is closed."""
        self._attached.append(other)

    def close(self) -> None:
        while self._attached:
            self._attached.pop().close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class MemorySource(Source):
    """Bytes already in memory."""

    def __init__(self, data: bytes, sha256: str | None = None) -> None:
        super().__init__()
        self.data, self.size = data, len(data)
        self._sha256 = sha256

    def head(self, count: int) -> bytes:
        return self.data[:count]

    def read(self) -> bytes:
        return self.data

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data)  # shares the bytes object: no copy is made

    def view(self) -> View:
        return self.data

    def stream(self) -> BinaryIO:
        return io.BytesIO(self.data)

    def _hash(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


class FileSource(Source):
    """A file open for reading. Reads use ``os.pread`` (they never move the file's
    position, which ``zipfile`` relies on) or the memory map, never a copy of the file."""

    def __init__(self, file: BinaryIO, sha256: str | None = None) -> None:
        super().__init__()
        self.file = file
        self.fd = file.fileno()
        self.size = os.fstat(self.fd).st_size
        self._sha256 = sha256
        self._map: mmap.mmap | None = None

    @classmethod
    def open_path(cls, path: Path | str) -> FileSource:
        """The file at ``path``, opened (raises OSError as ``open`` does)."""
        return cls(open(path, "rb"))  # noqa: SIM115 - closed with the source

    def head(self, count: int) -> bytes:
        return os.pread(self.fd, count, 0)

    def read(self) -> bytes:
        parts, offset = [], 0
        while offset < self.size and (chunk := os.pread(self.fd, self.size - offset, offset)):
            parts.append(chunk)
            offset += len(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def open(self) -> BinaryIO:
        self.file.seek(0)
        return self.file

    def view(self) -> View:
        if self.size == 0:
            return b""  # an empty file cannot be mapped
        if self._map is None:
            self._map = mmap.mmap(self.fd, 0, access=mmap.ACCESS_READ)
        return self._map

    def stream(self) -> BinaryIO:
        return io.BufferedReader(_PositionedReader(self.fd, self.size), CHUNK_BYTES)

    def _hash(self) -> str:
        sha, offset = hashlib.sha256(), 0
        while chunk := os.pread(self.fd, CHUNK_BYTES, offset):
            sha.update(chunk)
            offset += len(chunk)
        return sha.hexdigest()

    def close(self) -> None:
        super().close()
        if self._map is not None:
            try:
                self._map.close()
            except BufferError:  # a memoryview of it is still alive: it closes with the last
                pass
            self._map = None
        self.file.close()


class _PositionedReader(io.RawIOBase):
    """Reads of an open file descriptor with ``os.pread``, from a position of its own;
    closing it does not close the descriptor."""

    def __init__(self, fd: int, size: int) -> None:
        super().__init__()
        self.fd, self.size, self.at = fd, size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = os.pread(self.fd, min(len(buffer), max(self.size - self.at, 0)), self.at)
        buffer[:len(chunk)] = chunk
        self.at += len(chunk)
        return len(chunk)


def release(view: View, start: int, end: int) -> None:
    """Tell the OS that this process is done with ``view[start:end]`` for now: if ``view``
    is a memory map, its pages there leave the process's resident memory (they stay in the
    page cache and come back on the next access). Without it, a scan through a
    multi-GB map would count the whole file in the process's peak RSS."""
    if not isinstance(view, mmap.mmap) or not hasattr(mmap, "MADV_DONTNEED"):
        return
    start -= start % mmap.PAGESIZE  # madvise wants a page-aligned start
    end = min(end, len(view))
    if end > start:
        view.madvise(mmap.MADV_DONTNEED, start, end - start)
