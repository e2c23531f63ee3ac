"""Second-by-second physiology of a run: grade cost, heart rate and cadence.

- Grade cost: Minetti et al. 2002 energy cost of running on a gradient, relative to level
  running (science.md §1.3). Runners slow on climbs by ``cost^0.6`` at easy effort,
  ``cost^0.9`` racing (they hold effort partly, not fully); the rest shows in their HR.
- Heart rate: the steady-state fraction of HR reserve is piecewise linear in demand
  (speed x grade cost / threshold speed): 0.66 at easy effort (demand 0.78), the LTHR
  fraction at threshold (science.md §1.1) and 1.0 at about vVO2max (demand 1.14). HR
  follows demand with a 30 s lag, plus a slow component above threshold (a 240 s leaky
  integral of the excess: how HR creeps to its maximum in the last reps of an interval
  session or the end of a time trial), cardiac drift of 4 bpm an hour after the first
  20 min (scaled per day), the day's shift (sleep, fatigue, injected effects) and
  sensor noise. Above 90 % of HR reserve HR saturates (tanh), so it nears its maximum
  only in the finishing kick of hard sessions, and never passes ``max_hr``.
- Cadence (steps/min): the runner's easy-pace cadence, +6 spm per m/s faster, a little
  higher on climbs, with noise; 150-200.

The lags are first-order filters applied as one convolution (``lowpass``; FFT for long
time constants), so a four-hour run costs a few milliseconds.

>>> lowpass(np.ones(5), 2.0, 0.0).round(2).tolist()
[0.39, 0.63, 0.78, 0.86, 0.92]
"""

from __future__ import annotations

import math

import numpy as np

from heavylegs.sim.profile import RunnerProfile

HR_LAG_S = 30.0
SLOW_COMPONENT_S = 240.0
SLOW_COMPONENT_GAIN = 0.8
DRIFT_BPM_PER_H = 4.0
DRIFT_AFTER_S = 1200.0
EASY_DEMAND, EASY_HRR = 0.78, 0.66
MAX_DEMAND = 1.14
SATURATE_FROM = 0.9
CADENCE_PER_MPS = 6.0
SLOWING_ON_CLIMBS = 0.6


def lowpass(x: np.ndarray, tau_s: float, x0: float) -> np.ndarray:
    """First-order lag with time constant ``tau_s`` (samples at 1 Hz), starting at ``x0``."""
    a = math.exp(-1.0 / tau_s)
    k = int(8 * tau_s) + 1
    kernel = a ** np.arange(k)
    kernel /= kernel.sum()
    padded = np.concatenate((np.full(k, x0), x))
    if k <= 64:
        return np.convolve(padded, kernel)[k:k + x.size]
    size = 1 << (padded.size + k - 1).bit_length()
    full = np.fft.irfft(np.fft.rfft(padded, size) * np.fft.rfft(kernel, size), size)
    return full[k:k + x.size]


def smooth_noise(rng: np.random.Generator, n: int, every_s: float, sd: float) -> np.ndarray:
    """Random noise varying smoothly: normal knots every ``every_s`` seconds, joined by
    straight lines (cheaper than filtering white noise, and as good for sensors)."""
    knots = rng.normal(0.0, sd, size=int(n / every_s) + 2)
    return np.interp(np.arange(n), np.arange(knots.size) * every_s, knots)


def grade_cost(grade: np.ndarray) -> np.ndarray:
    """Energy cost of running at ``grade`` (decimal) relative to the level (Minetti 2002)."""
    i = np.clip(grade, -0.3, 0.3)
    return (((((155.4 * i - 30.4) * i - 43.3) * i + 46.3) * i + 19.5) * i + 3.6) / 3.6


def run_speed(target: np.ndarray, log_cost: np.ndarray, noise: np.ndarray,
              threshold_mps: float) -> np.ndarray:
    """Actual speed: slower on climbs, faster downhill, varying, accelerating from a jog.

    ``log_cost`` is the log of ``grade_cost`` where the runner is. Runners hold effort
    more closely the harder they run: the slowing exponent goes from 0.6 at easy effort
    to 0.9 at and above 5 km pace.
    """
    effort = np.clip((target / threshold_mps - 0.85) / 0.25, 0.0, 1.0)
    slowing = SLOWING_ON_CLIMBS + 0.3 * effort
    return lowpass(target * np.exp(-slowing * log_cost) * (1 + noise), 3.0, 0.8)


def heart_rate(demand: np.ndarray, r: RunnerProfile, shift_bpm: float, drift_scale: float,
               noise: np.ndarray) -> np.ndarray:
    """HR in bpm for each second of ``demand`` (1.0 = threshold effort)."""
    lt = r.lthr_fraction
    below = lt - (lt - EASY_HRR) / (1.0 - EASY_DEMAND) * (1.0 - demand)
    above = lt + (1.0 - lt) / (MAX_DEMAND - 1.0) * (demand - 1.0)
    target = np.clip(np.where(demand < 1.0, below, above), 0.15, 1.2)
    excess = np.maximum(target - (lt + 0.02), 0.0)
    fraction = _saturate(lowpass(target, HR_LAG_S, 0.25)
                         + SLOW_COMPONENT_GAIN * lowpass(excess, SLOW_COMPONENT_S, 0.0))
    elapsed = np.arange(demand.size, dtype=float)
    drift = DRIFT_BPM_PER_H * drift_scale * np.maximum(elapsed - DRIFT_AFTER_S, 0.0) / 3600
    hr = r.resting_hr + (r.max_hr - r.resting_hr) * fraction + drift + shift_bpm + noise
    return np.clip(hr, r.resting_hr + 5, r.max_hr)


def _saturate(fraction: np.ndarray) -> np.ndarray:
    """HR approaches its maximum ever more slowly: compress fractions above 0.9 of HRR."""
    top = SATURATE_FROM + (1 - SATURATE_FROM) * np.tanh(
        (fraction - SATURATE_FROM) / (1 - SATURATE_FROM))
    return np.where(fraction > SATURATE_FROM, top, fraction)


def cadence(speed: np.ndarray, grade: np.ndarray, r: RunnerProfile, shift_spm: float,
            noise: np.ndarray) -> np.ndarray:
    """Cadence in steps per minute for each second."""
    spm = (r.cadence_spm + CADENCE_PER_MPS * (speed - r.easy_speed_mps)
           + 15.0 * np.clip(grade, -0.1, 0.1) + shift_spm + noise)
    return np.clip(spm, 150.0, 200.0)
