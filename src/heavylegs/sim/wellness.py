"""Daily wellness: how training load, muscle damage and sleep show up in the runner's log.

The model, morning by morning (the log describes the morning; RPE the day's run):

- Load: each run's planned stress, ``hours x IF^2 x 100`` (rTSS-like, science.md §1.3).
  Fitness (CTL, 42 d) and fatigue (ATL, 7 d) are EWMAs with k = 1/tau (§1.4), seeded
  with the runner's habitual load. ``form = ATL / CTL`` of yesterday evening.
- Muscle damage: each run adds ``load/100``, more on hilly routes, in hard sessions and
  far more for distance beyond 110 % of the 30-day longest run (a new stimulus, §1.6,
  C03); it decays with a 1.5-day time constant. Soreness saturates with damage.
- Sleep: habitually ``need - shortfall`` with a weekend lie-in, +-0.45 h, a late night
  now and then; injections may replace a night. The 7-night mean deficit and last
  night's deficit raise heaviness, fatigue and resting HR and lower HRV (C05, §1.11).
- Heaviness rises with form above 0.85, soreness and sleep deficit; mood, motivation,
  stress and sleep quality follow. Noise is drawn per day in a fixed order, and a real
  person forgets: cells (and now and then whole days) are left blank, never on the final
  day, which is when the runner asks why their legs are heavy. If anything was injected,
  that day's heaviness is at least 6: they ask because the legs feel heavy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from heavylegs.sim.days import SESSIONS, Day
from heavylegs.sim.habits import habit_values
from heavylegs.sim.plan import reference_km
from heavylegs.sim.profile import RunnerProfile
from heavylegs.sim.rng import stream

BASE_COLUMNS: tuple[str, ...] = (
    "heaviness", "soreness", "fatigue", "mood", "stress", "motivation", "sleep_h",
    "sleep_quality", "resting_hr_bpm", "hrv_rmssd_ms", "body_mass_kg", "rpe", "strength",
)
# chance a cell is left blank; body mass is only weighed some mornings
MISSING: dict[str, float] = {
    "heaviness": 0.03, "soreness": 0.04, "fatigue": 0.04, "mood": 0.06, "stress": 0.06,
    "motivation": 0.08, "sleep_h": 0.05, "sleep_quality": 0.06, "resting_hr_bpm": 0.10,
    "hrv_rmssd_ms": 0.12, "body_mass_kg": 0.6, "rpe": 0.08,
}
MISSING_LATER: dict[str, float] = {"strength": 0.05}  # drawn after the day's own draw
FORGOT_DAY = 0.025
DAMAGE_DECAY = math.exp(-1 / 1.5)  # per day
ASK_FLOOR = 6.0
# strength session -> muscle damage (as from a run's load / 100)
STRENGTH_DAMAGE: dict[str, float] = {"none": 0.0, "upper": 0.0, "core": 0.05,
                                     "legs-light": 0.25, "legs-heavy": 0.6}
# eccentric damage on day 0 -> its share in soreness on days 0, 1, 2...: DOMS appears
# within a day, peaks 24-72 h later and fades over 5-7 days (science.md C03)
DOMS_KERNEL: tuple[float, ...] = (0.0, 0.5, 1.0, 0.8, 0.45, 0.2, 0.08)

# session -> (intensity factor, pace relative to easy pace) for the planned load
_LOAD: dict[str, tuple[float, float]] = {
    "recovery": (0.70, 1.06), "easy": (0.75, 1.0), "long": (0.76, 1.03),
    "fartlek": (0.84, 0.93), "tempo": (0.88, 0.92), "intervals": (0.90, 0.90), "track": (0.95, 0.88),
    "time-trial": (0.93, 0.86),
}


@dataclass(frozen=True, slots=True)
class DayState:
    """The true physiology behind a day's log."""

    load: float  # planned training stress of the day's run
    ctl: float  # fitness at the end of the day
    atl: float  # fatigue at the end of the day
    form: float  # ATL / CTL yesterday evening
    damage: float  # muscle damage carried into this morning (DOMS included)
    sleep_h: float  # true sleep the night before
    sleep_deficit_h: float  # mean nightly deficit vs need over the last 7 nights
    hr_shift_bpm: float  # resting-HR shift from form, sleep debt and effects


