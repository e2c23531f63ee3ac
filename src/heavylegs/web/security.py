"""The guards of a local app that holds health data, as one ASGI middleware.

* Host header allow-list: a page of another site whose name was re-pointed at 127.0.0.1
  (DNS rebinding) sends its own name as Host and is refused.
* An access token when the app listens beyond this machine (``--host``): given once in the
  address printed at start (``?token=``), then kept in an HttpOnly cookie; API clients may
  send ``Authorization: Bearer TOKEN``.
* CSRF: every POST carries the app's secret (a hidden ``csrf`` form field, or the
  ``X-CSRF-Token`` header), and a cross-site ``Origin`` is refused.
* Headers on every answer: a Content-Security-Policy without inline script, no framing,
  no referrer, no caching of health data.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; connect-src 'self'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]
TOKEN_COOKIE = "heavylegs_token"
MAX_BODY_BYTES = 1_000_000  # a form or a JSON body; uploads (their own, larger limit) excepted
UPLOAD_PATHS = frozenset({"/import", "/api/import"})


@dataclass
class Guard:
    """What the middleware checks: the host names accepted in the Host header, the access
    token (None on 127.0.0.1) and the CSRF secret forms carry."""

    hosts: frozenset[str] = LOCAL_NAMES
    token: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    @classmethod
    def for_host(cls, host: str) -> Guard:
        """Local hosts need no token; any other bind address gets one and is accepted as a
        Host name besides the local ones."""
        if host in LOCAL_NAMES:
            return cls()
        names = {host.strip("[]").lower()}
        if host in ("0.0.0.0", "::"):  # every interface: this machine's own names and addresses
            names |= machine_names()
        return cls(hosts=LOCAL_NAMES | frozenset(names), token=secrets.token_urlsafe(24))

    def csrf_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(str(value), self.csrf)


def machine_names() -> set[str]:
    """This machine's host name, full name and addresses (for a server on every interface)."""
    import socket

    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    try:
        for *_, addr in socket.getaddrinfo(socket.gethostname(), None):
            names.add(str(addr[0]).lower())
    except OSError:
        pass
    return names


def host_name(value: str) -> str:
    """The host name of a Host header value (port and IPv6 brackets removed), lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


class SecurityMiddleware:
    def __init__(self, app: App, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal, set_cookie = self._check(scope)
        extra = list(HEADERS)
        if set_cookie:
            extra.append((b"set-cookie", f"{TOKEN_COOKIE}={self.guard.token}; HttpOnly; SameSite=Strict; "
                                         f"Path=/".encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                have = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in have)]
            await send(message)

        if refusal is not None:
            status, text = refusal
            await send_with_headers({"type": "http.response.start", "status": status,
                                     "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send_with_headers({"type": "http.response.body", "body": f"error: {text}\n".encode()})
            return
        await self.app(scope, receive, send_with_headers)

    def _check(self, scope: Scope) -> tuple[tuple[int, str] | None, bool]:
        """(status, message) when the request is refused; and whether to set the token cookie."""
        host = host_name(_header(scope, b"host") or "")
        if host not in self.guard.hosts:
            return (400, f"host {host or '(none)'!r} is not served here (accepted: "
                         f"{', '.join(sorted(self.guard.hosts))})"), False
        set_cookie = False
        if self.guard.token is not None:
            given = self._token(scope)
            if given is None or not hmac.compare_digest(given, self.guard.token):
                return (401, "an access token is needed: open the address heavylegs serve printed "
                             "(with ?token=...)"), False
            set_cookie = TOKEN_COOKIE not in _cookies(scope)
        if scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            length = _header(scope, b"content-length") or "0"
            if scope["path"] not in UPLOAD_PATHS and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
                return (413, f"the request body is over {MAX_BODY_BYTES // 1000} kB (uploads go to /import)"), False
            origin = _header(scope, b"origin")
            if origin and origin != "null" and host_name(urlsplit(origin).netloc) not in self.guard.hosts:
                return (403, f"a request from {origin} is refused (cross-site)"), False
        return None, set_cookie

    @staticmethod
    def _token(scope: Scope) -> str | None:
        auth = _header(scope, b"authorization") or ""
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if "token" in query:
            return query["token"][0]
        return _cookies(scope).get(TOKEN_COOKIE)


def _cookies(scope: Scope) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(_header(scope, b"cookie") or "")
    except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
        return {}
    return {k: m.value for k, m in jar.items()}
