"""Activities (list, page, delete) and Import (streamed upload, then the import report)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from heavylegs.errors import HeavyLegsError
from heavylegs.web import svgchart, uploads
from heavylegs.web.common import Units, duration, parse_day, render, settings, units_of, workspace
from heavylegs.web.pages import check_csrf

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
CHART_W, CHART_H = 720, 140


@router.get("/activities")
def activities_page(request: Request, sport: str = "", since: str = "", until: str = "", page: int = 1) -> Any:
    first, last = parse_day(since, "since"), parse_day(until, "until")
    with workspace(request) as ws:
        sports = [r[0] for r in ws.conn.execute("SELECT DISTINCT sport FROM activities ORDER BY sport")]
        page = max(1, page)
        total, rows = ws.activity_page(sport or None, first, last, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        pages = max(1, -(-total // PAGE_SIZE))
        if page > pages:  # past the end: the last page
            page = pages
            total, rows = ws.activity_page(sport or None, first, last, (page - 1) * PAGE_SIZE, PAGE_SIZE)
        units = Units(units_of(ws))
    return render(request, "activities.html", rows=rows, units=units, sport=sport, since=since, until=until,
                  page=page, pages=pages, total=total, sports=sports)


def _charts(streams: Any, units: Units) -> tuple[list[dict[str, Any]], str | None]:
    """HR, pace and elevation over time, and the route, from the stored streams."""
    if streams is None or streams.height < 2:
        return [], None
    t = streams["elapsed_s"].cast(float).to_list()
    charts = []
    speed = streams["speed_mps"].to_list() if "speed_mps" in streams.columns else []
    pace = _clamped([units.per / v / 60 if v and v > 0.5 else None for v in speed])  # min per km/mi
    for key, label, unit, values, invert in (
            ("hr", "Heart rate", "bpm", streams["heart_rate_bpm"].to_list(), False),
            ("pace", "Pace", f"min/{units.dist}", pace, True),
            ("elevation", "Elevation", "m", streams["altitude_m"].to_list() if "altitude_m" in streams.columns else [],
             False),
            ("cadence", "Cadence", "spm", streams["cadence_spm"].to_list() if "cadence_spm" in streams.columns else [],
             False)):
        drawn = svgchart.line(t, values, CHART_W, CHART_H, invert=invert) if values else None
        if drawn is not None:
            data = [[round(x), round(y, 2)] for x, y in drawn.points]
            charts.append({"key": key, "label": label, "unit": unit, "path": drawn.path, "lo": drawn.lo,
                           "hi": drawn.hi, "data": json.dumps({"x": "time", "unit": unit, "points": data,
                                                               "invert": invert, "lo": drawn.lo, "hi": drawn.hi,
                                                               "x0": t[0], "x1": t[-1]})})
    lats = streams["lat_deg"].to_list() if "lat_deg" in streams.columns else []
    lons = streams["lon_deg"].to_list() if "lon_deg" in streams.columns else []
    return charts, svgchart.route(lats, lons) if lats else None


def _clamped(values: list[float | None]) -> list[float | None]:
    """Values clamped to their 2nd-98th percentile (a pace chart is not drawn to a stop's 30 min/km)."""
    known = sorted(v for v in values if v is not None)
    if len(known) < 50:
        return values
    lo, hi = known[len(known) // 50], known[-len(known) // 50 - 1]
    return [None if v is None else min(max(v, lo), hi) for v in values]


def _splits(streams: Any, units: Units) -> list[dict[str, Any]]:
    """Time per whole km (or mile) from the distance stream."""
    if streams is None or "distance_m" not in streams.columns:
        return []
    out, mark, t_prev = [], units.per, None
    t0 = None
    for t, d in zip(streams["elapsed_s"].to_list(), streams["distance_m"].to_list(), strict=True):
        if d is None:
            continue
        t0 = t if t0 is None else t0
        t_prev = t0 if t_prev is None else t_prev
        if d >= mark:
            out.append({"n": len(out) + 1, "time": duration(t - t_prev)})
            t_prev, mark = t, mark + units.per
    return out


@router.get("/activities/{activity_id}")
def activity_page(request: Request, activity_id: int) -> Any:
    with workspace(request) as ws:
        row, streams = ws.activity_detail(activity_id)
        units = Units(units_of(ws))
    charts, route = _charts(streams, units)
    m = row["metrics"]
    zones = [(f"Z{i}", m.get(f"hr_z{i}_s")) for i in range(1, 6)]  # type: ignore[union-attr]
    return render(request, "activity.html", a=row, m=m, units=units, charts=charts, route=route,
                  splits=_splits(streams, units), zones=[z for z in zones if z[1]])


@router.post("/activities/{activity_id}/delete")
async def activity_delete(request: Request, activity_id: int) -> Any:
    form = await request.form(max_files=0, max_fields=10)
    check_csrf(request, str(form.get("csrf") or ""))
    with workspace(request) as ws:
        ws.delete_activities([activity_id])
        try:
            ws.why_json(None)
        except HeavyLegsError:
            pass
    return RedirectResponse("/activities?deleted=1", status_code=303)


@router.get("/import")
def import_page(request: Request) -> Any:
    return render(request, "import.html", limit_mb=settings(request).max_upload_bytes / 1e6)


async def receive_and_import(request: Request, csrf_from_header: bool) -> dict[str, Any]:
    """The upload streamed to disk (WORKSPACE/uploads/upload-*/N/NAME), imported, removed
    when nothing was imported from it; the report with the names as they were sent."""
    import asyncio

    conf = settings(request)
    if csrf_from_header:
        check_csrf(request, request.headers.get("x-csrf-token"))
    upload = await uploads.receive(request.stream(), request.headers.get("content-type", ""),
                                   request.headers.get("content-length"), conf.home / "uploads",
                                   conf.max_upload_bytes, None if csrf_from_header else "csrf")
    try:
        if not csrf_from_header:
            check_csrf(request, upload.fields.get("csrf"))
        if not upload.files:
            raise uploads.UploadRefused("no file was sent: pick one or more files")
        report = await asyncio.to_thread(_import, request, upload)
    except BaseException:
        upload.cleanup()
        raise
    if not report.imported:  # kept otherwise: they are the sources activities name (`activities delete --source`)
        upload.cleanup()
    body = report.to_json()
    for key, name in (("failed", "path"), ("skipped", "path")):
        for item in body[key]:  # type: ignore[union-attr]
            item[name] = upload.shown(item[name])
    body["warnings"] = [upload.shown(w) if w.startswith(str(upload.folder)) else w for w in body["warnings"]]  # type: ignore[union-attr]
    body["files"] = list(upload.files.values())
    return body


def _import(request: Request, upload: uploads.Upload) -> Any:
    state = progress_state(request)

    def tick(done: int, total: int, nbytes: int, path: str) -> None:
        state.update(done=done, total=total, file=upload.shown(path))

    state.update(running=True, done=0, total=len(upload.files), file="")
    try:
        with workspace(request, create=True) as ws:
            report = ws.import_paths(list(upload.files), progress=tick)
            _prepare(ws, report)
            return report
    finally:
        state["running"] = False


def progress_state(request: Request) -> dict[str, Any]:
    """Files done of files found by the import running now (the import page polls it)."""
    if not hasattr(request.app.state, "import_progress"):
        request.app.state.import_progress = {"running": False, "done": 0, "total": 0, "file": ""}
    return request.app.state.import_progress  # type: ignore[no-any-return]


def _prepare(ws: Any, report: Any) -> None:
    """The latest day's answer computed and stored after new data, as the CLI's import does."""
    if report.imported:
        try:
            ws.why_json(None)
        except HeavyLegsError:
            pass


@router.post("/import")
async def import_post(request: Request) -> Any:
    body = await receive_and_import(request, csrf_from_header="x-csrf-token" in request.headers)
    return render(request, "import.html", report=body, limit_mb=settings(request).max_upload_bytes / 1e6)
