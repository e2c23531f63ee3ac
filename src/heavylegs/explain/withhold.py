"""The copy rules of science.md §3 while a tier 0-1 red flag is active (issue 10): no
training advice anywhere (no fixes, no plan, no patterns), no reassurance ("DOMS", "normal
soreness", "classic cause of sore legs"); the plan becomes "stop running until a doctor has
seen you" and what to tell the clinician. The causes' evidence stays, below the warning,
for the conversation with the doctor. Advice returns once ``seen_doctor`` is logged.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

import polars as pl

from heavylegs.causes.base import Context, Finding, NotAssessed, Ruled
from heavylegs.explain.plan import PlanItem
from heavylegs.triage import TriageHit
from heavylegs.triage.messages import FOR_DOCTOR  # noqa: F401  (the renderers' heading)
from heavylegs.triage.signals import collect, fmt_day

ACTIVE_TIERS = ("emergency", "urgent")
# Words that reassure or advise training; never next to an active tier 0-1 flag.
BANNED = re.compile(r"\bDOMS\b|normal soreness|just soreness|classic cause|massage|compression|foam[- ]?roll|stretch",
                    re.IGNORECASE)
TOPICS = ("stop", "tell-the-doctor", "after")  # the plan items allowed while advice is withheld
STOP = "Stop running until a doctor has seen you."


def reason(triage: list[TriageHit] | tuple[TriageHit, ...]) -> str | None:
    """Why training advice is withheld (None: it is not)."""
    active = [h for h in triage if h.tier in ACTIVE_TIERS]
    if not active:
        return None
    rules = ", ".join(dict.fromkeys(h.rule for h in active))
    return (f"an active {active[0].tier} red flag ({rules}): training advice is withheld until a doctor has "
            "seen you (log seen_doctor=yes)")


def scrub(text: str) -> str:
    """``text`` without the sentences or clauses that reassure or advise training."""
    text = re.sub(r"\s*\((DOMS|delayed-onset muscle soreness)\)", "", text)
    parts = re.split(r"(?<=[.;])\s+", text)
    kept = [p for p in parts if not BANNED.search(p)]
    return " ".join(kept).rstrip(";").strip()


def findings(items: tuple[Finding, ...]) -> tuple[Finding, ...]:
    out = []
    for f in items:
        evidence = tuple(replace(e, text=scrub(e.text)) for e in f.evidence if scrub(e.text))
        out.append(Finding(f.cause, f.score, f.confidence, evidence, ()))
    return tuple(out)


def ruled(items: tuple[Ruled, ...]) -> tuple[Ruled, ...]:
    return tuple(Ruled(r.cause, scrub(r.why) or "ruled out by your data") for r in items)


def not_assessed(items: tuple[NotAssessed, ...]) -> tuple[NotAssessed, ...]:
    return tuple(NotAssessed(n.cause, n.missing, scrub(n.how)) for n in items)


def _runs(ctx: Context) -> str:
    since = ctx.day - timedelta(days=14)
    runs = ctx.acts.filter(pl.col("is_run") & (pl.col("local_date") > since)) if ctx.acts.height else ctx.acts
    if runs.height == 0:
        return "Tell the clinician: no runs recorded in the last 14 days."
    km = float(runs["distance_m"].fill_null(0).sum()) / 1000
    top = runs.sort("distance_m", descending=True, nulls_last=True).row(0, named=True)
    down = float(runs["elev_loss_m"].fill_null(0).sum()) if "elev_loss_m" in runs.columns else 0.0
    descent = f", {down:.0f} m downhill in all" if down >= 1 else ""
    return (f"Tell the clinician about your recent runs: {runs.height} runs, {km:.0f} km in the last 14 days, "
            f"the longest {float(top['distance_m'] or 0) / 1000:.0f} km on {fmt_day(top['local_date'])}{descent}.")


def plan(ctx: Context, triage: tuple[TriageHit, ...]) -> tuple[PlanItem, ...]:
    """The plan while a tier 0-1 flag is active: stop, and what to tell the clinician."""
    _, risks, _ = collect(ctx.day, ctx.daily.filter(pl.col("date") <= ctx.day))
    flagged = [h for h in triage if h.tier in ACTIVE_TIERS]
    symptoms = "; ".join(dict.fromkeys(e for h in flagged for e in h.evidence if e.startswith(("today", "on "))))
    listed = ", ".join(f"{r.code.replace('-', ' ')} ({fmt_day(r.day)})" for r in risks)
    items = [PlanItem("stop", STOP), PlanItem("tell-the-doctor", _runs(ctx)),
             PlanItem("tell-the-doctor", "Tell them about any travel over 4 hours, surgery, an injury or a cast in the "
                                         "last weeks" + (f"; you logged: {listed}." if listed else "."))]
    if symptoms:
        items.append(PlanItem("tell-the-doctor", f"Tell them your symptoms and when they started: {symptoms}."))
    items.append(PlanItem("tell-the-doctor", "Tell them about risk factors: a previous clot, hormonal contraception or "
                                             "HRT, recent surgery or immobilisation, cancer."))
    items.append(PlanItem("after", "Once a doctor has seen you, log heavylegs checkin --set seen_doctor=yes: the "
                                   "warning then stops and training advice returns."))
    return tuple(items)


def seen_note(ctx: Context) -> tuple[str, ...]:
    """A note when the runner logged a doctor's visit in the window: the flags before it
    are no longer shown."""
    _, _, seen = collect(ctx.day, ctx.daily.filter(pl.col("date") <= ctx.day))
    if not seen:
        return ()
    return (f"You logged that a doctor saw you on {fmt_day(seen[-1])}: red flags logged up to that day are no longer "
            "shown. Log any new symptom, and see a doctor again if it comes back or gets worse.",)
