"""The answer as one self-contained HTML page (inline CSS and SVG, no scripts, works
offline) and as Markdown, with every quantity in the runner's units (explain/units.py:
the answer's texts are converted at this last step, the charts drawn in miles for an
imperial runner)."""

from __future__ import annotations

from datetime import timedelta
from html import escape

import polars as pl

from heavylegs.causes.base import title
from heavylegs.explain import summary
from heavylegs.explain import units as u
from heavylegs.explain.answer import WATCH_OUTS, Answer
from heavylegs.explain.glossary import Glossary
from heavylegs.explain.svg import Series, line_chart
from heavylegs.triage.messages import FOR_DOCTOR, how_to_clear

CSS = """body{font:15px/1.45 system-ui,sans-serif;max-width:780px;margin:24px auto;color:#1d2433;padding:0 12px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #dde}.triage{border:2px solid #c0262d;
background:#fdecec;padding:10px 14px;border-radius:6px;margin:12px 0}.triage.soon{border-color:#b7791f;background:#fff8e6}
.triage.routine{border-color:#2b6cb0;background:#ebf4ff}.tier{font-weight:700;text-transform:uppercase}.cause{margin:14px 0}
.score{color:#556}.fix{color:#22543d}.muted{color:#667}svg.chart{width:100%;height:auto;margin:6px 0 14px}
.t{font-size:13px;font-weight:600}.a{font-size:10px;fill:#556}.g{stroke:#e3e6ee}.m{stroke:#c0262d;stroke-dasharray:3 3}"""


def _triage_html(answer: Answer, units: str | None = None) -> str:
    return "".join(f'<div class="triage {h.tier}"><p class="tier">{escape(h.title)}</p><p>{escape(h.message)}</p><ul>'
                   + "".join(f"<li>{escape(e)}</li>" for e in h.evidence) + f'</ul><p class="muted">'
                   f"{escape(u.sentence(how_to_clear(h.codes), units))}</p></div>" for h in answer.triage)


def _shown(answer: Answer) -> list:
    """The findings a runner reads: when the legs feel fine, only the watch-outs."""
    return [f for f in answer.findings if answer.legs != "fine" or f.cause in WATCH_OUTS]


def _findings_head(answer: Answer) -> str:
    if answer.legs == "fine":
        return "Your legs seem fine today. Watch-outs" if _shown(answer) else "Your legs seem fine today"
    return "Likely causes"


def _none_text(answer: Answer) -> str:
    return ("Your legs seem fine today, and no risk signal stands out." if answer.legs == "fine"
            else "No cause stands out in your data for this day.")


def _findings_html(answer: Answer, g: Glossary) -> str:
    shown = _shown(answer)
    if not shown:
        return f"<p>{escape(_none_text(answer))}</p>"
    out = [f'<p class="muted"><b>{escape(FOR_DOCTOR)}</b></p>'] if answer.withheld else []
    for rank, f in enumerate(shown, 1):
        ev = "".join(f"<li>{escape(g.explain(e.text))}</li>" for e in f.evidence)
        fix = "".join(f'<li class="fix">{escape(g.explain(x))}</li>' for x in f.fix)
        out.append(f'<div class="cause"><b>{rank}. {escape(title(f.cause))}</b> ({escape(f.cause)}) <span class="score">score {f.score:.2f}, '
                   f"{f.confidence} confidence</span><ul>{ev}</ul><ul>{fix}</ul></div>")
    return "".join(out)


def _lists_html(answer: Answer) -> str:
    ruled = "".join(f"<li><b>{escape(title(r.cause))}</b> ({escape(r.cause)}): {escape(r.why)}</li>" for r in answer.ruled_out)
    missing = "".join(f"<li><b>{escape(title(n.cause))}</b> ({escape(n.cause)}): needs {escape(', '.join(n.missing))}. "
                      f"{escape(n.how)}</li>" for n in answer.not_assessed)
    return f"<h2>Ruled out</h2><ul>{ruled or '<li>none</li>'}</ul><h2>Not assessed</h2><ul class='muted'>{missing or '<li>none</li>'}</ul>"


def _plan_html(answer: Answer, g: Glossary) -> str:
    plan = "".join(f"<li>{escape(g.explain(p.text))}" + (f' <span class="muted">[{escape(p.answers)}]</span>' if p.answers else "")
                   + "</li>" for p in answer.plan)
    pats = "".join(f"<li>{escape(g.explain(p.text))}</li>" for p in answer.patterns)
    head = "What to do now" if answer.withheld else "What to do next"
    marks = "".join(f"<li>{escape(g.explain(m.text))}</li>" for m in answer.markers)
    return (f"<h2>Morning markers</h2><ul>{marks}</ul>" if marks else "") + (
        f"<h2>{head}</h2><ul>{plan}</ul>" if plan else "") + (
        f"<h2>Your own patterns</h2><ul>{pats}</ul>" if pats else "")


RECENT_DAYS = 14


