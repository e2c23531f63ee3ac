"""The answer as rich renderables for a terminal: triage banner, ranked causes with
evidence and fixes, ruled out, not assessed. It reads the answer's JSON (the `why --json`
shape of spec/cli.md), so a stored answer prints without loading the engine."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from heavylegs.explain.units import localize
from heavylegs.triage.messages import FOR_DOCTOR, TIER_TITLE

Json = dict[str, Any]


TIER_STYLE = {"emergency": "bold white on red", "urgent": "bold red", "soon": "bold yellow",
              "routine": "cyan"}


def _triage(answer: Json) -> list[RenderableType]:
    out: list[RenderableType] = []
    for hit in answer["triage"]:
        body = Text(hit["message"] + "\n")
        for line in hit["evidence"]:
            body.append(f"  • {line}\n")
        if hit.get("how_to_clear"):
            body.append(hit["how_to_clear"] + "\n", style="dim")
        title = hit.get("title") or TIER_TITLE[hit["tier"]]
        out.append(Panel(body, title=title, title_align="left", style=TIER_STYLE[hit["tier"]]))
    return out


def _findings(answer: Json) -> list[RenderableType]:
    fine = answer.get("legs") == "fine"
    shown = [f for f in answer["findings"] if f.get("role") != "not-shown"]
    if not shown:
        return [Text("Your legs seem fine today, and no risk signal stands out." if fine
                     else "No cause stands out in your data for this day.", style="bold")]
    order = answer.get("order", "most likely first")
    if answer.get("training_advice_withheld"):
        head = FOR_DOCTOR
    else:
        head = f"Your legs seem fine today. Watch-outs, {order}" if fine else f"Likely causes, {order}"
    out: list[RenderableType] = [Text(head, style="bold underline")]
    for rank, f in enumerate(shown, start=1):
        block = Text()
        block.append(f"{rank}. {f.get('title', f['cause'])} ({f['cause']})", style="bold")
        block.append(f"  score {f['score']:.2f}, {f['confidence']} confidence\n")
        for e in f["evidence"]:
            block.append(f"   • {e['text']}\n")
        for fix in f["fix"]:
            block.append("   → ", style="green")
            block.append(f"{fix}\n")
        out.append(block)
    return out


def render(answer: Json, units: str | None = None) -> RenderableType:
    """The whole answer (its JSON); triage (if any) first, fixes after it. Quantities are
    said in the runner's ``units`` (explain/units.py; the JSON itself stays metric)."""
    answer = localize(answer, units)
    heavy = f", heaviness {answer['heaviness']}/10" if answer["heaviness"] is not None else ""
    parts: list[RenderableType] = [Text(f"Why are my legs heavy? {answer['date']}{heavy}",
                                        style="bold")]
    parts += _triage(answer)
    parts += _findings(answer)
    if answer.get("markers"):
        parts.append(Text("Morning markers", style="bold underline"))
        parts += [Text(f" • {m['text']}") for m in answer["markers"]]
    if answer["plan"]:
        parts.append(Text("What to do now" if answer.get("training_advice_withheld") else "What to do next",
                          style="bold underline"))
        parts += [Text(f" → {p['text']}" + (f"  [{p['answers']}]" if p["answers"] else ""))
                  for p in answer["plan"]]
    if answer["patterns"]:
        parts.append(Text("Your own patterns", style="bold underline"))
        parts += [Text(f" • {p['text']}") for p in answer["patterns"][:4]]
    if answer["ruled_out"]:
        parts.append(Text("Ruled out", style="bold underline"))
        parts += [Text(f" ✓ {r.get('title', r['cause'])} ({r['cause']}): {r['why']}") for r in answer["ruled_out"]]
    implemented = [n for n in answer["not_assessed"] if n["missing"] != ["not implemented"]]
    pending = len(answer["not_assessed"]) - len(implemented)
    if answer["not_assessed"]:
        parts.append(Text("Not assessed", style="bold underline"))
        parts += [Text(f" ? {n.get('title', n['cause'])} ({n['cause']}): needs {', '.join(n['missing'])}. {n['how']}")
                  for n in implemented]
        if pending:
            parts.append(Text(f" ? {pending} more causes are not assessed by this version yet "
                              f"(see `why --json`).", style="dim"))
    parts += [Text(f"Note: {n}", style="dim") for n in answer["notes"]]
    return Group(*parts)
