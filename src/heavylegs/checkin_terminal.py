"""The check-in on a terminal: an ``ask`` that reads it (Ctrl-C still stops a blocked
read) and the triage hits as rich renderables, in each tier's words."""

from __future__ import annotations

import os
import select
import signal
from typing import TYPE_CHECKING

from rich.console import Console, RenderableType
from rich.panel import Panel
from rich.text import Text

from heavylegs.checkin_questions import Ask
from heavylegs.triage.messages import TIER_TITLE, how_to_clear

if TYPE_CHECKING:
    from heavylegs.triage.rules import TriageHit

NOT_A_TTY = ("error: checkin asks its questions on a terminal, and stdin is not one. "
             "Give the values with --set instead, e.g. heavylegs checkin --set heaviness=7 "
             "--set sleep_h=6.5 --set symptoms=numbness (keys: the daily-log columns)")

# How each triage tier is said (science.md §3), most urgent first: one wording everywhere.
TIER_WORDS = TIER_TITLE


def triage_renderables(hits: list[TriageHit], units: str | None = None) -> list[RenderableType]:
    """Each triage hit, plainly, in its tier's words: emergency and urgent in a bold red
    panel, the others as bold heading and text; quantities in the runner's ``units``."""
    from heavylegs.explain.units import sentence

    parts: list[RenderableType] = []
    for hit in hits:
        body = Text(sentence(hit.message, units))
        for line in hit.evidence:
            body.append(f"\n  • {sentence(line, units)}")
        body.append("\n" + sentence(how_to_clear(hit.codes), units), style="dim")
        words = TIER_WORDS.get(hit.tier, hit.tier.upper())
        if hit.tier in ("emergency", "urgent"):
            parts.append(Panel(body, title=words, title_align="left", style="bold red"))
        else:
            parts += [Text(words, style="bold"), body]
    return parts


# -- reading a terminal -----------------------------------------------------------------
def _read_line(fd: int, wake: int) -> str:
    """One line from the terminal ``fd``, waiting on it and on the signal wake-up pipe
    ``wake``: the kernel may hand SIGINT to a polars worker thread, and Ctrl-C must still
    stop a read that input() would keep blocked in."""
    data = b""
    while True:
        ready, _, _ = select.select([fd, wake], [], [])
        if wake in ready:
            os.read(wake, 512)  # a signal: its Python handler runs at the loop's next turn
        if fd not in ready:
            continue
        chunk = os.read(fd, 4096)  # a terminal in line mode hands over at most one line
        data += chunk
        if not chunk or data.endswith(b"\n"):
            break
    if not data:
        raise EOFError
    return data.decode("utf-8", errors="replace").rstrip("\r\n")


def terminal_ask(console: Console, fd: int = 0) -> Ask:
    """An ``ask`` that prints the prompt with ``console`` and reads the terminal ``fd``
    (Ctrl-C raises KeyboardInterrupt, Ctrl-D on an empty line EOFError)."""

    def ask(prompt: str) -> str:
        console.print(Text(prompt), end="")
        console.file.flush()
        wake, poke = os.pipe()
        os.set_blocking(poke, False)
        previous = signal.set_wakeup_fd(poke, warn_on_full_buffer=False)
        try:
            return _read_line(fd, wake)
        finally:
            signal.set_wakeup_fd(previous)
            os.close(wake)
            os.close(poke)

    return ask
