"""The Spark engine (``pip install heavylegs[spark]``): the same job as Spark jobs.

* Decoding: Spark's ``binaryFile`` source over ROOT, repartitioned by athlete, then
  ``mapInArrow`` runs the project's importers (decode.py) on each athlete's files and emits
  each canonical table as Arrow IPC; each table is then written by Spark's Parquet writer
  to ``OUT/tables/<table>/``. Only athletes with a new, changed or removed file (by
  binaryFile's length and modification time against the last run's manifest) are decoded;
  each gets back the workspace its last run left (kept as a tar in work/decoded), so the
  importers parse only the files that workspace does not know (by content hash).
* Explaining: the Parquet tables are read by Spark, each athlete's rows packed per table
  (``mapInArrow``, no shuffle), and ``groupBy(athlete).applyInArrow`` calls the pure
  engine (engine.py) on each athlete's rows of every table.
* Outputs are written by Spark's writers (Parquet, text, CSV); nothing about athletes is
  collected to the driver. On a local file system the single-part outputs (roster.csv,
  roster.html, errors.csv, answers/<athlete>.json) are then moved to plain files.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import quote, unquote

import polars as pl
import pyarrow as pa

from heavylegs.batch import decode, explain, outputs, roster
from heavylegs.batch.local import Summary

PACKED = "athlete string, table string, ipc binary"
ERRORS = "errors"
COUNTS = "counts"  # per athlete decoded this run: files parsed and files known
CACHE = "cache"  # per athlete: their workspace (tar), so a re-run parses only new files
SORT_COLUMNS = ("tier_rank", "rule_key", "reported_key", "heavy_key", "score_key", "confidence_key")




def session(master: str, app: str = "heavylegs team"):  # noqa: ANN201 (pyspark is optional)
    """A Spark session whose Python workers run this interpreter (its venv has heavylegs)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app)
    if master.startswith("local"):
        # One JVM shares this machine's cores with the Python workers, and it does little of
        # the job's work: its C2 compiler cost more CPU than it saved (N = 100: the JVM used
        # 50 CPU s with it, 30 s with the C1 compiler alone). A cluster's executors keep
        # the JVM's defaults.
        builder = builder.config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1")
    return (builder
            .config("spark.sql.execution.arrow.maxRecordsPerBatch", "64")
            .config("spark.sql.shuffle.partitions", str(max(2, _cores(master))))
            .config("spark.ui.showConsoleProgress", "false")
            # each Python worker runs one task on one core: no thread pools of their own
            .config("spark.executorEnv.POLARS_MAX_THREADS", "1")
            .config("spark.executorEnv.OPENBLAS_NUM_THREADS", "1")
            .getOrCreate())


def _cores(master: str) -> int:
    m = re.match(r"local\[(\d+)\]", master)
    return int(m.group(1)) * 2 if m else 200


# -- packing frames as Arrow IPC ----------------------------------------------------------
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


def _spark_schema(schema: pa.Schema):  # noqa: ANN202
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


# -- decoding -----------------------------------------------------------------------------
def _local_path(uri: str) -> str:
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
                    target.symlink_to(_local_path(path))
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


# -- explaining ---------------------------------------------------------------------------
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


# -- the job ------------------------------------------------------------------------------
def _location(p: Path | str) -> str:
    """A local path made absolute; a URI (hdfs://, s3a://, file://) as given."""
    text = str(p)
    return text.rstrip("/") if "://" in text else str(Path(text).resolve())


def _is_local(location: str) -> bool:
    return "://" not in location or location.startswith("file://")


