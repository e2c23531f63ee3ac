"""`heavylegs team run --engine spark` for spark-submit (docs/scale.md): the same job, in the
session spark-submit configured (master, executors, memory)."""

from __future__ import annotations

import argparse
import sys
from datetime import date


def main(argv: list[str] | None = None) -> int:
    from pyspark.sql import SparkSession

    from heavylegs import dates
    from heavylegs.batch import job, spark

    ap = argparse.ArgumentParser(prog="heavylegs.batch.submit")
    ap.add_argument("root")
    ap.add_argument("--out", required=True)
    ap.add_argument("--date", type=date.fromisoformat, default=None)
    args = ap.parse_args(argv)
    session = SparkSession.builder.appName("heavylegs team").getOrCreate()
    # ROOT and OUT as given: hdfs://, s3a:// and file:// URIs must keep their "//"
    summary = spark.run(args.root, args.out, args.date, dates.latest(), master="", spark=session)
    print("\n".join(job.summary_lines(summary, args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
