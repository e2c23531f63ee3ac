"""muscle-damage: microtrauma and DOMS 12-96 h after downhill running, unusually hard
intervals or a new kind of session (science.md C03).

Mechanism and time course Strong (Cheung 2003; Byrnes 1985); detection Moderate (altitude
quality, self-reported soreness). A session counts only when it was new to the runner:
its eccentric load (descent + 0.5 × steep descent) at least 1.5× the biggest of the 30
days before — the repeated-bout effect protects for 3-6 weeks — and at least 200 m, so GPS
altitude jitter on a flat route does not fire. Strength sessions are left to
strength-overload. One-sided swelling, calf pain, warmth or dark urine are never called
muscle soreness: the cause steps aside for the medical warning.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from heavylegs.causes import training_data as td
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled
from heavylegs.causes.intensity import zoned_sessions
from heavylegs.core.settings import Setting, register

CAUSE = "muscle-damage"
GRADE = "moderate"
(LAG_MIN, LAG_MAX, PEAK_LO, PEAK_HI, NOVEL, ECC_MIN, ECC_FULL, STEEP_W, LOOKBACK, NEW_TYPE, HARD_NEW,
 SORE, MIN_PRIOR) = register(
    Setting("doms_lag_min_h", 12.0, "h", "science.md C03 doms_window; Cheung et al. 2003"),
    Setting("doms_lag_max_h", 96.0, "h", "science.md C03 doms_window; Cheung et al. 2003"),
    Setting("doms_peak_from_h", 24.0, "h", "Cheung et al. 2003, Sports Med 33:145 (peak 24-72 h)"),
    Setting("doms_peak_to_h", 72.0, "h", "Cheung et al. 2003; Byrnes et al. 1985 (peak ~42 h)"),
    Setting("eccentric_novelty_ratio", 1.5, "ratio", "science.md C03 [heuristic]",
            "eccentric load vs the biggest of the previous 30 days"),
    Setting("eccentric_min_m", 200.0, "m", "science.md C03(f) [heuristic]",
            "ignore smaller eccentric loads (GPS altitude jitter)"),
    Setting("eccentric_full_m", 600.0, "m", "Bontemps et al. 2020 (lab damage protocols ≈ 40 min "
            "at −12 %, ~900 m of descent) [heuristic]",
            "eccentric load that counts in full; smaller novel loads count in proportion"),
    Setting("steep_descent_weight", 0.5, "factor", "science.md C03 [heuristic weighting]"),
    Setting("damage_lookback_days", 30.0, "days", "science.md C03; Byrnes 1985 (repeated-bout 3-6 wk)"),
    Setting("new_session_type_days", 42.0, "days", "science.md C03 (first of its type in ≥ 6 weeks)"),
    Setting("damage_hard_min", 15.0, "min", "science.md C03 (intervals as a new stimulus) [heuristic]",
            "hard minutes that, at 1.5× the 30-day max, make intervals a new stimulus"),
    Setting("soreness_note", 4.0, "0-10", "science.md C03 [heuristic]"),
    Setting("damage_min_prior_sessions", 4.0, "sessions", "science.md §0.4, C07(f) [heuristic]",
            "sessions with the metric in the 30 days before, so missing data is not novelty"),
)
RED_FLAGS = {"swelling-left", "swelling-right", "calf-pain-one-side", "warm-red-leg", "dark-urine"}
FAMILY = {"treadmill_running": "running"}
NOT_NOVEL = {"walking", *td.STRENGTH_SPORTS}


def _eccentric(acts: pl.DataFrame, o: dict) -> pl.DataFrame:
    loss, steep = td.num(acts, "elev_loss_m"), td.num(acts, "descent_steep_m").fill_null(0.0)
    return acts.with_columns(ecc=loss + STEEP_W.value(o) * steep,
                             family=pl.col("sport").replace(FAMILY))


def _novelty(ctx: Context, acts: pl.DataFrame, s: dict, o: dict) -> tuple[float, str, str] | None:
    """(strength, metric, sentence) of the session's strongest novelty, if any."""
    d = s["local_date"]
    prior = td.between(acts, d - timedelta(days=int(LOOKBACK.value(o))), d - timedelta(days=1))
    prior_ecc = [0.0 if v is None else v for v in prior["ecc"].to_list()]
    ecc, top = s["ecc"], float(max(prior_ecc, default=None) or 0.0)
    known = prior.height - prior["ecc"].null_count() >= MIN_PRIOR.value(o)
    if known and ecc is not None and ecc >= ECC_MIN.value(o):
        ratio = ecc / top if top else float("inf")
        if ratio >= NOVEL.value(o):
            steep = float(s.get("descent_steep_m") or 0)
            times = "far above" if ratio == float("inf") else f"{ratio:.1f}× the most of"
            size = min(1.0, ecc / ECC_FULL.value(o))
            return (size * min(1.0, 0.6 + 0.2 * (ratio - NOVEL.value(o))), "eccentric_load_m",
                    f"{td.fmt_day(d)}'s session went {float(s['elev_loss_m']):.0f} m downhill ({steep:.0f} m "
                    f"of it steep), a descent load of {ecc:.0f} m, {times} any session in the 30 days "
                    f"before ({top:.0f} m); downhill running is the classic cause of sore, "
                    "heavy legs.")
    hard, top_hard = s["hard_zone_min"], prior["hard_zone_min"].max()
    known = prior.height - prior["hard_zone_min"].null_count() >= MIN_PRIOR.value(o)
    most = float(top_hard or 0)  # type: ignore[arg-type]
    if known and hard is not None and hard >= HARD_NEW.value(o) and hard >= NOVEL.value(o) * most:
        return (0.6, "hard_min_new", f"{td.fmt_day(d)}'s session had {hard:.0f} min at or above threshold, "
                f"more than any session in the 30 days before ({most:.0f} min).")
    seen = td.between(acts, d - timedelta(days=int(NEW_TYPE.value(o))), d - timedelta(days=1))
    enough = (d - acts["local_date"].min()).days >= NEW_TYPE.value(o)  # type: ignore[operator]
    if enough and s["sport"] not in NOT_NOVEL and s["family"] not in seen["family"].to_list():
        return (0.6, "new_session_type", f"{td.fmt_day(d)}'s {s['sport'].replace('_', ' ')} session was "
                f"your first of that kind in {NEW_TYPE.value(o):.0f} days; new stimuli cause soreness.")
    return None


