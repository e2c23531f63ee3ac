"""running-form (science.md C16) and muscle-imbalance (C24): what running dynamics show.

running-form: cadence for the speed, against the runner's own model (cadence = a + b ×
speed over 90 days of flat road runs), so slow easy runs and tall runners are not called
overstriders; a finding needs low cadence *and* knee/hip pain or rising late-run form drift
(Heiderscheit 2011: +5-10 % step rate cuts knee and hip load; the link to heavy legs is
Weak). Trail and hilly runs are left out; drift is read only on runs under 90 min, since
fatigue drift late in long runs is normal. Garmin's colour gauges are population
percentiles, not injury thresholds, and only ever support.

muscle-imbalance: ground-contact-time balance, a new shift away from the runner's own
60-day baseline (≥ 1 %-point), or more than 2 %-points off 50/50 together with one-sided
pain (Weak; asymmetry is common in healthy runners). Trail runs are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

import polars as pl

from heavylegs.causes import strength
from heavylegs.causes import training_data as td
from heavylegs.causes.base import Context, Evidence, Finding, NotAssessed, Result, Ruled, plural
from heavylegs.core.settings import Setting, register

FORM = "running-form"
IMBALANCE = "muscle-imbalance"
(BASE_DAYS, RECENT_DAYS, LOW_Q, MIN_BASE, MIN_RECENT, RED_CAD, RED_GCT, RED_VR, DRIFT, PAIN,
 LONG_MIN, NEW_PP, DEV_PP, IMB_BASE_DAYS) = register(
    Setting("form_baseline_days", 90.0, "days", "science.md C16 personal model [heuristic]"),
    Setting("form_recent_days", 14.0, "days", "science.md §0.2 [heuristic]"),
    Setting("cadence_low_quantile", 0.2, "quantile", "science.md C16 (bottom ~10-20 %) [heuristic]"),
    Setting("form_min_baseline_runs", 10.0, "runs", "science.md §0.4 [heuristic]"),
    Setting("form_min_recent_runs", 3.0, "runs", "science.md §0.4 [heuristic]"),
    Setting("cadence_red_spm", 153.0, "spm", "Garmin gauge, < 5th percentile (Folk, not an injury threshold)"),
    Setting("gct_red_ms", 308.0, "ms", "Garmin gauge, > 95th percentile (Folk)"),
    Setting("vertical_ratio_red_pct", 10.1, "%", "Garmin gauge, > 95th percentile (Folk)"),
    Setting("form_drift_pct", 3.0, "%", "science.md C16 fatigue_drift [heuristic]",
            "late-run rise in ground contact time (or fall in cadence) that counts as drift"),
    Setting("form_pain_min", 3.0, "0-10", "science.md C16/C24 [heuristic]"),
    Setting("form_drift_max_run_min", 90.0, "min", "science.md C16(f): drift late in long runs is normal"),
    Setting("gct_balance_new_pp", 1.0, "%-points", "science.md C24 new_asymmetry [heuristic]"),
    Setting("gct_balance_dev_pp", 2.0, "%-points", "coaching sources, science.md C24 (Folk/Weak)"),
    Setting("imbalance_baseline_days", 60.0, "days", "science.md C24 (prior 60 d)"),
)
HOW_CADENCE = ("Record runs with a watch or foot pod that measures cadence and keep the FIT file "
               "(most GPX exports drop it).")
HOW_BALANCE = ("Running dynamics (ground contact time balance) need a FIT file from a watch with a "
               "running-dynamics pod or chest strap (e.g. HRM-Pro, RD Pod).")
Ind = tuple[str, float, Evidence]


def _road_runs(ctx: Context, days: int, o: Mapping[str, float]) -> pl.DataFrame:
    runs = td.between(td.runs(ctx), ctx.day - timedelta(days=days - 1), ctx.day)
    runs = runs.filter((pl.col("sport") != "trail_running") & ~td.hilly(runs, o))
    minutes = td.num(runs, "moving_s").fill_null(td.num(runs, "elapsed_s")) / 60
    speed = td.num(runs, "speed_mps_mean").fill_null(td.num(runs, "distance_m") / (minutes * 60))
    return runs.with_columns(speed=speed, minutes=minutes, cad=td.num(runs, "cadence_spm_mean"))


def _pain(ctx: Context, words: tuple[str, ...]) -> tuple[int, str] | None:
    """Worst pain of 14 days at a location naming one of ``words``: (pain, location)."""
    cols = [c for c in ("date", "pain", "pain_location") if c in ctx.daily.columns]
    if len(cols) < 3:
        return None
    win = ctx.window(14).select(cols).drop_nulls()
    win = win.filter((pl.col("pain") >= PAIN.value(ctx.overrides))
                     & pl.col("pain_location").str.to_lowercase().str.contains("|".join(words)))
    if win.height == 0:
        return None
    worst = win.sort("pain").row(-1, named=True)
    return int(worst["pain"]), str(worst["pain_location"])


def _cadence(ctx: Context, runs: pl.DataFrame, o: Mapping[str, float]) -> dict | None:
    """Recent cadence against the personal cadence-speed model (None: too few runs)."""
    runs = runs.drop_nulls(["cad", "speed"])
    split = ctx.day - timedelta(days=int(RECENT_DAYS.value(o)) - 1)
    recent, base = runs.filter(pl.col("local_date") >= split), runs.filter(pl.col("local_date") < split)
    if recent.height < MIN_RECENT.value(o):
        return None
    out = {"cad": float(recent["cad"].median()), "speed": float(recent["speed"].median()),  # type: ignore[arg-type]
           "n": recent.height, "low_personal": False, "model": base.height >= MIN_BASE.value(o)}
    if out["model"]:
        a, b = _line(base["speed"], base["cad"])
        resid = base["cad"] - (a + b * base["speed"])
        mine = float((recent["cad"] - (a + b * recent["speed"])).median())  # type: ignore[arg-type]
        low = float(resid.quantile(LOW_Q.value(o), interpolation="linear"))  # type: ignore[arg-type]
        out |= {"expected": a + b * out["speed"], "resid": mine, "low_personal": mine < low}
    out["low_population"] = out["cad"] < RED_CAD.value(o)
    return out


def _line(x: pl.Series, y: pl.Series) -> tuple[float, float]:
    """Least-squares line ``y ≈ a + b·x`` (intercept, slope); flat when x does not vary."""
    mx, my = float(x.mean()), float(y.mean())  # type: ignore[arg-type]
    dx = x - mx
    sxx = float((dx * dx).sum())
    b = float((dx * (y - my)).sum()) / sxx if sxx > 0 else 0.0
    return my - b * mx, b


def _drift(ctx: Context, runs: pl.DataFrame, o: Mapping[str, float]) -> tuple[str, float] | None:
    """Late-run form drift on runs under 90 min, when worse than the runner's usual."""
    runs = runs.filter(pl.col("minutes") < LONG_MIN.value(o))
    split = ctx.day - timedelta(days=int(RECENT_DAYS.value(o)) - 1)
    for metric, sign in (("form_drift_gct_pct", 1.0), ("form_drift_cadence_pct", -1.0)):
        vals = runs.with_columns(v=td.num(runs, metric) * sign).drop_nulls("v")
        recent = vals.filter(pl.col("local_date") >= split)["v"]
        base = vals.filter(pl.col("local_date") < split)["v"]
        if recent.len() < MIN_RECENT.value(o):
            continue
        usual = float(base.quantile(0.8)) if base.len() >= MIN_BASE.value(o) else 0.0  # type: ignore[arg-type]
        med = float(recent.median())  # type: ignore[arg-type]
        if med >= max(usual, DRIFT.value(o)):
            return metric, sign * med
    return None


