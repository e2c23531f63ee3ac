"""Routes: closed loops from the runner's door, each with its own hills.

A loop is a star-shaped closed curve (a circle bent by a few random harmonics, so it
never crosses itself) scaled to a length and placed so that it starts at home. Its
altitude is a sum of harmonics of the loop length (so it closes), spanning 12-30 m on
rolling and 50-120 m on hilly routes for an 8 km loop, grades capped at 4 % and 8 %.
Degrees use gpxpy's metres per degree, so gpxpy's ``length_2d`` of a track agrees with
the simulated distance.

>>> from heavylegs.sim.profile import runner
>>> from heavylegs.sim.rng import stream
>>> home = runner().home
>>> loop = make_loop(home, "hilly", 6000.0, stream(1, "route"))
>>> lat, lon, alt, grade = loop.at(np.array([0.0, 6000.0]))  # a lap ends at home
>>> round(loop.length_m), bool(np.allclose(lat, home.lat_deg) and np.allclose(alt, home.altitude_m))
(6000, True)
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from heavylegs.sim.physio import grade_cost
from heavylegs.sim.profile import Home, RunnerProfile
from heavylegs.sim.rng import stream

M_PER_DEG = 2 * np.pi * 6_378_137.0 / 360.0
LOOP_KM: tuple[tuple[float, float], ...] = ((4.5, 6.5), (8.0, 10.5), (13.0, 17.0))
_SPAN_M = {"rolling": (12.0, 30.0), "hilly": (50.0, 120.0)}
_MAX_GRADE = {"rolling": 0.04, "hilly": 0.08}
HILL_UP_GRADE, HILL_DOWN_GRADE = 0.07, 0.13  # a road up, a steep trail down


@dataclass(frozen=True, slots=True, eq=False)
class Loop:
    """A closed route sampled at vertices ``s_m`` metres from the start."""

    length_m: float
    s_m: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    altitude_m: np.ndarray
    grade: np.ndarray
    log_cost: np.ndarray  # log of the energy cost of the grade (physio.grade_cost)

    def at(self, distance_m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                  np.ndarray]:
        """Latitude, longitude, altitude and grade after ``distance_m`` (laps repeat)."""
        s = np.mod(distance_m, self.length_m)
        return (np.interp(s, self.s_m, self.lat_deg), np.interp(s, self.s_m, self.lon_deg),
                np.interp(s, self.s_m, self.altitude_m), np.interp(s, self.s_m, self.grade))

    def log_cost_at(self, distance_m: np.ndarray) -> np.ndarray:
        """Log energy cost of the grade after ``distance_m``."""
        return np.interp(np.mod(distance_m, self.length_m), self.s_m, self.log_cost)


def make_loop(home: Home, terrain: str, length_m: float, rng: np.random.Generator,
              vertices: int = 1500) -> Loop:
    """A loop of ``length_m`` starting and ending at ``home``."""
    theta = np.linspace(0.0, 2 * np.pi, vertices + 1)
    k = np.arange(2, 6)[:, None]
    amp = rng.uniform(0.02, 0.12, size=(4, 1)) * 2 / k
    radius = 1 + (amp * np.cos(k * theta + rng.uniform(0, 2 * np.pi, size=(4, 1)))).sum(0)
    turn = rng.uniform(0, 2 * np.pi)
    x, y = radius * np.cos(theta + turn), radius * np.sin(theta + turn)
    x, y = x - x[0], y - y[0]
    step = np.hypot(np.diff(x), np.diff(y))
    scale = length_m / step.sum()
    s = np.concatenate(([0.0], np.cumsum(step * scale)))
    lat = home.lat_deg + y * scale / M_PER_DEG
    lon = home.lon_deg + x * scale / (M_PER_DEG * np.cos(np.radians(home.lat_deg)))
    rise = _altitude(s, terrain, rng)
    grade = np.gradient(rise, s)
    return Loop(float(s[-1]), s, lat, lon, home.altitude_m + rise, grade,
                np.log(grade_cost(grade)))


def _altitude(s: np.ndarray, terrain: str, rng: np.random.Generator) -> np.ndarray:
    """Height above the start along the loop: rolling or hilly, closing on itself."""
    u = s / s[-1]
    k = np.arange(1, 7)[:, None]
    amp = rng.uniform(0.5, 1.0, size=(6, 1)) / k
    rise = (amp * np.sin(2 * np.pi * k * u + rng.uniform(0, 2 * np.pi, size=(6, 1)))).sum(0)
    span = rng.uniform(*_SPAN_M[terrain]) * np.sqrt(s[-1] / 8000.0)
    rise = (rise - rise.min()) / np.ptp(rise) * span
    steepest = np.abs(np.gradient(rise, s)).max()
    rise *= min(1.0, _MAX_GRADE[terrain] / steepest)
    return rise - rise[0]


def runner_loops(r: RunnerProfile, seed: int) -> tuple[Loop, ...]:
    """The runner's three loops from home: short, medium and long."""
    rng = stream(seed, "route")
    return tuple(make_loop(r.home, r.terrain, rng.uniform(*km) * 1000.0, rng)
                 for km in LOOP_KM)


def choose_loop(loops: tuple[Loop, ...], session: str, km: float) -> Loop:
    """Quality sessions on the short loop, long runs on the long one, easy runs on the
    loop that fits them best."""
    if session == "long":
        return loops[2]
    if session in ("easy", "recovery"):
        return loops[0] if km < 9.0 else loops[1]
    return loops[0]


def hill_loop(home: Home, length_m: float, hill_m: float, rng: np.random.Generator) -> Loop:
    """A loop of ``length_m`` that climbs a ``hill_m`` hill at 7 % and runs down it at
    13 % as many times as fit (a hill or trail run with steep, eccentric descents,
    science.md C03); flat before and after."""
    base = make_loop(home, "rolling", length_m, rng)
    rep_m = hill_m / HILL_UP_GRADE + hill_m / HILL_DOWN_GRADE
    reps = max(1, int(0.9 * length_m // rep_m))
    height = min(hill_m, 0.9 * length_m / reps / (1 / HILL_UP_GRADE + 1 / HILL_DOWN_GRADE))
    up, down = height / HILL_UP_GRADE, height / HILL_DOWN_GRADE
    start = (length_m - reps * (up + down)) / 2
    knots_s = [0.0, start]
    for k in range(reps):
        knots_s += [start + k * (up + down) + up, start + (k + 1) * (up + down)]
    knots_s.append(length_m)
    knots_h = [0.0, 0.0, *([height, 0.0] * reps), 0.0]
    rise = np.interp(base.s_m, knots_s, knots_h)
    grade = np.gradient(rise, base.s_m)
    return replace(base, altitude_m=home.altitude_m + rise, grade=grade,
                   log_cost=np.log(grade_cost(grade)))
