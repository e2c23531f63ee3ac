"""no-strength-training (science.md C14) and strength-overload (C15).

A strength session is an activity with sport ``strength`` or a day whose log says
``strength`` = legs-heavy, legs-light, upper or core. The log word sets the focus (legs or
not) and the weight (heavy or light); without it a session is heavy when it lasted 45 min
or more or, on a day without a run, the day's RPE was 7 or more. Sessions without a clock
time (log only) are placed at midday.

Strength work can only be judged when the runner records it: a strength activity in the
last 90 days, or the log's ``strength`` filled in on 7 of the last 28 days; otherwise
both causes are not assessed (science.md C14(f), C15(f): sessions not logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl

from heavylegs.causes import training_data as td
from heavylegs.causes.base import (
    Context,
    Evidence,
    Finding,
    NotAssessed,
    Result,
    Ruled,
    history_note,
    plural,
)
from heavylegs.causes.intensity import zoned_runs
from heavylegs.core.settings import Setting, register

NO_STRENGTH = "no-strength-training"
OVERLOAD = "strength-overload"
(MIN_WEEK, BASE_WEEK, WINDOW, LOG_DAYS, HEAVY_MIN, HEAVY_RPE, GAP_LIGHT, GAP_HEAVY, SPIKE,
 NEW_DAYS, LAG, SORE) = register(
    Setting("strength_min_per_week", 1.0, "sessions/week", "science.md C14 (source article; ≥ 1/wk in peak)"),
    Setting("strength_base_per_week", 2.0, "sessions/week", "science.md C14 (≥ 2/wk in base/off-season)"),
    Setting("strength_window_days", 28.0, "days", "science.md C14 (rolling 28 d)"),
    Setting("strength_log_days_min", 7.0, "days", "science.md C14(f) [heuristic]",
            "days of the last 28 with the log's strength column filled in"),
    Setting("strength_heavy_min", 45.0, "min", "design choice (heavy when unlogged) [heuristic]"),
    Setting("strength_heavy_rpe", 7.0, "CR-10", "science.md C04/C15 (sRPE ≥ 7 = hard)"),
    Setting("strength_gap_min_h", 24.0, "h", "science.md C15 timing_flag; Doma & Deakin 2013"),
    Setting("strength_gap_heavy_h", 48.0, "h", "Doma et al. 2019, Sports Med Open 5:21"),
    Setting("strength_spike_ratio", 1.5, "ratio", "science.md C15 overdo_flag [heuristic]"),
    Setting("strength_new_after_days", 21.0, "days", "science.md C15 (new session; repeated-bout "
            "effect, Assumpção 2013) [heuristic]"),
    Setting("strength_lag_max_h", 48.0, "h", "science.md §4.2 (strength: 0-48 h before)"),
    Setting("strength_soreness_note", 4.0, "0-10", "science.md C15 [heuristic]"),
)
FOCUS = {"legs-heavy", "legs-light", "upper", "core"}
HOW = ("Log strength work: `strength` = legs-heavy, legs-light, upper, core or none in the daily "
       "log (or `heavylegs checkin --set strength=...`), or import strength activities from your watch.")


@dataclass(frozen=True, slots=True)
class Session:
    day: date
    end: datetime  # log-only sessions: midday
    leg: bool | None  # None: focus not logged
    heavy: bool
    timed: bool  # False: from the log only, clock time unknown

    @property
    def label(self) -> str:
        kind = "heavy" if self.heavy else "light"
        return f"{kind} leg" if self.leg else f"{kind} strength (focus not logged)"


def _word(ctx: Context, day: date) -> str | None:
    w = td.log_value(ctx, "strength", day)
    return str(w) if w in FOCUS else None


def sessions(ctx: Context, first: date, last: date) -> list[Session]:
    """Strength sessions between two dates, from activities and the log."""
    o = ctx.overrides
    acts = _strength_acts(ctx)
    acts = td.between(acts, first, last) if acts.height else acts
    out: list[Session] = []
    seen: set[date] = set()
    for a in acts.iter_rows(named=True):
        word = _word(ctx, a["local_date"])
        seen.add(a["local_date"])
        rpe = td.log_number(ctx, "rpe", a["local_date"])
        ran = td.between(td.runs(ctx), a["local_date"], a["local_date"]).height > 0
        long_ = (a["elapsed_s"] or 0) >= 60 * HEAVY_MIN.value(o)
        hard = not ran and rpe is not None and rpe >= HEAVY_RPE.value(o)
        heavy = (word == "legs-heavy") if word else (long_ or hard)
        leg = word.startswith("legs") if word else None
        out.append(Session(a["local_date"], a["end_local"], leg, heavy, True))
    for d, w in td.logged(ctx, "strength", (last - first).days + 1, (ctx.day - last).days).iter_rows():
        if w in FOCUS and d not in seen:
            out.append(Session(d, datetime.combine(d, time(12)), w.startswith("legs"), w == "legs-heavy", False))
    return sorted(out, key=lambda s: s.end)


def _strength_acts(ctx: Context) -> pl.DataFrame:
    """Strength activities, timed (``end_local``) against the day asked about."""
    def make() -> pl.DataFrame:
        acts = ctx.acts.filter(pl.col("sport").is_in(td.STRENGTH_SPORTS)) if ctx.acts.height else ctx.acts
        return td.with_lag(ctx, acts) if acts.height else acts

    return ctx.cached("strength_acts", make)  # type: ignore[no-any-return]


def _on_watch(ctx: Context) -> bool:
    """A strength activity in the last 90 days: the runner records strength on the watch."""
    look = ctx.day - timedelta(days=int(td.STRENGTH_LOOKBACK.value(ctx.overrides)))
    return td.between(_strength_acts(ctx), look, ctx.day).height > 0 if ctx.acts.height else False


def records_strength(ctx: Context) -> bool:
    logged = td.logged(ctx, "strength", int(WINDOW.value(ctx.overrides))).height
    return logged >= LOG_DAYS.value(ctx.overrides) or _on_watch(ctx)


def per_week(ctx: Context) -> tuple[float, int, int, int]:
    """Leg (or unlogged-focus) sessions a week over 28 days, their count, the upper/core
    count, and the days the rate is over: all 28 when strength is recorded on the watch,
    else the days with a `strength` entry (an unlogged day is not a day without a session)."""
    days = int(WINDOW.value(ctx.overrides))
    found = sessions(ctx, ctx.day - timedelta(days=days - 1), ctx.day)
    legs = sum(1 for s in found if s.leg is not False)
    covered = days if _on_watch(ctx) else max(td.logged(ctx, "strength", days).height, 1)
    return legs / (covered / 7), legs, len(found) - legs, covered


def evaluate_none(ctx: Context) -> Result:
    o = ctx.overrides
    days = int(WINDOW.value(o))
    if td.history_days(ctx) < days:
        return NotAssessed(NO_STRENGTH, (f"{days} days of history",),
                           history_note(td.history_days(ctx), "activities", "4 weeks"))
    if not records_strength(ctx):
        return NotAssessed(NO_STRENGTH, ("strength",), HOW)
    rate, legs, other, covered = per_week(ctx)
    base = ctx.profile.phase in ("base", "off-season")
    target = BASE_WEEK.value(o) if base else MIN_WEEK.value(o)
    phase = f"in your {ctx.profile.phase} phase" if ctx.profile.phase else "in any phase"
    if rate >= target:
        return Ruled(NO_STRENGTH, f"You did {plural(legs, 'leg strength session')} in the last {days} days "
                                  f"(about {rate:.1f} a week), meeting the {target:.0f} a week advised {phase}.")
    window = (ctx.day - timedelta(days=days - 1), ctx.day)
    extra = f" Your {plural(other, 'upper-body or core session')} {'does' if other == 1 else 'do'} not load the legs." if other else ""
    over = f"in the last {days} days" if covered == days else f"on the {covered} days you logged strength"
    ev = Evidence("leg_strength_per_week_28d", round(rate, 2), target, window,
                  f"You did {plural(legs, 'leg strength session')} {over} ({rate:.1f} a week); "
                  f"runners are advised {target:.0f} a week {phase}.{extra}")
    s = td.score([("weak", 1.0 if legs == 0 else 0.6, ev)])
    quality = (1.0 if ctx.profile.phase else 0.8) * (1.0 if covered >= days - 7 else 0.7)
    fix = ("Add 2 lower-body strength sessions a week: heavy, low-rep squats or deadlift variants, "
           "calf raises, single-leg work and hip abductors, plus short plyometrics in base season.",
           "Keep 1 maintenance session a week in race-specific phases and drop the heavy one in race week.",
           "Lift on hard-run days (run first, lift 6 h or more later) or at least 48 h before a long run.")
    return Finding(NO_STRENGTH, s, td.confidence_for(s, quality, "weak"), (ev,), fix)


def _key_runs(ctx: Context) -> pl.DataFrame:
    """Hard or long runs today or yesterday (the daily table's hard days)."""
    hard = ctx.window(2).filter(pl.col("hard_day") & (pl.col("n_runs") > 0))["date"].to_list()
    runs = td.between(zoned_runs(ctx), ctx.day - timedelta(days=1), ctx.day)
    runs = runs.filter(pl.col("local_date").is_in(hard))
    return runs.with_columns(start=pl.col("end_local") - pl.duration(seconds=pl.col("elapsed_s").fill_null(0.0)))


def _gap_h(s: Session, run: dict) -> float | None:
    """Hours from the end of the session to the start of the run (None: run came first)."""
    if not s.timed:
        days = (run["local_date"] - s.day).days
        return 24.0 * days if days >= 1 else (0.0 if days == 0 else None)
    gap = (run["start"] - s.end).total_seconds() / 3600
    return gap if gap >= 0 else None


def _new_days(ctx: Context, recent: list[Session]) -> set[date]:
    """Days of recent leg sessions with no leg session in the 21 days before them."""
    look = int(NEW_DAYS.value(ctx.overrides))
    if td.history_days(ctx) < look:
        return set()
    earlier = [s for s in sessions(ctx, ctx.day - timedelta(days=look + 3), ctx.day) if s.leg is not False]
    return {s.day for s in recent
            if not any(timedelta(0) < s.day - e.day <= timedelta(days=look) for e in earlier)}


def _experienced(ctx: Context) -> bool:
    """Regular leg work (about weekly over the 4 weeks before): the repeated-bout effect
    blunts the cost, so timing signals weigh less (C15(f))."""
    prior = sessions(ctx, ctx.day - timedelta(days=30), ctx.day - timedelta(days=3))
    return sum(1 for s in prior if s.leg is not False) >= 4


def _timing(ctx: Context, recent: list[Session], new: set[date], experienced: bool
            ) -> tuple[float, Session, dict, float] | None:
    """The worst (strength, session, key run, gap h) of a leg session too close before a key run."""
    o, best = ctx.overrides, None
    for run in _key_runs(ctx).iter_rows(named=True):
        for s in recent:
            gap = _gap_h(s, run)
            heavy = s.heavy or s.day in new
            if gap is None or gap >= (GAP_HEAVY if heavy else GAP_LIGHT).value(o):
                continue
            if not s.timed and gap == 0 and not heavy:
                continue  # a light session logged the same day, order unknown: nothing to say
            strength = 1.0 if s.heavy and gap < GAP_LIGHT.value(o) else 0.8 if heavy else 0.6
            strength *= (0.6 if s.leg is None else 1.0) * (0.6 if not s.timed and gap == 0 else 1.0)
            strength *= 0.6 if experienced and s.day not in new else 1.0
            if best is None or strength > best[0]:
                best = (strength, s, run, gap)
    return best


def _timing_evidence(ctx: Context, t: tuple[float, Session, dict, float]) -> Evidence:
    _, s, run, gap = t
    kind = _kind(run)
    if s.timed:
        when = f"ended {gap:.0f} h before {td.fmt_day(run['local_date'])}'s {kind}"
    elif gap == 0:
        when = f"was logged the same day as {td.fmt_day(run['local_date'])}'s {kind} (if you lifted first)"
    else:
        when = f"was logged the day before {td.fmt_day(run['local_date'])}'s {kind}"
    limit = GAP_HEAVY if s.heavy else GAP_LIGHT
    return Evidence("strength_to_key_run_gap_h", round(gap, 1), limit.value(ctx.overrides),
                    (s.day, run["local_date"]),
                    f"Your {s.label} session on {td.fmt_day(s.day)} {when}; a lower-body session raises "
                    f"the cost of running for up to 48 h.")


def _after_hard_run(ctx: Context, s: Session) -> bool:
    """The advised slot: lifting after a hard run on the same day (C15(e))."""
    if not s.timed or not bool(ctx.daily.filter(pl.col("date") == s.day)["hard_day"].any()):
        return False
    runs = td.between(zoned_runs(ctx), s.day, s.day)
    return bool((runs["end_local"] <= s.end).any())


def _kind(run: dict) -> str:
    return "hard run" if (run.get("hard_min") or 0) >= 10 else "long run"


def _spike(ctx: Context) -> tuple[float, float] | None:
    """Weighted leg sessions (heavy 2, light 1) this week vs the weekly mean of the 4 before."""
    def load(found: list[Session]) -> float:
        return sum(2.0 if s.heavy else 1.0 for s in found if s.leg is not False)
    week = load(sessions(ctx, ctx.day - timedelta(days=6), ctx.day))
    before = load(sessions(ctx, ctx.day - timedelta(days=34), ctx.day - timedelta(days=7))) / 4
    if week >= SPIKE.value(ctx.overrides) * before and week - before >= 2 and before > 0:
        return week, before
    return None


def _indicators(ctx: Context, recent: list[Session]
                ) -> tuple[list[tuple[str, float, Evidence]], dict | None, bool]:
    """The overload indicators, the key run the timing flag names (if any), and whether that
    flag rests on a session logged the same day as the run without a clock time (which came
    first is unknown)."""
    o, w = ctx.overrides, (ctx.day - timedelta(days=2), ctx.day)
    new, experienced = _new_days(ctx, recent), _experienced(ctx)
    out: list[tuple[str, float, Evidence]] = []
    timing = _timing(ctx, recent, new, experienced)
    if timing:
        out.append(("moderate", timing[0], _timing_evidence(ctx, timing)))
    heavy = [s for s in recent if (s.heavy or s.day in new) and not _after_hard_run(ctx, s)]
    if not timing and heavy:
        s = heavy[-1]
        why = "your first leg session in 3 weeks" if s.day in new else "a heavy session"
        weight = (0.6 if s.leg is None else 1.0) * (0.6 if experienced and s.day not in new else 1.0)
        metric = "new_leg_session_48h" if s.day in new else "heavy_leg_session_48h"
        out.append(("moderate", 0.5 * weight, Evidence(metric, s.day.isoformat(), None, w,
                             f"Your {s.label} session on {td.fmt_day(s.day)} was {why}, within 48 h of today.")))
    spike = _spike(ctx)
    if spike and out:
        out.append(("weak", 0.8, Evidence("leg_strength_load_7d", spike[0], round(spike[1] * SPIKE.value(o), 1),
                    (ctx.day - timedelta(days=34), ctx.day),
                    f"Your leg strength load this week ({spike[0]:.0f}, heavy sessions count 2) is well above "
                    f"your usual {spike[1]:.1f} a week.")))
    sore = td.log_number(ctx, "soreness", ctx.day)
    if out and sore is not None and sore >= SORE.value(o):
        out.append(("weak", min(1.0, float(sore) / 8), Evidence("soreness", int(sore), SORE.value(o),
                    (ctx.day, ctx.day), f"You logged muscle soreness of {int(sore)}/10 today.")))
    order_unknown = bool(timing) and not timing[1].timed and timing[3] == 0
    return out, (timing[2] if timing else None), order_unknown


def evaluate_overload(ctx: Context) -> Result:
    if not records_strength(ctx):
        return NotAssessed(OVERLOAD, ("strength",), HOW)
    o = ctx.overrides
    ref = td.reference_time(ctx)
    # A session must precede the symptom (0-48 h): a log-only session on the day itself has no
    # clock time, so whether it came before the heaviness is unknown and it is not counted.
    recent = [s for s in sessions(ctx, ctx.day - timedelta(days=2), ctx.day) if s.leg is not False
              and (s.timed or s.day < ctx.day)
              and 0 <= (ref - s.end).total_seconds() / 3600 <= LAG.value(o)]
    if not recent:
        return Ruled(OVERLOAD, f"No leg strength session in the 48 h before today{_last_leg(ctx)}.")
    found, key_run, order_unknown = _indicators(ctx, recent)
    if not found:
        s = recent[-1]
        return Ruled(OVERLOAD, f"Your {s.label} session on {td.fmt_day(s.day)} was not within 24 h "
                               "(48 h for heavy or new work) before a hard or long run.")
    sc = td.score(found)
    quality = 1.0 if all(s.leg is not None for s in recent) else 0.7
    if order_unknown:
        quality *= 0.5  # lifting after the run, the advised slot, is as likely as before it
    if _routine_only(found):
        # A heavy leg day in the runner's usual rhythm, with no hard or long run after it:
        # neither C15 flag (timing before a key run; a strength spike or new work) holds, so
        # it is a likely, benign reason for today's feeling, said with low confidence.
        quality *= 0.5
    return Finding(OVERLOAD, sc, td.confidence_for(sc, quality, "moderate"),
                   tuple(e for _, _, e in found), _overload_fix(ctx, key_run))


def _routine_only(found: list[tuple[str, float, Evidence]]) -> bool:
    """Only a usual heavy session within 48 h (plus soreness): not new, no spike, no key run."""
    metrics = {e.metric for _, _, e in found}
    return "heavy_leg_session_48h" in metrics and metrics <= {"heavy_leg_session_48h", "soreness"}


def _last_leg(ctx: Context) -> str:
    legs = [s for s in sessions(ctx, ctx.day - timedelta(days=27), ctx.day) if s.leg is not False]
    if not legs:
        return " (none in the last 28 days)"
    ago = (ctx.day - legs[-1].day).days
    if ago == 0:
        return " (today's has no clock time or came after midday, so it does not count as before the heaviness)"
    before = "the day before" if ago == 1 else f"{ago} days before"
    return f" (the last was on {td.fmt_day(legs[-1].day)}, {before})"


def _move_to(ctx: Context, key: date) -> str:
    """A weekday at least 2 days before the key run, preferring a recent hard-run day."""
    hard = ctx.window(14).filter(pl.col("hard_day") & (pl.col("n_runs") > 0))["date"].to_list()
    options = sorted({(key.weekday() - d.weekday()) % 7 for d in hard} - {0, 1})
    if options:
        day = key - timedelta(days=options[0])
        return f"{day:%A} (a hard-run day: run first, lift 6 h or more later)"
    return f"{key - timedelta(days=2):%A} or earlier"


def _overload_fix(ctx: Context, key_run: dict | None) -> tuple[str, ...]:
    tail = ("Progress new lifts gradually and cut eccentric volume (slow lowering, jumps) in race weeks.",)
    if key_run is None:
        return ("Put heavy leg sessions on a hard-run day (run first, lift 6 h or more later) or at least "
                "48 h before your next long or hard run.", *tail)
    key = key_run["local_date"]
    return (f"Move the leg session to {_move_to(ctx, key)}, so it ends at least 48 h before "
            f"{key:%A}'s {_kind(key_run)}.", *tail)
