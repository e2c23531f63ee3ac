"""What a run's injected effects do second by second, and the running dynamics a pod records.

- Fade (science.md C01): over the last third of the distance the runner slows by up to
  ``fade`` (a fraction) while effort stays the same, so HR holds or creeps up as pace
  falls: ``fade_factor`` multiplies the target speed, ``effort`` divides it back out of
  the HR demand.
- Stops (C22, C23): pain forces a stop after ``stop_after_s`` for ``stop_for_s`` seconds,
  once (compartment syndrome: at a consistent time each run) or every ``stop_every_s``
  of running (claudication). The runner stands still; the pain eases; they go on.
- Running dynamics (C16, C24), for runners with a chest strap or pod: ground contact
  time falls with speed (``gct ~ speed^-0.55``: about 250 ms at 2.9 m/s, 215 ms at
  3.9 m/s), vertical oscillation rises 6 mm per m/s, left share of ground contact near
  50 %. Form decays a little over the last 20 % of a run (more with ``form_drift``):
  longer contact, more bounce, lower cadence, a growing imbalance. Sensor noise is
  smooth (``physio.smooth_noise``); a pod records nothing while the runner stands.

>>> fade_factor(np.array([0.0, 8000.0, 10000.0]), 10000.0, 0.15).round(3).tolist()
[1.0, 0.951, 0.85]
>>> insert_stops(np.ones(10), 3, 2, None).tolist()
[1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
"""

from __future__ import annotations

import numpy as np

from heavylegs.sim.days import Effects
from heavylegs.sim.physio import smooth_noise
from heavylegs.sim.profile import RunnerProfile

FADE_FROM = 0.62  # share of the distance where a glycogen fade starts
LATE_FROM = 0.8  # share of the run counted as "late" for form drift
STANDING_MPS = 0.3
GCT_SPEED_EXPONENT = 0.55
REFERENCE_MPS = 2.9


def fade_factor(metres: np.ndarray, total_m: float, fade: float) -> np.ndarray:
    """Speed multiplier: 1 until ``FADE_FROM`` of ``total_m``, then down to ``1 - fade``
    at the end (as ``x^1.5``: the fade accelerates)."""
    if fade <= 0:
        return np.ones_like(metres)
    x = np.clip((metres / total_m - FADE_FROM) / (1 - FADE_FROM), 0.0, 1.0)
    return 1.0 - fade * x**1.5


def insert_stops(target: np.ndarray, after_s: float | None, for_s: float | None,
                 every_s: float | None) -> np.ndarray:
    """``target`` speeds with zero-speed windows inserted: after ``after_s`` seconds of
    running, a stop of ``for_s`` seconds, repeated every ``every_s`` of running."""
    if not after_s or not for_s:
        return target
    parts, at, stop = [], 0, int(for_s)
    nxt = int(after_s)
    while nxt < target.size:
        parts += [target[at:nxt], np.zeros(stop)]
        at = nxt
        nxt = at + int(every_s) if every_s else target.size
    parts.append(target[at:])
    return np.concatenate(parts)


def late_ramp(n: int) -> np.ndarray:
    """0 before ``LATE_FROM`` of the run, rising linearly to 1 at its end."""
    x = np.arange(n, dtype=float) / max(n - 1, 1)
    return np.clip((x - LATE_FROM) / (1 - LATE_FROM), 0.0, 1.0)


def running_dynamics(speed: np.ndarray, r: RunnerProfile, e: Effects,
                     rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ground contact time (ms), vertical oscillation (mm) and left GCT share (%) each
    second; ``nan`` while the runner stands."""
    n = speed.size
    late = late_ramp(n) * (1.0 + 3.0 * e.form_drift)
    moving = np.maximum(speed, 1.0)
    gct = ((r.gct_ms + e.gct_ms) * (REFERENCE_MPS / moving) ** GCT_SPEED_EXPONENT
           * (1.0 + 0.012 * late) + smooth_noise(rng, n, 10.0, 4.0))
    vo = (r.vo_mm + e.vo_mm + 6.0 * (moving - REFERENCE_MPS) + 2.5 * late
          + smooth_noise(rng, n, 10.0, 2.5))
    lean = r.balance_pct - 50.0 + e.balance_pct
    balance = 50.0 + lean * (1.0 + 0.25 * late) + smooth_noise(rng, n, 15.0, 0.35)
    standing = speed < STANDING_MPS
    return tuple(np.where(standing, np.nan, x) for x in (gct, vo, balance))  # type: ignore[return-value]


def cadence_drift(n: int, e: Effects) -> np.ndarray:
    """Steps per minute lost late in a run as form decays."""
    return -(0.8 + 4.0 * e.form_drift) * late_ramp(n)