def _cadence_evidence(c: dict, window: tuple) -> Ind:
    if c["low_personal"]:
        text = (f"On your last {c['n']} flat runs your cadence was {c['cad']:.0f} spm at about "
                f"{td.fmt_pace(c['speed'])}, {-c['resid']:.0f} spm below what you usually run at that "
                f"speed ({c['expected']:.0f} spm): your steps have become longer and slower.")
        return "weak", 1.0, Evidence("cadence_residual_spm", round(c["resid"], 1), 0, window, text)
    gauges = (f"; in the bottom 30 % of runners in Garmin's database on {' and '.join(c['gauges'])}"
              if len(c["gauges"]) >= 2 else "")
    text = (f"Your cadence on the last {plural(c['n'], 'run')} was {c['cad']:.0f} spm at about {td.fmt_pace(c['speed'])}"
            f"{gauges} (fewer than 5 % of runners run below {RED_CAD.default:.0f} spm).")
    return "weak", 0.5, Evidence("cadence_spm", round(c["cad"], 1), RED_CAD.default, window, text)


def _dynamics(runs: pl.DataFrame, window: tuple, o: Mapping[str, float]) -> Ind | None:
    gct = td.num(runs, "gct_ms_mean").drop_nulls()
    vr = td.num(runs, "vertical_ratio_pct").drop_nulls()
    if gct.len() and float(gct.median()) > RED_GCT.value(o):  # type: ignore[arg-type]
        ms = float(gct.median())  # type: ignore[arg-type]
        return "folk", 1.0, Evidence("gct_ms", round(ms), RED_GCT.value(o), window,
                                     f"Your ground contact time averaged {ms:.0f} ms, longer than 95 % of "
                                     "runners in Garmin's database.")
    if vr.len() and float(vr.median()) > RED_VR.value(o):  # type: ignore[arg-type]
        pct = float(vr.median())  # type: ignore[arg-type]
        return "folk", 1.0, Evidence("vertical_ratio_pct", round(pct, 1), RED_VR.value(o), window,
                                     f"Your vertical ratio averaged {pct:.1f} %: much of each stride goes up "
                                     "rather than forward.")
    return None


