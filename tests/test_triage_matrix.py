"""The triage matrix of issue 10, generated from one table of the science.md §3 rules
(tests/triage_helpers.py): each rule as a symptom code, in the runner's own words and as a
negated sentence; logged on D, D-1, D-3 and D-6 (and D-10, D-15 for memory); with easy
running, after a spike with a long downhill run, and with no activities at all. Each case
goes through the pure engine and answer builder into every output format (JSON, terminal,
Markdown, HTML) and must give its tier or a more urgent one first (nothing for the negated
and the expired ones) and keep the copy rules."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from rich.console import Console

from engine_helpers import make_context, steady_weeks
from heavylegs.api import compose
from heavylegs.explain import report
from heavylegs.explain.text import render
from triage_helpers import DAY, RULE_TABLE, SPIKE, RuleCase, at_least, copy_rule_problems

OFFSETS = (0, 1, 3, 6)
TRAINING = ("easy", "spike", "none")
FORMS = ("code", "words", "negated")


def _runs(training: str) -> dict[date, float]:
    if training == "none":
        return {}
    runs = {d: km for d, km in steady_weeks(DAY, 7, week=(8, 0, 10, 0, 8, 0, 12)).items() if d < DAY}
    if training == "spike":
        runs = {d: km for d, km in runs.items() if d < min(SPIKE)} | {d: v[0] for d, v in SPIKE.items()}
    return runs


def _cases() -> list[tuple[RuleCase, str, int, str, str | None]]:
    """(rule, form, days before D, training, expected least tier or None)."""
    out = []
    for case in RULE_TABLE:
        for training in TRAINING:
            for form in FORMS:
                for back in OFFSETS:
                    out.append((case, form, back, training, None if form == "negated" else case.tier))
            for form in ("code", "words"):
                out.append((case, form, 10, training, "soon"))  # a tier 0-1 flag turns into a reminder
                out.append((case, form, 15, training, None))  # beyond every memory
    return out


CASES = _cases()


def _answer_outputs(case: RuleCase, form: str, back: int, training: str) -> tuple[dict, dict[str, str]]:
    values = {"code": case.codes, "words": case.words, "negated": case.negated}[form]
    log = {DAY - timedelta(days=back): dict(values)}
    if back:
        log[DAY] = {"heaviness": 6}  # only heaviness on the day asked about
    ctx = make_context(DAY, _runs(training), log)
    answer = compose(ctx)  # the facade's pure part
    body = answer.to_json()
    console = Console(file=io.StringIO(), width=2000, color_system=None)
    console.print(render(body))
    outputs = {"terminal": console.file.getvalue(), "markdown": report.markdown(answer),
               "html": report.html(answer, ctx.daily, ctx.acts)}
    return body, outputs


@pytest.mark.parametrize("case,form,back,training,want", CASES,
                         ids=[f"{c.name}-{f}-D-{b}-{t}" for c, f, b, t, _ in CASES])
def test_matrix(case: RuleCase, form: str, back: int, training: str, want: str | None) -> None:
    body, outputs = _answer_outputs(case, form, back, training)
    tiers = [h["tier"] for h in body["triage"]]
    if want is None:
        assert tiers == [], body["triage"]
    else:
        assert at_least(tiers, want), (tiers, want)
        if back:
            assert "you reported" in body["triage"][0]["message"] or "you wrote" in " ".join(body["triage"][0]["evidence"])
    assert copy_rule_problems(body, outputs) == []


def test_matrix_size() -> None:
    assert len(CASES) == len(RULE_TABLE) * len(TRAINING) * (len(FORMS) * len(OFFSETS) + 4) == 1296
