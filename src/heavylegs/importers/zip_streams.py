"""A zip member's bytes as they stream out of an archive: collected by a :class:`Spool`
(in memory, or an anonymous temporary file past a limit) or read through a
:class:`ChunkStream`."""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Iterator
from typing import BinaryIO

from heavylegs.errors import ImportFailed
from heavylegs.importers.source import FileSource, MemorySource, Source


class Spool:
    """Collects a member's bytes and their hash: in memory while they fit in
    ``in_memory_bytes`` (the archive's ``NESTED_IN_MEMORY_BYTES``; unless ``to_file``), then
    in an anonymous temporary file in ``spill_dir`` (``tempfile`` unlinks it at once, so it
    vanishes when closed, even if the process dies)."""

    def __init__(self, name: str, in_memory_bytes: int, spill_dir: str | None, *,
                 to_file: bool = False) -> None:
        self.name, self.to_file = name, to_file
        self.in_memory_bytes, self.spill_dir = in_memory_bytes, spill_dir
        self.sha = hashlib.sha256()
        self.memory: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None

    def write(self, chunk: bytes) -> None:
        self.sha.update(chunk)
        try:
            if self.file is None:
                assert self.memory is not None
                if not self.to_file and self.memory.tell() + len(chunk) <= self.in_memory_bytes:
                    self.memory.write(chunk)
                    return
                self.file = tempfile.TemporaryFile(prefix="heavylegs-", suffix=".zip",
                                                   dir=self.spill_dir)
                with self.memory.getbuffer() as held:
                    self.file.write(held)
                self.memory = None
            self.file.write(chunk)
        except OSError as error:  # a full disk, an unwritable temporary folder
            raise ImportFailed(self.name, "cannot spool it to a temporary file "
                                          f"({error.strerror or error}); free some disk space "
                                          "or set TMPDIR") from None

    def source(self) -> Source:
        sha = self.sha.hexdigest()
        if self.file is None:
            assert self.memory is not None
            return MemorySource(self.memory.getvalue(), sha)  # getvalue() shares, no copy
        self.file.flush()
        return FileSource(self.file, sha)

    def discard(self) -> None:
        if self.file is not None:
            self.file.close()


class ChunkStream:
    """A read-only stream (``read(size)``) over an iterator of byte chunks."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._pending, self._at = b"", 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            rest = [self._pending[self._at:], *self._chunks]
            self._pending, self._at = b"", 0
            return b"".join(rest)
        while self._at >= len(self._pending):
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._pending, self._at = chunk, 0
        out = self._pending[self._at:self._at + size]
        self._at += len(out)
        return out

    def close(self) -> None:
        close = getattr(self._chunks, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> ChunkStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

