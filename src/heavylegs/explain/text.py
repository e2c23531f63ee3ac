"""The answer as rich renderables for a terminal. It reads the answer's JSON (the `why
--json` shape of spec/cli.md), so a stored answer prints without loading the engine.

The short answer (default, issue 13): triage, the top 3 findings with at most 3 evidence
lines each and their fixes, the plan, one "to learn more" line and one line counting what
was ruled out. ``full=True`` (`why --full`) shows everything: every finding and evidence
line, morning markers, patterns, every ruled-out and not-assessed cause, estimate notes.
Terms a runner may not know get a half-line explanation where first read (glossary.py)."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from heavylegs.explain import summary
from heavylegs.explain.glossary import Glossary
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


def _findings(answer: Json, g: Glossary, full: bool) -> list[RenderableType]:
    fine = answer.get("legs") == "fine"
    shown = summary.shown(answer)
    if not shown:
        return [Text("Your legs seem fine today, and no risk signal stands out." if fine
                     else "No cause stands out in your data for this day.", style="bold")]
    order = answer.get("order", "most likely first")
    if answer.get("training_advice_withheld"):
        head = FOR_DOCTOR
    else:
        head = f"Your legs seem fine today. Watch-outs, {order}" if fine else f"Likely causes, {order}"
    out: list[RenderableType] = [Text(head, style="bold underline")]
    top = shown if full else shown[:summary.TOP]
    for rank, f in enumerate(top, start=1):
        block = Text()
        block.append(f"{rank}. {f.get('title', f['cause'])} ({f['cause']})", style="bold")
        block.append(f"  score {f['score']:.2f}, {f['confidence']} confidence")
        evidence = f["evidence"] if full else f["evidence"][:summary.EVIDENCE]
        for e in evidence:
            block.append(f"\n   • {g.explain(e['text'])}")
        for fix in f["fix"]:
            block.append("\n   → ", style="green")
            block.append(g.explain(fix))
        out.append(block)
    if len(top) < len(shown):
        more = ", ".join(f"{f.get('title', f['cause'])} ({f['cause']})" for f in shown[len(top):])
        out.append(Text(f"{len(shown) - len(top)} more possible: {more} (`{summary.FULL}`).", style="dim"))
    return out


def _plan(answer: Json, g: Glossary, full: bool) -> list[RenderableType]:
    if not answer["plan"]:
        return []
    parts: list[RenderableType] = [Text("What to do now" if answer.get("training_advice_withheld") else "What to do next",
                                        style="bold underline")]
    parts += [Text(f" → {g.explain(p['text'])}" + (f"  [{p['answers']}]" if p["answers"] and full else ""))
              for p in answer["plan"]]
    return parts


def _lists(answer: Json, g: Glossary) -> list[RenderableType]:
    parts: list[RenderableType] = []
    if answer["ruled_out"]:
        parts.append(Text("Ruled out", style="bold underline"))
        parts += [Text(f" ✓ {r.get('title', r['cause'])} ({r['cause']}): {g.explain(r['why'])}")
                  for r in answer["ruled_out"]]
    implemented = [n for n in answer["not_assessed"] if n["missing"] != ["not implemented"]]
    pending = len(answer["not_assessed"]) - len(implemented)
    if answer["not_assessed"]:
        parts.append(Text("Not assessed", style="bold underline"))
        parts += [Text(f" ? {n.get('title', n['cause'])} ({n['cause']}): needs {', '.join(n['missing'])}. "
                       f"{g.explain(n['how'])}") for n in implemented]
        if pending:
            parts.append(Text(f" ? {pending} more causes are not assessed by this version yet "
                              f"(see `why --json`).", style="dim"))
    return parts


def _extras(answer: Json, g: Glossary) -> list[RenderableType]:
    """Morning markers and the runner's own patterns (``--full``)."""
    parts: list[RenderableType] = []
    if answer.get("markers"):
        parts.append(Text("Morning markers", style="bold underline"))
        parts += [Text(f" • {g.explain(m['text'])}") for m in answer["markers"]]
    if answer["patterns"]:
        parts.append(Text("Your own patterns", style="bold underline"))
        parts += [Text(f" • {g.explain(p['text'])}") for p in answer["patterns"]]
    return parts


def render(answer: Json, units: str | None = None, full: bool = False) -> RenderableType:
    """The answer (its JSON); triage (if any) first, fixes after it; the short answer unless
    ``full``. Quantities are said in the runner's ``units`` (explain/units.py; the JSON
    itself stays metric)."""
    answer = localize(answer, units)
    g = Glossary()
    heavy = f", heaviness {answer['heaviness']}/10" if answer["heaviness"] is not None else ""
    parts: list[RenderableType] = [Text(f"Why are my legs heavy? {answer['date']}{heavy}",
                                        style="bold")]
    parts += _triage(answer)
    parts += _findings(answer, g, full)
    if full:
        parts += _extras(answer, g)
    elif answer.get("markers"):  # one line: a device's HRV or resting-HR change is news on its own
        parts.append(Text("Morning markers: " + "; ".join(g.explain(m["text"]) for m in answer["markers"]) + "."))
    parts += _plan(answer, g, full)
    if full:
        parts += _lists(answer, g)
    else:
        more = summary.learn_more_line(answer)
        parts += [Text(more)] if more else []
        parts.append(Text(summary.counts_line(answer), style="dim"))
    notes = answer["notes"] if full else [n for n in answer["notes"] if not summary.is_estimate_note(n)]
    parts += [Text(f"Note: {g.explain(n)}", style="dim") for n in notes]
    return Group(*parts)