def _candidates(ctx: Context, o: dict) -> tuple[pl.DataFrame, pl.DataFrame]:
    acts = _eccentric(zoned_sessions(ctx), o)
    return acts, td.within_lag(ctx, acts, LAG_MIN.value(o), LAG_MAX.value(o))


def evaluate(ctx: Context) -> Result:
    o = dict(ctx.overrides)
    flags = sorted((td.symptoms(ctx, ctx.day) | td.symptoms(ctx, ctx.day - timedelta(days=1))) & RED_FLAGS)
    if flags:
        return NotAssessed(CAUSE, ("medical check",), f"Your logged symptoms ({', '.join(flags)}) are not "
                           "muscle soreness until a doctor has ruled out a clot or muscle breakdown: "
                           "see a doctor about them first.")
    if ctx.acts.height == 0:
        return NotAssessed(CAUSE, ("activities",), td.HOW_IMPORT)
    acts, window = _candidates(ctx, o)
    if window.height == 0:
        return Ruled(CAUSE, "No session ended 12-96 h before today, the window in which muscle "
                            "soreness (DOMS) appears and peaks.")
    found = [(n, s) for s in window.iter_rows(named=True) if (n := _novelty(ctx, acts, s, o))]
    if not found:
        return _no_stimulus(ctx, window)
    novelty, session = max(found, key=lambda f: f[0][0])
    return _finding(ctx, novelty, session, o)


def _no_stimulus(ctx: Context, window: pl.DataFrame) -> Result:
    if window["ecc"].drop_nulls().len() == 0:
        return NotAssessed(CAUSE, ("elevation loss on runs (elev_loss_m)",),
                           "Record runs with a GPS watch that stores altitude (barometric is best) and "
                           "log soreness 0-10 in the daily log; treadmill decline is not recorded.")
    biggest = float(window["ecc"].max() or 0)  # type: ignore[arg-type]
    sore = td.log_number(ctx, "soreness", ctx.day)
    note = (f" Your soreness of {int(sore)}/10 may come from strength work or another cause."
            if sore is not None and sore >= SORE.value(ctx.overrides) else "")
    return Ruled(CAUSE, f"No session 12-96 h before was new to your legs: the biggest descent load "
                        f"was {biggest:.0f} m, within what you did in the previous 30 days, with no "
                        f"unusually hard intervals or new kind of session.{note}")


def _finding(ctx: Context, novelty: tuple[float, str, str], s: dict, o: dict) -> Finding:
    strength, metric, sentence = novelty
    lag = s["lag_h"]
    peak = PEAK_LO.value(o) <= lag <= PEAK_HI.value(o)
    window = (s["local_date"], ctx.day)
    value = round(s["ecc"], 0) if metric == "eccentric_load_m" else (
        round(s["hard_zone_min"], 1) if metric == "hard_min_new" else s["sport"])
    where = "inside" if peak else "at the edge of"
    when = f" It ended {lag:.0f} h before midday today, {where} the 24-72 h peak of soreness."
    indicators = [(GRADE, strength * (1.0 if peak else 0.7),
                   Evidence(metric, value, NOVEL.value(o) if metric != "new_session_type" else None,
                            window, sentence + when))]
    sore = td.log_number(ctx, "soreness", ctx.day)
    if sore is not None and sore >= SORE.value(o):
        indicators.append(("weak", min(1.0, float(sore) / 8), Evidence(
            "soreness", int(sore), SORE.value(o), (ctx.day, ctx.day),
            f"You logged muscle soreness of {int(sore)}/10 today.")))
    elif sore is not None:
        indicators[0] = (GRADE, indicators[0][1] * 0.5, indicators[0][2])
    sc = td.score(indicators)
    quality = 1.0 if sore is not None else 0.7  # soreness is the self-reported confirmation
    return Finding(CAUSE, sc, td.confidence_for(sc, quality, GRADE), tuple(e for _, _, e in indicators), _fix())


def _fix() -> tuple[str, ...]:
    return ("Run easy, walk or cycle until the soreness clearly eases (usually 2-5 days); no intervals "
            "or long run on sore legs.",
            "Sleep well and eat enough protein and energy; massage or compression may ease the "
            "soreness a little. Avoid routine anti-inflammatory painkillers around long events.",
            "Before hilly races build downhill tolerance with short, repeated descents 1-6 weeks "
            "ahead: one bout protects for several weeks.")
