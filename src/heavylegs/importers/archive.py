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
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from heavylegs.errors import CorruptFile, ImportFailed
from heavylegs.importers import inflate
from heavylegs.importers.bundle import Bundle, Unit
from heavylegs.importers.source import FileSource, MemorySource, Source, View, release

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
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # a local file header, 30 bytes
_LOCAL_SIG, _CENTRAL_SIG, _DESCRIPTOR_SIG = b"PK\x03\x04", b"PK\x01\x02", b"PK\x07\x08"
_KNOWN_METHODS = {0, 8, 12, 14}  # stored, deflate, bzip2, lzma: what zipfile reads
_METHOD_NAMES = {9: "Deflate64", 98: "PPMd", 99: "AES encryption", 93: "Zstandard", 95: "xz"}


def printable(name: str) -> str:
    """``name`` with control characters escaped, so a message stays on one line."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


def unsafe_name(raw: str) -> str | None:
    """Why a member name is refused, or ``None`` if it is a plain relative path.

    >>> unsafe_name("activities/1.fit.gz") is None, unsafe_name("dir\\\\run.fit") is None
    (True, True)
    >>> unsafe_name("..\\\\..\\\\evil.fit")
    "its name climbs out of the archive with '..'"
    >>> unsafe_name("C:/x.fit")
    'its name starts with a drive letter'
    """
    if "\x00" in raw:
        return "its name holds a NUL byte"
    name = raw.replace("\\", "/")
    if name.startswith("/"):
        return "its name is an absolute path"
    if _DRIVE.match(name):
        return "its name starts with a drive letter"
    if ".." in name.split("/"):
        return "its name climbs out of the archive with '..'"
    return None


@dataclass(frozen=True, slots=True)
class Entry:
    """One file member. ``info`` is ``None`` for a member recovered from its local header
    (damaged archive); then ``data_start`` is where its compressed bytes begin."""

    name: str  # '/'-separated, control characters escaped
    compress_size: int
    crc: int
    method: int
    flags: int
    info: zipfile.ZipInfo | None = None
    data_start: int = 0
    unsafe: str | None = None  # why the name is refused
    problem: str | None = None  # why the member cannot be read


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


def _problem(method: int, flags: int) -> str | None:
    if flags & 0x41 or method == 99:
        return "it is encrypted (password-protected); export the archive again without a password"
    if method not in _KNOWN_METHODS:
        what = _METHOD_NAMES.get(method, f"method {method}")
        return f"it is compressed with {what}, which heavylegs cannot read; unzip and zip it again"
    return None


def _entry(info: zipfile.ZipInfo) -> Entry:
    name = printable(info.orig_filename.replace("\\", "/"))
    return Entry(name, info.compress_size, info.CRC, info.compress_type, info.flag_bits, info,
                 unsafe=unsafe_name(info.orig_filename),
                 problem=_problem(info.compress_type, info.flag_bits))


def _flag_overlaps(entries: list[Entry]) -> list[Entry]:
    """Members whose data overlap another's (how a non-recursive zip bomb packs gigabytes
    into kilobytes; Python 3.11's zipfile does not check) cannot be read."""
    def offset(i: int) -> int:
        info = entries[i].info
        return info.header_offset if info is not None else entries[i].data_start

    ordered = sorted(range(len(entries)), key=offset)
    bad: set[int] = set()
    for a, b in zip(ordered, ordered[1:], strict=False):
        if offset(a) + entries[a].compress_size > offset(b):
            bad |= {a, b}
    why = "its data overlaps another member's (a zip bomb?); refused"
    return [replace(e, problem=why) if i in bad else e for i, e in enumerate(entries)]


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
            self.entries = _flag_overlaps([_entry(i) for i in self.zipfile.infolist()
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
                chunks = _inflate(self.source.view(), entry)
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
        spool = _Spool(self.member_path(entry), to_file=declared > NESTED_IN_MEMORY_BYTES)
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
            yield from _inflate(self.source.view(), entry)
            return
        with self.zipfile.open(entry.info) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk


class _Spool:
    """Collects a member's bytes and their hash: in memory while they fit in
    ``NESTED_IN_MEMORY_BYTES`` (unless ``to_file``), then in an anonymous temporary file
    (``tempfile`` unlinks it at once, so it vanishes when closed, even if the process dies)."""

    def __init__(self, name: str, *, to_file: bool = False) -> None:
        self.name, self.to_file = name, to_file
        self.sha = hashlib.sha256()
        self.memory: io.BytesIO | None = io.BytesIO()
        self.file: BinaryIO | None = None

    def write(self, chunk: bytes) -> None:
        self.sha.update(chunk)
        try:
            if self.file is None:
                assert self.memory is not None
                if not self.to_file and self.memory.tell() + len(chunk) <= NESTED_IN_MEMORY_BYTES:
                    self.memory.write(chunk)
                    return
                self.file = tempfile.TemporaryFile(prefix="heavylegs-", suffix=".zip",
                                                   dir=SPILL_DIR)
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


# -- damaged archives: members recovered from their local headers ---------------------------
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
               if cut else _problem(method, flags))
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


def _inflate(data: View, entry: Entry) -> Iterator[bytes]:
    pieces = _compressed(data, entry.data_start, entry.compress_size)
    crc = 0
    chunks = (_stored(pieces) if entry.method == 0 else _deflated(pieces))
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if crc != entry.crc:
        raise zipfile.BadZipFile("CRC check failed")


def _compressed(data: View, start: int, length: int) -> Iterator[memoryview]:
    """``data[start:start + length]`` (cut at the end of ``data``) in ``CHUNK_BYTES``
    pieces, not copied; a memory map's pages are released once a piece is used."""
    end = min(start + length, len(data))
    with memoryview(data) as view:
        for at in range(start, end, CHUNK_BYTES):
            with view[at:min(at + CHUNK_BYTES, end)] as piece:
                yield piece
            release(data, at, at + CHUNK_BYTES)


def _stored(pieces: Iterator[memoryview]) -> Iterator[bytes]:
    for piece in pieces:
        yield bytes(piece)


def _deflated(pieces: Iterator[memoryview]) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    for piece in pieces:
        pending: bytes | memoryview = piece
        while True:
            out = inflater.decompress(pending, CHUNK_BYTES)
            if out:
                yield out
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(out) < CHUNK_BYTES):
                break
        if inflater.eof:
            return
    raise EOFError("compressed data ends early")
