"""Stream BLOBs: the current encoding, the earlier one still read, and the tie-break of two
equally long copies of one activity decided by content, not by stored bytes."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from heavylegs.core import streams as stream_schema
from heavylegs.core.model import ActivitySummary, ParsedActivity
from heavylegs.importers.bundle import Bundle, Unit
from heavylegs.storage import repo
from heavylegs.storage.db import open_database

START = datetime(2024, 5, 1, 7, 0, tzinfo=UTC)


def _frame(n: int, hr_base: float) -> pl.DataFrame:
    times = np.datetime64("2024-05-01T07:00:00", "us") + np.arange(n) * np.timedelta64(1, "s")
    hr = hr_base + np.sin(np.arange(n) / 7.0) * 10
    hr[::13] = np.nan
    return stream_schema.from_columns({
        "timestamp": pl.Series(times).dt.replace_time_zone("UTC"),
        "elapsed_s": np.arange(n, dtype=float),
        "distance_m": np.arange(n) * 3.1,
        "heart_rate_bpm": pl.Series(hr, nan_to_null=True),
        "speed_mps": np.full(n, 3.1) + np.arange(n) % 5 * 0.013,
        "lat_deg": 52.1 + np.arange(n) * 1e-5,
    })


def _old_blob(frame: pl.DataFrame) -> bytes:
    """An ``arrow-ipc-zstd/1`` BLOB, as workspaces stored streams before."""
    buf = io.BytesIO()
    repo.compact_streams(frame).write_ipc(buf, compression="zstd")
    return buf.getvalue()


def test_new_and_old_encodings_decode_to_the_same_frame() -> None:
    frame = _frame(500, 140.0)
    new, old = repo.encode_streams(frame), _old_blob(frame)
    assert new[:6] != b"ARROW1" and old[:6] == b"ARROW1"
    assert repo.decode_streams(new).equals(repo.decode_streams(old))
    assert repo.decode_streams(new).schema == pl.Schema(stream_schema.SCHEMA)
    assert repo.decode_streams(new)["heart_rate_bpm"].null_count() == frame["heart_rate_bpm"].null_count()


def test_content_hash_is_the_same_whatever_holds_the_values() -> None:
    frame = _frame(300, 150.0)
    expected = repo.content_hash(frame)
    assert repo.content_hash(repo.decode_streams(repo.encode_streams(frame))) == expected
    assert repo.content_hash(repo.decode_streams(_old_blob(frame))) == expected
    assert repo.content_hash(_frame(300, 150.5)) != expected


def _activity(hr_base: float) -> ParsedActivity:
    frame = _frame(400, hr_base)
    return ParsedActivity(ActivitySummary(start=START, sport="running", elapsed_s=399.0), frame)


def _store(home: Path, order: list[tuple[str, float]], old_first: bool = False) -> pl.DataFrame:
    conn = open_database(home)
    for n, (name, hr) in enumerate(order):
        act = _activity(hr)
        bundle = Bundle(activities=[act])
        unit = Unit(name, f"{n:064d}", 1, lambda b=bundle: b)
        repo.save_bundle(conn, unit, bundle, [np.zeros(3)])
        if old_first and n == 0:  # as a workspace written before the encoding changed
            conn.execute("UPDATE streams SET encoding = 'arrow-ipc-zstd/1', data = ?",
                         (_old_blob(act.streams),))
            conn.commit()
    assert conn.execute("SELECT count(*) FROM activities").fetchone()[0] == 1
    return repo.stream_of(conn, 1)


def test_equally_long_copies_merge_to_the_same_stream_in_any_order(tmp_path: Path) -> None:
    a, b = ("a.fit", 140.0), ("b.fit", 150.0)
    first = _store(tmp_path / "ab", [a, b])
    assert first.equals(_store(tmp_path / "ba", [b, a]))
    assert first.equals(_store(tmp_path / "ab-old", [a, b], old_first=True))
    assert first.equals(_store(tmp_path / "ba-old", [b, a], old_first=True))


def test_of_equally_long_copies_the_one_with_more_values_wins(tmp_path: Path) -> None:
    def store(order: list[bool]) -> pl.DataFrame:
        conn = open_database(tmp_path / "".join(map(str, map(int, order))))
        for n, with_power in enumerate(order):
            frame = _frame(400, 140.0)
            if with_power:
                frame = frame.with_columns(power_w=pl.Series(np.full(400, 250.0)))
            bundle = Bundle(activities=[ParsedActivity(
                ActivitySummary(start=START, sport="running", elapsed_s=399.0), frame)])
            repo.save_bundle(conn, Unit(f"{n}.fit", f"{n:064d}", 1, lambda b=bundle: b), bundle,
                             [np.zeros(3)])
        return repo.stream_of(conn, 1)

    for order in ([True, False], [False, True]):
        assert store(order)["power_w"].null_count() == 0