def run(root: Path | str, out: Path | str, day: date | None, latest: date, master: str,
        spark=None) -> Summary:  # noqa: ANN001
    from urllib.parse import urlparse

    from pyspark.sql import functions as F

    spark = spark or session(master)
    started = time.perf_counter()
    src, dst = _location(root), _location(out)
    if _is_local(dst):
        Path(urlparse(dst).path if "://" in dst else dst).mkdir(parents=True, exist_ok=True)
    _decode_stage(spark, src, dst)
    decoded = spark.read.parquet(f"{dst}/work/decoded")  # partitioned by table: each read below is its own
    for table in decode.TABLES:
        rows = decoded.filter(F.col("table") == table).mapInArrow(
            unpack(table), _spark_schema(arrow_schema(decode.SCHEMAS[table])))
        rows.write.mode("overwrite").parquet(f"{dst}/tables/{table}")
    errors = decoded.filter(F.col("table") == ERRORS).mapInArrow(_unpack_errors, _ERRORS_SCHEMA)
    decoded_at = time.perf_counter()
    # Explained from the decoded Parquet rows (each athlete's tables, packed), not by reading
    # OUT/tables back and packing them again: the same rows, one pass fewer over them.
    groups = decoded.filter(F.col("table").isin(list(decode.TABLES))).select("athlete", "table", "ipc")
    results = groups.groupBy("athlete").applyInArrow(explain_group(day, latest), _spark_schema(RESULT))
    # The packed rows are small (~20 kB an athlete): adaptive execution would coalesce the
    # groups into a few tasks, uneven on the cores; a fixed 4 tasks per core keeps them even.
    with _conf(spark, {"spark.sql.adaptive.coalescePartitions.enabled": "false",
                       "spark.sql.shuffle.partitions": str(4 * spark.sparkContext.defaultParallelism)}):
        results.write.mode("overwrite").parquet(f"{dst}/work/results")
    results = spark.read.parquet(f"{dst}/work/results")
    _write_outputs(spark, results, errors, dst)
    done = time.perf_counter()
    summary = _summary(spark, dst)
    summary.decode_s, summary.explain_s = decoded_at - started, done - decoded_at
    return summary


def _decode_stage(spark, src: str, dst: str) -> None:  # noqa: ANN001
    """Decode the athletes with a new, changed or removed file (all on a first run) into
    work/decoded: per athlete and table one packed row, partitioned by table. Each such
    athlete's files go to one task with the workspace their last run left (work/decoded,
    table CACHE), so the importers parse only the files it does not know (by content hash)."""
    # A local ROOT's files are not read by the listing (content is pruned): without a cap
    # binaryFile makes a task per ~32 files (its 4 MB open cost per file), 1,800 tasks and
    # Parquet files for 500 athletes' half years; capped, one task per core lists them.
    # The folders are listed by one task per core too (not one per athlete folder).
    cores = str(spark.sparkContext.defaultParallelism)
    cap = {"spark.sql.files.maxPartitionNum": cores,
           "spark.sql.sources.parallelPartitionDiscovery.parallelism": cores} if _is_local(src) else {}
    with _conf(spark, cap):
        _decode(spark, src, dst)


def _decode(spark, src: str, dst: str) -> None:  # noqa: ANN001
    from urllib.parse import urlparse

    from pyspark.sql import functions as F

    root_path = urlparse(src).path if "://" in src else src
    root_re = "^(?:[A-Za-z][A-Za-z0-9+.-]*:)?(?://[^/]*)?" + re.escape(root_path) + "/([^/]+)/(.+)$"
    files = (spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(src)
             .select(F.regexp_extract("path", root_re, 1).alias("athlete"),
                     F.regexp_extract("path", root_re, 2).alias("rel"), "length", "modificationTime", "content",
                     "path")
             .filter((F.col("athlete") != "") & ~F.col("athlete").startswith(".")))
    work = f"{dst}/work/decoded"
    previous = _parquet_or_none(spark, work)
    changed = _changed_athletes(spark, files, dst, previous is not None)
    # A local ROOT (or one every executor mounts) is read in place by the tasks: only paths
    # go through the shuffle, and binaryFile never reads a file's bytes (content is pruned).
    content = F.lit(None).cast("binary").alias("content") if _is_local(src) else F.col("content")
    todo = files.join(changed, "athlete", "left_semi").select("athlete", "rel", content, "path")
    cache_root = _local_path(f"{dst}/work/cache") if _is_local(dst) else None
    if previous is not None and cache_root is None:  # their workspaces from the last run (rel "" sorts first)
        caches = previous.filter(F.col("table") == CACHE).join(changed, "athlete", "left_semi")
        todo = todo.unionByName(caches.select("athlete", F.lit("").alias("rel"), F.col("ipc").alias("content"),
                                              F.lit(None).cast("string").alias("path")))
    packed = (todo.repartition(_partitions(spark, changed.count()), "athlete").sortWithinPartitions("athlete", "rel")
              .mapInArrow(decoder(cache_root), PACKED))
    if previous is not None:  # athletes whose files did not change keep their decoded rows
        packed = packed.unionByName(previous.join(changed, "athlete", "left_anti").select(*packed.columns))
    packed.write.mode("overwrite").partitionBy("table").parquet(f"{work}.next")
    _replace(spark, f"{work}.next", work)
    if previous is not None and cache_root is not None:  # the workspaces of athletes whose folder is gone
        gone = changed.join(files.select("athlete").distinct(), "athlete", "left_anti")
        gone.foreachPartition(_drop_caches(cache_root))
    _replace(spark, f"{dst}/work/inputs.next", f"{dst}/work/inputs")


