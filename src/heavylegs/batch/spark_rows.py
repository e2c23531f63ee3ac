"""What the Spark engine's Python workers run (spark.py plans the jobs): the decoding
``mapInArrow`` (the project's importers on one athlete's files, each canonical table packed
as one Arrow IPC row), the unpacking of a table's packed rows back to rows, and the
explaining ``applyInArrow`` (the pure engine on one athlete's tables -> their answer and
roster row)."""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import polars as pl
import pyarrow as pa

from heavylegs.batch import decode, explain, outputs, roster

PACKED = "athlete string, table string, ipc binary"
ERRORS = "errors"
COUNTS = "counts"  # per athlete decoded this run: files parsed and files known
CACHE = "cache"  # per athlete: their workspace (tar), so a re-run parses only new files
SORT_COLUMNS = ("tier_rank", "rule_key", "reported_key", "heavy_key", "score_key", "confidence_key")


def _ipc(frame: pl.DataFrame) -> bytes:
    sink = io.BytesIO()
    frame.write_ipc(sink)
    return sink.getvalue()


def _unipc(data: bytes) -> pl.DataFrame:
    return pl.read_ipc(io.BytesIO(data))


def _packed(rows: list[tuple[str, str, bytes]]) -> pa.RecordBatch:
    a, t, b = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.RecordBatch.from_arrays([pa.array(a, pa.string()), pa.array(t, pa.string()), pa.array(b, pa.binary())],
                                      names=["athlete", "table", "ipc"])


def arrow_schema(schema: dict[str, pl.DataType], athlete: bool = True) -> pa.Schema:
    """The Arrow schema Spark is given for a table (plain, not large, strings and binaries)."""
    arrow = pl.DataFrame(schema=({"athlete": pl.String()} if athlete else {}) | schema).to_arrow().schema
    plain = {pa.large_string(): pa.string(), pa.large_binary(): pa.binary(), pa.string_view(): pa.string(),
             pa.binary_view(): pa.binary()}
    return pa.schema([pa.field(f.name, plain.get(f.type, f.type)) for f in arrow])


def spark_schema(schema: pa.Schema):  # noqa: ANN202
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def local_path(uri: str) -> str:
    """binaryFile's ``file:/a%20b`` as ``/a b``."""
    from urllib.parse import unquote, urlparse

    return unquote(urlparse(uri).path) if uri.startswith("file:") else uri


def decoder(cache_root: str | None = None):  # noqa: ANN201
    """The decoding ``mapInArrow`` function. With ``cache_root`` (a local OUT) each athlete's
    workspace stays in ``cache_root/<athlete>`` between runs, as the local engine keeps it;
    without (HDFS/S3) it travels as a tar in the decoded rows (table ``cache``)."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        yield from decode_partition(batches, cache_root)
    return run


def decode_partition(batches: Iterator[pa.RecordBatch], cache_root: str | None = None) -> Iterator[pa.RecordBatch]:
    """Rows (athlete, rel, content, path) sorted by athlete, then rel, within the
    partition; an empty ``rel`` is the athlete's workspace from the last run (a tar of
    it, first). A file's ``content`` is null where ROOT is local: it is read at ``path``.
    Each athlete's files are put in a scratch folder and imported into that workspace (so
    only new files are parsed), and its tables emitted."""
    with tempfile.TemporaryDirectory(prefix="heavylegs-decode-") as tmp:
        current: str | None = None
        for batch in batches:
            columns = (batch.column(name).to_pylist() for name in ("athlete", "rel", "content", "path"))
            for athlete, rel, content, path in zip(*columns, strict=True):
                if athlete != current:
                    if current is not None:
                        yield _decoded(current, Path(tmp), cache_root)
                    current = athlete
                    for part in ("in", "cache"):
                        shutil.rmtree(Path(tmp) / part, ignore_errors=True)
                if rel == "":
                    decode.restore_cache(content, Path(tmp) / "cache")
                    continue
                target = Path(tmp) / "in" / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                if content is None:  # ROOT is on a filesystem this executor mounts: read in place
                    target.symlink_to(local_path(path))
                else:
                    target.write_bytes(content)
        if current is not None:
            yield _decoded(current, Path(tmp), cache_root)


def _decoded(athlete: str, tmp: Path, cache_root: str | None = None) -> pa.RecordBatch:
    (tmp / "in").mkdir(exist_ok=True)  # (none left: every file of the athlete was removed)
    cache = Path(cache_root) / quote(athlete, safe="") if cache_root else tmp / "cache"
    got = decode.decode(athlete, tmp / "in", cache, shown_as=athlete)
    rows = [(athlete, name, _ipc(frame)) for name, frame in got.frames.items()]
    errs = pl.DataFrame(got.errors, schema={"path": pl.String, "reason": pl.String}, orient="row")
    errs = errs.with_columns(athlete=pl.lit(athlete))
    counts = pl.DataFrame({"athlete": [athlete], "decoded": [got.decoded], "unchanged": [got.unchanged]})
    kept = [] if cache_root else [(athlete, CACHE, decode.cache_bytes(cache))]
    return _packed([*rows, (athlete, ERRORS, _ipc(errs)), (athlete, COUNTS, _ipc(counts)), *kept])


def unpack(table: str):  # noqa: ANN201
    """mapInArrow: the packed rows of one table back to that table's rows."""
    schema = arrow_schema(decode.SCHEMAS[table])

    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for data in batch.column("ipc").to_pylist():
                frame = _unipc(data).select(schema.names)
                yield from frame.to_arrow().cast(schema).to_batches()
    return run