ORANGE_CAD, ORANGE_GCT, ORANGE_VO, ORANGE_VR = register(
    Setting("form_orange_cadence_spm", 164.0, "spm", "Garmin Forerunner 945 manual gauges (30th percentile), science.md C16"),
    Setting("form_orange_gct_ms", 277.0, "ms", "Garmin Forerunner 945 manual gauges (30th percentile), science.md C16"),
    Setting("form_orange_vo_mm", 97.0, "mm", "Garmin Forerunner 945 manual gauges (30th percentile: 9.7 cm), science.md C16"),
    Setting("form_orange_vertical_ratio_pct", 8.6, "%", "Garmin Forerunner 945 manual gauges (30th percentile), science.md C16"),
)


def _overstriding(runs: pl.DataFrame, o: Mapping[str, float]) -> list[str]:
    """Which of Garmin's four running-dynamics gauges (cadence, ground contact time, vertical
    oscillation, vertical ratio; science.md C16) sit in the bottom 30 % of runners
    (orange/red) on these runs, each said with its median: two or more is marked overstriding."""
    def med(col: str) -> float | None:
        v = td.num(runs, col).drop_nulls()
        return float(v.median()) if v.len() else None  # type: ignore[arg-type]

    cad, gct, vo, vr = med("cadence_spm_mean"), med("gct_ms_mean"), med("vo_mm_mean"), med("vertical_ratio_pct")
    return [text for hit, text in (
        (cad is not None and cad < ORANGE_CAD.value(o), "cadence"),
        (gct is not None and gct > ORANGE_GCT.value(o), f"ground contact {gct or 0:.0f} ms"),
        (vo is not None and vo > ORANGE_VO.value(o), f"vertical oscillation {(vo or 0) / 10:.1f} cm"),
        (vr is not None and vr > ORANGE_VR.value(o), f"vertical ratio {vr or 0:.1f} %")) if hit]


def evaluate_form(ctx: Context) -> Result:
    o = ctx.overrides
    runs = _road_runs(ctx, int(BASE_DAYS.value(o)), o)
    c = _cadence(ctx, runs, o)
    if c is None:
        return NotAssessed(FORM, ("cadence",), HOW_CADENCE)
    recent_days = int(RECENT_DAYS.value(o))
    window = (ctx.day - timedelta(days=recent_days - 1), ctx.day)
    c["gauges"] = _overstriding(runs.filter(pl.col("local_date") >= window[0]), o)
    c["low_population"] = c["low_population"] or len(c["gauges"]) >= 2
    if not (c["low_personal"] or c["low_population"]):
        usual = f" (your usual at that speed: {c['expected']:.0f})" if c["model"] else ""
        return Ruled(FORM, f"Your cadence on the last {c['n']} flat runs, {c['cad']:.0f} spm at about "
                           f"{td.fmt_pace(c['speed'])}, is normal for your speed{usual}.")
    pain, drift = _pain(ctx, ("knee", "hip")), _drift(ctx, runs, o)
    if pain is None and drift is None:
        return Ruled(FORM, f"Your cadence ({c['cad']:.0f} spm) is on the low side for your speed, but with "
                           "no knee or hip pain and no late-run form drift there is no reason to change form.")
    found = [_cadence_evidence(c, window)]
    if pain:
        found.append(("weak", 0.8, Evidence("knee_hip_pain", pain[0], PAIN.value(o), window,
                      f"You logged pain of {pain[0]}/10 at the {pain[1]} in the last {recent_days} days.")))
    if drift:
        what = "ground contact time rose" if drift[0] == "form_drift_gct_pct" else "cadence fell"
        found.append(("weak", 0.6, Evidence(drift[0], round(drift[1], 1), DRIFT.value(o), window,
                      f"Late in your recent runs your {what} by about {abs(drift[1]):.0f} %, more than usual.")))
    extra = _dynamics(runs.filter(pl.col("local_date") >= window[0]), window, o)
    found += [extra] if extra else []
    sc = td.score(found)
    quality = 1.0 if c["model"] else 0.6
    target = c["cad"] * 1.05, c["cad"] * 1.10
    fix = (f"Raise your step rate 5-10 % at the same speed, to about {target[0]:.0f}-{target[1]:.0f} spm, "
           "gradually: a metronome in short blocks, tall posture, feet landing closer under the body.",
           "Change form only for a reason like this; if knee or hip pain persists, see a physiotherapist.")
    return Finding(FORM, sc, td.confidence_for(sc, quality, "weak"), tuple(e for _, _, e in found), fix)


