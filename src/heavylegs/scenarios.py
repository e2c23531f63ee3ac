"""The scenario suite: simulated runners, each with one cause of heavy legs switched on
(or none, or a red-flag day), go through their files and daily log into a real workspace,
and the answer is scored: per-cause recall, false-positive rate, and triage tiers.

Run: ``python -m heavylegs.scenarios`` (prints the per-cause table).
"""

from __future__ import annotations

import multiprocessing
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from heavylegs import sim
from heavylegs.api import Workspace
from heavylegs.triage import TIERS

START = date(2026, 1, 5)
WEEKS = 12
KINDS = ("novice", "recreational", "advanced")


@dataclass(frozen=True, slots=True)
class Spec:
    name: str
    seed: int
    kind: str
    injections: tuple[str, ...] = ()
    cause: str | None = None  # the cause id injected
    tier: str | None = None  # the triage tier injected


@dataclass(frozen=True, slots=True)
class Outcome:
    spec: Spec
    found: dict[str, str] = field(default_factory=dict)  # cause -> confidence
    tiers: tuple[str, ...] = ()
    error: str = ""
    copy: tuple[str, ...] = ()  # what breaks the triage copy rules in any output (explain/copyrules.py)
    texts: tuple[str, ...] = ()  # every sentence of the answer a runner reads (answer_texts)


def answer_texts(body: dict) -> tuple[str, ...]:
    """Every sentence a runner reads in a `why --json` answer: triage, evidence, fixes,
    ruled out, not assessed, notes, patterns and plan."""
    out: list[str] = []
    for hit in body.get("triage", []):
        out += [hit["message"], *hit["evidence"]]
    for f in body.get("findings", []):
        out += [e["text"] for e in f["evidence"]] + list(f["fix"])
    out += [r["why"] for r in body.get("ruled_out", [])] + [n["how"] for n in body.get("not_assessed", [])]
    out += list(body.get("notes", [])) + [p["text"] for p in body.get("patterns", []) + body.get("plan", [])]
    return tuple(out)


def specs(seeds: Iterable[int] = (1,), healthy: int = 10, edge: int = 0) -> list[Spec]:
    """One scenario per cause per seed, ``healthy`` controls, ``edge`` healthy runners at
    the edges of the causes' thresholds (see :func:`edge_specs`), one per triage injection."""
    out = []
    for seed in seeds:
        for i, (cause, name) in enumerate(sorted(sim.CAUSE_INJECTIONS.items())):
            out.append(Spec(f"{cause}#{seed}", seed * 100 + i, KINDS[i % 3], (name,), cause=cause))
    out += [Spec(f"healthy#{i}", 5000 + i, KINDS[i % 3]) for i in range(healthy)]
    out += edge_specs(edge)
    for i, (name, tier) in enumerate(sorted(sim.TRIAGE_INJECTIONS.items())):
        out.append(Spec(f"{name}", 7000 + i, KINDS[i % 3], (name,), tier=tier))
    return out


def edge_specs(per_edge: int = 3) -> list[Spec]:
    """``per_edge`` healthy runners (kinds in turn) for each edge of ``sim.EDGE_INJECTIONS``:
    long runs of 76-88 min on 0.8-1.2 g/kg, nights of 6.8-7.2 h, a 9-11 % long-run rise.
    Named ``healthy-edge-...`` so they count among the healthy controls."""
    return [Spec(f"healthy-{name}#{i}", 6000 + 10 * k + i, KINDS[i % 3], (name,))
            for k, name in enumerate(sim.EDGE_INJECTIONS) for i in range(per_edge)]


