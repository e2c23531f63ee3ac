"""Zip archives read safely, in bounded memory: no member is ever extracted to a named file.

An :class:`Archive` lists a zip's members and reads one member at a time, in chunks, under
limits that stop a hostile archive early. The zip itself is read from a
:class:`~heavylegs.importers.source.Source`: a file given to ``import`` stays on disk
(``zipfile`` reads it through a file object), so memory does not grow with the archive's
size. A zip inside a zip is read into memory when it holds at most
``NESTED_IN_MEMORY_BYTES``, else spooled to an anonymous temporary file (in ``SPILL_DIR``,
default: the system's temporary folder) that is deleted when the outer archive's source
is closed. The limits:

- a member name that would climb out of a folder if extracted (absolute path, ``..``,
  drive letter, backslash tricks, NUL byte) is refused, even though nothing is extracted:
  such a name only comes from a hostile or broken tool;
- a member is read with a cap whatever its header declares: more than
  ``MAX_MEMBER_BYTES``, or more than ``MAX_RATIO``:1 over ``RATIO_FLOOR_BYTES``, is a zip
  bomb; every member of an archive and its nested archives together stop at
  ``MAX_TOTAL_BYTES``, and at ``MAX_RATIO``:1 of the archive's own size;
- decompression is budgeted as a whole: a member's ratio is taken against what it takes
  in the outermost archive (a nested archive's members are scaled by how much the nested
  archive itself expanded), and a gzip layer inside a member (``run.fit.gz``) is inflated
  (:meth:`Archive.content`) under the same ratio and total as the zip around it;
- a member's type is told from its first bytes (:meth:`Archive.sniff` inflates a small
  prefix only, through a gzip layer too) before it is inflated further, so a member of a
  type heavylegs does not read is never inflated whole;
- archives nest at most ``MAX_DEPTH`` deep below the archive given, and an archive that
  contains itself (by content hash: a zip quine) is refused;
- members whose data overlap (a non-recursive zip bomb) are refused;
- encrypted members and compression methods zipfile cannot read fail clearly;
- a member a reader takes as a stream (Apple Health's export.xml, which can pass
  ``MAX_MEMBER_BYTES``) goes through :class:`LimitedReader`: it counts toward the total and
  is held to the ratio as it streams.

A problem with one member fails that member only (a unit whose ``parse`` raises
:class:`ImportFailed` naming ``archive.zip!member``); the rest of the archive imports. A
truncated archive (no central directory) is read from its local headers: every complete
member is recovered and the cut one fails.

The limits are module constants, read at call time, so a test can patch them small.

Member names and what makes a member unreadable are checked in zip_members.py, a damaged
archive's members are recovered in zip_salvage.py, and a nested archive is spooled by
zip_streams.py (which also gives a member as a stream).
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from heavylegs.errors import CorruptFile, ImportFailed
from heavylegs.importers import inflate
from heavylegs.importers.bundle import Bundle, Unit
from heavylegs.importers.source import MemorySource, Source
from heavylegs.importers.zip_members import Entry, flag_overlaps, info_entry
from heavylegs.importers.zip_salvage import inflate_member, salvage
from heavylegs.importers.zip_streams import ChunkStream, Spool

MAX_MEMBER_BYTES = 1 << 30  # one member, uncompressed
MAX_TOTAL_BYTES = 20 << 30  # all members of an archive and its nested archives
MAX_RATIO = 200  # uncompressed : compressed, refused once a member passes RATIO_FLOOR_BYTES
RATIO_FLOOR_BYTES = 10 << 20
MAX_DEPTH = 3  # archives inside the archive given, nested
MAX_MEMBERS = 1_000_000  # members of an archive and its nested archives
CHUNK_BYTES = 1 << 20
HEAD_BYTES = 64 << 10  # kept from each member's start, to tell CSV kinds apart
NESTED_IN_MEMORY_BYTES = 256 << 20  # a bigger zip inside a zip is spooled to a temporary file
SPILL_DIR: str | None = None  # where (None: tempfile's default, $TMPDIR or /tmp)

_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                NotImplementedError, ValueError, struct.error)


@dataclass(frozen=True, slots=True)
class Digest:
    """A member's content hash and size (uncompressed) and its first ``HEAD_BYTES``."""

    sha256: str
    size: int
    head: bytes


