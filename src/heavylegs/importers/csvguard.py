r"""Limits every CSV reader keeps, so that a hostile or broken CSV fails in one clear line
at a small, flat memory cost, whatever its size.

- a physical line longer than ``MAX_LINE_BYTES`` (a file with no line break at all, a
  binary file named .csv) is refused before the file is parsed: :func:`check_lines` scans
  the bytes in chunks (a file on disk is never read whole for it);
- a record of more than ``MAX_CELLS`` cells is refused (:func:`check_cells`);
- a cell longer than the ``csv`` module's field limit is said as such (:func:`csv_problem`).

Readers then decode and split the text as a stream (:func:`text_stream`), never holding a
copy of the whole text. A CSV given to ``import`` (a :class:`Source`) is never read whole:
each pass reads it in chunks, so memory is flat in its size (the rows kept aside). A CSV
member of an archive comes as bytes (read under the archive's limits); then memory is its
bytes plus the rows.

>>> check_lines(b"date,notes\r\n2024-05-01,ok\r\n", "log.csv")
>>> check_lines(b"date,notes\n" + b"x" * (MAX_LINE_BYTES + 1), "log.csv")
Traceback (most recent call last):
...
heavylegs.errors.ImportFailed: log.csv: line 2 is longer than 1 MiB (no line break within it); not a CSV heavylegs reads (accepted: CSV lines up to 1 MiB)
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Callable
from typing import BinaryIO, TextIO

from heavylegs.errors import ImportFailed
from heavylegs.importers.source import Source

Text = bytes | Source  # a CSV's bytes, or the file given to import (read in chunks)

MAX_LINE_BYTES = 1 << 20  # one physical line
MAX_CELLS = 2_000  # cells in one record; heavylegs' widest format has under 100 columns
CHUNK_BYTES = 1 << 20
_ACCEPTED_LINES = "CSV lines up to 1 MiB"


def _mib(count: int) -> str:
    return f"{count / (1 << 20):g} MiB" if count >= 1 << 20 else f"{count:,} bytes"


def binary(data: Text) -> BinaryIO:
    """A new stream over ``data`` from its start (bytes are not copied)."""
    return io.BytesIO(data) if isinstance(data, bytes) else data.stream()


def head(data: Text, count: int) -> bytes:
    return data[:count] if isinstance(data, bytes) else data.head(count)


def check_lines(data: Text | Callable[[int], bytes], path: str) -> None:
    """Refuse the first physical line (``\\n``, ``\\r\\n`` or ``\\r`` ended) longer than
    ``MAX_LINE_BYTES``. ``data`` is the bytes, a source, or a ``read(size)`` function of a
    stream, read in ``CHUNK_BYTES`` chunks in every case."""
    read = binary(data).read if isinstance(data, bytes | Source) else data
    limit = MAX_LINE_BYTES
    line, current, carry = 1, 0, b""
    while chunk := read(CHUNK_BYTES):
        chunk = carry + chunk
        carry = b""
        if chunk.endswith(b"\r"):  # a CRLF may be cut between two chunks
            chunk, carry = chunk[:-1], b"\r"
        parts = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
        lengths = [current + len(parts[0]), *map(len, parts[1:])]
        if max(lengths) > limit:
            at = next(i for i, n in enumerate(lengths) if n > limit)
            _too_long(path, line + at)
        line += len(parts) - 1
        current = lengths[-1] if len(parts) > 1 else lengths[0]


def _too_long(path: str, line: int) -> None:
    raise ImportFailed(path, f"line {line} is longer than {_mib(MAX_LINE_BYTES)} (no line "
                             "break within it); not a CSV heavylegs reads "
                             f"(accepted: {_ACCEPTED_LINES})")


def check_cells(cells: list[str], path: str, line: int) -> None:
    """Refuse a record of more than ``MAX_CELLS`` cells (``line``: where it starts)."""
    if len(cells) > MAX_CELLS:
        raise ImportFailed(path, f"line {line} has {len(cells):,} cells, more than the "
                                 f"{MAX_CELLS:,} heavylegs reads (accepted: CSV files of up to "
                                 f"{MAX_CELLS:,} columns)")


def csv_problem(error: Exception) -> str:
    """What a ``csv.Error`` means, for a runner."""
    text = str(error)
    if "field larger than field limit" in text:
        return "a cell is longer than 131,072 characters"
    return text


def text_stream(data: Text, encoding: str = "utf-8-sig", errors: str = "strict") -> TextIO:
    """``data`` as text, decoded as it is read (no copy of the whole text is made); for
    ``csv.reader``, so line breaks inside quoted cells are kept (``newline=""``)."""
    return io.TextIOWrapper(binary(data), encoding=encoding, errors=errors, newline="")


def utf8_error(data: Text) -> int | None:
    """The offset of the first byte that is not UTF-8, or None: checked in chunks, not
    decoded whole into memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    stream, at, chunk = binary(data), 0, b""
    try:
        while chunk := stream.read(CHUNK_BYTES):
            decoder.decode(chunk)
            at += len(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        held = len(error.object) - len(chunk)  # bytes carried over from the chunk before
        return at - held + error.start
    return None
