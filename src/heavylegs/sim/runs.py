"""One simulated run: its recorded samples, as a watch would store them.

The run is computed every second (``physio``) and then recorded the way Garmin's
"smart recording" does, every 1-5 s, always keeping the last second. Stored values have
the precision the files carry (lat/lon 1e-7 degrees, altitude 0.1 m, whole bpm, cadence
in whole strides per minute), so ``SimActivity.streams()`` is exactly what an importer
should read back from the written file.

The watch also records air temperature (whole degrees; heat raises HR and drift,
science.md C09) and, for runners with a dynamics pod, ground contact time, vertical
oscillation and GCT balance (``dynamics.py``). Injected effects shape the run: a pace
fade at steady effort, forced stops, a hill route with steep descents, worse economy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import polars as pl

from heavylegs.core import streams as schema
from heavylegs.sim.days import Day
from heavylegs.sim.dynamics import (
    STANDING_MPS,
    cadence_drift,
    fade_factor,
    insert_stops,
    running_dynamics,
)
from heavylegs.sim.physio import cadence, grade_cost, heart_rate, run_speed, smooth_noise
from heavylegs.sim.profile import RunnerProfile
from heavylegs.sim.rng import stream
from heavylegs.sim.route import M_PER_DEG, Loop, choose_loop, hill_loop
from heavylegs.sim.session import target_speed
from heavylegs.sim.weather import heat_load, run_temp_c, start_hour
from heavylegs.sim.wellness import DayState

RUN_HR_SHARE_OF_RESTING_SHIFT = 0.4
GPS_ERROR_M = 2.0
SPEED_ITERATIONS = 3
HEAT_BPM_PER_C = 0.5  # HR at the same pace, per degree above comfortable
HEAT_DRIFT_PER_C = 0.06  # extra cardiac drift, per degree above comfortable
WARMING_C_PER_H = 0.8


@dataclass(frozen=True, slots=True, eq=False)
class SimActivity:
    """A recorded run. ``start`` is UTC; ``local_date`` names the file."""

    day_index: int
    local_date: date
    start: datetime
    utc_offset_s: int
    session: str
    file_format: str  # 'gpx', 'tcx' or 'fit'
    elapsed_s: np.ndarray
    distance_m: np.ndarray
    speed_mps: np.ndarray
    heart_rate_bpm: np.ndarray
    cadence_spm: np.ndarray  # steps/min; files hold half of it (strides/min)
    altitude_m: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    temperature_c: np.ndarray | None = None  # whole degrees (not in TCX files)
    stance_time_ms: np.ndarray | None = None  # running dynamics (pods; FIT files only)
    vertical_oscillation_mm: np.ndarray | None = None
    stance_balance_pct: np.ndarray | None = None

    @property
    def has_dynamics(self) -> bool:
        return self.stance_time_ms is not None

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
        if self.file_format != "tcx" and self.temperature_c is not None:
            columns["temperature_c"] = self.temperature_c
        if self.file_format == "fit" and self.stance_time_ms is not None:
            columns.update(stance_time_ms=self.stance_time_ms,
                           vertical_oscillation_mm=self.vertical_oscillation_mm,
                           stance_balance_pct=self.stance_balance_pct)
        return schema.from_columns({"timestamp": when, **columns})


def build_run(day: Day, state: DayState, r: RunnerProfile, loops: tuple[Loop, ...],
              seed: int, file_format: str) -> SimActivity:
    """Simulate ``day``'s run second by second and record it."""
    rng, e = stream(seed, "run", day.index), day.effects
    offset = r.home.utc_offset_s(day.date)
    start, temp = _start(day, r, seed, offset), run_temp_c(day, r, seed)
    loop = (hill_loop(r.home, day.planned_km * 1000.0, e.hill_m, stream(seed, "hill", day.index))
            if e.hill_m else choose_loop(loops, day.session, day.planned_km))
    speed, metres, effort = _pace(day, r, loop, rng)
    end = speed.size
    lat, lon, alt, grade = loop.at(metres)
    shift = (RUN_HR_SHARE_OF_RESTING_SHIFT * state.hr_shift_bpm + e.run_hr_bpm
             + HEAT_BPM_PER_C * heat_load(temp))
    drift = e.drift_scale * (1.0 + HEAT_DRIFT_PER_C * heat_load(temp))
    hr = heart_rate(speed * grade_cost(grade) * effort / r.threshold_speed_mps, r, shift,
                    drift, smooth_noise(rng, end, 4.0, 1.2))
    spm = cadence(speed, grade, r, e.cadence_spm + cadence_drift(end, e),
                  smooth_noise(rng, end, 6.0, 1.2))
    spm[speed < STANDING_MPS] = 0.0
    north, east = (smooth_noise(rng, end, 30.0, GPS_ERROR_M) for _ in range(2))
    lat = lat + north / M_PER_DEG
    lon = lon + east / (M_PER_DEG * np.cos(np.radians(r.home.lat_deg)))
    alt = alt + smooth_noise(rng, end, 30.0, 0.4)
    keep = _recorded(rng, end)
    air = temp + WARMING_C_PER_H * np.arange(end) / 3600.0 + smooth_noise(rng, end, 120.0, 0.3)
    pod = _pod(speed, day, r, seed, keep)
    return SimActivity(
        day.index, day.date, start, offset, day.session, file_format,
        keep.astype(float), np.round(metres[keep], 1), np.round(speed[keep], 3),
        np.rint(hr[keep]), 2 * np.rint(spm[keep] / 2), np.round(alt[keep], 1),
        np.round(lat[keep], 7), np.round(lon[keep], 7), np.rint(air[keep]), *pod)