def _balance(ctx: Context) -> tuple[pl.Series, pl.Series]:
    """GCT-balance deviation from 50 % (%-points, signed: + = more on the left), recent and baseline."""
    o = ctx.overrides
    days = int(RECENT_DAYS.value(o) + IMB_BASE_DAYS.value(o))
    runs = td.between(td.runs(ctx), ctx.day - timedelta(days=days - 1), ctx.day)
    runs = runs.filter(pl.col("sport") != "trail_running")
    runs = runs.with_columns(dev=td.num(runs, "gct_balance_left_pct_mean") - 50).drop_nulls("dev")
    split = ctx.day - timedelta(days=int(RECENT_DAYS.value(o)) - 1)
    return runs.filter(pl.col("local_date") >= split)["dev"], runs.filter(pl.col("local_date") < split)["dev"]


def evaluate_imbalance(ctx: Context) -> Result:
    o = ctx.overrides
    recent, base = _balance(ctx)
    if recent.len() < MIN_RECENT.value(o):
        return NotAssessed(IMBALANCE, ("ground contact time balance",), HOW_BALANCE)
    now = float(recent.median())  # type: ignore[arg-type]
    usual = float(base.median()) if base.len() >= 5 else None  # type: ignore[arg-type]
    pain = _pain(ctx, ("left", "right"))
    new = usual is not None and abs(now) - abs(usual) >= NEW_PP.value(o)
    lopsided = abs(now) > DEV_PP.value(o) and pain is not None
    side = "left" if now > 0 else "right"
    if not (new or lopsided):
        if usual is None and abs(now) > DEV_PP.value(o):
            return NotAssessed(IMBALANCE, ("60 days of ground contact time balance",),
                               f"Your balance is {50 + now:.1f} % left; with too little history to tell whether "
                               "that is new, keep recording with the running-dynamics sensor.")
        was = f" (usually {50 + usual:.1f} %)" if usual is not None else ""
        return Ruled(IMBALANCE, f"Your ground contact time balance is {50 + now:.1f} % left / "
                                f"{50 - now:.1f} % right{was}, no new shift and no one-sided pain.")
    return _imbalance_finding(ctx, now, usual, pain, new, side)


def _imbalance_finding(ctx: Context, now: float, usual: float | None, pain: tuple[int, str] | None,
                       new: bool, side: str) -> Finding:
    o = ctx.overrides
    w = (ctx.day - timedelta(days=int(RECENT_DAYS.value(o) + IMB_BASE_DAYS.value(o)) - 1), ctx.day)
    was = f", up from your usual {abs(usual):.1f} %-points" if usual is not None else ""
    found: list[Ind] = [("weak", 0.8 if new else 0.5, Evidence(
        "gct_balance_dev_pp", round(abs(now), 2), NEW_PP.value(o) if new else DEV_PP.value(o), w,
        f"On recent runs you spent {50 + abs(now):.1f} % of ground contact on the {side} foot, "
        f"{abs(now):.1f} %-points off even{was}."))]
    if pain:
        found.append(("weak", 0.6, Evidence(
            "one_sided_pain", pain[0], PAIN.value(o), (w[1] - timedelta(days=13), w[1]),
            f"You logged pain of {pain[0]}/10 at the {pain[1]}; a new asymmetry is often the result of pain.")))
    rate = strength.per_week(ctx)[0] if strength.records_strength(ctx) else None
    if rate is not None and rate < 1:
        found.append(("weak", 0.4, Evidence(
            "leg_strength_per_week_28d", round(rate, 2), 1, (w[1] - timedelta(days=27), w[1]),
            f"You did {rate:.1f} leg strength sessions a week over the last 4 weeks.")))
    sc = td.score(found)
    fix = ("Add single-leg strength work twice a week: split squats, step-downs, single-leg calf raises "
           "and hip abductor work, starting with the weaker side.",
           "See a physiotherapist if the shift is new or comes with pain: it is often the body protecting "
           "a sore spot. Check the sensor sits centred, and note cambered roads or always running the "
           "same direction on a track.")
    return Finding(IMBALANCE, sc, td.confidence_for(sc, 1.0 if usual is not None else 0.6, "weak"),
                   tuple(e for _, _, e in found), fix)
