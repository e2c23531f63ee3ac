"""The runner's shoes: which pair each run was in, and the pairs a test registers.

A runner starts the scenario in a pair with ``RunnerProfile.shoe_km`` on it and buys a
new one before the current pair passes ``shoe_life_km`` (420-480 km: below the 500 km
"note" of science.md C17). ``Shoe`` rows are what ``heavylegs gear add NAME --from DATE
--start-km KM`` takes: each pair from the day of its first run (the first pair from the
scenario's first day, with the km it already had). The worn-shoes injection sets
``Effects.old_shoe_km`` on the first day: the pair had that many km and is never replaced.

>>> from datetime import date
>>> from heavylegs.sim.days import Day
>>> from heavylegs.sim.profile import runner
>>> r = runner("recreational", 1)
>>> days = [Day(i, date(2026, 1, 5 + i), 0, "easy", 200.0) for i in range(3)]
>>> [(s.from_date.day, s.start_km) for s in shoes(days, r)]
[(5, 171.0), (6, 0.0)]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from heavylegs.sim.days import Day
from heavylegs.sim.profile import RunnerProfile

MODELS: tuple[str, ...] = ("Pegasus 41", "Ghost 16", "Clifton 9", "Novablast 4", "Kinvara 15",
                           "Ride 17", "Cloudmonster", "Rebel v4")


class Shoe(NamedTuple):
    """A pair of running shoes: ``gear add NAME --from FROM_DATE`` with ``START_KM``."""

    name: str
    from_date: date
    start_km: float


def shoes(days: Sequence[Day], r: RunnerProfile) -> tuple[Shoe, ...]:
    """The pairs the runner wore, in order."""
    if not days:
        return ()
    old = days[0].effects.old_shoe_km
    km = r.shoe_km if old is None else old
    life = r.shoe_life_km if old is None else math.inf
    model = MODELS[int(r.shoe_km + r.weight_kg) % len(MODELS)]
    pairs = [Shoe(f"{model} #1", days[0].date, round(km, 1))]
    for d in days:
        if d.is_run and km + d.planned_km > life:
            pairs.append(Shoe(f"{model} #{len(pairs) + 1}", d.date, 0.0))
            km = 0.0
        km += d.planned_km
    return tuple(pairs)


def shoe_km(days: Sequence[Day], r: RunnerProfile) -> list[float]:
    """Km on the pair in use at the end of each day."""
    pairs = {p.from_date: p.start_km for p in shoes(days, r)}
    out, km = [], 0.0
    for d in days:
        km = pairs.get(d.date, km)
        km += d.planned_km
        out.append(km)
    return out
