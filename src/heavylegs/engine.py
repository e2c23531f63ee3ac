"""The engine as a pure function of one athlete's tables.

``Tables`` holds everything the answer reads: the activities (with their stored metrics
and heart-rate histograms), the daily log, the device/app daily values, the profile
settings and the gear. :func:`context` builds the engine's Context for a day from them and
:func:`answer_json` the `why --json` object. Nothing here opens a file, a database, reads
the clock or the environment: the workspace (api.py) reads the tables from SQLite, the team
job (batch/) from Parquet, and both call these functions.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

import polars as pl

from heavylegs import causes, explain, triage
from heavylegs.causes.base import Context
from heavylegs.core import daily, gear
from heavylegs.core.daily import hr_hist_array
from heavylegs.core.load import HR_BINS
from heavylegs.core.logschema import COLUMNS as LOG_COLUMNS
from heavylegs.core.metric_keys import METRICS
from heavylegs.core.profile import Profile, resolve

CONTEXT_DAYS = 400  # the longest look-back of any cause or pattern (12 months + margin)

ACTIVITY_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(), "start_utc": pl.String(), "utc_offset_s": pl.Int64(), "local_offset_s": pl.Int64(),
    "sport": pl.String(), "sub_sport": pl.String(), "name": pl.String(), "distance_m": pl.Float64(),
    "elapsed_s": pl.Float64(), "moving_s": pl.Float64(), "avg_hr_bpm": pl.Float64(),
    "max_hr_bpm": pl.Float64(), "elev_gain_m": pl.Float64(), "elev_loss_m": pl.Float64(),
    "avg_cadence_spm": pl.Float64(), "lat_deg": pl.Float64(), "lon_deg": pl.Float64(),
    "gear_id": pl.Int64(), "hr_hist": pl.Binary(),
}
METRIC_COLUMNS = [k for k in METRICS if k not in ACTIVITY_SCHEMA]
LOG_SCHEMA: dict[str, pl.DataType] = {
    c.name: {"INTEGER": pl.Int64(), "REAL": pl.Float64()}.get(c.sql_type, pl.String()) for c in LOG_COLUMNS}
LOG_SCHEMA["date"] = pl.Date()
VALUES_SCHEMA: dict[str, pl.DataType] = {
    "date": pl.Date(), "column": pl.String(), "source": pl.String(), "num": pl.Float64(), "txt": pl.String()}
GEAR_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(), "name": pl.String(), "from_date": pl.String(), "to_date": pl.String(),
    "start_km": pl.Float64(), "limit_km": pl.Float64(), "kind": pl.String()}


@dataclass(frozen=True)
class Tables:
    """One athlete's tables. ``activities``: ``ACTIVITY_SCHEMA`` columns plus one Float64
    column per metric (``METRIC_COLUMNS``, null where none was computed), ordered by
    ``start_utc`` then ``id``; activities before the context window may carry only
    ``daily.LOAD_COLUMNS`` and ``hr_hist`` (the rest null). ``log``: ``LOG_SCHEMA`` (lists
    as ``;``-joined text), ``values``: ``VALUES_SCHEMA``, ``gear``: ``GEAR_SCHEMA`` ordered
    by id, ``profile``: the settings the runner stored (key -> text)."""

    activities: pl.DataFrame
    log: pl.DataFrame
    values: pl.DataFrame
    profile: dict[str, str]
    gear: pl.DataFrame


def empty_frame(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """``frame`` with exactly ``schema``'s columns and types (missing ones null)."""
    return frame.select([pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
                         for c, t in schema.items()])


def _day_start(d: date) -> str:
    return datetime(d.year, d.month, d.day, tzinfo=UTC).isoformat()


