"""The team job's outputs written from the answers: answers.parquet/.jsonl, the roster
(CSV, HTML), errors.csv, and one answers/<athlete>.json per athlete (the local engine;
the Spark engine writes its own with Spark's writers, spark.py)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from urllib.parse import quote

import polars as pl

from heavylegs.batch import explain, roster

ERROR_COLUMNS = ("athlete", "path", "reason")


def write_answer_file(row: dict[str, object], out: Path) -> None:
    """answers/<athlete>.json of one answer row (none when the athlete has no answer)."""
    if row["answer"]:
        (out / "answers").mkdir(exist_ok=True)
        path = out / "answers" / f"{quote(str(row['athlete']), safe='')}.json"
        path.write_text(str(row["answer"]) + "\n", encoding="utf-8")


def write_answers(rows: list[dict[str, object]], out: Path, files: bool = True) -> None:
    """answers.parquet/.jsonl and the roster; ``files``: answers/<athlete>.json too."""
    frame = pl.DataFrame(rows, schema=explain.ANSWER_SCHEMA, orient="row") if rows else pl.DataFrame(
        schema=explain.ANSWER_SCHEMA)
    frame.sort("athlete").write_parquet(out / "answers.parquet")
    with (out / "answers.jsonl").open("w", encoding="utf-8") as f:
        for r in sorted(rows, key=lambda r: str(r["athlete"])):
            if r["answer"]:
                f.write(json_line(str(r["athlete"]), str(r["answer"])) + "\n")
    (out / "answers").mkdir(exist_ok=True)
    for r in rows if files else ():
        write_answer_file(r, out)
    ordered = roster.rows_from_answers(rows)
    roster.write_csv(ordered, out / "roster.csv")
    roster.write_html(ordered, out)


def json_line(athlete: str, answer_text: str) -> str:
    """One answers.jsonl line: {"athlete": ..., "answer": <the why --json object>}."""
    return '{"athlete": ' + json.dumps(athlete, ensure_ascii=False) + ', "answer": ' + answer_text + "}"


def write_errors(errors: list[tuple[str, str, str]], out: Path) -> None:
    with (out / "errors.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(ERROR_COLUMNS)
        w.writerows(sorted(errors))