@contextmanager
def _conf(spark, settings: dict[str, str]) -> Iterator[None]:  # noqa: ANN001
    """The session's SQL settings changed to ``settings`` for the block, then restored."""
    was = {k: spark.conf.get(k, None) for k in settings}
    for k, v in settings.items():
        spark.conf.set(k, v)
    try:
        yield
    finally:
        for k, v in was.items():
            if v is None:
                spark.conf.unset(k)
            else:
                spark.conf.set(k, v)


def _drop_caches(cache_root: str):  # noqa: ANN202
    """foreachPartition: each athlete's kept workspace in ``cache_root`` removed."""
    def run(rows) -> None:  # noqa: ANN001
        for row in rows:
            shutil.rmtree(Path(cache_root) / quote(row["athlete"], safe=""), ignore_errors=True)
    return run


def _partitions(spark, athletes: int) -> int:  # noqa: ANN001
    """Decoding tasks: one per athlete up to 16 per core, more if a task would then hold
    over 8 athletes (its files are sorted in Spark's memory: ~18 MB per athlete's half
    year), up to 64 per core. Small tasks also let Spark's scheduler even out athletes of
    unequal size across cores; Python workers are reused between tasks."""
    cores = spark.sparkContext.defaultParallelism
    return max(1, min(athletes, max(16 * cores, -(-athletes // 8)), 64 * cores))


def _replace(spark, src: str, dst: str) -> None:  # noqa: ANN001
    """The dataset at ``src`` renamed to ``dst`` (replacing it) on its Hadoop file system:
    no copy of the data."""
    jvm = spark.sparkContext._jvm
    source, target = jvm.org.apache.hadoop.fs.Path(src), jvm.org.apache.hadoop.fs.Path(dst)
    fs = target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    fs.delete(target, True)
    if not fs.rename(source, target):
        raise OSError(f"cannot rename {src} to {dst}")


def _parquet_or_none(spark, path: str):  # noqa: ANN001, ANN202
    from pyspark.errors import AnalysisException

    try:
        return spark.read.parquet(path)
    except AnalysisException:  # not written yet (a first run)
        return None


def _changed_athletes(spark, files, dst: str, decoded_before: bool):  # noqa: ANN001, ANN202
    """The athletes to decode: those with any file (or setting) added, changed or removed
    since the last run into ``dst`` (all on a first run), as a one-column frame. The
    inputs' manifest (athlete, rel, length, modificationTime: no file is read for it) is
    written to work/inputs.next (made current after decoding)."""
    from pyspark.sql import functions as F

    keys = ["athlete", "rel", "length", "modificationTime"]
    files.select(*keys).write.mode("overwrite").parquet(f"{dst}/work/inputs.next")
    now = spark.read.parquet(f"{dst}/work/inputs.next")
    before = _parquet_or_none(spark, f"{dst}/work/inputs")
    if before is None or not decoded_before or set(before.columns) != set(keys):
        changed = now.select("athlete").distinct()
    else:
        diff = now.withColumn("_now", F.lit(1)).join(before.withColumn("_was", F.lit(1)), keys, "full_outer")
        changed = diff.filter(F.col("_now").isNull() | F.col("_was").isNull()).select("athlete").distinct()
    changed.write.mode("overwrite").parquet(f"{dst}/work/changed")  # fixed before the manifest moves on
    return spark.read.parquet(f"{dst}/work/changed")


_ERRORS_SCHEMA = "athlete string, path string, reason string"
_COUNTS_SCHEMA = "athlete string, decoded long, unchanged long"


def _unpack_errors(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    schema = pa.schema([("athlete", pa.string()), ("path", pa.string()), ("reason", pa.string())])
    for batch in batches:
        for data in batch.column("ipc").to_pylist():
            frame = _unipc(data)
            if frame.height:
                yield from frame.select(schema.names).to_arrow().cast(schema).to_batches()


def _unpack_counts(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    schema = pa.schema([("athlete", pa.string()), ("decoded", pa.int64()), ("unchanged", pa.int64())])
    for batch in batches:
        for data in batch.column("ipc").to_pylist():
            yield from _unipc(data).select(schema.names).to_arrow().cast(schema).to_batches()


def _write_outputs(spark, results, errors, out: str) -> None:  # noqa: ANN001
    from pyspark.sql import functions as F

    answers = results.select(*explain.ANSWER_SCHEMA)
    answers.orderBy("athlete").write.mode("overwrite").parquet(f"{out}/answers.parquet")
    results.filter(F.col("jsonl").isNotNull()).orderBy("athlete").select("jsonl").write.mode("overwrite").text(
        f"{out}/answers.jsonl")
    (results.filter(F.col("answer").isNotNull()).select("athlete", "answer").write.mode("overwrite")
     .partitionBy("athlete").text(f"{out}/answers-by-athlete"))
    ordered = results.orderBy(*SORT_COLUMNS, "athlete")
    (ordered.select(*(F.col(f"r_{c}").alias(c) for c in roster.COLUMNS)).coalesce(1).write.mode("overwrite")
     .option("header", True).option("emptyValue", "").option("lineSep", "\n").csv(f"{out}/roster.csv.d"))
    head, tail = roster.html_page(results_count=None)
    frame = spark.createDataFrame([(0, head), (2, tail)], "section int, line string")
    body = ordered.select(F.lit(1).alias("section"), *SORT_COLUMNS, "athlete", F.col("html_row").alias("line"))
    page = (body.unionByName(frame, allowMissingColumns=True)
            .orderBy("section", *SORT_COLUMNS, "athlete").select("line"))
    page.coalesce(1).write.mode("overwrite").text(f"{out}/roster.html.d")
    (errors.select("athlete", "path", "reason")
     .unionByName(results.filter(F.col("error").isNotNull()).select("athlete", F.col("athlete").alias("path"),
                                                                    F.col("error").alias("reason")))
     .orderBy("athlete", "path", "reason").coalesce(1).write.mode("overwrite").option("header", True)
     .option("lineSep", "\n").csv(f"{out}/errors.csv.d"))
    if _is_local(out):
        _to_plain_files(Path(out.removeprefix("file://")))


def _to_plain_files(out: Path) -> None:
    """On a local file system: each single-part output moved to its plain name, the
    per-athlete answers to answers/<athlete>.json, the roster's script beside it."""
    for name in ("roster.csv", "roster.html", "errors.csv"):
        parts = sorted((out / f"{name}.d").glob("part-*"))
        if parts:
            shutil.move(parts[0], out / name)
        shutil.rmtree(out / f"{name}.d", ignore_errors=True)
    target = out / "answers"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    for folder in (out / "answers-by-athlete").glob("athlete=*"):
        name = unquote(folder.name.split("=", 1)[1])  # Spark escapes a partition value's specials as %XX
        part = next(folder.glob("part-*"), None)
        if part is not None:
            shutil.move(part, target / f"{quote(name, safe='')}.json")
    shutil.rmtree(out / "answers-by-athlete", ignore_errors=True)
    roster.write_script(out)


def _summary(spark, out: str) -> Summary:  # noqa: ANN001
    """Counts for the summary line (aggregates computed by Spark). Files decoded: those the
    athletes decoded this run parsed; unchanged: the files they knew, and all files of the
    athletes not decoded this run."""
    from pyspark.sql import functions as F

    res = spark.read.parquet(f"{out}/work/results")
    answered = res.filter(F.col("answer").isNotNull()).count()
    athletes = res.count()
    decoded = spark.read.parquet(f"{out}/work/decoded")
    stats = decoded.filter(F.col("table") == ERRORS).mapInArrow(_unpack_errors, _ERRORS_SCHEMA)
    n_err = stats.count() + res.filter(F.col("error").isNotNull()).count()
    counts = decoded.filter(F.col("table") == COUNTS).mapInArrow(_unpack_counts, _COUNTS_SCHEMA)
    now = spark.read.parquet(f"{out}/work/changed").withColumn("now", F.lit(True))
    row = (counts.join(now, "athlete", "left")
           .agg(F.sum(F.when(F.col("now"), F.col("decoded")).otherwise(0)).alias("decoded"),
                F.sum(F.when(F.col("now"), F.col("unchanged")).otherwise(F.col("decoded") + F.col("unchanged")))
                .alias("unchanged")).first())
    return Summary(athletes, int(row["decoded"] or 0), int(row["unchanged"] or 0), answered, n_err)
