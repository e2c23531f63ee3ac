"""A check of science.md §3's copy rules over an answer's JSON and its rendered outputs
(issue 10): each tier's own title in every output; while a tier 0-1 flag is active no fix,
no training plan, no patterns, nothing reassuring or advising training outside the triage
messages themselves. Used by the tests and the scenario suite; any new front door (a web
page) can run it over its own output."""

from __future__ import annotations

import re
from typing import Any

from heavylegs.triage.messages import TIER_TITLE as TITLES

BANNED = re.compile(r"\bDOMS\b|normal soreness|classic cause|massage|compression|foam[- ]?roll|stretch|"
                    r"\b(?:km|mi) in total\b|Next week|Longest run next week|Rest days:|run easy|walk or cycle|"
                    r"keep running|easier week", re.IGNORECASE)


def copy_rule_problems(body: dict[str, Any], outputs: dict[str, str]) -> list[str]:
    """What breaks science.md §3's copy rules in the answer's JSON ``body`` and its rendered
    ``outputs`` (format -> text): each tier's own title everywhere; while a tier 0-1 flag
    is active no fix, no training plan, no patterns, nothing reassuring or advising training
    outside the triage messages themselves."""
    problems = []
    for hit in body["triage"]:
        if hit.get("title") != TITLES[hit["tier"]]:
            problems.append(f"json: {hit['rule']} title {hit.get('title')!r}")
        for fmt, text in outputs.items():
            if TITLES[hit["tier"]] not in " ".join(text.replace("&amp;", "&").split()):
                problems.append(f"{fmt}: no title {TITLES[hit['tier']]!r}")
    active = any(h["tier"] in ("emergency", "urgent") for h in body["triage"])
    if active != body.get("training_advice_withheld"):
        problems.append(f"json: training_advice_withheld {body.get('training_advice_withheld')} with active={active}")
    if not active:
        return problems
    problems += [f"json: fix in {f['cause']}" for f in body["findings"] if f["fix"]]
    problems += [f"json: patterns {len(body['patterns'])}" for _ in [0] if body["patterns"]]
    if not body["plan"] or body["plan"][0]["text"] != "Stop running until a doctor has seen you.":
        problems.append("json: the plan does not start with 'Stop running until a doctor has seen you.'")
    problems += [f"json: plan item {p['topic']}" for p in body["plan"] if p["topic"] not in ("stop", "tell-the-doctor", "after")]
    triage_text = [s for h in body["triage"] for s in (h["message"], *h["evidence"], h.get("how_to_clear", ""))]
    for fmt, text in {"json": _json_text(body), **outputs}.items():
        flat = " ".join(text.replace("&#x27;", "'").replace("&amp;", "&").split())
        for s in triage_text:
            flat = flat.replace(" ".join(s.split()), " ")
        problems += [f"{fmt}: says {m.group(0)!r}" for m in BANNED.finditer(flat)]
    return problems


def _json_text(body: dict[str, Any]) -> str:
    parts = [f["cause"] + " " + " ".join(e["text"] for e in f["evidence"]) + " " + " ".join(f["fix"]) for f in body["findings"]]
    parts += [r["why"] for r in body["ruled_out"]] + [n["how"] for n in body["not_assessed"]]
    parts += [p["text"] for p in body["plan"]] + [p["text"] for p in body["patterns"]] + list(body["notes"])
    return " ".join(parts)
