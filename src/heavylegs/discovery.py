"""Which files an import reads: explicit files as given, folders walked for the suffixes
heavylegs reads. Only the standard library, so the CLI can plan a parallel import
(parallel_import.py) before the heavy modules load."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

ACTIVITY_SUFFIXES = (".fit", ".gpx", ".tcx", ".csv", ".zip", ".xml")


def _is_candidate(path: Path) -> bool:
    """A file worth importing from a folder. Of XML files only an Apple Health export.xml;
    an unzipped Apple export's workout-routes/*.gpx are read with export.xml, not alone."""
    name = path.name.lower().removesuffix(".gz")
    if path.name.startswith(".") or not name.endswith(ACTIVITY_SUFFIXES):
        return False
    if name.endswith(".xml"):
        return name == "export.xml"
    return not (path.parent.name == "workout-routes" and (path.parent.parent / "export.xml").exists())


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files to import: explicit files as given, folders walked for known suffixes."""
    found, missing = [], []
    for p in paths:
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and _is_candidate(f))
        elif p.is_file():
            found.append(p)
        else:
            missing.append((str(p), "no such file or folder"))
    return found, missing
