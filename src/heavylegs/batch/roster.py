"""The roster: one row per athlete, triage first (tier, rule, date reported), then the
heaviest legs and the top finding; written as CSV and as an HTML page that sorts and
filters with a small script of its own (no network)."""

from __future__ import annotations

import csv
import html
import json
import re
from importlib import resources
from pathlib import Path
from urllib.parse import quote

from heavylegs.triage import TIERS

COLUMNS = ("athlete", "date", "triage_tier", "triage_rule", "triage_reported", "heaviness", "legs",
           "top_finding", "score", "confidence", "days_since_activity", "most_useful_missing", "error")


def row(athlete: str, answer: dict | None, days_since: int | None, error: str | None) -> dict[str, object]:
    """The roster row of one athlete from their `why --json` object (None: not answered)."""
    r: dict[str, object] = dict.fromkeys(COLUMNS, "")
    r.update(athlete=athlete, error=error or "")
    if answer is None:
        return r
    flag = (answer.get("triage") or [None])[0]
    top = (answer.get("findings") or [None])[0]
    missing = most_useful_missing(answer.get("not_assessed") or [])
    r.update(date=answer.get("date", ""), heaviness="" if answer.get("heaviness") is None else answer["heaviness"],
             legs=answer.get("legs", ""), days_since_activity="" if days_since is None else days_since)
    if flag:
        r.update(triage_tier=flag["tier"], triage_rule=flag["rule"], triage_reported=flag.get("reported") or "")
    if top:
        r.update(top_finding=top["cause"], score=top["score"], confidence=top["confidence"])
    if missing:
        r["most_useful_missing"] = missing
    return r


_LAB = re.compile(r"_(ng|pg|ug|mg|g|mmol|umol)_(ml|dl|l)$")


def most_useful_missing(not_assessed: list[dict]) -> str:
    """The missing data that would let the most causes be assessed (data the athlete can log
    before a blood test when tied), with those causes: ``carbs_g (low-carbohydrate)``."""
    causes: dict[str, list[str]] = {}
    for entry in not_assessed:
        for item in entry.get("missing", []):
            causes.setdefault(item, []).append(entry["cause"])
    if not causes:
        return ""
    best = min(causes, key=lambda k: (-len(causes[k]), bool(_LAB.search(k)), list(causes).index(k)))
    return f"{best} ({', '.join(causes[best])})"


_CONFIDENCE = {"high": 0, "medium": 1, "low": 2}


def sort_key(r: dict[str, object]) -> tuple:
    """Flagged athletes first (by tier, rule, the date it was reported), then the heaviest
    legs, then the strongest top finding, then the name."""
    tier = TIERS.index(str(r["triage_tier"])) if r["triage_tier"] else len(TIERS)
    heavy = -float(r["heaviness"]) if r["heaviness"] != "" else 1.0  # type: ignore[arg-type]
    score = -float(r["score"]) if r["score"] != "" else 1.0  # type: ignore[arg-type]
    return (tier, str(r["triage_rule"]), str(r["triage_reported"]), heavy, score,
            _CONFIDENCE.get(str(r["confidence"]), 3), str(r["athlete"]))


def rows_from_answers(answers: list[dict[str, object]]) -> list[dict[str, object]]:
    """Roster rows, ordered, from ``explain.ANSWER_SCHEMA`` rows."""
    out = [row(str(a["athlete"]), json.loads(str(a["answer"])) if a["answer"] else None,
               a["days_since_activity"], a["error"]) for a in answers]  # type: ignore[arg-type]
    return sorted(out, key=sort_key)


def write_csv(rows: list[dict[str, object]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def html_row(r: dict[str, object]) -> str:
    """One athlete's table row; the name links to answers/<athlete>.json."""
    cls = f" class='tier-{html.escape(str(r['triage_tier']))}'" if r["triage_tier"] else ""
    link = f"answers/{quote(str(r['athlete']), safe='')}.json"
    cells = [f"<td><a href='{html.escape(link)}'>{html.escape(str(r['athlete']))}</a></td>"]
    cells += [f"<td>{html.escape(str(r[c]))}</td>" for c in COLUMNS[1:]]
    return f"<tr{cls}>{''.join(cells)}</tr>"


def html_page(results_count: int | None = None) -> tuple[str, str]:
    """The page before and after the table's rows."""
    head = "".join(f"<th data-col='{i}'>{html.escape(c.replace('_', ' '))}</th>" for i, c in enumerate(COLUMNS))
    page = (resources.files("heavylegs.batch") / "roster_page.html").read_text(encoding="utf-8")
    before, after = page.replace("{{HEAD}}", head).split("{{BODY}}")
    return before.rstrip("\n"), after.lstrip("\n").rstrip("\n")


def write_script(out: Path) -> None:
    js = (resources.files("heavylegs.batch") / "roster.js").read_text(encoding="utf-8")
    (out / "roster.js").write_text(js, encoding="utf-8")


def write_html(rows: list[dict[str, object]], out: Path) -> None:
    """roster.html and roster.js (the answers/<athlete>.json it links to are outputs.py's)."""
    before, after = html_page()
    lines = [before, *(html_row(r) for r in rows), after]
    (out / "roster.html").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_script(out)