def latest_day(t: Tables, until: date) -> date | None:
    """The latest day with data on or before ``until``: a daily-log date, or the local date
    of an activity; None when there is none."""
    log = t.log.filter(pl.col("date") <= until)["date"].max()
    acts = t.activities.filter(pl.col("start_utc") < (until + timedelta(days=1)).isoformat())
    days = [log] if log is not None else []
    last_start = acts["start_utc"].max()
    if last_start is not None:
        since = (datetime.fromisoformat(str(last_start)) - timedelta(days=1)).isoformat()
        recent = acts.filter(pl.col("start_utc") >= since).select(
            "start_utc", "utc_offset_s", "local_offset_s", "lon_deg", "sport")
        days.append(daily.with_dates(recent)["local_date"].max())
    return max(days) if days else None  # type: ignore[type-var,return-value]


def profile(t: Tables, day: date) -> Profile:
    """The resolved profile for ``day``: stored values, else estimates from the data (the
    last 12 months' heart rates, the last 7 daily resting heart rates)."""
    year_ago = datetime(day.year - 1, day.month, min(day.day, 28), tzinfo=UTC).isoformat()
    year = t.activities.filter(pl.col("start_utc") >= year_ago)
    hist = [0] * HR_BINS
    if year.height and year["hr_hist"].is_not_null().any():
        sums = year.select(hr_hist_array(pl.col("hr_hist")).alias("h")).select(
            pl.col("h").arr.to_struct()).unnest("h").sum().row(0)
        hist = [int(v or 0) for v in sums]
    rhr, rhr_from = _recent_resting_hr(t, day)
    birth = int(t.profile["birth_year"]) if "birth_year" in t.profile else None
    return resolve(t.profile, hr_hist_12m=hist if year.height else None, observed_max_hr=_observed_max_hr(year),
                   resting_hr_7d_median=float(statistics.median(rhr)) if rhr else None,
                   age=day.year - birth if birth else None, resting_hr_from=rhr_from)


def _observed_max_hr(year: pl.DataFrame) -> float | None:
    """Median of the three highest 5-second-smoothed heart rates (artefacts removed) of the
    year's activities (science.md §1.1); None with fewer than three with heart rate."""
    if "hr_max_5s_bpm" not in year.columns:
        return None
    top = year["hr_max_5s_bpm"].drop_nulls().sort(descending=True).head(3).to_list()
    return float(sorted(top)[1]) if len(top) == 3 else None


def _recent_resting_hr(t: Tables, day: date, n: int = 7, column: str = "resting_hr_bpm") -> tuple[list[float], str]:
    """The last ``n`` daily resting HRs up to ``day`` (the runner's log, else the device that
    wins by core/wellness.py's precedence) and where they came from, e.g. "Garmin"."""
    from heavylegs.core.wellness import SOURCE_NAMES, DailyValue, pick

    own = t.log.filter((pl.col("date") <= day) & pl.col(column).is_not_null()).sort("date").tail(n)
    rows = [(d.isoformat(), float(v), "log") for d, v in own.select("date", column).iter_rows()]
    days = {r[0] for r in rows}
    device = t.values.filter((pl.col("column") == column) & (pl.col("date") <= day) & pl.col("num").is_not_null())
    last = device["date"].unique().sort().tail(n)
    rows += [(d.isoformat(), float(v), s) for d, v, s in device.filter(pl.col("date").is_in(last.implode()))
             .select("date", "num", "source").iter_rows() if d.isoformat() not in days]
    by_day: dict[str, list[DailyValue]] = {}
    for d, value, source in sorted(rows):
        by_day.setdefault(d, []).append(DailyValue(date.fromisoformat(d), column, value, source))
    chosen = [pick(values) for _, values in sorted(by_day.items())][-n:]
    sources = sorted({SOURCE_NAMES.get(v.source, v.source) for v in chosen})
    return [float(v.value) for v in chosen], ", ".join(sources)


def shoes(t: Tables) -> list[gear.Shoe]:
    def day(v: str | None) -> date | None:
        return date.fromisoformat(v) if v else None

    return [gear.Shoe(r["id"], r["name"], day(r["from_date"]), day(r["to_date"]), r["start_km"], r["limit_km"])
            for r in t.gear.sort("id").iter_rows(named=True) if r["kind"] == "shoes"]


