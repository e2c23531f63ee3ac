"""Pure packages (core, causes, triage, explain) and engine.py never touch storage, interfaces, files,
the clock or the environment. Checked on the source, so an unused import also fails."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "heavylegs"
PURE = ("core", "causes", "triage", "explain")
FORBIDDEN_MODULES = ("heavylegs.storage", "heavylegs.cli", "heavylegs.web", "heavylegs.batch",
                     "heavylegs.api", "sqlite3", "os", "pathlib", "shutil", "subprocess", "time")
FORBIDDEN_CALLS = ("today", "now", "utcnow", "getenv", "open")


def _pure_files() -> list[Path]:
    return sorted(f for pkg in PURE for f in (SRC / pkg).rglob("*.py")) + [SRC / "engine.py"]


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_pure_module_imports_nothing_impure(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    bad = [n for n in _imports(tree) for f in FORBIDDEN_MODULES if n == f or n.startswith(f + ".")]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize("path", _pure_files(), ids=lambda p: str(p.relative_to(SRC)))
def test_pure_module_reads_no_clock_files_or_environment(path: Path) -> None:
    tree = ast.parse(path.read_text(), filename=str(path))
    calls = [n.func for n in ast.walk(tree) if isinstance(n, ast.Call)]
    names = [c.attr if isinstance(c, ast.Attribute) else getattr(c, "id", "") for c in calls]
    assert not [n for n in names if n in FORBIDDEN_CALLS], f"{path.name} calls {names}"


def test_the_check_catches_a_violation(tmp_path: Path) -> None:
    tree = ast.parse("import sqlite3\nfrom heavylegs.storage import db\nx = date.today()\n")
    assert "sqlite3" in _imports(tree) and "heavylegs.storage" in _imports(tree)
    assert any(isinstance(n, ast.Attribute) and n.attr == "today" for n in ast.walk(tree))
