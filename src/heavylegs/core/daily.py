"""The daily table: one row a day per runner, every signal a column.

Built from the stored activities (with their loads) and the daily log; the engine reads
nothing else. Columns (units in names): ``n_runs``, ``run_distance_m``, ``run_time_s``,
``longest_run_m``, ``distance_m`` and ``duration_s`` (all sports), ``load`` (HRSS),
``load_estimated`` (some activity that day had no heart rate), ``rest_day``, ``ctl``,
``atl``, ``tsb``, ``monotony_7d``, then every daily-log column (``heaviness``,
``sleep_h``, ...).
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

from heavylegs.core.load import (
    HR_BINS,
    ctl_atl_tsb,
    fallback_load,
    hrss_reference,
    trimp_weight_list,
)
from heavylegs.core.model import RUNNING_SPORTS
from heavylegs.core.profile import Profile
from heavylegs.core.wellness import rank

# The activity columns this module and shoe km (core/gear.py) read: enough to give
# activities before the days a cause looks at their training load, which CTL/ATL carry on.
LOAD_COLUMNS = ["id", "start_utc", "utc_offset_s", "local_offset_s", "sport", "distance_m", "elapsed_s", "moving_s", "lon_deg",
                "gear_id"]
REST_DAY_LOAD_FRACTION = 0.10  # rest day: no run and load < 10 % of 28-day mean (science.md C04)
MIN_HR_SECONDS = 300  # fewer seconds of HR than this: load estimated from duration
HARD_ZONE_FRACTION = 0.87  # hard > 87 % HRmax (Seiler 3-zone, science.md §1.2)
HARD_MINUTES = 10.0  # hard session: >= 10 min in the hard zone (science.md C04)
HARD_RPE = 7  # or session RPE >= 7 (science.md C04)
LONG_RUN_FACTOR = 1.5  # or a long run >= 1.5 × median run duration (science.md C04)


def local_offset(acts: pl.DataFrame, tz_offset_s: int | None = None) -> pl.Expr:
    """Each activity's UTC offset in seconds: the stored ``local_offset_s`` (the file's own
    offset, else the runner's zone's at that start: storage/offsets.py), else the file's
    ``utc_offset_s``, else ``tz_offset_s``, else an offset estimated from longitude (solar
    time, whole hours), else 0 (UTC)."""
    guess = (pl.lit(tz_offset_s, dtype=pl.Int64) if tz_offset_s is not None
             else (pl.col("lon_deg") / 15.0).round(0).fill_null(0).cast(pl.Int64) * 3600)
    own = [pl.col(c).cast(pl.Int64) for c in ("local_offset_s", "utc_offset_s") if c in acts.columns]
    return pl.coalesce(*own, guess)


def with_dates(acts: pl.DataFrame, tz_offset_s: int | None = None) -> pl.DataFrame:
    """``acts`` plus ``start_local`` (naive local time), ``local_date``, ``is_run`` and
    ``local_offset_s`` resolved (:func:`local_offset`)."""
    if "lon_deg" not in acts.columns:
        acts = acts.with_columns(lon_deg=pl.lit(None, dtype=pl.Float64))
    offset = local_offset(acts, tz_offset_s)
    utc = pl.col("start_utc").str.to_datetime(time_zone="UTC", time_unit="us")
    start = (utc + pl.duration(seconds=offset)).dt.replace_time_zone(None)
    return acts.with_columns(start.alias("start_local"), is_run=pl.col("sport").is_in(list(RUNNING_SPORTS)),
                             local_date=start.dt.date(), local_offset_s=offset)


def hr_hist_array(blob: pl.Expr) -> pl.Expr:
    """Stored seconds-at-bpm histograms (256 little-endian int32, as storage writes them) as
    an Array column; null where an activity has none."""
    return (pl.when(blob.bin.size() == HR_BINS * 4).then(blob)
            .bin.reinterpret(dtype=pl.Array(pl.Int32, HR_BINS), endianness="little"))


def _hist_terms(profile: Profile) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Seconds with heart rate, HRSS and minutes in the hard zone of each activity, from its
    ``hr_hist`` column (:func:`hr_hist_array`), computed in polars without numpy."""
    hist = hr_hist_array(pl.col("hr_hist"))
    weights = trimp_weight_list(profile.max_hr, profile.resting_hr, profile.sex)
    ref = hrss_reference(weights, profile.lthr)
    trimp = (hist.cast(pl.Array(pl.Float64, HR_BINS)) * pl.lit(weights, dtype=pl.Array(pl.Float64, HR_BINS))).arr.sum()
    hard_from = math.ceil(HARD_ZONE_FRACTION * profile.max_hr)
    in_hard = [0] * min(hard_from, HR_BINS) + [1] * max(HR_BINS - hard_from, 0)
    hard_s = (hist * pl.lit(in_hard, dtype=pl.Array(pl.Int32, HR_BINS))).arr.sum()
    return hist.arr.sum().fill_null(0), (trimp * (100.0 / ref) if ref > 0 else pl.lit(0.0)), hard_s / 60.0


