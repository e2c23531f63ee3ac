"""Rank findings and build the answer; render it as JSON or text. Pure."""

from heavylegs.explain.answer import SCHEMA, Answer, build

__all__ = ["SCHEMA", "Answer", "build"]
