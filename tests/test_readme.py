"""The README's example is real: `heavylegs demo` prints exactly what the README shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_opens_with_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert commands == ["make demo", "make test"]
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_readme_demo_output_is_what_the_demo_prints(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "100", "HEAVYLEGS_HOME": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "heavylegs.cli", "demo"], capture_output=True,
                         text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    shown = re.search(r"## What `make demo` prints.*?```text\n(.*?)```", (ROOT / "README.md").read_text(), re.S)
    assert shown is not None
    expected = shown.group(1).strip().splitlines()[1:]  # first line names the output folder
    actual = run.stdout.strip().splitlines()[1:]
    assert actual == expected
