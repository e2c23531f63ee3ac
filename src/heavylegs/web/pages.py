"""The server-rendered pages: Today, Check-in, Profile, Gear. Each route calls the
Workspace (or the stored answer) and renders a template; reading works without JavaScript."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from heavylegs.errors import HeavyLegsError, InvalidInput, NotEnoughData
from heavylegs.web import checkin_form
from heavylegs.web.common import (
    Units,
    answer_json,
    parse_day,
    render,
    settings,
    units_of,
    workspace,
)

router = APIRouter(include_in_schema=False)


def check_csrf(request: Request, value: str | None) -> None:
    if not settings(request).guard.csrf_ok(value):
        raise CsrfRefused()


class CsrfRefused(HeavyLegsError):
    def __init__(self) -> None:
        super().__init__("the form's security token is missing or stale: reload the page and send it again")


@router.get("/")
def today(request: Request, date: str | None = None) -> Any:
    day = parse_day(date)
    try:
        answer = answer_json(request, day)
    except NotEnoughData as exc:
        return render(request, "empty.html", message=str(exc))
    from heavylegs.explain import units
    from heavylegs.storage import answers

    answer = units.localize(answer, answers.units_in(settings(request).home))  # texts in the runner's units
    shown = parse_day(str(answer["date"]))
    assert shown is not None
    return render(request, "today.html", answer=answer, day=shown, prev=shown - timedelta(days=1),
                  next=shown + timedelta(days=1),
                  findings=[f for f in answer["findings"] if f.get("role") != "not-shown"],
                  not_assessed=[n for n in answer["not_assessed"] if n["missing"] != ["not implemented"]])


def _checkin_page(request: Request, day: Any, stored: dict, status: int = 200, error: str | None = None,
                  posted: dict[str, str] | None = None, ticked: list[str] | None = None) -> Any:
    values = posted if posted is not None else checkin_form.shown(stored)
    symptoms = ticked if ticked is not None else str(stored.get("symptoms") or "").split(";")
    return render(request, "checkin.html", status=status, day=day, values=values, symptoms=set(symptoms),
                  error=error, sliders=checkin_form.SLIDERS, fields=checkin_form.FIELDS,
                  choices=checkin_form.CHOICES, groups=checkin_form.SYMPTOM_GROUPS)


@router.get("/checkin")
def checkin_get(request: Request, date: str | None = None) -> Any:
    with workspace(request, create=True) as ws:
        day = parse_day(date) or ws.today()
        return _checkin_page(request, day, ws.log_row(day))


@router.post("/checkin")
async def checkin_post(request: Request) -> Any:
    form = await request.form(max_files=0, max_fields=200)
    check_csrf(request, str(form.get("csrf") or ""))
    fields = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    ticked = [str(v) for v in form.getlist("symptom")]
    return _save_checkin(request, fields, ticked)


def _save_checkin(request: Request, fields: dict[str, str], ticked: list[str]) -> Any:
    with workspace(request, create=True) as ws:
        day = parse_day(fields.get("date")) or ws.today()
        stored = ws.log_row(day)
        try:
            ws.log_set(day, checkin_form.values(fields, ticked, stored))
        except InvalidInput as exc:
            return _checkin_page(request, day, stored, 400, f"error: {exc}", fields, ticked)
        try:
            ws.why_json(day)  # computed and stored now, so Today shows it at once
        except HeavyLegsError:
            pass
    return RedirectResponse(f"/?date={day.isoformat()}&saved=1", status_code=303)


@router.get("/profile")
def profile(request: Request) -> Any:
    from heavylegs.core.profile import KEYS

    with workspace(request) as ws:
        data = ws.profile_show()
        zone = ws.zone()
    return render(request, "profile.html", data=data, keys=KEYS, zone=zone)


@router.post("/profile")
async def profile_post(request: Request) -> Any:
    form = await request.form(max_files=0, max_fields=50)
    check_csrf(request, str(form.get("csrf") or ""))
    from heavylegs.core.profile import KEYS

    items = {k: str(form[k]).strip() for k in KEYS if k in form and str(form[k]).strip()}
    with workspace(request, create=True) as ws:
        try:
            ws.profile_set(items)
        except InvalidInput as exc:
            return render(request, "profile.html", status=400, data=ws.profile_show(), keys=KEYS,
                          zone=None, error=f"error: {exc}")
    return RedirectResponse("/profile?saved=1", status_code=303)


@router.get("/gear")
def gear_page(request: Request) -> Any:
    return _gear(request)


def _gear(request: Request, status: int = 200, error: str | None = None) -> Any:
    with workspace(request, create=error is not None) as ws:
        rows = ws.gear_list()
        units = Units(units_of(ws))
    return render(request, "gear.html", status=status, rows=rows, units=units, error=error)


@router.post("/gear")
async def gear_post(request: Request) -> Any:
    """Add gear, as `heavylegs gear add NAME --from --to --start-km --limit-km --kind`."""
    form = await request.form(max_files=0, max_fields=20)
    check_csrf(request, str(form.get("csrf") or ""))
    text = {k: str(form.get(k) or "").strip() for k in ("name", "kind", "from", "to", "start_km", "limit_km")}
    try:
        km = {k: _km(text[k], f"--{k.replace('_', '-')}") for k in ("start_km", "limit_km")}
        with workspace(request, create=True) as ws:
            ws.gear_add(text["name"], parse_day(text["from"], "--from"), parse_day(text["to"], "--to"),
                        km["start_km"] or 0.0, km["limit_km"], text["kind"] or "shoes")
            try:
                ws.why_json(None)
            except HeavyLegsError:
                pass
    except InvalidInput as exc:
        return _gear(request, 400, f"error: {exc}")
    return RedirectResponse("/gear?saved=1", status_code=303)


def _km(text: str, field: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise InvalidInput(field, text, "a number of kilometres") from None
