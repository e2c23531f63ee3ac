"""The Spark engine's outputs, written by Spark's own writers (Parquet, text, CSV):
nothing about athletes is collected to the driver. On a local file system the single-part
outputs (roster.csv, roster.html, errors.csv, answers/<athlete>.json) are then moved to
plain files. Also the job's summary counts, aggregated by Spark."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote, unquote

from heavylegs.batch import explain, roster
from heavylegs.batch.local import Summary
from heavylegs.batch.spark_rows import (
    COUNTS,
    COUNTS_SCHEMA,
    ERRORS,
    ERRORS_SCHEMA,
    SORT_COLUMNS,
    unpack_counts,
    unpack_errors,
)


def write(spark, results, errors, out: str, local: bool) -> None:  # noqa: ANN001
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
    if local:
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


def summary(spark, out: str) -> Summary:  # noqa: ANN001
    """Counts for the summary line (aggregates computed by Spark). Files decoded: those the
    athletes decoded this run parsed; unchanged: the files they knew, and all files of the
    athletes not decoded this run."""
    from pyspark.sql import functions as F

    res = spark.read.parquet(f"{out}/work/results")
    answered = res.filter(F.col("answer").isNotNull()).count()
    athletes = res.count()
    decoded = spark.read.parquet(f"{out}/work/decoded")
    stats = decoded.filter(F.col("table") == ERRORS).mapInArrow(unpack_errors, ERRORS_SCHEMA)
    n_err = stats.count() + res.filter(F.col("error").isNotNull()).count()
    counts = decoded.filter(F.col("table") == COUNTS).mapInArrow(unpack_counts, COUNTS_SCHEMA)
    now = spark.read.parquet(f"{out}/work/changed").withColumn("now", F.lit(True))
    row = (counts.join(now, "athlete", "left")
           .agg(F.sum(F.when(F.col("now"), F.col("decoded")).otherwise(0)).alias("decoded"),
                F.sum(F.when(F.col("now"), F.col("unchanged")).otherwise(F.col("decoded") + F.col("unchanged")))
                .alias("unchanged")).first())
    return Summary(athletes, int(row["decoded"] or 0), int(row["unchanged"] or 0), answered, n_err)
