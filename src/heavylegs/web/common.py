"""What every route shares: the workspace per request, the stored-answer fast path, the
templates and how values are shown (units, times). Display only: no engine logic."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from heavylegs.errors import InvalidInput
from heavylegs.triage.messages import FOR_DOCTOR
from heavylegs.web.security import Guard

if TYPE_CHECKING:
    from heavylegs.api import Workspace

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
M_PER_MI = 1609.344
TIER_ORDER = ("emergency", "urgent", "soon", "routine")


@dataclass
class Settings:
    """How the app was started: the workspace folder, the guard, the upload limit."""

    home: Path
    guard: Guard
    max_upload_bytes: int


def settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


@contextmanager
def workspace(request: Request, create: bool = False) -> Iterator[Workspace]:
    """The workspace for one request (SQLite connections stay in their thread)."""
    from heavylegs.api import Workspace

    with Workspace(settings(request).home, create=create) as ws:
        yield ws


def parse_day(value: str | None, field: str = "date") -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, value, "a date as YYYY-MM-DD") from None


def answer_json(request: Request, day: date | None) -> dict[str, Any]:
    """The answer as `why --json` gives it: the stored one without the engine, else
    computed and stored (as cmd_why does)."""
    from heavylegs import zones
    from heavylegs.storage import answers

    body = answers.lookup_in(settings(request).home, day, zones.system_zone(os.environ))
    if body is not None:
        return body
    with workspace(request) as ws:
        return ws.why_json(day)


def units_of(ws: Workspace) -> str:
    from heavylegs.storage import queries

    return queries.profile(ws.conn).get("units") or "metric"


class Units:
    """Distances and paces in the runner's units (profile ``units``)."""

    def __init__(self, system: str) -> None:
        self.imperial = system == "imperial"
        self.dist = "mi" if self.imperial else "km"
        self.per = M_PER_MI if self.imperial else 1000.0

    def distance(self, m: float | None, digits: int = 2) -> str:
        return "–" if not m else f"{m / self.per:.{digits}f} {self.dist}"

    def pace(self, m: float | None, s: float | None) -> str:
        if not m or not s or m < 10:
            return "–"
        per = s / (m / self.per)
        return f"{int(per // 60)}:{int(per % 60):02d} /{self.dist}"


def duration(s: float | None) -> str:
    if s is None:
        return "–"
    s = int(round(s))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def render(request: Request, name: str, status: int = 200, **context: Any) -> Any:
    context.setdefault("csrf", settings(request).guard.csrf)
    context.setdefault("page", name.removesuffix(".html"))
    return templates.TemplateResponse(request, name, context, status_code=status)


templates.env.filters["duration"] = duration
templates.env.globals["TIER_ORDER"] = TIER_ORDER
templates.env.globals["FOR_DOCTOR"] = FOR_DOCTOR  # the CLI's heading while training advice is withheld