def context(t: Tables, day: date) -> Context:
    """Everything the engine reads for ``day``. Activities before the last ``CONTEXT_DAYS``
    (two days of margin: a local date is within a day of the UTC date) count with the few
    columns their training load and shoe km need; later ones with all their metrics."""
    prof = profile(t, day)
    first = day - timedelta(days=CONTEXT_DAYS)
    split, until = _day_start(first - timedelta(days=2)), _day_start(day + timedelta(days=3))
    acts = t.activities
    start = pl.col("start_utc")
    older = acts.filter(start < split).select([*daily.LOAD_COLUMNS, "hr_hist"])
    names = [c for c in ACTIVITY_SCHEMA if c in acts.columns] + [k for k in METRICS if k not in ACTIVITY_SCHEMA]
    recent = acts.filter((start >= split) & (start < until)).select(names)
    acts = pl.concat([older, recent], how="diagonal").select(recent.columns)
    acts = daily.with_loads(acts, prof)
    acts = gear.assign(acts, shoes(t)).filter(pl.col("local_date") <= day)
    log = daily.merge_device_values(t.log.filter(pl.col("date").is_between(first, day)),
                                    t.values.filter(pl.col("date").is_between(first, day)),
                                    sorted(t.values["column"].unique().to_list()))
    starts = [f for f in (t.log.filter(pl.col("date") <= day)["date"].min(),
                          t.values.filter(pl.col("date") <= day)["date"].min()) if f is not None]
    table = daily.build(acts, log, end=day, log_start=min(starts) if starts else None)
    return Context(day=day, daily=table.filter(pl.col("date") >= first),
                   acts=acts.filter(pl.col("local_date") >= first), profile=prof)


def answer_json(t: Tables, day: date) -> dict[str, object]:
    """The `why --json` object for ``day``."""
    return compose(context(t, day), t.profile).to_json()


def compose(ctx: Context, stored_profile: dict[str, str] | None = None) -> explain.Answer:
    """The answer for ``ctx``: triage first, then every cause, ranked; morning markers,
    personal patterns and next week's plan. ``stored_profile`` is what the runner set
    (named as such in the profile note)."""
    from heavylegs.core import markers
    from heavylegs.explain import patterns, plan, withhold

    hits = triage.evaluate(ctx.day, ctx.daily)
    results = causes.evaluate_all(ctx)
    heaviness = ctx.value("heaviness", ctx.day)
    legs = explain.legs_state(heaviness, ctx.value("symptoms", ctx.day), ctx.value("soreness", ctx.day),
                              ctx.value("fatigue", ctx.day))
    answer = explain.build(ctx.day, heaviness, hits, results,
                           _notes(ctx, stored_profile or {}) + withhold.seen_note(ctx), legs=legs)
    marks = markers.find(ctx.daily, ctx.day, markers.BAND_SD.value(ctx.overrides))
    if answer.withheld:  # an active tier 0-1 flag: no training advice (explain/withhold.py)
        return replace(answer, plan=withhold.plan(ctx, answer.triage), markers=marks)
    return replace(answer, patterns=tuple(patterns.find(ctx.daily, ctx.day, ctx.profile)),
                   plan=tuple(plan.make(ctx, answer.findings)), markers=marks)


def _notes(ctx: Context, stored: dict[str, str]) -> tuple[str, ...]:
    from heavylegs.core.profile import describe

    notes = ["Profile used: " + "; ".join(describe(ctx.profile, stored)) + "."]
    if ctx.acts.height:
        share = float(ctx.acts["load_estimated"].mean())  # type: ignore[arg-type]
        if share > 0.2:
            notes.append(f"{share:.0%} of activities have no heart rate: their load is estimated from duration.")
    return tuple(notes)
