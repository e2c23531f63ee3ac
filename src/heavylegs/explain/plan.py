"""What to do next: next week's distance and long-run caps, where to put rest days and
hard sessions, when to move a leg strength session, what to eat before the next long run.
Each item names the finding it answers (or none, for the general caps).

Honest with thin data (issue 13): the caps and the week need at least 4 weeks of activity
history (science.md §0.4) with activities in the 2 weeks before the day asked about;
under that the plan is one line saying what is missing and pointing to ``heavylegs
import``. The week follows the runner's own: the long run on the weekday most of their
recent longest runs fell on, rest days on the weekdays they most often leave free."""

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
MIN_HISTORY_DAYS = 28  # science.md §0.4: >= 28 days of activity history before using load
RECENT_DAYS = 14  # without an activity in the 2 weeks before the day asked about, no plan
PATTERN_DAYS = 56  # the runner's usual week: the last 8 weeks
IMPORT = "`heavylegs import` your activity files (FIT, GPX, TCX) or a Strava/Garmin export"


@dataclass(frozen=True, slots=True)
class PlanItem:
    topic: str
    text: str
    answers: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"topic": self.topic, "text": self.text, "answers": self.answers}


def _thin(ctx: Context) -> PlanItem | None:
    """One line saying what is missing when the data cannot carry a plan, else None."""
    dates = [d for d in ctx.acts["local_date"].to_list() if d <= ctx.day] if ctx.acts.height else []
    if not dates:
        return PlanItem("data", f"No activity is stored in the months up to {ctx.day:%a %d %b %Y}, so there is no "
                                f"plan for this day: {IMPORT}, or ask about a day near your data.")
    first, last = min(dates), max(dates)
    if (ctx.day - last).days >= RECENT_DAYS:
        return PlanItem("data", f"No activity in the 2 weeks before {ctx.day:%a %d %b %Y} (the last was on "
                                f"{last:%a %d %b %Y}), so there is no plan for this day: {IMPORT}, or ask about a "
                                "day near your data.")
    span = (ctx.day - first).days
    if span < MIN_HISTORY_DAYS:
        have = "1 day" if span == 1 else f"{span} days" if span else "activities from this day only"
        return PlanItem("data", f"A plan needs at least 4 weeks of activity history and you have {have} (since "
                                f"{first:%a %d %b}), so it gives no distances yet: {IMPORT} for older runs, or "
                                "keep recording.")
    return None


def _rest_days(ctx: Context, long_day: int) -> list[int]:
    """The runner's two usual rest weekdays: those without an activity most often in the
    last 8 weeks (ties: the day after the long run, then the later in the week)."""
    since = ctx.day - timedelta(days=PATTERN_DAYS)
    active = Counter(d.weekday() for d in set(ctx.acts["local_date"].to_list()) if since < d <= ctx.day)
    after = (long_day + 1) % 7
    order = sorted((w for w in range(7) if w != long_day), key=lambda w: (active[w], w != after, -w))
    return sorted(order[:2], key=lambda w: (w - long_day) % 7)


def _long_run_day(ctx: Context) -> int:
    """The weekday of most of the last 8 weeks' longest runs (Sunday without runs); on a
    tie the earlier week's."""
    if ctx.acts.height == 0:
        return 6
    since = ctx.day - timedelta(days=PATTERN_DAYS)
    longest: dict[int, tuple[float, date]] = {}  # ISO week number -> (km key, day) of its longest run
    for is_run, day, dist in zip(ctx.acts["is_run"].to_list(), ctx.acts["local_date"].to_list(),
                                 ctx.acts["distance_m"].to_list(), strict=True):
        if not is_run or day <= since or day > ctx.day:
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


def _hard_days(long_day: int, rest: list[int], one: bool) -> list[int]:
    """Weekdays for hard sessions: not the long run, the days just before and after it or a
    rest day, 48 h apart; the preferred ones 2 and 5 days after the long run (or 3, for one)."""
    free = [w for w in range(7) if w not in (long_day, (long_day - 1) % 7, (long_day + 1) % 7, *rest)]
    prefer = [3, 2, 4, 5] if one else [2, 5, 4, 3]
    chosen: list[int] = []
    for offset in prefer:
        w = (long_day + offset) % 7
        if w in free and w not in chosen and all(abs(w - c) not in (0, 1, 6) for c in chosen):
            chosen.append(w)
        if len(chosen) == (1 if one else 2):
            break
    return sorted(chosen, key=lambda w: (w - long_day) % 7)


def _rest_text(rest: list[int], long_day: int) -> str:
    names = [DAYS[w] + (f" (after your usual long run on {DAYS[long_day]})" if w == (long_day + 1) % 7 else "")
             for w in rest]
    return f"Rest days: {' and '.join(names)}, the days you usually keep free."


def _week_shape(ctx: Context, found: dict[str, Finding]) -> list[PlanItem]:
    long_day = _long_run_day(ctx)
    rest = _rest_days(ctx, long_day)
    hard = _hard_days(long_day, rest, "overtraining" in found)
    answers = next((c for c in ("insufficient-recovery", "overtraining", "excess-intensity") if c in found), None)
    items = [PlanItem("rest", _rest_text(rest, long_day), answers)]
    hard_text = " and ".join(DAYS[d] for d in hard)
    limit = "one hard session" if len(hard) == 1 else "two hard sessions at most, 48 h apart"
    text = (f"Keep {limit}: {hard_text}; every other run easy (you can talk in full sentences)." if hard else
            "Keep every run easy this week (you can talk in full sentences): your week has no day for a hard session "
            "away from the long run and your rest days.")
    items.append(PlanItem("intensity", text,
                          answers if answers != "insufficient-recovery" else "insufficient-recovery"))
    if "strength-overload" in found:
        day = (long_day - 3) % 7
        items.append(PlanItem("strength", f"Move the leg strength session to {DAYS[day]}, at least 48 h before the "
                                          f"long run on {DAYS[long_day]}, or make it upper body and core.", "strength-overload"))
    elif "no-strength-training" in found:
        easy = [w for w in range(7) if w not in (long_day, (long_day - 1) % 7, (long_day - 2) % 7, *rest, *hard)]
        days = " and ".join(DAYS[w] for w in sorted((easy + hard)[:2], key=lambda w: (w - long_day) % 7))
        items.append(PlanItem("strength", f"Add two 30-minute strength sessions ({days}, after any run that day): "
                                          "squats, lunges, calf raises, hip work.",
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
    thin = _thin(ctx)
    if thin is not None:
        return [thin]
    found = {f.cause: f for f in findings if f.confidence != "low"}
    items = _caps(ctx, found) + _week_shape(ctx, found) + _fuel(ctx, found)
    if "sleep-deprivation" in found:
        items.append(PlanItem("sleep", "For the next 7 nights: 8+ hours in bed, same bedtime; keep runs easy after "
                                       "a short night.", "sleep-deprivation"))
    if any(c in found for c in ("dehydration", "electrolyte-imbalance")):
        items.append(PlanItem("fluids", "Weigh yourself before and after long or hot runs; drink to keep the loss "
                                        "under 2 % and add sodium on runs over 2 h or in heat.",
                              "dehydration" if "dehydration" in found else "electrolyte-imbalance"))
    from heavylegs.explain import remedies  # imports PlanItem from here

    return items + remedies.plan_items(items)
