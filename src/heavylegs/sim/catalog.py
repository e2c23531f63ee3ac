"""Every injection, registered: the catalogue by cause id and by triage tier.

Importing this module imports the injection families, so ``INJECTIONS`` is complete.

>>> len(CAUSE_INJECTIONS), CAUSE_INJECTIONS["training-spike"], TRIAGE_INJECTIONS["calf-swelling"]
(24, 'spike', 'urgent')
"""

from __future__ import annotations

from heavylegs.sim import (  # noqa: F401  (registers the injections)
    inject_body,
    inject_edge,
    inject_intake,
    inject_load,
    inject_medical,
    inject_triage,
)
from heavylegs.sim.injections import INJECTIONS, adjust_runner

__all__ = ["CAUSE_INJECTIONS", "TRIAGE_INJECTIONS", "adjust_runner"]

CAUSE_INJECTIONS: dict[str, str] = {
    inj.cause: inj.name for inj in INJECTIONS.values() if inj.cause is not None}
TRIAGE_INJECTIONS: dict[str, str] = {
    inj.name: inj.triage for inj in INJECTIONS.values() if inj.triage is not None}
