"""Air temperature during a run: season, latitude, altitude, time of day and weather.

A plain climatological model, good enough for European cities: the annual mean falls
0.4 C per degree of latitude and 6.5 C per km of altitude; the year swings +-7.5 C
around it (warmest near 19 July), the day +-3.5 C (warmest at 15:00), and each day's
weather adds a normal deviation of 2.5 C. Watches read about 1.5 C above the air (the
wrist warms the sensor). Heat matters for heavy legs through HR and sweat (science.md
C09, C10): ``heat_load`` is how far a run's temperature is above comfortable.

>>> from datetime import date
>>> from heavylegs.sim.profile import CITIES
>>> summer = air_temp_c(CITIES[4], date(2026, 7, 20), 15.0, 0.0)
>>> winter = air_temp_c(CITIES[4], date(2026, 1, 20), 7.0, 0.0)
>>> round(summer), round(winter), summer > winter
(24, 4, True)
"""

from __future__ import annotations

import math
from datetime import date

from heavylegs.sim.days import Day
from heavylegs.sim.profile import Home, RunnerProfile
from heavylegs.sim.rng import stream

SEASON_SWING_C = 7.5
DAY_SWING_C = 3.5
WEATHER_SD_C = 2.5
WRIST_OFFSET_C = 1.5
COMFORT_C = 15.0


def air_temp_c(home: Home, day: date, hour: float, weather_z: float) -> float:
    """Air temperature at local ``hour`` on ``day``; ``weather_z`` is the day's standard
    normal weather deviation."""
    mean = 30.0 - 0.4 * abs(home.lat_deg) - 0.0065 * home.altitude_m
    season = SEASON_SWING_C * math.cos(2 * math.pi * (day.timetuple().tm_yday - 200) / 365.0)
    daily = DAY_SWING_C * math.cos(2 * math.pi * (hour - 15.0) / 24.0)
    return mean + season + daily + WEATHER_SD_C * weather_z


def heat_load(temp_c: float) -> float:
    """Degrees above a comfortable running temperature (0 when cooler)."""
    return max(0.0, temp_c - COMFORT_C)


def start_hour(day: Day, r: RunnerProfile, seed: int) -> float:
    """Local start hour of ``day``'s run: the runner's usual hour, 8:30 at weekends."""
    rng = stream(seed, "start", day.index)
    if day.date.weekday() >= 5:
        return 8.5 + float(rng.normal(0, 0.4))
    return r.run_hour + float(rng.normal(0, 0.25))


def run_temp_c(day: Day, r: RunnerProfile, seed: int) -> float:
    """Air temperature at the start of ``day``'s run (an injected heat wave or trip wins)."""
    if day.effects.temp_c is not None:
        return day.effects.temp_c
    z = float(stream(seed, "weather", day.index).normal())
    return air_temp_c(r.home, day.date, start_hour(day, r, seed), z)
