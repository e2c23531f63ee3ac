"""Sports as heavylegs names them (FIT's sport names, lower case, where one exists).

Standard library only: `heavylegs import` checks ``--sport`` with it before it forks its
reading processes, while polars is not loaded yet (parallel_import.py)."""

from __future__ import annotations

from heavylegs.errors import InvalidInput

RUNNING_SPORTS = frozenset({"running", "trail_running", "treadmill_running"})
UNKNOWN_SPORT = "unknown"  # a file that names no sport (a GPX without <type>)
# The sports a runner can give an activity (`activities set-sport`, `import --sport`).
SPORT_CHOICES: tuple[str, ...] = (
    "running", "trail_running", "treadmill_running", "walking", "hiking", "cycling", "e_biking",
    "swimming", "rowing", "strength", "training", "cross_country_skiing", "alpine_skiing",
    "paddling", "stand_up_paddleboarding", "windsurfing", "kitesurfing", "surfing", "other", UNKNOWN_SPORT)


def check_sport(sport: str) -> None:
    """Raise InvalidInput (naming the accepted sports) unless ``sport`` is one of them."""
    if sport not in SPORT_CHOICES:
        raise InvalidInput("sport", sport, ", ".join(SPORT_CHOICES))
