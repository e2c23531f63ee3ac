"""Mutation fuzzing of ``heavylegs import`` over a fixed sample of real files.

Each mutant is a real FIT, GPX, TCX, CSV, gzip or zip file from tests/data (or a zip,
gzip or UTF-16 file built from them: a plain zip, a Strava, Garmin Connect and Apple
Health export) with 1-4 stacked mutations: bit flips, bytes set to edge values,
truncation, a size field that lies (FIT header, zip headers, gzip trailer), a slice cut
out, random bytes let in, a slice repeated, a long run of one byte. The seed is fixed, so a run is repeatable;
``HEAVYLEGS_FUZZ_SEED`` and ``HEAVYLEGS_FUZZ_COUNT`` pick other ones by hand.

Every mutant is imported by the real CLI (tests/fuzz_import_driver.py, one subprocess for
all of them, about 40-60 s on a busy 2-core machine). The rules: no traceback and no
"internal error", exit code 0 or 1 (matching whether anything failed), the JSON summary
printed, no file taking more than 30 s, and the process's peak RSS under 400 MB.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import random
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
SEED = int(os.environ.get("HEAVYLEGS_FUZZ_SEED", "20261206"))
COUNT = int(os.environ.get("HEAVYLEGS_FUZZ_COUNT", "360"))
MAX_RSS_MB = 400
DAILY_LOG = (b"date,heaviness,sleep_h,soreness,symptoms,notes\n"
             + b"".join(b"2024-05-%02d,%d,%.1f,%d,numbness;tingling,\"day %d, ok\"\n"
                        % (d, d % 11, 5 + d % 4, d % 5, d) for d in range(1, 29)))
EDGE_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF)
EDGE_SIZES = (0, 1, 0x7FFFFFFF, 0xFFFFFFFF)

Mutation = Callable[[bytes, random.Random, str], bytes]


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _strava_csv() -> bytes:
    from heavylegs.importers.strava_export import HEADER_2020

    rows = [HEADER_2020]
    for ident, when, kind, seconds, metres, name in (
            ("101", "Jun 11, 2017, 2:34:09 PM", "Run", 57, 157.56, "activities/101.fit.gz"),
            ("102", "Jun 1, 2020, 2:52:40 PM", "Ride", 126, 899.26, "activities/102.gpx"),
            ("104", "Mar 1, 2023, 7:00:00 AM", "Run", 1500, 5000.0, "")):
        cells = [""] * len(HEADER_2020)
        cells[:13] = [ident, when, "a run", kind, "", str(seconds), f"{metres / 1000:.2f}", "",
                      "", "false", "", "Pegasus", name]
        rows.append(cells)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode()


def sample() -> dict[str, bytes]:
    """The fixed sample: name -> bytes (the name's suffix picks the size-field lies)."""
    act = DATA / "activities"
    files = {name: (act / name).read_bytes() for name in (
        "garmin-fenix-5-run.fit", "2013-02-06-12-11-14.fit", "6471559601_ACTIVITY.fit",
        "activity-filecrc.fit", "activity_5039744860.gpx", "around-visnjan-with-car.gpx",
        "sup_activity_1.tcx", "activity_5039744860.tcx")}
    for name in ("oura_trends.csv", "whoop_sleeps.csv", "cronometer_servings.csv"):
        files[name] = (DATA / "wellness" / name).read_bytes()
    files["daily-log.csv"] = DAILY_LOG
    files["run.fit.gz"] = gzip.compress(files["garmin-fenix-5-run.fit"], mtime=0)
    files["mixed.zip"] = _zip([("a/run.fit", files["garmin-fenix-5-run.fit"]),
                               ("a/ride.gpx.gz", gzip.compress(files["activity_5039744860.gpx"], mtime=0)),
                               ("log.csv", DAILY_LOG),
                               ("inner.zip", _zip([("walk.fit", (act / "garmin-fenix-5-walk.fit").read_bytes())]))])
    files["ride-utf16.gpx"] = "\ufeff".encode("utf-16-le") + files["activity_5039744860.gpx"].decode(
        ).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")
    files["log-utf16.csv"] = "\ufeff".encode("utf-16-be") + DAILY_LOG.decode().encode("utf-16-be")
    files["strava-export.zip"] = _zip([("activities.csv", _strava_csv()),
                                       ("activities/101.fit.gz", files["run.fit.gz"]),
                                       ("activities/102.gpx", files["activity_5039744860.gpx"])])
    files["apple-export.zip"] = _zip([("apple_health_export/export.xml",
                                       (DATA / "wellness" / "apple_health_export" / "export.xml").read_bytes())])
    garmin = DATA / "wellness" / "garmin-export"
    files["garmin-export.zip"] = _zip(
        [(str(p.relative_to(garmin)), p.read_bytes()) for p in sorted(garmin.rglob("*")) if p.is_file()]
        + [("DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip",
            _zip([("run.fit", files["garmin-fenix-5-run.fit"])]))])
    return files


# -- mutations -----------------------------------------------------------------------------
def flip_bits(data: bytes, rng: random.Random, name: str) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(out))
        out[at] ^= 1 << rng.randrange(8)
    return bytes(out)


def edge_bytes(data: bytes, rng: random.Random, name: str) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        out[rng.randrange(len(out))] = rng.choice(EDGE_BYTES)
    return bytes(out)


