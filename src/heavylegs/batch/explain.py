"""Explaining one athlete from their tables (the pure engine) and the roster's row."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from heavylegs import engine
from heavylegs.batch import decode

ANSWER_SCHEMA: dict[str, pl.DataType] = {
    "athlete": pl.String(), "date": pl.String(), "answer": pl.String(), "days_since_activity": pl.Int64(),
    "error": pl.String()}


def explain(athlete: str, frames: dict[str, pl.DataFrame], day: date | None, latest: date) -> dict[str, object]:
    """One ``ANSWER_SCHEMA`` row: the `why --json` object for ``day`` (default: the
    athlete's latest day with data, up to ``latest``) as JSON text, or the one-line error."""
    row: dict[str, object] = dict.fromkeys(ANSWER_SCHEMA)
    row["athlete"] = athlete
    try:
        t = decode.tables_of(frames)
        when = day or engine.latest_day(t, latest)
        if when is None:
            row["error"] = "no data: nothing in the folder could be imported"
            return row
        row["date"] = when.isoformat()
        row["answer"] = json.dumps(engine.answer_json(t, when), ensure_ascii=False)
        row["days_since_activity"] = decode.days_since_activity(t, when)
    except Exception as exc:  # one athlete never fails the job
        row["error"] = f"not explained ({type(exc).__name__}: {exc})"
    return row