def recent_activities(answer: Answer, acts: pl.DataFrame | None, units: str | None = None) -> list[str]:
    """One line per activity of the last two weeks, newest first, with its name."""
    if acts is None or acts.height == 0 or "local_date" not in acts.columns:
        return []
    recent = acts.filter(pl.col("local_date") > answer.day - timedelta(days=RECENT_DAYS)).reverse()
    lines = []
    for r in recent.iter_rows(named=True):
        km = f", {u.distance(r['distance_m'], units)}" if r.get("distance_m") else ""
        mins = f", {r['elapsed_s'] / 60:.0f} min" if r.get("elapsed_s") else ""
        name = f"{r['name']}: " if r.get("name") else ""
        lines.append(f"{r['local_date']:%a %d %b} {name}{r['sport']}{km}{mins}")
    return lines


def _recent_html(answer: Answer, acts: pl.DataFrame, units: str | None = None) -> str:
    items = "".join(f"<li>{escape(line)}</li>" for line in recent_activities(answer, acts, units))
    return f"<h2>Your last two weeks</h2><ul>{items}</ul>" if items else ""


def charts(answer: Answer, daily: pl.DataFrame, acts: pl.DataFrame, units: str | None = None) -> list[str]:
    """The report's charts, from the daily table and the activities."""
    recent = daily.filter(pl.col("date") > answer.day - timedelta(days=120))
    labels = [d.strftime("%d %b") for d in recent["date"]]
    out = [line_chart("Training load, fitness (CTL), fatigue (ATL) and form (TSB)", labels, [
        Series("load", recent["load"].to_list(), "#cbd5e0", "bar"), Series("CTL", recent["ctl"].to_list(), "#2b6cb0"),
        Series("ATL", recent["atl"].to_list(), "#c53030"), Series("TSB", recent["tsb"].to_list(), "#2f855a")])]
    out.append(_weekly_chart(answer, daily, units))
    out.append(_intensity_chart(answer, acts))
    last60 = daily.filter(pl.col("date") > answer.day - timedelta(days=60))
    l60 = [d.strftime("%d %b") for d in last60["date"]]
    if "sleep_h" in last60.columns and last60["sleep_h"].drop_nulls().len():
        out.append(line_chart("Sleep, hours (band: 7-9 h)", l60, [Series("sleep", last60["sleep_h"].to_list(), "#6b46c1", "bar")],
                              bands=[(7.0, 9.0, "#9ae6b4")], lo=0, hi=11))
    if "heaviness" in last60.columns and last60["heaviness"].drop_nulls().len():
        marks = [(len(l60) - 1, " / ".join(f.cause for f in _shown(answer)[:2]) or "asked")]
        out.append(line_chart("Heaviness 0-10, with today's likely causes", l60,
                              [Series("heaviness", [None if v is None else float(v) for v in last60["heaviness"]], "#dd6b20", "dots")],
                              marks=marks, lo=0, hi=10))
    return out