def with_loads(acts: pl.DataFrame, profile: Profile, tz_offset_s: int | None = None) -> pl.DataFrame:
    """``acts`` plus ``start_local``, ``local_date``, ``is_run``, ``load`` (HRSS from the HR
    histogram, else a duration estimate), ``load_estimated`` and ``hard_min`` (minutes above
    the hard-zone boundary, 87 % of max HR: Seiler 3-zone, science.md §1.2). The histograms
    are the ``hr_hist`` column (storage.queries.activities_with_hists); without that column
    every load is estimated. The column is dropped from the result."""
    if "hr_hist" not in acts.columns:
        acts = acts.with_columns(hr_hist=pl.lit(None, dtype=pl.Binary))
    seconds, by_hr, hard_min = _hist_terms(profile)
    has_hr = seconds >= MIN_HR_SECONDS
    duration = pl.coalesce("moving_s", "elapsed_s", pl.lit(0.0)).cast(pl.Float64)
    return with_dates(acts, tz_offset_s).with_columns(
        load=pl.when(has_hr).then(by_hr).otherwise(fallback_load(duration)).cast(pl.Float64),
        load_estimated=~has_hr,
        hard_min=pl.when(has_hr).then(hard_min).otherwise(0.0).cast(pl.Float64),
    ).drop("hr_hist")


def monotony_7d(column: str) -> pl.Expr:
    """Foster monotony over each trailing 7 days (fewer at the start) of a daily column:
    mean / population SD, capped at 10, and 10 when SD is 0 but there was load (Runalyze).
    Two-pass (mean, then squared deviations), so a constant week has an SD of exactly 0."""
    week = [pl.col(column).shift(k) for k in range(7)]
    n = pl.sum_horizontal([d.is_not_null() for d in week])
    mean = pl.sum_horizontal(week) / n
    sd = (pl.sum_horizontal([(d - mean) ** 2 for d in week]) / n).sqrt()
    return (pl.when(sd > 1e-9).then(pl.min_horizontal(mean / sd, pl.lit(10.0)))
            .when(mean > 0).then(10.0).otherwise(0.0))


def _per_day(acts: pl.DataFrame) -> pl.DataFrame:
    is_run = pl.col("sport").is_in(list(RUNNING_SPORTS))
    run_dist = pl.when(is_run).then(pl.col("distance_m").fill_null(0.0)).otherwise(0.0)
    balance = (pl.col("gct_balance_left_pct_mean").mean() if "gct_balance_left_pct_mean" in acts.columns
               else pl.lit(None, dtype=pl.Float64))
    return acts.group_by("local_date").agg(
        gct_balance_left_pct=balance,
        n_runs=is_run.sum().cast(pl.Int64),
        run_distance_m=run_dist.sum(),
        run_time_s=pl.when(is_run).then(pl.col("elapsed_s")).otherwise(0.0).sum(),
        longest_run_m=run_dist.max(),
        distance_m=pl.col("distance_m").fill_null(0.0).sum(),
        duration_s=pl.col("elapsed_s").sum(),
        load=pl.col("load").sum(),
        load_estimated=pl.col("load_estimated").any(),
        hard_min=pl.col("hard_min").sum(),
    ).rename({"local_date": "date"})