@dataclass(frozen=True, slots=True)
class LogRow:
    """One daily-log row: ``values`` holds (column, value); a blank cell is absent."""

    date: date
    values: tuple[tuple[str, object], ...]

    def __getitem__(self, column: str) -> object:
        return dict(self.values).get(column)


def session_load(d: Day, r: RunnerProfile) -> float:
    """Planned training stress of ``d``'s run (0 on rest days)."""
    if not d.is_run:
        return 0.0
    intensity, pace = _LOAD[d.session]
    hours = d.planned_km * r.easy_pace_s_per_km * pace / 3600.0
    return hours * intensity**2 * 100.0


def habitual_load(r: RunnerProfile) -> float:
    """Mean daily load of the runner's usual week, the EWMA seed."""
    easy = r.weekly_km * r.easy_pace_s_per_km / 3600.0
    return easy * 0.78**2 * 100.0 / 7.0


def daily_log(days: Sequence[Day], r: RunnerProfile, seed: int
              ) -> tuple[tuple[DayState, ...], tuple[LogRow, ...]]:
    """The true state and the written log row of every day."""
    sleep = np.array([_night(d, r, seed) for d in days])
    deficit = np.maximum(r.sleep_need_h - sleep, 0.0)
    ctl = atl = habitual_load(r)
    damage = ctl / 100.0 / (1 - DAMAGE_DECAY)  # the steady state of habitual training
    asked = any(d.injections for d in days)
    doms = np.convolve([d.effects.doms for d in days], DOMS_KERNEL)[:len(days)]
    states, rows = [], []
    for i, d in enumerate(days):
        window = deficit[max(i - 6, 0):i + 1]
        load = session_load(d, r)
        state = DayState(load, ctl + (load - ctl) / 42.0, atl + (load - atl) / 7.0,
                         atl / ctl, damage + float(doms[i]), float(sleep[i]),
                         float(window.mean()), _hr_shift(atl / ctl, float(window.mean()), d))
        final = asked and i == len(days) - 1
        rows.append(_row(d, state, float(deficit[i]), r, days, seed, final))
        states.append(state)
        ctl, atl = state.ctl, state.atl
        damage = damage * DAMAGE_DECAY + _impulse(d, load, r, days)
    return tuple(states), tuple(rows)


def _night(d: Day, r: RunnerProfile, seed: int) -> float:
    rng = stream(seed, "sleep", d.index)
    noise, late = rng.normal(0.0, 0.45), rng.random() < 0.06
    hours = r.sleep_need_h - r.sleep_shortfall_h + noise - (1.3 if late else 0.0)
    hours += 0.45 if d.date.weekday() >= 5 else 0.0
    if d.effects.sleep_h is not None:
        hours = d.effects.sleep_h
    return round(float(np.clip(hours, 3.0, 11.5)), 1)


def _impulse(d: Day, load: float, r: RunnerProfile, days: Sequence[Day]) -> float:
    extra = STRENGTH_DAMAGE[d.strength or "none"] + d.effects.damage
    if not d.is_run:
        return extra
    ref = reference_km(days, d.index, r)
    novelty = 1.0 + 3.0 * max(0.0, d.planned_km / ref - 1.1) if ref > 0 else 1.0
    terrain = 1.2 if r.terrain == "hilly" else 1.0
    hard = 1.3 if d.intensity == "hard" else 1.0
    return load / 100.0 * terrain * hard * novelty + extra


def _hr_shift(form: float, deficit: float, d: Day) -> float:
    return 5.0 * max(0.0, form - 1.05) + 1.2 * deficit + d.effects.resting_hr_bpm