@dataclass
class Budget:
    """What an archive and its nested archives have used of the total limits;
    ``compressed`` is the outermost archive's size (0: unknown)."""

    total_bytes: int = 0
    members: int = 0
    compressed: int = 0


class Archive:
    """A zip read from ``data`` (a :class:`Source`, or bytes); ``path`` names it in messages
    (``a.zip`` or ``a.zip!b.zip``). Nested archives share ``budget``, and their sources
    are attached to this one's (closed with it). ``scale`` is how many bytes of the
    outermost archive one byte of this one takes (1 for the archive given)."""

    def __init__(self, path: str, data: bytes | Source, *, depth: int = 0,
                 ancestors: frozenset[str] = frozenset(), budget: Budget | None = None,
                 scale: float = 1.0) -> None:
        self.source = data if isinstance(data, Source) else MemorySource(data)
        self.path, self.depth, self.ancestors = path, depth, ancestors
        self.budget = budget if budget is not None else Budget(compressed=self.source.size)
        self.scale = scale
        self.damage: str | None = None
        try:
            self.zipfile: zipfile.ZipFile | None = zipfile.ZipFile(self.source.open())
            self.entries = flag_overlaps([info_entry(i) for i in self.zipfile.infolist()
                                          if not i.is_dir()])
        except Exception as error:  # any damage: fall back to the local headers
            self.zipfile = None
            self.entries, self.damage = salvage(self.source.view())
            if not self.entries:
                raise CorruptFile(path, "not a readable zip archive "
                                        f"({one_line(error)}); download or copy it again") from None
        self.budget.members += len(self.entries)
        if self.budget.members > MAX_MEMBERS:
            raise ImportFailed(path, f"the archive holds more than {MAX_MEMBERS:,} members "
                                     "(a zip bomb?); refused")

    def sha256(self) -> str:
        """The archive's own content hash (read in chunks, once)."""
        return self.source.sha256()

    def member_path(self, entry: Entry) -> str:
        return f"{self.path}!{entry.name}"

    def safe_entries(self) -> list[Entry]:
        return [e for e in self.entries if e.unsafe is None and not e.name.startswith("__MACOSX/")]

    def problem_units(self) -> list[Unit]:
        """Failed units for unsafe member names and for damage no member shows."""
        units = [failed_unit(self.member_path(e), f"unsafe member name ({e.unsafe}); refused: "
                                                  "the archive may be malicious")
                 for e in self.entries if e.unsafe is not None]
        if self.damage and not any(e.problem and "cut off" in e.problem for e in self.entries):
            units.append(failed_unit(self.path, self.damage))
        return units

    # -- reading ------------------------------------------------------------------------
    def digest(self, entry: Entry) -> Digest:
        """Hash a member as it streams (nothing is kept but the head); counts toward the
        archive's total."""
        sha, head = hashlib.sha256(), bytearray()

        def sink(chunk: bytes) -> None:
            sha.update(chunk)
            if len(head) < HEAD_BYTES:
                head.extend(chunk[:HEAD_BYTES - len(head)])
        size = self._consume(entry, sink, count=True)
        return Digest(sha.hexdigest(), size, bytes(head))

    def read(self, entry: Entry, *, count: bool = False) -> bytes:
        """A member's bytes, under the limits (raises ImportFailed naming the member)."""
        parts: list[bytes] = []
        self._consume(entry, parts.append, count=count)
        return b"".join(parts)

    def stream(self, entry: Entry) -> ChunkStream:
        """A member as a read-only stream, under the same limits as :meth:`read` (not
        counted: its :meth:`digest` was); for a reader that takes its input in chunks."""
        return ChunkStream(self._checked_chunks(entry, count=False))

    def nested(self, entry: Entry) -> Archive:
        """The archive a member holds, after the depth and self-containment checks."""
        path = self.member_path(entry)
        if self.depth + 1 > MAX_DEPTH:
            raise ImportFailed(path, f"archives nested more than {MAX_DEPTH} deep; refused "
                                     "(a zip bomb?)")
        inner = self._extract(entry)
        self.source.attach(inner)  # a spooled temporary file lives as long as this archive
        lineage = self.ancestors | {self.sha256()}
        if inner.sha256() in lineage:
            inner.close()
            raise ImportFailed(path, "the archive contains itself (a zip quine); refused")
        scale = self.scale * entry.compress_size / max(inner.size, 1)
        return Archive(path, inner, depth=self.depth + 1, ancestors=lineage, budget=self.budget,
                       scale=scale)

    def sniff(self, entry: Entry, count: int = inflate.SNIFF_BYTES) -> bytes:
        """The first ``count`` bytes of a member's content (through a gzip layer), to tell
        what it is: only a small prefix is inflated, and nothing is counted."""
        name = self.member_path(entry)
        if entry.unsafe or entry.problem:
            raise ImportFailed(name, entry.problem or f"unsafe member name ({entry.unsafe})")
        try:
            if entry.info is not None and self.zipfile is not None:
                with self.zipfile.open(entry.info) as stream:
                    head = stream.read(count)
            else:
                chunks = inflate_member(self.source.view(), entry, CHUNK_BYTES)
                head = next(chunks, b"")[:count]
                chunks.close()
        except _READ_ERRORS as error:
            raise CorruptFile(name, _read_error(error)) from None
        if head[:2] == inflate.GZIP_MAGIC:
            return inflate.gunzip_head(head, name, count)
        return head

    def content(self, entry: Entry) -> bytes:
        """A member's bytes with its gzip layer (if any) inflated, under the archive's
        limits: the ratio against the member's compressed size, and the total, which the
        inflated bytes join (the member's own bytes joined it with its digest)."""
        data = self.read(entry)
        if data[:2] != inflate.GZIP_MAGIC:
            return data
        name = self.member_path(entry)
        compressed = entry.compress_size * self.scale

        def check(size: int) -> None:
            inflate.check_cap(name, size)
            _check_limits(name, size, compressed, self.budget.total_bytes + size,
                          self.budget.compressed)
        out = inflate.gunzip(data, name, check)
        self.budget.total_bytes += len(out)
        return out

    def unit(self, entry: Entry, parse: Callable[[str, bytes], Bundle], *,
             digest: Digest | None = None, salt: str = "") -> Unit:
        """One unit for a member: hashed now, read again only if its ``parse`` runs.
        ``salt`` joins the hash when the bundle also depends on something else."""
        name = self.member_path(entry)
        try:
            digest = digest or self.digest(entry)
        except ImportFailed as error:
            return failed_unit(name, error.reason)
        sha = digest.sha256
        if salt:
            sha = hashlib.sha256(f"{sha}\n{salt}".encode()).hexdigest()
        return Unit(name, sha, digest.size, lambda: parse(name, self.content(entry)))

    def _extract(self, entry: Entry) -> Source:
        """A member (a zip inside this one) as a source of its own, counted toward the
        total and hashed as it streams: in memory up to ``NESTED_IN_MEMORY_BYTES``, else
        in an anonymous temporary file, so a multi-GB inner zip never sits in memory."""
        # The size the headers declare (a damaged archive's salvaged member: at least its
        # compressed size) picks the file from the start; a header that understates the
        # size is caught as the bytes come.
        declared = entry.info.file_size if entry.info is not None else entry.compress_size
        spool = Spool(self.member_path(entry), NESTED_IN_MEMORY_BYTES, SPILL_DIR,
                      to_file=declared > NESTED_IN_MEMORY_BYTES)
        try:
            self._consume(entry, spool.write, count=True)
        except BaseException:
            spool.discard()
            raise
        return spool.source()

    def _consume(self, entry: Entry, sink: Callable[[bytes], object], *, count: bool) -> int:
        size = 0
        for chunk in self._checked_chunks(entry, count=count):
            size += len(chunk)
            sink(chunk)
        return size

    def _checked_chunks(self, entry: Entry, *, count: bool) -> Iterator[bytes]:
        """A member's bytes in chunks, each checked against the limits before it is given
        out; with ``count``, the member's size joins the archive's total at its end."""
        name = self.member_path(entry)
        if entry.unsafe or entry.problem:
            raise ImportFailed(name, entry.problem or f"unsafe member name ({entry.unsafe})")
        size = 0
        chunks = self._chunks(entry)
        while True:
            try:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                size += len(chunk)
                _check_limits(name, size, entry.compress_size * self.scale,
                              self.budget.total_bytes + size if count else 0,
                              self.budget.compressed if count else 0)
            except _READ_ERRORS as error:
                chunks.close()
                raise CorruptFile(name, _read_error(error)) from None
            except ImportFailed:
                chunks.close()
                raise
            yield chunk
        if count:
            self.budget.total_bytes += size

    def _chunks(self, entry: Entry) -> Iterator[bytes]:
        if entry.info is None or self.zipfile is None:
            yield from inflate_member(self.source.view(), entry, CHUNK_BYTES)
            return
        with self.zipfile.open(entry.info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk



class LimitedReader:
    """A zip member's stream (``zipfile``'s) held to the archive's limits as it is read:
    the ratio, and with ``count`` the archive's total, which every byte read joins. For a
    member a reader takes as a stream whatever its size (Apple Health's export.xml): the
    per-member cap does not apply, the total does. Read errors pass through unchanged."""

    def __init__(self, stream: BinaryIO, name: str, compressed: int, budget: Budget, *,
                 count: bool) -> None:
        self.stream, self.name, self.compressed = stream, name, compressed
        self.budget, self.count = budget, count
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.stream.read(size)
        self.size += len(chunk)
        if self.count:
            self.budget.total_bytes += len(chunk)
        _check_limits(self.name, self.size, self.compressed,
                      self.budget.total_bytes if self.count else 0,
                      self.budget.compressed if self.count else 0, capped=False)
        return chunk


def _check_limits(name: str, size: int, compressed: float, total: int, archive: int = 0, *,
                  capped: bool = True) -> None:
    """Refuse a member at ``size`` bytes so far (``compressed`` in the outermost archive)
    once the archive's members total ``total`` bytes (of an outermost ``archive`` bytes)."""
    if capped and size > MAX_MEMBER_BYTES:
        raise ImportFailed(name, f"expands beyond {MAX_MEMBER_BYTES >> 20:,} MiB (a zip bomb?); "
                                 "refused")
    if size > RATIO_FLOOR_BYTES and size > MAX_RATIO * max(compressed, 1):
        raise ImportFailed(name, f"expands more than {MAX_RATIO}:1 (a zip bomb?); refused")
    if total > MAX_TOTAL_BYTES:
        raise ImportFailed(name, f"the archive's members expand beyond {MAX_TOTAL_BYTES >> 30} GiB "
                                 "in all (a zip bomb?); refused from here on")
    if archive and total > RATIO_FLOOR_BYTES and total > MAX_RATIO * archive:
        raise ImportFailed(name, f"the archive's members expand more than {MAX_RATIO}:1 in all "
                                 "(a zip bomb?); refused from here on")


def _read_error(error: BaseException) -> str:
    text = one_line(str(error))
    if isinstance(error, EOFError):
        return "its compressed data ends early (a truncated archive?); download it again"
    if "CRC" in text:
        return "its data is damaged (CRC check failed); download the archive again"
    return f"the member cannot be read ({type(error).__name__}: {text})"


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def failed_unit(name: str, reason: str) -> Unit:
    """A unit that fails with ``reason`` when parsed (its hash never matches a file)."""
    sha = hashlib.sha256(f"failed\n{name}\n{reason}".encode()).hexdigest()

    def parse() -> Bundle:
        raise ImportFailed(name, reason)
    return Unit(name, sha, 0, parse)
