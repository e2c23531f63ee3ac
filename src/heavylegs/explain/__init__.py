"""Rank findings and build the answer; render it as JSON or text. Pure.

``Answer``, ``build`` and ``SCHEMA`` load on first use: the terminal renderer
(``explain.text``) works on the answer's JSON and must not pull in the engine."""

from __future__ import annotations

from typing import Any

__all__ = ["SCHEMA", "Answer", "build", "legs_state", "rank_score"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from heavylegs.explain import answer

        return getattr(answer, name)
    raise AttributeError(f"module 'heavylegs.explain' has no attribute {name!r}")
