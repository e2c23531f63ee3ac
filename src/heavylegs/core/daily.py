"""The daily table: one row a day per runner, every signal a column.

Built from the stored activities (with their loads) and the daily log; the engine reads
nothing else. Columns (units in names): ``n_runs``, ``run_distance_m``, ``run_time_s``,
``longest_run_m``, ``distance_m`` and ``duration_s`` (all sports), ``load`` (HRSS),
``load_estimated`` (some activity that day had no heart rate), ``rest_day``, ``ctl``,
``atl``, ``tsb``, ``monotony_7d``, then every daily-log column (``heaviness``,
``sleep_h``, ...).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from heavylegs.core.load import ctl_atl_tsb, fallback_load, hrss, monotony
from heavylegs.core.model import RUNNING_SPORTS
from heavylegs.core.profile import Profile

REST_DAY_LOAD_FRACTION = 0.10  # rest day: no run and load < 10 % of 28-day mean (science.md C04)
MIN_HR_SECONDS = 300  # fewer seconds of HR than this: load estimated from duration
HARD_ZONE_FRACTION = 0.87  # hard > 87 % HRmax (Seiler 3-zone, science.md §1.2)
HARD_MINUTES = 10.0  # hard session: >= 10 min in the hard zone (science.md C04)
HARD_RPE = 7  # or session RPE >= 7 (science.md C04)
LONG_RUN_FACTOR = 1.5  # or a long run >= 1.5 × median run duration (science.md C04)


def local_dates(acts: pl.DataFrame, tz_offset_s: int | None) -> pl.Series:
    """Each activity's local calendar date: the file's UTC offset, else the profile's time
    zone offset, else an offset estimated from longitude (solar time, whole hours), else UTC."""
    out = []
    for start, offset, lon in acts.select("start_utc", "utc_offset_s", "lon_deg").iter_rows():
        if offset is None:
            if tz_offset_s is not None:
                offset = tz_offset_s
            else:
                offset = int(round(lon / 15.0)) * 3600 if lon is not None else 0
        out.append((datetime.fromisoformat(start) + timedelta(seconds=offset)).date())
    return pl.Series("local_date", out, dtype=pl.Date)


def with_loads(acts: pl.DataFrame, hists: dict[int, np.ndarray], profile: Profile,
               tz_offset_s: int | None = None) -> pl.DataFrame:
    """``acts`` plus ``local_date``, ``is_run``, ``load`` (HRSS from the HR histogram, else
    a duration estimate), ``load_estimated`` and ``hard_min`` (minutes above the hard-zone
    boundary, 87 % of max HR: Seiler 3-zone, science.md §1.2)."""
    loads, estimated, hard = [], [], []
    hard_from = int(np.ceil(HARD_ZONE_FRACTION * profile.max_hr))
    for act_id, elapsed, moving in acts.select("id", "elapsed_s", "moving_s").iter_rows():
        hist = hists.get(act_id)
        if hist is not None and int(hist.sum()) >= MIN_HR_SECONDS:
            loads.append(hrss(hist, profile.max_hr, profile.resting_hr, profile.lthr, profile.sex))
            estimated.append(False)
            hard.append(float(hist[hard_from:].sum()) / 60.0)
        else:
            loads.append(fallback_load(moving or elapsed or 0.0))
            estimated.append(True)
            hard.append(0.0)
    return acts.with_columns(
        local_dates(acts, tz_offset_s),
        is_run=pl.col("sport").is_in(list(RUNNING_SPORTS)),
        load=pl.Series(loads, dtype=pl.Float64),
        load_estimated=pl.Series(estimated, dtype=pl.Boolean),
        hard_min=pl.Series(hard, dtype=pl.Float64),
    )


def _per_day(acts: pl.DataFrame) -> pl.DataFrame:
    is_run = pl.col("sport").is_in(list(RUNNING_SPORTS))
    run_dist = pl.when(is_run).then(pl.col("distance_m").fill_null(0.0)).otherwise(0.0)
    return acts.group_by("local_date").agg(
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


def build(acts: pl.DataFrame, log: pl.DataFrame, *, end: date) -> pl.DataFrame:
    """The daily table from the first day with data up to ``end`` (inclusive).

    ``acts`` is the output of :func:`with_loads`; ``log`` the daily-log frame (``date`` a
    Date).
    """
    firsts = [d for d in (acts["local_date"].min() if acts.height else None,
                          log["date"].min() if log.height else None) if d is not None]
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
    mean28 = table["load"].rolling_mean(28, min_samples=1)
    table = table.with_columns(
        ctl=pl.Series(ctl), atl=pl.Series(atl), tsb=pl.Series(tsb),
        rest_day=(pl.col("n_runs") == 0) & (pl.col("load") <= REST_DAY_LOAD_FRACTION * mean28),
        monotony_7d=pl.Series([monotony(loads[max(0, i - 6): i + 1]) for i in range(len(loads))]),
    )
    table = table.join(log, on="date", how="left")
    return table.with_columns(hard_day=_hard_days(table))


def _hard_days(table: pl.DataFrame) -> pl.Series:
    """Hard day: >= 10 min in the hard zone, session RPE >= 7, or a run at least 1.5 × the
    median run duration of the previous 28 days (science.md C04)."""
    run_time = table["run_time_s"].to_list()
    long_run = []
    for i, t in enumerate(run_time):
        prior = sorted(x for x in run_time[max(0, i - 28): i] if x > 0)
        median = prior[len(prior) // 2] if prior else None
        long_run.append(bool(median and t >= LONG_RUN_FACTOR * median))
    rpe = table["rpe"].fill_null(0) if "rpe" in table.columns else pl.Series([0] * table.height)
    return (table["hard_min"] >= HARD_MINUTES) | (rpe >= HARD_RPE) | pl.Series(long_run)


def _empty_per_day() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "date": pl.Date, "n_runs": pl.Int64, "run_distance_m": pl.Float64,
        "run_time_s": pl.Float64, "longest_run_m": pl.Float64, "distance_m": pl.Float64,
        "duration_s": pl.Float64, "load": pl.Float64, "load_estimated": pl.Boolean,
        "hard_min": pl.Float64})
