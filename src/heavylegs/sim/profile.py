"""Simulated runners: who they are, how fit, where and when they run.

``runner(kind, seed)`` draws a plausible runner of one of three kinds. Ranges follow
science.md §1.1 (HR anchors: Tanaka HRmax with its ~7 bpm spread, LTHR at 83-92 % of
heart-rate reserve) and common coaching numbers (easy pace 22-32 % slower than threshold
pace; novices 15-25 km a week, advanced runners 60-90).

>>> a = runner("advanced", 3)
>>> a == runner("advanced", 3), a.kind, a.resting_hr < a.lthr < a.max_hr
(True, 'advanced', True)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from heavylegs.errors import InvalidInput
from heavylegs.sim.rng import stream

KINDS: tuple[str, ...] = ("novice", "recreational", "advanced")
TERRAINS: tuple[str, ...] = ("rolling", "hilly")
REFERENCE_YEAR = 2026  # ages are drawn for this year; the simulator never reads the clock


@dataclass(frozen=True, slots=True)
class Home:
    """Where a runner lives: a point near a city, its altitude and its clock.

    ``tz`` is the IANA name (for a profile importer); the simulator itself applies the
    EU summer-time rule to ``std_offset_h``, which is right for every city it uses.
    """

    city: str
    lat_deg: float
    lon_deg: float
    altitude_m: float
    tz: str
    std_offset_h: int

    def utc_offset_s(self, day: date) -> int:
        """Offset of local time from UTC on ``day`` (summer time from the last Sunday
        of March to the last Sunday of October)."""
        summer = _last_sunday(day.year, 3) <= day < _last_sunday(day.year, 10)
        return (self.std_offset_h + int(summer)) * 3600


def _last_sunday(year: int, month: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


CITIES: tuple[Home, ...] = (
    Home("Bristol", 51.4545, -2.5879, 30.0, "Europe/London", 0),
    Home("Sheffield", 53.3811, -1.4701, 80.0, "Europe/London", 0),
    Home("Edinburgh", 55.9533, -3.1883, 60.0, "Europe/London", 0),
    Home("Dublin", 53.3498, -6.2603, 20.0, "Europe/Dublin", 0),
    Home("Porto", 41.1579, -8.6291, 90.0, "Europe/Lisbon", 0),
    Home("Lyon", 45.7640, 4.8357, 175.0, "Europe/Paris", 1),
    Home("Munich", 48.1351, 11.5820, 520.0, "Europe/Berlin", 1),
    Home("Stuttgart", 48.7758, 9.1829, 260.0, "Europe/Berlin", 1),
    Home("Zurich", 47.3769, 8.5417, 410.0, "Europe/Zurich", 1),
    Home("Innsbruck", 47.2692, 11.4041, 575.0, "Europe/Vienna", 1),
    Home("Ljubljana", 46.0569, 14.5058, 295.0, "Europe/Ljubljana", 1),
    Home("Bergen", 60.3913, 5.3221, 40.0, "Europe/Oslo", 1),
)


@dataclass(frozen=True, slots=True)
class RunnerProfile:
    """A simulated runner. The first twelve fields are what a runner could tell a coach;
    the rest describe habits the simulator needs (defaults: a typical runner)."""

    kind: str
    sex: str
    birth_year: int
    max_hr: int
    resting_hr: int
    lthr: int
    threshold_pace_s_per_km: float
    easy_pace_s_per_km: float
    weekly_km: float
    runs_per_week: int
    sleep_need_h: float
    weight_kg: float
    home: Home = CITIES[0]
    terrain: str = "rolling"
    cadence_spm: float = 168.0  # steps per minute at easy pace
    hrv_rmssd_ms: float = 55.0  # typical morning rMSSD
    sleep_shortfall_h: float = 0.25  # habitual nightly sleep below need
    stress_base: float = 2.0  # typical 1-5 stress rating
    workout_weekday: int = 1  # 0 = Monday
    long_run_weekday: int = 6
    run_hour: float = 7.0  # local start hour of weekday runs
    # habits drawn from their own stream (``_habits``), so adding one never moves the rest
    height_cm: float = 172.0
    food_log: float = 0.0  # share of days food and fluids are logged (0: never)
    sweat_lph: float = 1.0  # sweat rate at 15 C, litres an hour
    shoe_km: float = 150.0  # km on the current pair when the scenario starts
    shoe_life_km: float = 450.0  # a new pair when the current one reaches this
    cycle_days: int = 28  # menstrual cycle (female runners log their periods)
    cycle_offset: int = 0  # day of the cycle on the scenario's first day
    period_days: int = 5
    lab_at: float = -1.0  # a routine blood test at this share of the scenario (< 0: none)
    dynamics_pod: bool = False  # a chest strap or pod recording running dynamics
    gct_ms: float = 255.0  # ground contact time at 2.9 m/s
    vo_mm: float = 85.0  # vertical oscillation at 2.9 m/s
    balance_pct: float = 50.0  # left share of ground contact time

    @property
    def threshold_speed_mps(self) -> float:
        return 1000.0 / self.threshold_pace_s_per_km

    @property
    def easy_speed_mps(self) -> float:
        return 1000.0 / self.easy_pace_s_per_km

    @property
    def lthr_fraction(self) -> float:
        """LTHR as a fraction of heart-rate reserve (Karvonen, science.md §1.1)."""
        return (self.lthr - self.resting_hr) / (self.max_hr - self.resting_hr)

    @property
    def long_run_share(self) -> float:
        """Share of the weekly distance run in the long run."""
        return {"novice": 0.36, "recreational": 0.31, "advanced": 0.27}[self.kind]


@dataclass(frozen=True, slots=True)
class _Ranges:
    age: tuple[float, float]
    resting_hr: tuple[float, float]
    lthr_fraction: tuple[float, float]
    threshold_pace: tuple[float, float]
    weekly_km: tuple[float, float]
    runs: tuple[int, ...]
    cadence: tuple[float, float]
    rmssd: tuple[float, float]


_RANGES: dict[str, _Ranges] = {
    "novice": _Ranges((22, 55), (58, 72), (0.83, 0.87), (330, 400), (15, 25), (3,),
                      (160, 166), (28, 60)),
    "recreational": _Ranges((22, 58), (50, 62), (0.85, 0.89), (262, 318), (30, 50), (4, 5),
                            (164, 172), (35, 75)),
    "advanced": _Ranges((20, 48), (40, 52), (0.87, 0.92), (205, 245), (60, 90), (5, 6),
                        (170, 178), (50, 110)),
}


def runner(kind: str = "recreational", seed: int = 0) -> RunnerProfile:
    """A plausible runner of ``kind`` (novice, recreational or advanced); same seed, same
    runner."""
    if kind not in KINDS:
        raise InvalidInput("runner kind", kind, ", ".join(KINDS))
    r, rng = _RANGES[kind], stream(seed, "runner", kind)
    sex = "female" if rng.random() < 0.5 else "male"
    age = int(rng.integers(r.age[0], r.age[1] + 1))
    max_hr = int(np.clip(round(208 - 0.7 * age + rng.normal(0, 6)), 165, 210))
    resting = int(round(rng.uniform(*r.resting_hr)))
    lthr = int(round(resting + rng.uniform(*r.lthr_fraction) * (max_hr - resting)))
    threshold = rng.uniform(*r.threshold_pace) * (1.05 if sex == "female" else 1.0)
    mass = rng.uniform(52, 68) if sex == "female" else rng.uniform(64, 84)
    return RunnerProfile(
        kind=kind, sex=sex, birth_year=REFERENCE_YEAR - age, max_hr=max_hr,
        resting_hr=resting, lthr=lthr, threshold_pace_s_per_km=round(threshold, 1),
        easy_pace_s_per_km=round(threshold * rng.uniform(1.22, 1.32), 1),
        weekly_km=round(rng.uniform(*r.weekly_km), 1),
        runs_per_week=int(rng.choice(r.runs)),
        sleep_need_h=round(rng.uniform(7.75, 9.0) * 4) / 4,
        weight_kg=round(mass * (0.95 if kind == "advanced" else 1.0), 1),
        home=_home(rng), terrain=str(rng.choice(TERRAINS)),
        cadence_spm=round(rng.uniform(*r.cadence), 1),
        hrv_rmssd_ms=round(rng.uniform(*r.rmssd) * (1.25 - age / 100), 1),
        sleep_shortfall_h=round(rng.uniform(0.1, 0.35), 2),
        stress_base=round(rng.uniform(1.6, 2.6), 2),
        workout_weekday=int(rng.choice((1, 2))), long_run_weekday=int(rng.choice((5, 6))),
        run_hour=float(rng.choice((6.5, 7.0, 12.5, 18.0, 18.5))),
        **_habits(kind, seed, sex),
    )


def _habits(kind: str, seed: int, sex: str) -> dict[str, object]:
    """Habits and body details the analysis never sees directly (own random stream)."""
    rng = stream(seed, "habits", kind)
    female = sex == "female"
    cycle = int(rng.integers(25, 33))
    return {
        "height_cm": round(float(rng.normal(165 if female else 178, 6)), 0),
        "food_log": float(rng.choice((0.0, 0.0, 0.85, 0.95))),
        "sweat_lph": round(float(rng.uniform(0.7, 1.3)), 2),
        "shoe_km": round(float(rng.uniform(20, 220)), 0),
        "shoe_life_km": round(float(rng.uniform(420, 480)), 0),
        "cycle_days": cycle, "cycle_offset": int(rng.integers(cycle)),
        "period_days": int(rng.integers(4, 6)),
        "lab_at": round(float(rng.uniform(0.2, 0.8)), 2) if rng.random() < 0.35 else -1.0,
        "gct_ms": round(float(rng.normal(252 if kind != "advanced" else 232, 9)), 1),
        "vo_mm": round(float(rng.normal(86, 6)), 1),
        "balance_pct": round(float(rng.normal(50.0, 0.3)), 2),
    }


def _home(rng: np.random.Generator) -> Home:
    city = CITIES[int(rng.integers(len(CITIES)))]
    north_m, east_m = rng.uniform(-3000, 3000, size=2)
    lat = city.lat_deg + north_m / 111_319.5
    lon = city.lon_deg + east_m / (111_319.5 * np.cos(np.radians(city.lat_deg)))
    return Home(city.city, round(float(lat), 6), round(float(lon), 6),
                city.altitude_m + round(float(rng.uniform(-15, 25)), 1), city.tz,
                city.std_offset_h)
