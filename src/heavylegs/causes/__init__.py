"""The 24 causes of heavy legs (spec/causes.md), one evaluator per implemented cause.

Every id appears in every answer exactly once: as a finding, ruled out, or not assessed.
"""

from __future__ import annotations

from collections.abc import Callable

from heavylegs.causes import (
    circulation,
    damage,
    energy,
    form,
    fuel,
    hydration,
    intensity,
    labs,
    metabolites,
    nutrition,
    overtraining,
    progression,
    recovery,
    shoes,
    sleep,
    strength,
)
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
    fuel.CAUSE: fuel.evaluate,
    metabolites.CAUSE: metabolites.evaluate,
    damage.CAUSE: damage.evaluate,
    overtraining.CAUSE: overtraining.evaluate,
    intensity.CAUSE: intensity.evaluate,
    strength.NO_STRENGTH: strength.evaluate_none,
    strength.OVERLOAD: strength.evaluate_overload,
    form.FORM: form.evaluate_form,
    form.IMBALANCE: form.evaluate_imbalance,
    shoes.CAUSE: shoes.evaluate,
    hydration.DEHYDRATION: hydration.evaluate_dehydration,
    hydration.ELECTROLYTES: hydration.evaluate_electrolytes,
    nutrition.CARBS: nutrition.evaluate_carbs,
    nutrition.PROTEIN: nutrition.evaluate_protein,
    energy.CAUSE: energy.evaluate,
    labs.IRON: labs.evaluate_iron,
    labs.VITAMIN_D: labs.evaluate_vitamin_d,
    labs.B12: labs.evaluate_b12,
    circulation.VENOUS: circulation.evaluate_venous,
    circulation.CECS: circulation.evaluate_compartment,
    circulation.ARTERIAL: circulation.evaluate_arterial,
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