def _pace(day: Day, r: RunnerProfile, loop: Loop, rng: np.random.Generator
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Speed and distance each second, and the effort multiplier of HR demand (worse
    economy; holding effort while the pace fades)."""
    e, total_m = day.effects, day.planned_km * 1000.0
    target = target_speed(day.session, day.planned_km, r, e.pace_factor)
    target = insert_stops(target, e.stop_after_s, e.stop_for_s, e.stop_every_s)
    noise, metres = smooth_noise(rng, target.size, 20.0, 0.03), _distance(target)
    for _ in range(SPEED_ITERATIONS):  # speed depends on the grade where the runner is
        faded = target * fade_factor(metres, total_m, e.fade)
        speed = run_speed(faded, loop.log_cost_at(metres), noise, r.threshold_speed_mps)
        metres = _distance(speed)
        n = min(int(np.searchsorted(metres, total_m)) + 300, speed.size)
        target, noise, metres = target[:n], noise[:n], metres[:n]
    end = min(int(np.searchsorted(metres, total_m)) + 1, speed.size)
    speed, metres = speed[:end], metres[:end]
    fade = fade_factor(metres, total_m, e.fade)
    return speed, metres, e.effort_cost / fade * (1.0 + 0.5 * (1.0 - fade))


def _pod(speed: np.ndarray, day: Day, r: RunnerProfile, seed: int, keep: np.ndarray
         ) -> tuple[np.ndarray | None, ...]:
    """Recorded running dynamics (rounded as FIT stores them), or Nones without a pod."""
    if not r.dynamics_pod:
        return (None, None, None)
    gct, vo, balance = running_dynamics(speed, r, day.effects, stream(seed, "pod", day.index))
    return (np.round(gct[keep], 1), np.round(vo[keep], 1), np.round(balance[keep], 2))


def _distance(speed: np.ndarray) -> np.ndarray:
    """Metres covered at each second (the speed of a second is its mean speed)."""
    return np.concatenate(([0.0], np.cumsum(speed[1:])))


def _recorded(rng: np.random.Generator, n: int) -> np.ndarray:
    """Indices a smart-recording watch keeps: every 1-5 s, plus the last second."""
    idx = np.concatenate(([0], np.cumsum(rng.integers(1, 6, size=n))))
    idx = idx[idx < n - 1]
    return np.append(idx, n - 1)


def _start(day: Day, r: RunnerProfile, seed: int, offset_s: int) -> datetime:
    local = datetime(day.date.year, day.date.month, day.date.day, tzinfo=UTC)
    return local + timedelta(seconds=round(start_hour(day, r, seed) * 3600) - offset_s)