def run(spec: Spec) -> Outcome:
    """Simulate, write the files, import them like a runner would, and ask why."""
    try:
        with tempfile.TemporaryDirectory() as tmp:
            scenario = sim.Scenario(seed=spec.seed, start=START, weeks=WEEKS, kind=spec.kind,
                                    injections=spec.injections, formats="mixed")
            result = sim.simulate(scenario)
            sim.write_files(result, Path(tmp) / "files")
            with Workspace(Path(tmp) / "home") as ws:
                r = result.runner
                ws.profile_set({"sex": r.sex, "birth_year": str(r.birth_year), "weight_kg": f"{r.weight_kg:.1f}",
                                "timezone": r.home.tz})
                for shoe in result.shoes:
                    ws.gear_add(shoe.name, shoe.from_date, result.retired(shoe), shoe.start_km)
                report = ws.import_paths([Path(tmp) / "files"])
                if report.failed:
                    return Outcome(spec, error=f"import failed: {report.failed[:2]}")
                ctx = ws.context(scenario.end)
                answer = ws.answer(ctx)
                copy = _copy_problems(answer, ctx)
        return Outcome(spec, {f.cause: f.confidence for f in answer.findings}, tuple(h.tier for h in answer.triage),
                       copy=copy, texts=answer_texts(answer.to_json()))
    except Exception as exc:  # reported in the table, not raised: one bad scenario must not hide the rest
        return Outcome(spec, error=f"{type(exc).__name__}: {exc}")


def _copy_problems(answer: Any, ctx: Any) -> tuple[str, ...]:
    """The copy-rule check over the answer's JSON, terminal text, Markdown and HTML."""
    import io

    from rich.console import Console

    from heavylegs.explain import report
    from heavylegs.explain.copyrules import copy_rule_problems
    from heavylegs.explain.text import render

    body = answer.to_json()
    console = Console(file=io.StringIO(), width=2000, color_system=None)
    console.print(render(body))
    outputs = {"terminal": console.file.getvalue(), "markdown": report.markdown(answer),  # type: ignore[attr-defined]
               "html": report.html(answer, ctx.daily, ctx.acts)}
    return tuple(copy_rule_problems(body, outputs))


def run_all(all_specs: list[Spec], workers: int = 2) -> list[Outcome]:
    """Run scenarios in ``workers`` fresh processes. Spawned, not forked: forking a process
    whose polars thread pool is running can deadlock the children."""
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        return list(pool.map(run, all_specs))


def tier_ok(outcome: Outcome) -> bool:
    """The injected tier, or a more urgent one, comes first."""
    want = outcome.spec.tier
    return bool(outcome.tiers) and want is not None and TIERS.index(outcome.tiers[0]) <= TIERS.index(want)


def table(outcomes: list[Outcome]) -> str:
    """Per cause: recall (injected scenarios that found it) and false-positive rate (other
    scenarios that found it above low confidence)."""
    from heavylegs.causes import CAUSE_IDS

    lines = [f"{'cause':26s} {'recall':>8s} {'false pos':>10s}"]
    for cause in CAUSE_IDS:
        mine = [o for o in outcomes if o.spec.cause == cause]
        others = [o for o in outcomes if o.spec.cause != cause and o.spec.tier is None]
        hit = sum(cause in o.found for o in mine)
        fp = sum(o.found.get(cause, "low") != "low" for o in others)
        lines.append(f"{cause:26s} {hit:>3d}/{len(mine):<4d} {fp:>4d}/{len(others):<5d}")
    healthy = [o for o in outcomes if o.spec.name.startswith("healthy")]
    clean = sum(all(c == "low" for c in o.found.values()) for o in healthy)
    triage = [o for o in outcomes if o.spec.tier]
    lines.append(f"healthy controls with nothing above low confidence: {clean}/{len(healthy)}")
    lines.append(f"triage scenarios with their tier (or more urgent) first: {sum(map(tier_ok, triage))}/{len(triage)}")
    lines.append(f"answers keeping the triage copy rules in every output: {sum(not o.copy for o in outcomes)}/{len(outcomes)}")
    lines += [f"error in {o.spec.name}: {o.error}" for o in outcomes if o.error]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    seeds = [int(a) for a in argv] or [1]
    outcomes = run_all(specs(seeds))
    print(table(outcomes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
