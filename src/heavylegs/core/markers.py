"""Morning markers: the 7-day HRV and resting heart rate against the runner's own 60-day
normal range (science.md §1.9, §1.11; C04 and C06 use them as corroboration).

HRV (rMSSD, else Apple's SDNN) is compared in log space, as the method consensus does
(Plews 2012-2014): the 7-day mean of ln(HRV) needs 3 values, the baseline is days 8-67
before the day (14 values at least), and the normal range is its mean ± 0.5 SD
(Javaloyes 2019). Resting HR uses the same windows on the bpm values. The values come from
the daily table, so a device's value counts where the runner logged none.

>>> import polars as pl
>>> from datetime import date, timedelta
>>> day = date(2026, 3, 31)
>>> days = [day - timedelta(days=i) for i in range(67, -1, -1)]
>>> hrv = [60.0 + (i % 3) * 3 for i in range(61)] + [44.0] * 7
>>> [m.text for m in find(pl.DataFrame({"date": days, "hrv_rmssd_ms": hrv}), day)]
['HRV 7-day mean 44 ms, below your normal 62-64 ms (your 60-day range)']
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from heavylegs.core.settings import Setting, register
from heavylegs.core.wellness import SOURCE_NAMES

(BAND_SD,) = register(
    Setting("marker_band_sd", 0.5, "SD", "Plews 2012-2014; Javaloyes 2019 (science.md §1.9)",
            "half-width of the normal range of HRV and resting HR around the 60-day mean"),
)
MIN_RECENT, MIN_BASE = 3, 14
# column, label, unit, compared in log space
KINDS = (("hrv_rmssd_ms", "HRV", "ms", True), ("hrv_sdnn_ms", "HRV (SDNN)", "ms", True),
         ("resting_hr_bpm", "Resting HR", "bpm", False))


@dataclass(frozen=True, slots=True)
class Marker:
    """One marker's 7-day mean against its normal range; ``side`` is below, within or above."""

    metric: str
    mean_7d: float
    low: float
    high: float
    side: str
    n_7d: int
    n_base: int
    source: str
    text: str

    def to_json(self) -> dict[str, object]:
        return {"metric": self.metric, "mean_7d": round(self.mean_7d, 1), "normal_low": round(self.low, 1),
                "normal_high": round(self.high, 1), "side": self.side, "days_7d": self.n_7d,
                "days_baseline": self.n_base, "source": self.source, "text": self.text}


def _between(daily: pl.DataFrame, first: date, last: date) -> pl.DataFrame:
    return daily.filter(pl.col("date").is_between(first, last))


def _source(frame: pl.DataFrame, column: str) -> str:
    name = f"{column}_source"
    if name not in frame.columns:
        return "log"
    counts = Counter(s for s, v in zip(frame[name].to_list(), frame[column].to_list(), strict=True)
                     if v is not None and s is not None)
    return counts.most_common(1)[0][0] if counts else "log"


def one(daily: pl.DataFrame, day: date, column: str, band_sd: float = BAND_SD.default) -> Marker | None:
    """The marker of ``column`` on ``day``, or None with too few values."""
    spec = next(k for k in KINDS if k[0] == column)
    if column not in daily.columns:
        return None
    recent = _between(daily, day - timedelta(days=6), day)
    base = _between(daily, day - timedelta(days=67), day - timedelta(days=8))
    r, b = (f[column].cast(pl.Float64).drop_nulls() for f in (recent, base))
    if spec[3]:
        r, b = r.filter(r > 0).log(), b.filter(b > 0).log()
    if r.len() < MIN_RECENT or b.len() < MIN_BASE:
        return None
    mean, base_mean, sd = float(r.mean()), float(b.mean()), float(b.std() or 0.0)  # type: ignore[arg-type]
    lo, hi = base_mean - band_sd * sd, base_mean + band_sd * sd
    side = "below" if mean < lo else "above" if mean > hi else "within"
    show = math.exp if spec[3] else float
    value, low, high = show(mean), show(lo), show(hi)
    source = _source(pl.concat([recent, base]), column)
    text = (f"{spec[1]} 7-day mean {value:.0f} {spec[2]}, {side} your normal {low:.0f}-{high:.0f} "
            f"{spec[2]} (your 60-day range" + ("" if source == "log" else f", {SOURCE_NAMES.get(source, source)}")
            + ")")
    return Marker(column, value, low, high, side, r.len(), b.len(), source, text)


def find(daily: pl.DataFrame, day: date, band_sd: float = BAND_SD.default) -> tuple[Marker, ...]:
    """HRV (rMSSD, else SDNN) and resting HR, each when measurable."""
    hrv = one(daily, day, "hrv_rmssd_ms", band_sd) or one(daily, day, "hrv_sdnn_ms", band_sd)
    rhr = one(daily, day, "resting_hr_bpm", band_sd)
    return tuple(m for m in (hrv, rhr) if m is not None)
