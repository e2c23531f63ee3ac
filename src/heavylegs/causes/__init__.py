"""The 24 causes of heavy legs (spec/causes.md), one evaluator per implemented cause.

Every id appears in every answer exactly once: as a finding, ruled out, or not assessed.
"""

from __future__ import annotations

from collections.abc import Callable

from heavylegs.causes import progression, recovery, sleep
from heavylegs.causes.base import Context, NotAssessed, Result

CAUSE_IDS: tuple[str, ...] = (
    "glycogen-depletion", "metabolite-accumulation", "muscle-damage", "insufficient-recovery",
    "sleep-deprivation", "overtraining", "training-spike", "excess-intensity", "dehydration",
    "electrolyte-imbalance", "low-carbohydrate", "low-protein", "low-energy-availability",
    "no-strength-training", "strength-overload", "running-form", "worn-shoes",
    "iron-deficiency", "vitamin-d-deficiency", "b-vitamin-deficiency", "venous-return",
    "compartment-syndrome", "arterial-disease", "muscle-imbalance",
)

EVALUATORS: dict[str, Callable[[Context], Result]] = {
    progression.CAUSE: progression.evaluate,
    recovery.CAUSE: recovery.evaluate,
    sleep.CAUSE: sleep.evaluate,
}


def evaluate_all(ctx: Context) -> list[Result]:
    """One result per cause id, in catalogue order."""
    results: list[Result] = []
    for cause in CAUSE_IDS:
        fn = EVALUATORS.get(cause)
        if fn is None:
            results.append(NotAssessed(cause, ("not implemented",),
                                       "heavylegs does not assess this cause yet."))
        else:
            results.append(fn(ctx))
    return results