RESULT = pa.schema([*(pa.field(n, pa.string()) for n in ("athlete", "date", "answer")),
                    pa.field("days_since_activity", pa.int64()), pa.field("error", pa.string()),
                    *(pa.field(f"r_{c}", pa.string()) for c in roster.COLUMNS),
                    pa.field("tier_rank", pa.int64()), pa.field("rule_key", pa.string()),
                    pa.field("reported_key", pa.string()), pa.field("heavy_key", pa.float64()),
                    pa.field("score_key", pa.float64()), pa.field("confidence_key", pa.int64()),
                    pa.field("jsonl", pa.string()), pa.field("html_row", pa.string())])


def explain_group(day: date | None, latest: date):  # noqa: ANN201
    """applyInArrow: one athlete's packed tables -> their answer and roster row."""
    def run(rows: pa.Table) -> pa.Table:
        athlete = rows.column("athlete")[0].as_py()
        pieces: dict[str, list[pl.DataFrame]] = {}
        for t, b in zip(rows.column("table").to_pylist(), rows.column("ipc").to_pylist(), strict=True):
            pieces.setdefault(t, []).append(_unipc(b))
        frames = {t: pl.concat(p, how="vertical_relaxed") for t, p in pieces.items()}
        got = explain.explain(athlete, frames, day, latest)
        r = roster.rows_from_answers([got])[0]
        key = roster.sort_key(r)
        out = {**got, **{f"r_{c}": str(r[c]) for c in roster.COLUMNS},
               **dict(zip(SORT_COLUMNS, key[:6], strict=True)),
               "jsonl": outputs.json_line(athlete, str(got["answer"])) if got["answer"] else None,
               "html_row": roster.html_row(r)}
        return pa.Table.from_pylist([out], schema=RESULT)
    return run


ERRORS_SCHEMA = "athlete string, path string, reason string"
COUNTS_SCHEMA = "athlete string, decoded long, unchanged long"


def unpack_errors(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    schema = pa.schema([("athlete", pa.string()), ("path", pa.string()), ("reason", pa.string())])
    for batch in batches:
        for data in batch.column("ipc").to_pylist():
            frame = _unipc(data)
            if frame.height:
                yield from frame.select(schema.names).to_arrow().cast(schema).to_batches()


def unpack_counts(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    schema = pa.schema([("athlete", pa.string()), ("decoded", pa.int64()), ("unchanged", pa.int64())])
    for batch in batches:
        for data in batch.column("ipc").to_pylist():
            yield from _unipc(data).select(schema.names).to_arrow().cast(schema).to_batches()