def _ratings(d: Day, s: DayState, last_deficit: float, r: RunnerProfile,
             z: np.ndarray) -> dict[str, float]:
    """Continuous ratings before rounding; ``z`` holds this day's standard normals."""
    e, strain = d.effects, max(0.0, s.form - 0.85)
    sore = 0.5 + 8.0 * (1 - math.exp(-s.damage / 2.5)) + e.soreness
    heavy = (1.0 + 3.0 * strain + 0.45 * sore + 0.9 * s.sleep_deficit_h
             + 0.5 * last_deficit + e.heaviness + 0.7 * z[0])
    fatigue = (1.0 + 2.5 * strain + 1.1 * s.sleep_deficit_h + 0.7 * last_deficit
               + 0.25 * sore + e.fatigue + 0.8 * z[1])
    stress = r.stress_base + (0.3 if d.date.weekday() < 5 else -0.3) + e.stress + 0.6 * z[2]
    return {
        "heaviness": heavy, "fatigue": fatigue, "soreness": sore + 0.6 * z[3],
        "stress": stress,
        "mood": 4.0 - 0.2 * (fatigue - 2.5) - 0.25 * (stress - 2.0) + e.mood + 0.5 * z[4],
        "motivation": 3.9 - 0.18 * (heavy - 3.0) + e.motivation + 0.6 * z[5],
        "sleep_quality": (3.6 + 0.6 * (s.sleep_h - r.sleep_need_h + 0.3) + e.sleep_quality
                          + 0.55 * z[6]),
        "resting_hr_bpm": r.resting_hr + s.hr_shift_bpm + 0.6 * last_deficit + 1.6 * z[7],
        "hrv_rmssd_ms": r.hrv_rmssd_ms * math.exp(
            -0.15 * max(0.0, s.form - 1.05) - 0.05 * s.sleep_deficit_h
            - 0.04 * last_deficit + 0.08 * z[8]) * (1.0 + e.hrv_pct / 100.0),
        "body_mass_kg": r.weight_kg + e.mass_kg + 0.35 * z[9],
        "rpe": (SESSIONS[d.session][1] + 0.2 * (heavy - 3.0) + 0.15 * (fatigue - 3.0)
                + 0.7 * z[10]),
    }


_SCALES: dict[str, tuple[float, float, int]] = {  # column -> (lo, hi, decimals)
    "heaviness": (0, 10, 0), "soreness": (0, 10, 0), "fatigue": (0, 10, 0),
    "mood": (1, 5, 0), "stress": (1, 5, 0), "motivation": (1, 5, 0),
    "sleep_quality": (1, 5, 0), "resting_hr_bpm": (25, 120, 0),
    "hrv_rmssd_ms": (5, 300, 1), "body_mass_kg": (25, 250, 1), "rpe": (0, 10, 0),
}


def _row(d: Day, s: DayState, last_deficit: float, r: RunnerProfile, days: Sequence[Day],
         seed: int, final: bool) -> LogRow:
    rng = stream(seed, "log", d.index)
    values = _ratings(d, s, last_deficit, r, rng.normal(size=12))
    if d.is_run:
        ref = reference_km(days, d.index, r)
        values["rpe"] += 1.5 * max(0.0, d.planned_km / ref - 1.1) if ref > 0 else 0.0
    if final:
        values["heaviness"] = max(values["heaviness"], ASK_FLOOR + 0.45 * abs(rng.normal()))
    out: dict[str, object] = {"sleep_h": s.sleep_h}
    for column, value in values.items():
        lo, hi, decimals = _SCALES[column]
        v = round(float(np.clip(value, lo, hi)), decimals)
        out[column] = int(v) if decimals == 0 else v
    if not d.is_run:
        del out["rpe"]
    out["strength"] = d.strength or "none"
    out.update(habit_values(d, r, days, seed))
    if not final:
        _forget(out, stream(seed, "missing", d.index))
    out.update(dict(d.effects.log))
    return LogRow(d.date, tuple(out.items()))


def _forget(values: dict[str, object], rng: np.random.Generator) -> None:
    """Blank cells at random, and now and then a whole day (the draw for the day comes
    right after the first columns' draws, so adding columns keeps older logs)."""
    draws = rng.random(size=len(MISSING) + 1 + len(MISSING_LATER))
    forgot = draws[len(MISSING)] < FORGOT_DAY
    chances = [*MISSING.items(), *MISSING_LATER.items()]
    cells = np.delete(draws, len(MISSING))
    for (column, chance), draw in zip(chances, cells, strict=True):
        if column in values and (draw < chance or forgot):
            del values[column]
