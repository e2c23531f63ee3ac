"""The JSON API under /api/, mirroring the CLI's --json output (OpenAPI at /api/openapi.json,
readable at /api/docs). Every POST needs the ``X-CSRF-Token`` header (GET /api/csrf)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from heavylegs.errors import HeavyLegsError, InvalidInput
from heavylegs.web.common import answer_json, parse_day, render, settings, workspace
from heavylegs.web.pages import check_csrf

router = APIRouter(prefix="/api")


@router.get("/why", summary="The answer for a day, as `heavylegs why --json` prints it")
def why(request: Request, date: str | None = None) -> Response:
    import json

    body = answer_json(request, parse_day(date))
    # serialised as the CLI does, so the bytes match `why --json`
    return Response(json.dumps(body, indent=2, ensure_ascii=False) + "\n", media_type="application/json")


@router.get("/activities", summary="Stored activities, as `heavylegs activities --json` lists them")
def activities(request: Request, since: str | None = None) -> list[dict[str, Any]]:
    from heavylegs.views import activities_rows

    with workspace(request) as ws:
        return activities_rows(ws.activities(parse_day(since, "since")))


@router.get("/profile", summary="The resolved profile, as `heavylegs profile show --json` prints it")
def profile(request: Request) -> dict[str, Any]:
    with workspace(request) as ws:
        return ws.profile_show()


@router.get("/gear", summary="Gear with km so far, as `heavylegs gear list --json` prints it")
def gear(request: Request) -> list[dict[str, Any]]:
    with workspace(request) as ws:
        return ws.gear_list()


@router.get("/csrf", summary="The token every POST sends as the X-CSRF-Token header")
def csrf(request: Request) -> dict[str, str]:
    return {"csrf": settings(request).guard.csrf}


@router.post("/checkin", summary="Save daily-log values for a day (as `heavylegs checkin --set`)")
async def checkin(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """Body: ``{"date": "YYYY-MM-DD", "values": {"heaviness": "7", "symptoms": "swelling-left"}}``;
    values are text as a daily-log cell holds them, ``""`` clears a value. Returns the
    triage that fires and the new answer."""
    from heavylegs import checkin as flow

    check_csrf(request, request.headers.get("x-csrf-token"))
    values = body.get("values") or {}
    if not isinstance(values, dict):
        raise InvalidInput("values", values, 'an object of daily-log columns, e.g. {"heaviness": "7"}')
    sets = [f"{k}={v}" for k, v in values.items() if str(v) != ""]
    clears = [k for k, v in values.items() if str(v) == ""]
    parsed = flow.parse_sets(sets, clears)
    with workspace(request, create=True) as ws:
        day = parse_day(body.get("date")) or ws.today()
        hits = ws.log_set(day, parsed)
        try:
            answer = ws.why_json(day)
        except HeavyLegsError:
            answer = None
    return {"date": day.isoformat(), "saved": parsed, "triage": [h.to_json() for h in hits], "answer": answer}


@router.post("/import", summary="Import uploaded files (multipart/form-data, streamed to disk)")
async def import_files(request: Request) -> dict[str, Any]:
    from heavylegs.web.activities import receive_and_import

    return await receive_and_import(request, csrf_from_header=True)


@router.get("/import/progress", summary="Files done of files found by the import running now")
def import_progress(request: Request) -> dict[str, Any]:
    from heavylegs.web.activities import progress_state

    return dict(progress_state(request))


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def docs(request: Request) -> Any:
    schema = request.app.openapi()
    return render(request, "apidocs.html", schema=schema)
