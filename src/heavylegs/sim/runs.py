"""One simulated run: its recorded samples, as a watch would store them.

The run is computed every second (``physio``) and then recorded the way Garmin's
"smart recording" does, every 1-5 s, always keeping the last second. Stored values have
the precision the files carry (lat/lon 1e-7 degrees, altitude 0.1 m, whole bpm, cadence
in whole strides per minute), so ``SimActivity.streams()`` is exactly what an importer
should read back from the written file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl

from heavylegs.core import streams as schema
from heavylegs.sim.days import Day
from heavylegs.sim.physio import cadence, grade_cost, heart_rate, run_speed, smooth_noise
from heavylegs.sim.profile import RunnerProfile
from heavylegs.sim.rng import stream
from heavylegs.sim.route import M_PER_DEG, Loop, choose_loop
from heavylegs.sim.session import target_speed
from heavylegs.sim.wellness import DayState

RUN_HR_SHARE_OF_RESTING_SHIFT = 0.4
GPS_ERROR_M = 2.0
SPEED_ITERATIONS = 3


@dataclass(frozen=True, slots=True, eq=False)
class SimActivity:
    """A recorded run. ``start`` is UTC; ``local_date`` names the file."""

    day_index: int
    local_date: date
    start: datetime
    utc_offset_s: int
    session: str
    file_format: str  # 'gpx' or 'tcx'
    elapsed_s: np.ndarray
    distance_m: np.ndarray
    speed_mps: np.ndarray
    heart_rate_bpm: np.ndarray
    cadence_spm: np.ndarray  # steps/min; files hold half of it (strides/min)
    altitude_m: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray

    @property
    def file_name(self) -> str:
        return f"{self.local_date.isoformat()}-run.{self.file_format}"

    @property
    def distance_km(self) -> float:
        return float(self.distance_m[-1]) / 1000.0

    @property
    def duration_s(self) -> float:
        return float(self.elapsed_s[-1])

    def streams(self) -> pl.DataFrame:
        """The recorded samples in the canonical stream schema (core/streams.py)."""
        stamps = (np.datetime64(self.start.replace(tzinfo=None), "us")
                  + self.elapsed_s.astype("timedelta64[s]"))
        when = pl.Series("timestamp", stamps).dt.replace_time_zone("UTC")
        columns = {name: getattr(self, name) for name in (
            "elapsed_s", "distance_m", "speed_mps", "heart_rate_bpm", "cadence_spm",
            "altitude_m", "lat_deg", "lon_deg")}
        return schema.from_columns({"timestamp": when, **columns})


def build_run(day: Day, state: DayState, r: RunnerProfile, loops: tuple[Loop, ...],
              seed: int, file_format: str) -> SimActivity:
    """Simulate ``day``'s run second by second and record it."""
    rng, e = stream(seed, "run", day.index), day.effects
    target = target_speed(day.session, day.planned_km, r, e.pace_factor)
    loop = choose_loop(loops, day.session, day.planned_km)
    noise, metres = smooth_noise(rng, target.size, 20.0, 0.03), _distance(target)
    for _ in range(SPEED_ITERATIONS):  # speed depends on the grade where the runner is
        speed = run_speed(target, loop.log_cost_at(metres), noise, r.threshold_speed_mps)
        metres = _distance(speed)
        n = min(int(np.searchsorted(metres, day.planned_km * 1000.0)) + 300, speed.size)
        target, noise, metres = target[:n], noise[:n], metres[:n]
    end = min(int(np.searchsorted(metres, day.planned_km * 1000.0)) + 1, speed.size)
    speed, metres = speed[:end], metres[:end]
    lat, lon, alt, grade = loop.at(metres)
    shift = RUN_HR_SHARE_OF_RESTING_SHIFT * state.hr_shift_bpm + e.run_hr_bpm
    hr = heart_rate(speed * grade_cost(grade) / r.threshold_speed_mps, r, shift,
                    e.drift_scale, smooth_noise(rng, end, 4.0, 1.2))
    spm = cadence(speed, grade, r, e.cadence_spm, smooth_noise(rng, end, 6.0, 1.2))
    north, east = (smooth_noise(rng, end, 30.0, GPS_ERROR_M) for _ in range(2))
    lat = lat + north / M_PER_DEG
    lon = lon + east / (M_PER_DEG * np.cos(np.radians(r.home.lat_deg)))
    alt = alt + smooth_noise(rng, end, 30.0, 0.4)
    keep = _recorded(rng, end)
    offset = r.home.utc_offset_s(day.date)
    return SimActivity(
        day.index, day.date, _start(day, r, rng, offset), offset, day.session, file_format,
        keep.astype(float), np.round(metres[keep], 1), np.round(speed[keep], 3),
        np.rint(hr[keep]), 2 * np.rint(spm[keep] / 2), np.round(alt[keep], 1),
        np.round(lat[keep], 7), np.round(lon[keep], 7))


def _distance(speed: np.ndarray) -> np.ndarray:
    """Metres covered at each second (the speed of a second is its mean speed)."""
    return np.concatenate(([0.0], np.cumsum(speed[1:])))


def _recorded(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices a smart-recording watch keeps: every 1-5 s, plus the last second."""
    idx = np.concatenate(([0], np.cumsum(rng.integers(1, 6, size=n))))
    idx = idx[idx < n - 1]
    return np.append(idx, n - 1)


def _start(day: Day, r: RunnerProfile, rng: np.random.Generator, offset_s: int) -> datetime:
    weekend = day.date.weekday() >= 5
    hour = (8.5 + rng.normal(0, 0.4)) if weekend else (r.run_hour + rng.normal(0, 0.25))
    local = datetime(day.date.year, day.date.month, day.date.day, tzinfo=UTC)
    return local + timedelta(seconds=round(hour * 3600) - offset_s)
