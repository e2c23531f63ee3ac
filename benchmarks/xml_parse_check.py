"""Before/after equality of GPX and TCX parsing, over many files.

Usage::

    .venv/bin/python benchmarks/xml_parse_check.py --write snap.json [--sim DIR]
    .venv/bin/python benchmarks/xml_parse_check.py --check snap.json [--sim DIR]

Every GPX and TCX file (also gzipped) of the shared corpus (``../shared/corpus``, per its
``MANIFEST.tsv``), of ``tests/data`` and, with ``--sim DIR``, of simulated athletes
written into DIR (made on the first run: seeds 1-3, GPX and TCX, plus the sim's
``mixed`` format) is read with ``read_activity_file``. What each yields is reduced to
one digest line per file: every activity's summary (``repr``: exact floats), warnings,
and every stream column's dtype and values (``repr`` of ``to_list()``, so ``nan``,
``None`` and ``-0.0`` all differ), or the error's type and message. ``--write`` stores
the digests, ``--check`` compares with stored ones and lists every file that differs.
Run ``--write`` on the old code and ``--check`` on the new.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
import time
from pathlib import Path

from heavylegs.errors import ImportFailed
from heavylegs.importers import read_activity_file

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SUFFIXES = (".gpx", ".tcx", ".gpx.gz", ".tcx.gz")


def digest(path: Path) -> str:
    """One line that changes whenever anything the file yields changes."""
    try:
        activities = read_activity_file(path)
    except ImportFailed as error:
        return f"ERROR {type(error).__name__}: {error}"
    parts = []
    for activity in activities:
        frame = activity.streams
        columns = [f"{name}:{frame[name].dtype}:{frame[name].to_list()!r}"
                   for name in frame.columns]
        parts.append(repr(activity.summary))
        parts.append(repr(activity.warnings))
        parts.append(hashlib.sha256("\n".join(columns).encode()).hexdigest())
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def corpus_files() -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.exists():
        return []
    with manifest.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [CORPUS / row["path"] for row in rows if row["format"] in ("gpx", "tcx")]


def sim_files(folder: Path) -> list[Path]:
    if not folder.exists():
        from heavylegs import sim

        for seed, weeks, formats in ((1, 6, "gpx"), (1, 6, "tcx"), (2, 4, "gpx"),
                                     (3, 4, "tcx"), (4, 8, "mixed")):
            result = sim.simulate(sim.Scenario(seed=seed, weeks=weeks, formats=formats))
            sim.write_files(result, folder / f"seed{seed}-{formats}")
    return sorted(p for p in folder.rglob("*") if p.name.lower().endswith(SUFFIXES))


def all_files(sim_dir: Path | None) -> list[Path]:
    local = sorted(p for p in (REPO / "tests" / "data").rglob("*")
                   if p.name.lower().endswith(SUFFIXES))
    return corpus_files() + local + (sim_files(sim_dir) if sim_dir else [])


def key(path: Path) -> str:
    for base in (CORPUS, REPO):
        if path.is_relative_to(base):
            return str(path.relative_to(base))
    return str(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", type=Path)
    mode.add_argument("--check", type=Path)
    parser.add_argument("--sim", type=Path, help="folder of simulated files (made if absent)")
    args = parser.parse_args()
    files = all_files(args.sim)
    began = time.perf_counter()
    found = {key(p): digest(p) for p in files}
    print(f"{len(found)} files digested in {time.perf_counter() - began:.1f} s")
    if args.write:
        args.write.write_text(json.dumps(found, indent=1, sort_keys=True))
        return 0
    expected = json.loads(args.check.read_text())
    differ = sorted(k for k in expected.keys() | found.keys()
                    if expected.get(k) != found.get(k))
    for name in differ:
        print(f"DIFFERS {name}: {expected.get(name, '-')[:60]} -> {found.get(name, '-')[:60]}")
    print(f"{len(found) - len(differ)} same, {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