def truncate(data: bytes, rng: random.Random, name: str) -> bytes:
    return data[:rng.randrange(len(data))]


def cut_slice(data: bytes, rng: random.Random, name: str) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 512):]


def let_in(data: bytes, rng: random.Random, name: str) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]


def repeat_slice(data: bytes, rng: random.Random, name: str) -> bytes:
    at = rng.randrange(len(data))
    piece = data[at:at + rng.randint(1, 2048)]
    return data[:at] + piece * rng.randint(2, 200) + data[at:]


def stretch(data: bytes, rng: random.Random, name: str) -> bytes:
    """A run of one byte (a cell past the CSV field limit, a long text node), often near
    the start where the header and the XML prolog are."""
    at = rng.randrange(len(data))
    if rng.random() < 0.6:  # just after a delimiter or line break near the start
        breaks = [i + 1 for i, c in enumerate(data[:200]) if c in b",;\t\n>"]
        at = rng.choice(breaks) if breaks else at
    return data[:at] + bytes([rng.choice(b"a ,;\t\"<")]) * rng.randint(100_000, 300_000) + data[at:]


def _lie(rng: random.Random, true: int) -> int:
    lie = rng.choice([*EDGE_SIZES, true + 1, max(true - 1, 0), true * 7, rng.getrandbits(32)])
    return lie & 0xFFFFFFFF


def size_lie(data: bytes, rng: random.Random, name: str) -> bytes:
    """A length field that lies: FIT header, zip local/central headers, gzip trailer."""
    out = bytearray(data)
    if name.endswith(".fit") and len(out) >= 12:
        if rng.random() < 0.7:
            struct.pack_into("<I", out, 4, _lie(rng, struct.unpack_from("<I", out, 4)[0]))
        else:
            out[0] = rng.choice((0, 1, 12, 14, 15, 255))
        return bytes(out)
    if name.endswith(".gz") and len(out) >= 8:
        struct.pack_into("<I", out, len(out) - 4, _lie(rng, struct.unpack_from("<I", out, len(out) - 4)[0]))
        return bytes(out)
    if name.endswith(".zip"):
        heads = [(i, sig) for sig in (b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06")
                 for i in _positions(data, sig)]
        if heads:
            at, sig = rng.choice(heads)
            fields = {b"PK\x03\x04": (18, 22, 26, 28), b"PK\x01\x02": (20, 24, 28, 30, 42),
                      b"PK\x05\x06": (8, 10, 12, 16)}[sig]
            field = rng.choice(fields)
            width = 2 if (sig, field) in {(b"PK\x03\x04", 26), (b"PK\x03\x04", 28),
                                          (b"PK\x01\x02", 28), (b"PK\x01\x02", 30),
                                          (b"PK\x05\x06", 8), (b"PK\x05\x06", 10)} else 4
            if at + field + width <= len(out):
                fmt = "<H" if width == 2 else "<I"
                true = struct.unpack_from(fmt, out, at + field)[0]
                struct.pack_into(fmt, out, at + field, _lie(rng, true) & (0xFFFF if width == 2 else 0xFFFFFFFF))
        return bytes(out)
    return repeat_slice(data, rng, name)  # text has no size field: a slice repeated instead


def _positions(data: bytes, sig: bytes) -> list[int]:
    found, at = [], data.find(sig)
    while at >= 0:
        found.append(at)
        at = data.find(sig, at + 1)
    return found


MUTATIONS: tuple[Mutation, ...] = (flip_bits, edge_bytes, truncate, cut_slice, let_in,
                                   repeat_slice, size_lie, stretch)


def mutants(count: int, seed: int) -> dict[str, bytes]:
    """``count`` mutants of the sample, round robin over its files: name -> bytes."""
    rng = random.Random(seed)
    files = sample()
    names = sorted(files)
    out: dict[str, bytes] = {}
    for i in range(count):
        name = names[i % len(names)]
        data = files[name]
        ops = [rng.choice(MUTATIONS) for _ in range(rng.choices((1, 2, 3, 4), (4, 3, 2, 1))[0])]
        for op in ops:
            if data:
                data = op(data, rng, name)
        tag = "+".join(op.__name__ for op in ops)
        out[f"{i:04d}-{tag}-{name}"] = data
    return out


def test_mutants_are_generated_the_same_way_each_time() -> None:
    first, again = mutants(40, SEED), mutants(40, SEED)
    assert first == again
    assert len({data for data in first.values()}) == 40
    assert {name.rsplit("-", 1)[-1].rsplit(".", 1)[-1] for name in first} >= {"fit", "gpx", "tcx", "csv", "zip", "gz"}


def test_mutated_real_files_never_break_the_import(tmp_path: Path) -> None:
    folder = tmp_path / "mutants"
    folder.mkdir()
    for name, data in mutants(COUNT, SEED).items():
        (folder / name).write_bytes(data)
    run = subprocess.run([sys.executable, str(TESTS / "fuzz_import_driver.py"), str(folder),
                          str(tmp_path / "home"), "30"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["files"] == COUNT
    assert result["problems"] == [], json.dumps(result["problems"][:5], indent=1)
    assert result["max_rss_kb"] < MAX_RSS_MB << 10, result
