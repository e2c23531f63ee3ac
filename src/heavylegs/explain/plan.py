"""What to do next: next week's distance and long-run caps, where to put rest days and
hard sessions, when to move a leg strength session, what to eat before the next long run.
Each item names the finding it answers (or none, for the general caps)."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from heavylegs.causes import progression
from heavylegs.causes.base import Context, Finding

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SPIKE_CAP = 1.10  # single run within 10 % of the 30-day longest (Garmin-RUNSAFE 2025)
CUT = {"overtraining": 0.5, "insufficient-recovery": 0.75}  # volume factor next week [practitioner]


@dataclass(frozen=True, slots=True)
class PlanItem:
    topic: str
    text: str
    answers: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"topic": self.topic, "text": self.text, "answers": self.answers}


def _long_run_day(ctx: Context) -> int:
    """The weekday of most of the last 8 weeks' longest runs (Sunday without runs); on a
    tie the earlier week's."""
    if ctx.acts.height == 0:
        return 6
    since = ctx.day - timedelta(days=56)
    longest: dict[int, tuple[float, date]] = {}  # ISO week number -> (km key, day) of its longest run
    for is_run, day, dist in zip(ctx.acts["is_run"].to_list(), ctx.acts["local_date"].to_list(),
                                 ctx.acts["distance_m"].to_list(), strict=True):
        if not is_run or day <= since:
            continue
        week, key = day.isocalendar().week, -math.inf if dist is None else dist  # a run without distance ranks last
        if week not in longest or key >= longest[week][0]:
            longest[week] = (key, day)
    if not longest:
        return 6
    return Counter(day.weekday() for _, day in longest.values()).most_common(1)[0][0]


def _caps(ctx: Context, found: dict[str, Finding]) -> list[PlanItem]:
    ref = progression.established_long_run_km(ctx) or 0.0  # the same reference as the spike rule
    weeks = [ctx.window(7, 7 * i)["run_distance_m"].sum() / 1000 for i in range(1, 5)]
    base = max(weeks) if weeks else 0.0
    factor = min((CUT[c] for c in CUT if c in found), default=1.0)
    why = next((c for c in CUT if c in found), None)
    items = []
    if base > 0:
        cap = base * (SPIKE_CAP if factor == 1.0 else factor)
        note = f" (about {100 - factor * 100:.0f} % less than your biggest recent week, to recover)" if why else ""
        items.append(PlanItem("distance", f"Next week: at most {cap:.0f} km in total{note}.", why))
    if ref > 0:
        items.append(PlanItem("long-run", f"Longest run next week: at most {ref * SPIKE_CAP:.1f} km, within 10 % of "
                                          f"your established long run ({ref:.1f} km).",
                              "training-spike" if "training-spike" in found else None))
    return items


def _week_shape(ctx: Context, found: dict[str, Finding]) -> list[PlanItem]:
    long_day = _long_run_day(ctx)
    rest = [(long_day + 1) % 7, (long_day + 4) % 7]
    hard = [(long_day + 2) % 7, (long_day + 5) % 7] if "overtraining" not in found else [(long_day + 3) % 7]
    answers = next((c for c in ("insufficient-recovery", "overtraining", "excess-intensity") if c in found), None)
    items = [PlanItem("rest", f"Rest days: {DAYS[rest[0]]} (after the long run on {DAYS[long_day]}) and {DAYS[rest[1]]}.",
                      answers)]
    hard_text = " and ".join(DAYS[d] for d in hard)
    limit = "one hard session" if len(hard) == 1 else "two hard sessions at most, 48 h apart"
    items.append(PlanItem("intensity", f"Keep {limit}: {hard_text}; every other run easy (you can talk in full sentences).",
                          answers if answers != "insufficient-recovery" else "insufficient-recovery"))
    if "strength-overload" in found:
        day = (long_day - 3) % 7
        items.append(PlanItem("strength", f"Move the leg strength session to {DAYS[day]}, at least 48 h before the "
                                          f"long run on {DAYS[long_day]}, or make it upper body and core.", "strength-overload"))
    elif "no-strength-training" in found:
        items.append(PlanItem("strength", f"Add two 30-minute strength sessions on easy days ({DAYS[rest[1]]} and "
                                          f"{DAYS[(long_day + 3) % 7]}): squats, lunges, calf raises, hip work.",
                              "no-strength-training"))
    return items


def _fuel(ctx: Context, found: dict[str, Finding]) -> list[PlanItem]:
    cause = next((c for c in ("glycogen-depletion", "low-carbohydrate", "low-energy-availability") if c in found), None)
    if cause is None:
        return []
    kg = ctx.profile.weight_kg
    pre = f"{kg * 1:.0f}-{kg * 4:.0f} g" if kg else "1-4 g per kg of body weight"
    return [PlanItem("fuel", f"Before the next long run eat {pre} of carbohydrate in the 1-4 h before, and take "
                             f"30-60 g an hour during runs over 60-90 minutes (Burke 2011).", cause)]


def make(ctx: Context, findings: tuple[Finding, ...]) -> list[PlanItem]:
    """The plan for the coming week, from the day's findings and the recent weeks."""
    found = {f.cause: f for f in findings if f.confidence != "low"}
    items = _caps(ctx, found) + _week_shape(ctx, found) + _fuel(ctx, found)
    if "sleep-deprivation" in found:
        items.append(PlanItem("sleep", "For the next 7 nights: 8+ hours in bed, same bedtime; keep runs easy after "
                                       "a short night.", "sleep-deprivation"))
    if any(c in found for c in ("dehydration", "electrolyte-imbalance")):
        items.append(PlanItem("fluids", "Weigh yourself before and after long or hot runs; drink to keep the loss "
                                        "under 2 % and add sodium on runs over 2 h or in heat.",
                              "dehydration" if "dehydration" in found else "electrolyte-imbalance"))
    return items
