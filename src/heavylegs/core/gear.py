"""Shoes: which pair each run was on, km per pair, and when each pair crossed the
mileage notes (science.md C17: 500 km note, 800 km warning — Folk, from Cook 1985).

A run counts on its explicit gear (Strava's gear column, ``gear_id``); a run without
explicit gear counts on the pair whose ``from``..``to`` dates cover it (the latest
``from`` wins when ranges overlap).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import polars as pl

from heavylegs.core.settings import Setting, register

NOTE_KM, WARN_KM = register(
    Setting("shoe_note_km", 500.0, "km", "Cook et al. 1985 (Folk practice), science.md C17"),
    Setting("shoe_warn_km", 800.0, "km", "Cook et al. 1985 (Folk practice), science.md C17"),
)


KINDS = ("shoes", "bike", "other")
CYCLING_SPORTS = frozenset({"cycling", "e_biking"})


def kind_for(sport: str) -> str:
    """The kind of gear an activity of ``sport`` is done with."""
    from heavylegs.core.model import RUNNING_SPORTS

    return "shoes" if sport in RUNNING_SPORTS else "bike" if sport in CYCLING_SPORTS else "other"


def other_summary(acts: pl.DataFrame, gear: Sequence[tuple[int, str, str]]) -> list[dict[str, object]]:
    """Bikes and other gear: the activities done with each and their km (no running km, no
    shoe mileage dates). ``gear`` holds (id, name, kind)."""
    out = []
    for gear_id, name, kind in gear:
        used = acts.filter(pl.col("gear_id") == gear_id)
        out.append({"name": name, "kind": kind, "km": round(float(used["distance_m"].fill_null(0).sum()) / 1000, 1),
                    "activities": used.height})
    return out


@dataclass(frozen=True, slots=True)
class Shoe:
    id: int
    name: str
    from_date: date | None = None
    to_date: date | None = None
    start_km: float = 0.0
    limit_km: float | None = None

    def covers(self, day: date) -> bool:
        return (self.from_date is None or day >= self.from_date) and (self.to_date is None or day <= self.to_date)


def assign(acts: pl.DataFrame, shoes: Sequence[Shoe]) -> pl.DataFrame:
    """``acts`` (with ``id, local_date, is_run, distance_m, gear_id``, oldest first) plus
    ``gear_name``, ``gear_km`` (km on that pair up to and including the run) and
    ``gear_limit_km``. Non-runs get nulls."""
    if not shoes:
        return acts.with_columns(gear_name=pl.lit(None, dtype=pl.String), gear_km=pl.lit(None, dtype=pl.Float64),
                                 gear_limit_km=pl.lit(None, dtype=pl.Float64))
    by_id = {s.id: s for s in shoes}
    dated = sorted((s for s in shoes if s.from_date or s.to_date), key=lambda s: s.from_date or date.min, reverse=True)
    totals = {s.id: s.start_km for s in shoes}
    names, kms, limits = [], [], []
    rows = zip(*(acts[c].to_list() for c in ("local_date", "is_run", "distance_m", "gear_id")), strict=True)
    for day, is_run, dist, gear_id in rows:
        shoe = by_id.get(gear_id) if gear_id is not None else None
        if shoe is None and is_run:
            shoe = next((s for s in dated if s.covers(day)), None)
        if shoe is None or not is_run:
            names.append(None), kms.append(None), limits.append(None)
            continue
        totals[shoe.id] += (dist or 0.0) / 1000
        names.append(shoe.name), kms.append(round(totals[shoe.id], 3)), limits.append(shoe.limit_km)
    return acts.with_columns(gear_name=pl.Series(names, dtype=pl.String),
                             gear_km=pl.Series(kms, dtype=pl.Float64),
                             gear_limit_km=pl.Series(limits, dtype=pl.Float64))


def summary(assigned: pl.DataFrame, shoes: Sequence[Shoe], note_km: float = NOTE_KM.default,
            warn_km: float = WARN_KM.default) -> list[dict[str, object]]:
    """Per pair: km so far, number of runs, and the dates it crossed ``note_km``/``warn_km``."""
    out = []
    for shoe in shoes:
        runs = assigned.filter(pl.col("gear_name") == shoe.name)
        crossed = {}
        for label, limit in (("crossed_500_km", note_km), ("crossed_800_km", warn_km)):
            past = runs.filter(pl.col("gear_km") >= limit)
            crossed[label] = past["local_date"][0].isoformat() if past.height else None
        km = runs["gear_km"].max() if runs.height else shoe.start_km
        out.append({"name": shoe.name, "kind": "shoes", "from": shoe.from_date and shoe.from_date.isoformat(),
                    "to": shoe.to_date and shoe.to_date.isoformat(), "km": round(float(km), 1),  # type: ignore[arg-type]
                    "limit_km": shoe.limit_km, "runs": runs.height, **crossed})
    return out
