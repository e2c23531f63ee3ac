"""Uploads streamed to disk: a multipart/form-data body is parsed as it arrives and each
file part written to a fresh temporary folder in the workspace, never held in memory,
with a size limit checked on every chunk.

No part of a request names a path: a file's name is reduced to a safe base name (letters,
digits, ``._-``) inside a numbered folder of its own, kept only for its suffix (which the
importers read) and for the report, where it is mapped back to the name that was sent.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header

from heavylegs.errors import HeavyLegsError

DEFAULT_LIMIT_BYTES = 4096 * 1_000_000  # as `serve --max-upload-mb` 4096; a large Apple Health export is ~2 GB
MAX_FIELD_BYTES = 64 * 1024
MAX_FILES = 10_000
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadRefused(HeavyLegsError):
    """An upload that is refused (too large, malformed, not multipart): one clear line."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def safe_name(sent: str) -> str:
    """The base name of ``sent`` (a browser may send a folder path) with every character
    outside ``A-Za-z0-9._-`` replaced; never empty, never a dot name.

    >>> safe_name("../../etc/passwd"), safe_name("C:\\\\runs\\\\morning run.FIT"), safe_name("..")
    ('passwd', 'morning_run.FIT', 'upload')
    """
    base = re.split(r"[\\/]", sent)[-1]
    clean = _UNSAFE.sub("_", base).lstrip(".")
    return clean[:120] or "upload"


@dataclass
class Upload:
    """Files written to ``folder`` (path -> the name that was sent) and the form fields."""

    folder: Path
    files: dict[Path, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)

    def cleanup(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def shown(self, path: str) -> str:
        """A path from an import report, as the runner sent it."""
        for stored, sent in self.files.items():
            if path == str(stored):
                return sent
            if path.startswith(str(stored)):
                return sent + path[len(str(stored)):]
        return path.replace(str(self.folder) + "/", "")


async def receive(stream: AsyncIterator[bytes], content_type: str, content_length: str | None,
                  parent: Path, limit: int, before_files: str | None = None) -> Upload:
    """Parse a multipart body from ``stream`` into a new folder under ``parent``.
    ``before_files``: a form field (the CSRF token) that must come before any file; the
    caller checks its value in ``fields`` (it is checked here to be present)."""
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused("the upload is not multipart/form-data (send files from the import page or with "
                            "curl -F file=@PATH)")
    if content_length and content_length.isdigit() and int(content_length) > limit:
        raise UploadRefused(f"the upload is {int(content_length) / 1e6:.1f} MB, over the limit of "
                            f"{limit / 1e6:.1f} MB (heavylegs serve --max-upload-mb)", 413)
    parent.mkdir(parents=True, exist_ok=True)
    upload = Upload(Path(tempfile.mkdtemp(prefix="upload-", dir=parent)))
    try:
        await _parse(stream, params[b"boundary"], upload, limit, before_files)
    except BaseException:
        upload.cleanup()
        raise
    return upload


class _Parts:
    """The multipart parser's callbacks: each file part into its own file under the upload's
    folder, each field (small) into ``upload.fields``."""

    def __init__(self, upload: Upload, before_files: str | None) -> None:
        self.upload, self.before_files = upload, before_files
        self.headers: dict[bytes, bytes] = {}
        self.field = self.value = self.data = b""
        self.name = ""
        self.out: IO[bytes] | None = None

    def callbacks(self) -> dict[str, object]:
        return {"on_header_field": self.on_header_field, "on_header_value": self.on_header_value,
                "on_header_end": self.on_header_end, "on_headers_finished": self.on_headers_finished,
                "on_part_data": self.on_part_data, "on_part_end": self.on_part_end}

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.field.lower()] = self.value
        self.field = self.value = b""

    def on_headers_finished(self) -> None:
        _, opts = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.name = opts.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in opts:
            return
        sent = opts[b"filename"].decode("utf-8", "replace")
        if self.before_files and self.before_files not in self.upload.fields:
            raise UploadRefused(f"the form's {self.before_files} field must come before its files")
        if not sent:  # an empty file input
            self.name = ""
            return
        if len(self.upload.files) >= MAX_FILES:
            raise UploadRefused(f"more than {MAX_FILES} files in one upload; send them in parts or as a zip")
        slot = self.upload.folder / str(len(self.upload.files))
        slot.mkdir()
        path = slot / safe_name(sent)
        self.upload.files[path] = sent
        self.out = path.open("wb")

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.out.write(data[start:end])
        elif self.name:
            self.data += data[start:end]
            if len(self.data) > MAX_FIELD_BYTES:
                raise UploadRefused(f"form field {self.name!r} is over {MAX_FIELD_BYTES} bytes")

    def on_part_end(self) -> None:
        if self.out is not None:
            self.out.close()
        elif self.name:
            self.upload.fields[self.name] = self.data.decode("utf-8", "replace")
        self.headers, self.out, self.name, self.data = {}, None, "", b""

    def close(self) -> None:
        if self.out is not None:
            self.out.close()


async def _parse(stream: AsyncIterator[bytes], boundary: bytes, upload: Upload, limit: int,
                 before_files: str | None) -> None:
    parts = _Parts(upload, before_files)
    parser = MultipartParser(boundary, parts.callbacks())  # type: ignore[arg-type]
    total = 0
    try:
        async for chunk in stream:
            total += len(chunk)
            if total > limit:
                raise UploadRefused(f"the upload is over the limit of {limit / 1e6:.1f} MB "
                                    "(heavylegs serve --max-upload-mb)", 413)
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        raise
    except Exception as exc:  # the parser's own errors: a malformed body
        raise UploadRefused(f"the upload is not valid multipart/form-data ({exc})") from None
    finally:
        parts.close()
