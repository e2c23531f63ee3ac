"""What the short answer says in one line each (issue 13), shared by the terminal and the
Markdown renderers. Works on the answer's JSON (the `why --json` shape). Pure."""

from __future__ import annotations

import re
from typing import Any

Json = dict[str, Any]

TOP = 3  # findings in the short answer
EVIDENCE = 3  # evidence lines per finding in the short answer
LEARN = 3  # data additions named in "to learn more"
FULL = "heavylegs why --full"
_LAB = re.compile(r"_(?:ng_ml|pg_ml|ug_l|g_dl|nmol_l)\b")  # a blood test: offered after what can be logged today
_ESTIMATE = ("Profile used:", "of activities have no heart rate")


def shown(answer: Json) -> list[Json]:
    """The findings a runner reads (legs fine: only the watch-outs)."""
    return [f for f in answer["findings"] if f.get("role") != "not-shown"]


def is_estimate_note(note: str) -> bool:
    """A note on how the profile or the load was estimated (``--full`` only)."""
    return any(s in note for s in _ESTIMATE)


def learn_more(not_assessed: list[Json], n: int = LEARN) -> list[tuple[str, list[str]]]:
    """Up to ``n`` data additions, each with the titles of the causes it would let heavylegs
    assess, chosen greedily so that together they settle the most causes (ties: what can be
    logged today before a blood test, then the answer's order)."""
    open_ = [(c.get("title", c["cause"]), [m for m in c["missing"] if m != "not implemented"]) for c in not_assessed]
    open_ = [(t, m) for t, m in open_ if m]
    picks: list[tuple[str, list[str]]] = []
    while open_ and len(picks) < n:
        fields = list(dict.fromkeys(m for _, ms in open_ for m in ms))
        best = min(fields, key=lambda f: (-sum(f in ms for _, ms in open_), bool(_LAB.search(f)), fields.index(f)))
        picks.append((best, [t for t, ms in open_ if best in ms]))
        open_ = [(t, ms) for t, ms in open_ if best not in ms]
    return picks


def learn_more_line(answer: Json) -> str | None:
    """"To learn more, add: ..." in one line, or None when nothing is missing."""
    picks = learn_more(answer["not_assessed"])
    if not picks:
        return None
    said = "; ".join(f"{field} (for {', '.join(titles)})"
                     for field, titles in picks)
    return f"To learn more, add: {said}."


def counts_line(answer: Json) -> str:
    """One line counting what was ruled out and what could not be assessed."""
    ruled = len(answer["ruled_out"])
    missing = [n for n in answer["not_assessed"] if n["missing"] != ["not implemented"]]
    pending = len(answer["not_assessed"]) - len(missing)
    parts = [f"Ruled out by your data: {ruled} cause{'s' if ruled != 1 else ''}" if ruled
             else "No cause could be ruled out with your data"]
    if missing:
        parts.append(f"{len(missing)} more need{'s' if len(missing) == 1 else ''} data")
    if pending:
        parts.append(f"{pending} not checked by this version yet")
    listed = " (`" + FULL + "` lists them)" if ruled or missing or pending else ""
    return "; ".join(parts) + listed + "."