def build(acts: pl.DataFrame, log: pl.DataFrame, *, end: date, log_start: date | None = None) -> pl.DataFrame:
    """The daily table from the first day with data up to ``end`` (inclusive).

    ``acts`` is the output of :func:`with_loads`; ``log`` the daily-log frame (``date`` a
    Date). ``log_start`` is the first day of the daily log when ``log`` holds only its
    recent rows (the rows before have no log values then, but still their training load).
    """
    firsts = [d for d in (acts["local_date"].min() if acts.height else None,
                          log["date"].min() if log.height else None, log_start) if d is not None]
    start = min(firsts) if firsts else end
    start = min(start, end)  # type: ignore[type-var]
    days = pl.DataFrame({"date": pl.date_range(start, end, "1d", eager=True)})
    table = days.join(_per_day(acts) if acts.height else _empty_per_day(), on="date", how="left")
    table = table.with_columns(
        pl.col("n_runs", "run_distance_m", "run_time_s", "longest_run_m", "distance_m",
               "duration_s", "load", "hard_min").fill_null(0),
        pl.col("load_estimated").fill_null(False),
    )
    loads = table["load"].to_list()
    ctl, atl, tsb = ctl_atl_tsb(loads)
    mean28 = pl.col("load").rolling_mean(28, min_samples=1)
    table = table.with_columns(
        ctl=pl.Series(ctl), atl=pl.Series(atl), tsb=pl.Series(tsb),
        rest_day=(pl.col("n_runs") == 0) & (pl.col("load") <= REST_DAY_LOAD_FRACTION * mean28),
        monotony_7d=monotony_7d("load"),
    )
    table = table.join(log, on="date", how="left")
    return table.with_columns(_hard_days(table))


def merge_device_values(log: pl.DataFrame, values: pl.DataFrame, columns: list[str] | None = None) -> pl.DataFrame:
    """The daily log with device/app values filled in where the runner logged nothing.

    ``values`` has ``date, column, source, num, txt`` (storage.queries.daily_values). For
    each column with any device value the result gains ``<column>_source``: ``log`` where
    the runner's own value stands, else the winning device (core/wellness.py precedence).
    ``columns`` names those columns (sorted) when ``values`` holds only some dates.
    """
    columns = sorted(values["column"].unique().to_list()) if columns is None else columns
    if not columns:
        return log
    ranked = values.with_columns(rank=pl.col("source").map_elements(rank, return_dtype=pl.Int64))
    best = ranked.sort("rank").group_by("date", "column", maintain_order=True).first()
    merged = log
    for column in columns:
        part = best.filter(pl.col("column") == column)
        numeric = column not in log.columns or log.schema[column] != pl.String
        value = pl.col("num") if numeric else pl.col("txt")
        part = part.select("date", value.alias("_dev"), pl.col("source").alias("_src"))
        merged = merged.join(part, on="date", how="full", coalesce=True)
        own = pl.col(column) if column in merged.columns else pl.lit(None)
        if column in log.columns and log.schema[column] == pl.Int64:
            dev = pl.col("_dev").round(0).cast(pl.Int64)
        else:
            dev = pl.col("_dev")
        merged = merged.with_columns(
            pl.when(own.is_not_null()).then(pl.lit("log")).otherwise(pl.col("_src")).alias(f"{column}_source"),
            pl.coalesce(own, dev).alias(column),
        ).drop("_dev", "_src")
    return merged.sort("date")


def _hard_days(table: pl.DataFrame) -> pl.Expr:
    """Hard day: >= 10 min in the hard zone, session RPE >= 7, or a run at least 1.5 × the
    median run duration of the previous 28 days (science.md C04)."""
    prior_median = (pl.col("run_time_s").replace(0.0, None)
                    .rolling_median(28, min_samples=1).shift(1).forward_fill())
    long_run = (pl.col("run_time_s") >= LONG_RUN_FACTOR * prior_median).fill_null(False)
    rpe = pl.col("rpe").fill_null(0) if "rpe" in table.columns else pl.lit(0)
    return ((pl.col("hard_min") >= HARD_MINUTES) | (rpe >= HARD_RPE) | long_run).alias("hard_day")


def _empty_per_day() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "date": pl.Date, "n_runs": pl.Int64, "run_distance_m": pl.Float64,
        "run_time_s": pl.Float64, "longest_run_m": pl.Float64, "distance_m": pl.Float64,
        "duration_s": pl.Float64, "load": pl.Float64, "load_estimated": pl.Boolean,
        "hard_min": pl.Float64, "gct_balance_left_pct": pl.Float64})
