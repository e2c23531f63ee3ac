"""Reading the Context for the training-side causes (fuel, intensity, damage, overtraining,
strength, form, shoes): safe column access, timing lags against the symptom day, personal
body mass, and the §4.2 scoring shared by those causes.

Per-activity metric columns (``hr_easy_s``, ``decoupling_pct``, ``gear_km``, ...) may be
absent or null; :func:`num` turns both into nulls so a cause can say what is missing.

>>> fmt_duration(6720.0)
'1 h 52 min'
>>> fmt_duration(2700.0)
'45 min'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta

import polars as pl

from heavylegs.causes.base import GRADE_WEIGHT, Context, Evidence, confidence, date_window
from heavylegs.core.settings import Setting, register

# How far an evidence grade lets a score turn into confidence (science.md §0.1, §4.2): a
# Weak cause with perfect data still tops out at "medium" [design choice].
GRADE_CONFIDENCE = {"strong": 1.0, "moderate": 0.85, "weak": 0.55, "folk": 0.35}

REF_HOUR, HOT_C, HILLY, STRENGTH_LOOKBACK = register(
    Setting("symptom_reference_hour", 12.0, "h (local clock)",
            "design choice (science.md §4.2 timing windows)",
            "the day asked about is timed as its midday when measuring lags from a session"),
    Setting("hot_run_c", 25.0, "°C", "science.md C01(f), C08(f) [heuristic]",
            "runs warmer than this are left out of HR-drift and efficiency signals"),
    Setting("hilly_run_m_per_km", 15.0, "m/km", "science.md C01(f), C16(f) [heuristic]",
            "runs climbing more than this per km are left out of pace/HR and form signals"),
    Setting("strength_record_lookback_days", 90.0, "days", "science.md C14(f) [heuristic]",
            "a strength activity in this period shows the runner records strength work"),
)
STRENGTH_SPORTS = ("strength", "strength_training")
HOW_IMPORT = "Import your activity files (FIT, GPX, TCX) or a Strava/Garmin export."


def num(df: pl.DataFrame, name: str) -> pl.Series:
    """Column ``name`` as Float64, or all nulls when the frame lacks it."""
    if name in df.columns:
        return df[name].cast(pl.Float64, strict=False)
    return pl.Series(name, [None] * df.height, dtype=pl.Float64)


def num_expr(df: pl.DataFrame, name: str) -> pl.Expr:
    """:func:`num` as an expression over ``df``."""
    return pl.col(name).cast(pl.Float64, strict=False) if name in df.columns else pl.lit(None, dtype=pl.Float64)


def text(df: pl.DataFrame, name: str) -> pl.Series:
    if name in df.columns:
        return df[name].cast(pl.String, strict=False)
    return pl.Series(name, [None] * df.height, dtype=pl.String)


def with_cols(df: pl.DataFrame, *names: str) -> pl.DataFrame:
    """``df`` with every named column present (Float64 nulls where missing)."""
    missing = [pl.lit(None, dtype=pl.Float64).alias(n) for n in names if n not in df.columns]
    return df.with_columns(missing) if missing else df


def runs(ctx: Context) -> pl.DataFrame:
    return ctx.cached("runs", lambda: ctx.acts.filter(pl.col("is_run")) if ctx.acts.height else ctx.acts)


def between(acts: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    return date_window(acts, first, last, "local_date")


def history_days(ctx: Context) -> int:
    """Days from the first stored activity to the day asked about (0 with none)."""
    if ctx.acts.height == 0:
        return 0
    return (ctx.day - ctx.acts["local_date"].min()).days  # type: ignore[operator, union-attr]


def reference_time(ctx: Context) -> datetime:
    return datetime.combine(ctx.day, time()) + timedelta(hours=REF_HOUR.value(ctx.overrides))


def with_lag(ctx: Context, acts: pl.DataFrame) -> pl.DataFrame:
    """``acts`` plus ``end_local`` and ``lag_h``: hours from the session's end to the
    reference time of the day asked about (negative: it ended later that day)."""
    start = (pl.col("start_local") if "start_local" in acts.columns
             else pl.col("local_date").cast(pl.Datetime) + pl.duration(hours=12))
    ref = reference_time(ctx)
    end = start + pl.duration(seconds=pl.col("elapsed_s").fill_null(0.0))
    return acts.with_columns(end_local=end, lag_h=(pl.lit(ref) - end).dt.total_seconds() / 3600.0)


def within_lag(ctx: Context, acts: pl.DataFrame, lo_h: float, hi_h: float) -> pl.DataFrame:
    """Sessions that ended ``lo_h``..``hi_h`` hours before the day's reference time
    (``acts`` that already have ``lag_h``, from :func:`with_lag` for ``ctx``, keep theirs)."""
    first = ctx.day - timedelta(days=int(hi_h // 24) + 1)
    acts = between(acts, first, ctx.day)
    acts = acts if "lag_h" in acts.columns else with_lag(ctx, acts)
    return acts.filter(pl.col("lag_h").is_between(lo_h, hi_h))


def body_mass(ctx: Context) -> float | None:
    """Latest logged morning body mass of the last 60 days, else the profile weight."""
    if "body_mass_kg" in ctx.daily.columns:
        logged = [v for v in ctx.window(60)["body_mass_kg"].to_list() if v is not None]
        if logged:
            return float(logged[-1])
    return ctx.profile.weight_kg


def logged(ctx: Context, column: str, days: int, end_offset: int = 0) -> pl.DataFrame:
    """``date`` and ``column`` of the days in the window where the column has a value."""
    if column not in ctx.daily.columns:
        return pl.DataFrame(schema={"date": pl.Date, column: pl.Float64})
    return ctx.cached(("td.logged", column, days, end_offset),
                      lambda: _present(ctx.window(days, end_offset), column))


def _present(win: pl.DataFrame, column: str) -> pl.DataFrame:
    """``date`` and ``column`` of the rows where ``column`` is not null."""
    values = win[column]
    keep = pl.Series([v is not None for v in values.to_list()], dtype=pl.Boolean)
    return pl.DataFrame([win["date"].filter(keep), values.filter(keep)])


def log_value(ctx: Context, column: str, day: date) -> float | str | None:
    return ctx.value(column, day)  # type: ignore[no-any-return]


def log_number(ctx: Context, column: str, day: date) -> float | None:
    """A numeric daily-log value of one day (None when not logged)."""
    value = log_value(ctx, column, day)
    return float(value) if isinstance(value, int | float) else None


def symptoms(ctx: Context, day: date) -> set[str]:
    value = log_value(ctx, "symptoms", day)
    return {s.strip() for s in str(value).split(";") if s.strip()} if value else set()


def hilly(acts: pl.DataFrame, o: Mapping[str, float]) -> pl.Expr:
    """True where a run of ``acts`` climbed enough to distort pace, HR-drift and form signals."""
    km = (num_expr(acts, "distance_m") / 1000).fill_null(0.0)
    climb = num_expr(acts, "elev_gain_m").fill_null(0.0)
    return (climb / km.clip(lower_bound=0.1)) >= HILLY.value(o)


def hot_or_hilly(acts: pl.DataFrame, o: Mapping[str, float]) -> pl.Expr:
    """True where a run of ``acts`` was hot or hilly enough to distort HR-drift and efficiency."""
    temp = num_expr(acts, "temperature_c_mean").fill_null(-99.0)
    return (temp >= HOT_C.value(o)) | hilly(acts, o)


def score(indicators: Sequence[tuple[str, float, Evidence]]) -> float:
    """§4.2: weighted sum of (grade, strength 0-1, evidence) indicators, capped at 1."""
    return min(1.0, sum(GRADE_WEIGHT[g] * s for g, s, _ in indicators))


def confidence_for(score_: float, quality: float, grade: str) -> str:
    """Confidence from the score, the data quality and the cause's detection grade."""
    return confidence(score_, quality * GRADE_CONFIDENCE[grade])


def fmt_day(d: date) -> str:
    return f"{d:%a %d %b}"


def fmt_duration(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def fmt_pace(speed_mps: float) -> str:
    """Pace in min:ss per km.

    >>> fmt_pace(3.0)
    '5:33/km'
    """
    sec = int(round(1000 / speed_mps))
    return f"{sec // 60}:{sec % 60:02d}/km"
