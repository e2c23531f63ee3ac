"""The official Garmin SDK as the reference for heavylegs' FIT tests: the distinct corpus
FIT files and the SDK's decode of each, cached for the whole test session (the SDK reads
~0.3 MB/s, so two test files sharing one decode saves a minute)."""

from __future__ import annotations

import hashlib
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
_SDK_CACHE: dict[Path, tuple[dict, list]] = {}


def corpus_fit_files() -> list[Path]:
    """Every distinct FIT file of the shared corpus (the first path of identical copies)."""
    if not CORPUS.is_dir():
        return []
    seen: dict[str, Path] = {}
    for path in sorted(CORPUS.rglob("*")):
        if path.suffix.lower() == ".fit" and path.is_file():
            seen.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return list(seen.values())


def sdk_decode(path: Path) -> tuple[dict, list]:
    """The SDK's messages and errors, with its defaults (``hr`` merged into the records)."""
    if path not in _SDK_CACHE:
        from garmin_fit_sdk import Decoder, Stream

        decoder = Decoder(Stream.from_byte_array(bytearray(path.read_bytes())))
        _SDK_CACHE[path] = decoder.read(merge_heart_rates=True)
    return _SDK_CACHE[path]
