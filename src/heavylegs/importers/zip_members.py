"""Zip members as :class:`~heavylegs.importers.archive.Archive` lists them: each name
checked before anything is read (a name that would climb out of a folder is refused), and
what makes a member unreadable found from its headers (encryption, a compression method
zipfile cannot read, data that overlaps another member's)."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, replace

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
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


def method_problem(method: int, flags: int) -> str | None:
    """Why a member with this compression ``method`` and these ``flags`` cannot be read."""
    if flags & 0x41 or method == 99:
        return "it is encrypted (password-protected); export the archive again without a password"
    if method not in _KNOWN_METHODS:
        what = _METHOD_NAMES.get(method, f"method {method}")
        return f"it is compressed with {what}, which heavylegs cannot read; unzip and zip it again"
    return None


def info_entry(info: zipfile.ZipInfo) -> Entry:
    """The entry of a member listed in the archive's central directory."""
    name = printable(info.orig_filename.replace("\\", "/"))
    return Entry(name, info.compress_size, info.CRC, info.compress_type, info.flag_bits, info,
                 unsafe=unsafe_name(info.orig_filename),
                 problem=method_problem(info.compress_type, info.flag_bits))


def flag_overlaps(entries: list[Entry]) -> list[Entry]:
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
