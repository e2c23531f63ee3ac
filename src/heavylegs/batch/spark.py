"""The Spark engine (``pip install heavylegs[spark]``): the same job as Spark jobs. This
module plans them; spark_rows.py holds what the Python workers run, spark_outputs.py the
outputs.

* Decoding: Spark's ``binaryFile`` source lists ROOT, the files are repartitioned by
  athlete, and ``mapInArrow`` runs the project's importers (decode.py) on each athlete's
  files, emitting each canonical table as one packed Arrow IPC row (``OUT/work/decoded``,
  partitioned by table); each table is then unpacked and written by Spark's Parquet
  writer to ``OUT/tables/<table>/``. Only athletes with a new, changed or removed file
  (by binaryFile's length and modification time against the last run's manifest) are
  decoded; each gets back the workspace its last run left, so the importers parse only
  the files that workspace does not know (by content hash).
* Explaining: ``groupBy(athlete).applyInArrow`` over the decoded rows calls the pure
  engine (engine.py) on each athlete's tables.
* Outputs are written by Spark's writers; nothing about athletes is collected to the
  driver.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import quote

from heavylegs.batch import decode, spark_outputs
from heavylegs.batch.local import Summary
from heavylegs.batch.spark_rows import (
    CACHE,
    ERRORS,
    ERRORS_SCHEMA,
    PACKED,
    RESULT,
    arrow_schema,
    decoder,
    explain_group,
    local_path,
    spark_schema,
    unpack,
    unpack_errors,
)


def session(master: str, app: str = "heavylegs team"):  # noqa: ANN201 (pyspark is optional)
    """A Spark session whose Python workers run this interpreter (its venv has heavylegs)."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app)
    if master.startswith("local"):
        # One JVM shares this machine's cores with the Python workers, and it does little of
        # the job's work: its C2 compiler cost more CPU than it saved (N = 100: the JVM used
        # 50 CPU s with it, 30 s with the C1 compiler alone). Its log shows errors only
        # (log4j2.properties), so a terminal user sees the job's summary. A cluster keeps
        # the JVM's defaults and its own logging.
        logging = Path(__file__).with_name("log4j2.properties")
        builder = builder.config("spark.driver.extraJavaOptions",
                                 f"-XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile={logging.as_uri()}")
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
            unpack(table), spark_schema(arrow_schema(decode.SCHEMAS[table])))
        rows.write.mode("overwrite").parquet(f"{dst}/tables/{table}")
    errors = decoded.filter(F.col("table") == ERRORS).mapInArrow(unpack_errors, ERRORS_SCHEMA)
    decoded_at = time.perf_counter()
    # Explained from the decoded Parquet rows (each athlete's tables, packed), not by reading
    # OUT/tables back and packing them again: the same rows, one pass fewer over them.
    groups = decoded.filter(F.col("table").isin(list(decode.TABLES))).select("athlete", "table", "ipc")
    results = groups.groupBy("athlete").applyInArrow(explain_group(day, latest), spark_schema(RESULT))
    # The packed rows are small (~20 kB an athlete): adaptive execution would coalesce the
    # groups into a few tasks, uneven on the cores; a fixed 4 tasks per core keeps them even.
    with _conf(spark, {"spark.sql.adaptive.coalescePartitions.enabled": "false",
                       "spark.sql.shuffle.partitions": str(4 * spark.sparkContext.defaultParallelism)}):
        results.write.mode("overwrite").parquet(f"{dst}/work/results")
    results = spark.read.parquet(f"{dst}/work/results")
    spark_outputs.write(spark, results, errors, dst, _is_local(dst))
    done = time.perf_counter()
    summary = spark_outputs.summary(spark, dst)
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
    cache_root = local_path(f"{dst}/work/cache") if _is_local(dst) else None
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
    """The Parquet dataset at ``path``, or None where none is written yet (a first run)."""
    jvm = spark.sparkContext._jvm
    target = jvm.org.apache.hadoop.fs.Path(path)
    if not target.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).exists(target):
        return None
    return spark.read.parquet(path)


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


