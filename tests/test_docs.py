"""Docs are tested: every implemented cause is documented with its signals, thresholds and
what it cannot see; every CLI command of the contract appears in the README or docs."""

from __future__ import annotations

import re
from pathlib import Path

from heavylegs.causes import CAUSE_IDS, EVALUATORS

ROOT = Path(__file__).resolve().parents[1]


def _doc_sections() -> dict[str, str]:
    text = (ROOT / "docs" / "causes.md").read_text()
    parts = re.split(r"^## `([a-z-]+)`\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_every_cause_id_is_documented() -> None:
    sections = _doc_sections()
    assert set(EVALUATORS) == set(CAUSE_IDS), "every cause of the catalogue is implemented"
    assert set(EVALUATORS) <= set(sections), sorted(set(EVALUATORS) - set(sections))
    assert set(sections) <= set(CAUSE_IDS), sorted(set(sections) - set(CAUSE_IDS))
    for cause in EVALUATORS:
        body = sections[cause].lower()
        assert "signals" in body and "threshold" in body and "cannot see" in body, cause


def test_cli_commands_are_documented() -> None:
    text = (ROOT / "README.md").read_text() + (ROOT / "docs" / "causes.md").read_text()
    for command in ("import", "profile set", "why", "activities", "gear add", "gear list"):
        assert f"heavylegs {command}" in text, command


# -- docs/daily-log.md, docs/cli.md, docs/formats.md (issue 11, item 8) ------------------------
# Built from the code's registries, so a new column, symptom code, profile key, command or
# option fails here until the docs name it, and a doc naming something gone fails too.

DOCS = ROOT / "docs"


def _section(text: str, heading: str) -> str:
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, heading
    return match.group(1)


def test_every_daily_log_column_and_symptom_code_is_documented_and_nothing_else() -> None:
    from heavylegs.core.logschema import COLUMNS, IMPERIAL_ALIASES, SYMPTOM_CODES

    text = (DOCS / "daily-log.md").read_text()
    rows = re.findall(r"^\| `([a-z0-9_]+)` \|[^|]*\|[^|]*\|[^|]*\| (`[a-z0-9_]+`|-) \|", _section(text, "Columns"), re.M)
    documented = {name for name, _ in rows}
    assert documented == {c.name for c in COLUMNS}, documented ^ {c.name for c in COLUMNS}
    variants = {v.strip("`") for _, v in rows if v != "-"}
    assert variants == set(IMPERIAL_ALIASES)
    for alias, (metric, _) in IMPERIAL_ALIASES.items():
        assert (metric, f"`{alias}`") in rows, alias
    for c in COLUMNS:  # the range as the importer accepts it
        if c.kind in ("int", "float"):
            assert re.search(rf"^\| `{c.name}` \|.*\| {c.lo:g}-{c.hi:g} \|", text, re.M), c.name
        for choice in c.choices:
            assert f"`{choice}`" in text, (c.name, choice)
    codes = re.findall(r"^- `([a-z0-9-]+)`", _section(text, "Symptom codes"), re.M)
    assert set(codes) == set(SYMPTOM_CODES), set(codes) ^ set(SYMPTOM_CODES)


def _commands() -> dict[str, list[str]]:
    """Every command of the CLI (``gear add``, ...) and its option strings and positionals."""
    import argparse

    from heavylegs.cli import parser

    def action(p: argparse.ArgumentParser) -> argparse._SubParsersAction | None:
        return next((a for a in p._actions if isinstance(a, argparse._SubParsersAction)), None)

    def subs(p: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        found = action(p)
        return found.choices if found else {}

    out: dict[str, list[str]] = {}
    for name, p in subs(parser()).items():
        commands = {f"{name} {n}": q for n, q in subs(p).items()}
        if not commands or not action(p).required:  # type: ignore[union-attr]  # runs on its own too
            commands[name] = p
        for full, q in commands.items():
            out[full] = [s for a in q._actions for s in a.option_strings
                         if s not in ("-h", "--help", "--home", "--debug")]
    return out


def test_every_cli_command_and_option_is_documented_and_nothing_else() -> None:
    text = (DOCS / "cli.md").read_text()
    parts = re.split(r"^### `heavylegs ([a-z -]+)`\s*$", _section(text, "Commands"), flags=re.M)
    sections = {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}
    commands = _commands()
    assert set(sections) == set(commands), set(sections) ^ set(commands)
    for command, options in commands.items():
        named = set(re.findall(r"`(--[a-z-]+)", sections[command]))
        assert named == set(options), (command, named ^ set(options))
    assert "--home" in text and "HEAVYLEGS_HOME" in text and "--debug" in text


def test_every_profile_key_is_documented_and_nothing_else() -> None:
    from heavylegs.core.profile import KEYS

    text = (DOCS / "cli.md").read_text()
    keys = re.findall(r"^\| `([a-z_]+)` \|", _section(text, "Profile keys"), re.M)
    assert set(keys) == set(KEYS), set(keys) ^ set(KEYS)
    for key, (*_, accepted) in KEYS.items():
        assert f"| `{key}` | {accepted} |" in text, key


def test_why_json_is_documented_with_its_schema() -> None:
    import json

    text = (DOCS / "cli.md").read_text()
    block = re.search(r"```json\n(.*?)```", _section(text, "`why --json`"), re.S)
    assert block is not None
    schema = json.loads((ROOT / "src/heavylegs/data/why.schema.json").read_text())
    assert json.loads(block.group(1)) == schema
    body = _section(text, "`why --json`")
    for field in schema["properties"]:
        assert f"`{field}`" in body, field


def test_formats_doc_names_every_app_export_heavylegs_reads() -> None:
    from heavylegs.importers.csv_layouts import LAYOUTS

    text = (DOCS / "formats.md").read_text()
    for name in ("FIT", "GPX", "TCX", "Strava", "Garmin", "Apple Health", "Oura", "WHOOP", "Cronometer",
                 "MyFitnessPal", "HRV4Training", "Elite HRV", "daily log"):
        assert name in text, name
    for layout in LAYOUTS:  # the layouts the one-per-file CSV error names
        assert layout.split(" (")[0].split()[-1] in text, layout


def test_readme_links_the_docs_and_not_the_shared_spec() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "shared/spec" not in readme and "spec/cli.md" not in readme and "spec/daily-log.md" not in readme
    for doc in ("docs/daily-log.md", "docs/cli.md", "docs/formats.md"):
        assert f"]({doc})" in readme, doc
        assert (ROOT / doc).is_file()
    for doc in DOCS.glob("*.md"):
        assert "shared/" not in doc.read_text(), doc.name
