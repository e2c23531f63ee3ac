"""`heavylegs serve` on a 10-year history (bench_why.py's workspace: 3,650 days, ~5,000
activities, plus one real FIT run so an activity page has streams, route and charts).

Server time: each page requested through the ASGI app in-process (Starlette's TestClient,
no network), median of ``rounds``: Today with the stored answer, Trends "all" (computed
after a data change, and kept while the data is unchanged), the activities list, an
activity page. Then Chromium (Debian's, headless) against a real
uvicorn server: the navigation timing of Trends "all" (navigation start to the load event,
which follows the page's script drawing every chart). Targets (issue 14): Today < 50 ms,
the others < 300 ms server time, Trends "all" interactive in under 1 s.

Run: .venv/bin/python benchmarks/bench_web.py
"""

from __future__ import annotations

import shutil
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_why  # noqa: E402

FIT = HERE.parent / "tests" / "data" / "activities" / "2013-02-06-12-11-14.fit"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _median_ms(fn, rounds: int) -> tuple[float, float, float]:
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times), max(times)


def _fmt(label: str, stats: tuple[float, float, float], target: float) -> str:
    med, lo, hi = stats
    return f"  {label:34s} median {med:7.1f} ms (min {lo:.1f}, max {hi:.1f}); target < {target:.0f} ms"


def main(rounds: int = 11) -> None:
    import warnings

    with warnings.catch_warnings():  # Starlette 1.x suggests httpx2; httpx works the same
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from heavylegs.api import Workspace
    from heavylegs.web.app import create_app

    home = bench_why.HOME
    if not (home / "heavylegs.sqlite").exists():
        bench_why.build()
    with Workspace(home) as ws:
        ws.import_paths([FIT])
        fit_id = int(ws.conn.execute("SELECT a.id FROM activities a JOIN streams s ON s.activity_id = a.id "
                                     "ORDER BY a.id DESC LIMIT 1").fetchone()[0])
        ws.why_json(None)  # stored, as import/check-in leave it
        n_acts = ws.counts()["activities"]
    c = TestClient(create_app(home), base_url="http://127.0.0.1:8765")

    def get(url: str):
        def run() -> None:
            r = c.get(url)
            assert r.status_code == 200, (url, r.status_code, r.text[:200])
        return run

    for url in ("/", "/trends?range=all", "/activities", f"/activities/{fit_id}"):
        get(url)()  # warm: imports, templates compiled
    print(f"heavylegs serve on 10 years ({n_acts} activities), {rounds} rounds each, server time in-process:")
    print(_fmt("Today (stored answer)", _median_ms(get("/"), rounds), 50))
    def changed_then_trends() -> None:  # a data change first: the series are computed again
        with Workspace(home) as ws:
            with ws.conn:  # any committed write moves SQLite's data_version (a scratch table: no answer lost)
                ws.conn.execute("CREATE TABLE IF NOT EXISTS bench_touch (n INTEGER)")
                ws.conn.execute("INSERT INTO bench_touch VALUES (1)")
        get("/trends?range=all")()

    print(_fmt("Trends, all (after a data change)", _median_ms(changed_then_trends, rounds), 300))
    print(_fmt("Trends, all (data unchanged)", _median_ms(get("/trends?range=all"), rounds), 300))
    print(_fmt("Activities list (page 1)", _median_ms(get("/activities"), rounds), 300))
    print(_fmt("Activity page (real FIT run)", _median_ms(get(f"/activities/{fit_id}"), rounds), 300))
    _chromium(home, rounds)


def _chromium(home: Path, rounds: int) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("  Chromium: not installed (make browser), skipped")
        return
    import uvicorn
    from playwright.sync_api import sync_playwright

    from heavylegs.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(home), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    times, interactive = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page()
        for _ in range(rounds):
            page.goto(f"http://127.0.0.1:{port}/trends?range=all", wait_until="load")
            timing = page.evaluate("() => { const n = performance.getEntriesByType('navigation')[0];"
                                   " return [n.domInteractive, n.loadEventEnd || performance.now()]; }")
            interactive.append(timing[0])
            times.append(timing[1])
        paths = page.locator(".plot svg path").count()
        browser.close()
    server.should_exit = True
    thread.join(5)
    print(f"  Chromium, Trends all ({paths} SVG paths): DOM interactive median {statistics.median(interactive):.0f} ms, "
          f"charts drawn (load event) median {statistics.median(times):.0f} ms "
          f"(min {min(times):.0f}, max {max(times):.0f}); target < 1000 ms")


if __name__ == "__main__":
    main()