def _weekly_chart(answer: Answer, daily: pl.DataFrame, units: str | None = None) -> str:
    days_back = (answer.day - daily["date"]).dt.total_days()
    weeks = (daily.with_columns(week=(days_back // 7)).group_by("week").agg(pl.col("run_distance_m").sum())
             .sort("week", descending=True).filter(pl.col("week") < 26))
    dist = [u.distance_value(m, units) for m in weeks["run_distance_m"].to_list()]
    labels = [f"-{w}w" if w else "this" for w in weeks["week"]]
    prev = max(dist[-5:-1], default=0.0)
    unit = "miles" if u.is_imperial(units) else "km"
    return line_chart(f"Weekly running {unit} (band: +10-30 % over the biggest of the 4 weeks before)", labels,
                      [Series(u.distance_unit(units), dist, "#3182ce", "bar")],
                      bands=[(prev * 1.1, prev * 1.3, "#fbd38d")] if prev else [])


def _intensity_chart(answer: Answer, acts: pl.DataFrame) -> str:
    runs = acts.filter(pl.col("is_run") & (pl.col("local_date") > answer.day - timedelta(days=56)))
    cols = [c for c in ("hr_easy_s", "hr_moderate_s", "hr_hard_s") if c in runs.columns]
    runs = runs.with_columns(week=((answer.day - pl.col("local_date")).dt.total_days() // 7))
    if len(cols) == 3:
        agg = runs.group_by("week").agg([(pl.col(c).fill_null(0).sum() / 60).alias(c) for c in cols]).sort("week", descending=True)
        series = [Series(n, agg[c].to_list(), col, "bar") for n, c, col in
                  (("easy", "hr_easy_s", "#68d391"), ("moderate", "hr_moderate_s", "#f6ad55"), ("hard", "hr_hard_s", "#fc8181"))]
    else:
        agg = runs.group_by("week").agg((pl.col("moving_s").fill_null(0).sum() / 60 - pl.col("hard_min").sum()).alias("other"),
                                        pl.col("hard_min").sum()).sort("week", descending=True)
        series = [Series("below hard zone", agg["other"].to_list(), "#68d391", "bar"),
                  Series("hard zone", agg["hard_min"].to_list(), "#fc8181", "bar")]
    labels = [f"-{w}w" if w else "this" for w in agg["week"]]
    return line_chart("Minutes per week by intensity (heart rate)", labels, series)


def html(answer: Answer, daily: pl.DataFrame, acts: pl.DataFrame, units: str | None = None) -> str:
    answer = u.localize(answer, units)
    g = Glossary()
    heavy = f", heaviness {answer.heaviness}/10" if answer.heaviness is not None else ""
    body = (f"<h1>Why are my legs heavy? {answer.day.isoformat()}{heavy}</h1>{_triage_html(answer, units)}"
            f"<h2>{escape(_findings_head(answer))}</h2>{_findings_html(answer, g)}{_plan_html(answer, g)}"
            f"{_recent_html(answer, acts, units)}"
            f"<h2>Your data</h2>{''.join(charts(answer, daily, acts, units))}"
            f"{_lists_html(answer)}" + "".join(f'<p class="muted">Note: {escape(n)}</p>' for n in answer.notes)
            + '<p class="muted">heavylegs explains and points to professionals; it does not diagnose.</p>')
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>heavylegs {answer.day.isoformat()}</title>'
            f"<style>{CSS}</style></head><body>{body}</body></html>")


def _md(text: str) -> str:
    """Text from the runner's data (gear names, notes) for Markdown: HTML in it is shown,
    never run (a Markdown viewer renders raw HTML)."""
    return escape(text, quote=False)


def _md_findings(answer: Answer, g: Glossary, full: bool) -> list[str]:
    shown = _shown(answer)
    top = shown if full else shown[:summary.TOP]
    lines = [f"## {_findings_head(answer)}", ""] + ([f"*{_md(FOR_DOCTOR)}*", ""] if answer.withheld else [])
    for rank, f in enumerate(top, 1):
        evidence = f.evidence if full else f.evidence[:summary.EVIDENCE]
        lines += [f"{rank}. **{_md(title(f.cause))}** ({_md(f.cause)}, score {f.score:.2f}, {f.confidence} confidence)",
                  *[f"   - {_md(g.explain(e.text))}" for e in evidence], *[f"   - Fix: {_md(g.explain(x))}" for x in f.fix]]
    if len(top) < len(shown):
        lines += ["", f"{len(shown) - len(top)} more possible: "
                      + ", ".join(f"{_md(title(f.cause))} ({_md(f.cause)})" for f in shown[len(top):]) + " (`heavylegs report --md FILE --full`)."]
    if not shown:
        lines.append(_md(_none_text(answer)))
    return lines


def _md_lists(answer: Answer, g: Glossary) -> list[str]:
    return ["", "## Ruled out", "",
            *[f"- **{_md(title(r.cause))}** ({_md(r.cause)}): {_md(g.explain(r.why))}" for r in answer.ruled_out],
            "", "## Not assessed", "",
            *[f"- **{_md(title(n.cause))}** ({_md(n.cause)}): needs {_md(', '.join(n.missing))}. {_md(g.explain(n.how))}"
              for n in answer.not_assessed]]


def markdown(answer: Answer, acts: pl.DataFrame | None = None, units: str | None = None, full: bool = False) -> str:
    """The answer as Markdown: the short answer (as `why`) unless ``full`` (as `why --full`,
    with the last two weeks. activities)."""
    answer = u.localize(answer, units)
    g = Glossary()
    lines = [f"# Why are my legs heavy? {answer.day.isoformat()}", ""]
    for h in answer.triage:
        lines += [f"> **{_md(h.title)}**", ">", f"> {_md(h.message)}", *[f"> - {_md(e)}" for e in h.evidence], ">",
                  f"> {_md(u.sentence(how_to_clear(h.codes), units))}", ""]
    lines += _md_findings(answer, g, full)
    if answer.markers:
        lines += ["", "## Morning markers", "", *[f"- {_md(g.explain(m.text))}" for m in answer.markers]]
    if answer.plan:
        lines += ["", "## What to do now" if answer.withheld else "## What to do next", "",
                  *[f"- {_md(g.explain(p.text))}" + (f" [{_md(p.answers)}]" if p.answers and full else "")
                    for p in answer.plan]]
    if answer.patterns and full:
        lines += ["", "## Your own patterns", "", *[f"- {_md(g.explain(p.text))}" for p in answer.patterns]]
    if recent := recent_activities(answer, acts, units):
        lines += ["", "## Your last two weeks", "", *[f"- {_md(line)}" for line in recent]]
    if full:
        lines += _md_lists(answer, g)
    else:
        body = answer.to_json()
        more = summary.learn_more_line(body)
        lines += ["", *([_md(more), ""] if more else []), _md(summary.counts_line(body))]
    notes = answer.notes if full else tuple(n for n in answer.notes if not summary.is_estimate_note(n))
    lines += [*([""] if notes else []), *[f"*Note: {_md(g.explain(n))}*" for n in notes]]
    return "\n".join(lines) + "\n"
