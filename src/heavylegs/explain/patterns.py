"""Personal patterns: which factors precede this runner's heavy-leg days.

For each factor (short sleep the night before, a hard day before, a leg strength session
the day before, low carbohydrate the day before, a hot run the day before, a long run the
day before) compare the mean heaviness of days with and without it over the last 180
days: the difference with a 95 % Welch confidence interval. Only factors with at least
3 days with and 3 without are reported, and the text says "association", not cause.

>>> round(_t975(10), 2), round(_t975(1000), 2)
(2.23, 1.96)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from heavylegs.core.profile import Profile

MIN_DAYS = 3
WINDOW_DAYS = 180
Z975 = 1.959964


@dataclass(frozen=True, slots=True)
class Pattern:
    factor: str
    n_with: int
    n_without: int
    mean_with: float
    mean_without: float
    difference: float
    ci_low: float
    ci_high: float
    text: str

    def to_json(self) -> dict[str, object]:
        return {"factor": self.factor, "n_with": self.n_with, "n_without": self.n_without,
                "mean_with": round(self.mean_with, 2), "mean_without": round(self.mean_without, 2),
                "difference": round(self.difference, 2), "ci95": [round(self.ci_low, 2), round(self.ci_high, 2)],
                "text": self.text}


T975_SMALL = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228)


def _t975(df: float) -> float:
    """97.5th percentile of Student's t: tabulated for df ≤ 10 (rounded down, so the interval
    errs wide), else the Cornish-Fisher expansion (error < 0.1 % for df > 10)."""
    if df <= 10:
        return T975_SMALL[max(int(df), 1) - 1]
    z = Z975
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def _welch(a: list[float], b: list[float]) -> tuple[float, float, float]:
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1)
    se2 = va / len(a) + vb / len(b)
    if se2 <= 0:
        return ma - mb, ma - mb, ma - mb
    df = se2**2 / ((va / len(a)) ** 2 / (len(a) - 1) + (vb / len(b)) ** 2 / (len(b) - 1)) if va or vb else 1e9
    half = _t975(max(df, 1.0)) * math.sqrt(se2)
    return ma - mb, ma - mb - half, ma - mb + half


def _prev(table: pl.DataFrame, expr: pl.Expr) -> pl.Expr:
    return expr.shift(1)


Factor = tuple[str, str, Callable[[pl.DataFrame, Profile], pl.Expr | None]]


def _col(table: pl.DataFrame, name: str) -> pl.Expr | None:
    return pl.col(name) if name in table.columns and table[name].null_count() < table.height else None


FACTORS: list[Factor] = [
    ("short-sleep", "you slept at least 1 h under your need the night before",
     lambda t, p: None if _col(t, "sleep_h") is None else pl.col("sleep_h") < p.sleep_need_h - 1),
    ("hard-day-before", "the day before was a hard session",
     lambda t, p: pl.col("hard_day").shift(1)),
    ("long-run-day-before", "the day before had a run over 90 minutes",
     lambda t, p: (pl.col("run_time_s") >= 5400).shift(1)),
    ("leg-strength-day-before", "you did a leg strength session the day before",
     lambda t, p: None if _col(t, "strength") is None else pl.col("strength").str.starts_with("legs").shift(1)),
    ("low-carbs-day-before", "you ate under 5 g of carbohydrate per kg the day before",
     lambda t, p: None if _col(t, "carbs_g") is None or not p.weight_kg else (pl.col("carbs_g") / p.weight_kg < 5).shift(1)),
    ("high-stress", "you rated stress 4 or 5",
     lambda t, p: None if _col(t, "stress") is None else pl.col("stress") >= 4),
]


def find(daily: pl.DataFrame, day: date, profile: Profile) -> list[Pattern]:
    """Patterns over the ``WINDOW_DAYS`` up to ``day``, strongest association first."""
    if "heaviness" not in daily.columns:
        return []
    table = daily.filter(pl.col("date") > day - timedelta(days=WINDOW_DAYS + 1))
    factors = [(name, words, expr.alias(name)) for name, words, make in FACTORS
               if (expr := make(table, profile)) is not None]
    columns = table.select(pl.col("heaviness").cast(pl.Float64), *(expr for _, _, expr in factors))
    heaviness = columns["heaviness"].to_list()
    out = []
    for name, words, _ in factors:
        pairs = [(f, h) for f, h in zip(columns[name].to_list(), heaviness, strict=True)
                 if f is not None and h is not None]
        with_f = [h for f, h in pairs if f]
        without = [h for f, h in pairs if not f]
        if len(with_f) < MIN_DAYS or len(without) < MIN_DAYS:
            continue
        diff, lo, hi = _welch(with_f, without)
        sure = "a clear association" if lo > 0 else "a possible association" if diff > 0 else "no association"
        text = (f"Heaviness {_signed(diff)} on days when {words} ({len(with_f)} vs {len(without)} days, "
                f"95 % CI {_signed(lo)} to {_signed(hi)}): {sure} in your data, not proof of cause.")
        out.append(Pattern(name, len(with_f), len(without), sum(with_f) / len(with_f),
                           sum(without) / len(without), diff, lo, hi, text))
    return sorted(out, key=lambda p: -p.ci_low)


def _signed(x: float) -> str:
    """``x`` to one decimal with its sign, never "-0.0" (a rounded zero has no sign).

    >>> _signed(-0.04), _signed(1.26), _signed(-2.0)
    ('0.0', '+1.3', '-2.0')
    """
    text = f"{x:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text
