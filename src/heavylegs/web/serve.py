"""Start the dashboard: check the address, print it (with the access token beyond this
machine), open the browser if asked, run uvicorn until Ctrl-C."""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from pathlib import Path

from heavylegs.errors import InvalidInput
from heavylegs.web.security import LOCAL_NAMES, Guard


def address(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(home: Path, host: str, port: int, open_browser: bool, max_upload_mb: float) -> int:
    import uvicorn

    from heavylegs.web.app import create_app

    if not 0 < port < 65536:
        raise InvalidInput("--port", port, "a port 1-65535")
    if max_upload_mb <= 0:
        raise InvalidInput("--max-upload-mb", max_upload_mb, "a positive number of megabytes")
    guard = Guard.for_host(host)
    app = create_app(home, guard, int(max_upload_mb * 1e6))
    try:  # a clear line for a taken port, before uvicorn's own log
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        raise InvalidInput("--port", port, f"a free port on {host} ({exc.strerror})") from None
    url = address(host if host not in LOCAL_NAMES or host == "::1" else "127.0.0.1", port, guard.token)
    print(f"heavylegs: serving {home} at {url}", flush=True)
    if guard.token:
        print("heavylegs: listening beyond this machine; the address above holds the access token, "
              "keep it private", flush=True)
    print("heavylegs: press Ctrl-C to stop", flush=True)
    if open_browser:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
    except KeyboardInterrupt:
        pass
    sys.stdout.flush()
    return 0
