"""The application: routes, static files, the security middleware and the error pages.

Errors are the CLI's one-line messages (``error: ...``), as a page for the pages and as
``{"error": ...}`` under /api/; never a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

from heavylegs import __version__
from heavylegs.errors import HeavyLegsError, InvalidInput, NotEnoughData
from heavylegs.web import activities, api_routes, pages, trends
from heavylegs.web.common import HERE, Settings, render
from heavylegs.web.pages import CsrfRefused
from heavylegs.web.security import Guard, SecurityMiddleware
from heavylegs.web.uploads import DEFAULT_LIMIT_BYTES, UploadRefused


def create_app(home: Path, guard: Guard | None = None, max_upload_bytes: int = DEFAULT_LIMIT_BYTES) -> Any:
    """The ASGI app over the workspace at ``home``, wrapped in its security middleware."""
    app = FastAPI(title="heavylegs", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="The local heavylegs dashboard's JSON API: the same data as the CLI "
                              "(`why --json`, `activities --json`, ...). Every POST needs the "
                              "X-CSRF-Token header (GET /api/csrf gives it).")
    app.state.settings = Settings(Path(home), guard or Guard(), max_upload_bytes)
    _static(app)
    for module in (pages, activities, trends, api_routes):
        app.include_router(module.router)
    _errors(app)
    return SecurityMiddleware(app, app.state.settings.guard)


STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml"}


def _static(app: FastAPI) -> None:
    """The static files, read once at start: a request names one of them, never a path."""
    files = {p.name: (p.read_bytes(), STATIC_TYPES[p.suffix]) for p in sorted((HERE / "static").iterdir())
             if p.suffix in STATIC_TYPES}

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> Response:
        if name not in files:
            raise HTTPException(404)
        body, kind = files[name]
        return Response(body, media_type=kind, headers={"cache-control": "max-age=3600"})


def _status(exc: Exception) -> int:
    if isinstance(exc, UploadRefused):
        return exc.status
    if isinstance(exc, CsrfRefused):
        return 403
    if isinstance(exc, NotEnoughData):
        return 404
    return 400


def error_response(request: Request, status: int, text: str) -> Any:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": text}, status_code=status)
    return render(request, "error.html", status=status, message=text)


def _errors(app: FastAPI) -> None:
    @app.exception_handler(HeavyLegsError)
    async def known(request: Request, exc: HeavyLegsError) -> Any:
        return error_response(request, _status(exc), f"error: {exc}")

    @app.exception_handler(HTTPException)
    async def http(request: Request, exc: HTTPException) -> Any:
        text = "no such page" if exc.status_code == 404 else str(exc.detail)
        return error_response(request, exc.status_code, f"error: {text}")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
        err = InvalidInput(where or "request", first.get("input", ""), first.get("msg", "a valid value"))
        return error_response(request, 400, f"error: {err}")

    @app.exception_handler(sqlite3.Error)
    async def storage(request: Request, exc: sqlite3.Error) -> Any:
        from heavylegs.storage.db import storage_error

        return error_response(request, 500, f"error: {storage_error(request.app.state.settings.home, exc)}")

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Any:
        return error_response(request, 500, f"error: internal error ({type(exc).__name__}: {exc}); "
                                            "please report it")
