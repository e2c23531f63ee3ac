"""Session shapes: the second-by-second target speed of each kind of run.

Structured sessions are a warm-up at easy pace, a main set (below) and a cool-down that
runs until the planned distance is reached. Paces are fractions of threshold pace
(time per km; < 1 is faster): intervals at 94 % (about 10 km to 5 km race pace) with
the last 60 s flat out, a dense track session of 8-10 reps at 93 % with short jogs, tempo at threshold, fartlek surges at 95 %, a 5 km time trial at
95.5 % with a 600 m finishing kick. A time trial every fourth week is how the simulated runner
shows their true maximum heart rate (science.md §1.1 prefers an observed HRmax).

>>> from heavylegs.sim.profile import runner
>>> r = runner("recreational", 1)
>>> round(main_km("time-trial", r), 1), main_km("easy", r)
(5.0, 0.0)
"""

from __future__ import annotations

import numpy as np

from heavylegs.sim.days import STRUCTURED
from heavylegs.sim.profile import RunnerProfile

MIN_WARMUP_KM = 1.0
MIN_STRUCTURED_EXTRA_KM = 2.0  # warm-up + cool-down around a main set

Segments = tuple[tuple[float, float], ...]  # (seconds, speed m/s)

_INTERVALS = {"novice": (6, 120, 120), "recreational": (5, 180, 120), "advanced": (6, 240, 120)}
_TEMPO = {"novice": (2, 360), "recreational": (2, 600), "advanced": (3, 600)}
_FARTLEK = {"novice": 6, "recreational": 8, "advanced": 10}
_TRACK = {"novice": (8, 120, 75), "recreational": (8, 180, 75), "advanced": (10, 180, 60)}


def main_set(session: str, r: RunnerProfile) -> Segments:
    """The quality part of a structured session; empty for steady runs."""
    thr, jog = r.threshold_speed_mps, r.easy_speed_mps * 0.9
    if session == "intervals":
        reps, on, off = _INTERVALS[r.kind]
        parts: list[tuple[float, float]] = []
        for _ in range(reps - 1):
            parts += [(on, thr / 0.94), (off, jog)]
        return (*parts, (on - 60, thr / 0.94), (60, thr / 0.86))
    if session == "track":  # dense: short jogs, most of the set above threshold
        reps, on, off = _TRACK[r.kind]
        return ((on, thr / 0.93), (off, jog)) * (reps - 1) + ((on, thr / 0.91),)
    if session == "tempo":
        reps, on = _TEMPO[r.kind]
        parts = []
        for _ in range(reps - 1):
            parts += [(on, thr), (180, jog)]
        return (*parts, (on, thr))
    if session == "fartlek":
        return ((60, thr / 0.95), (60, r.easy_speed_mps)) * _FARTLEK[r.kind]
    if session == "time-trial":
        fast, kick = thr / 0.955, thr / 0.88
        return ((4400 / fast, fast), (600 / kick, kick))
    return ()


def main_km(session: str, r: RunnerProfile) -> float:
    """Distance of the main set in km (0 for steady runs)."""
    return sum(s * v for s, v in main_set(session, r)) / 1000.0


def min_km(session: str, r: RunnerProfile) -> float:
    """The shortest sensible total distance for ``session``."""
    if session in STRUCTURED:
        return main_km(session, r) + MIN_STRUCTURED_EXTRA_KM
    return 2.0


def target_speed(session: str, km: float, r: RunnerProfile, pace_factor: float = 1.0
                 ) -> np.ndarray:
    """Target speed (m/s) for every second; long enough to cover ``km`` at any hill."""
    easy = r.easy_speed_mps / pace_factor
    if session not in STRUCTURED:
        speed = {"recovery": easy / 1.06, "long": easy / 1.03}.get(session, easy)
        return np.full(_covering(km * 1000.0, speed), speed)
    main = main_set(session, r)
    rest_m = max(km - main_km(session, r), MIN_STRUCTURED_EXTRA_KM) * 1000.0
    warmup_m = float(np.clip(0.55 * rest_m, MIN_WARMUP_KM * 1000.0, 3000.0))
    parts = [np.full(int(warmup_m / easy), easy)]
    parts += [np.full(int(round(s)), v / pace_factor) for s, v in main]
    parts.append(np.full(_covering(rest_m - warmup_m, easy / 1.04), easy / 1.04))
    return np.concatenate(parts)


def _covering(metres: float, speed: float) -> int:
    """Seconds enough to run ``metres`` at ``speed`` even when hills slow the runner."""
    return int(metres / speed * 1.35) + 120
