"""`heavylegs serve` in a real browser: Debian's Chromium, headless and offline, walks the
runner's journeys against a real uvicorn server. Each journey saves a screenshot to
tests/out/ for review."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from heavylegs import sim  # noqa: E402
from heavylegs.api import Workspace  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
FIT = Path(__file__).parent / "data" / "activities" / "2013-02-06-12-11-14.fit"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
END = date(2026, 3, 1)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from heavylegs.web.app import create_app

    root = tmp_path_factory.mktemp("webb")
    scenario = sim.Scenario(seed=4, start=END - timedelta(days=7 * 10 - 1), weeks=10, injections=("spike",))
    sim.write_files(sim.simulate(scenario), root / "files")
    with Workspace(root / "home") as ws:
        ws.profile_set({"timezone": "Europe/Berlin"})
        ws.import_paths([root / "files"])
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(root / "home"), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(5)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    ctx.close()
    assert not errors, errors  # no script error, no CSP violation


def shot(page: object, name: str) -> None:
    OUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUT / f"web-{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_open_today(server: str, page: object) -> None:
    page.goto(server + "/")  # type: ignore[attr-defined]
    assert page.locator("h1").inner_text().startswith("Why are my legs heavy?")  # type: ignore[attr-defined]
    assert page.locator("a.checkin").is_visible()  # type: ignore[attr-defined]
    assert page.locator(".finding").count() >= 1  # type: ignore[attr-defined]
    shot(page, "today")


def test_checkin_one_sided_swollen_calf_is_urgent_first(server: str, page: object) -> None:
    p = page
    p.goto(server + f"/checkin?date={END.isoformat()}")  # type: ignore[attr-defined]
    p.get_by_label("Left leg or calf swollen").check()  # type: ignore[attr-defined]
    p.get_by_label("Pain in one calf only").check()  # type: ignore[attr-defined]
    slider = p.locator("#heaviness")  # type: ignore[attr-defined]
    slider.focus()
    for _ in range(2):
        p.keyboard.press("ArrowRight")  # type: ignore[attr-defined]
    assert p.locator("#set_heaviness").is_checked()  # type: ignore[attr-defined]
    p.get_by_label("Worst leg pain (0-10)").fill("5")  # type: ignore[attr-defined]
    p.get_by_label("Where is the pain (e.g. left calf)").fill("left calf")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Save check-in").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/?date=*")  # type: ignore[attr-defined]
    first = p.locator("main section").first  # type: ignore[attr-defined]
    assert "tier-urgent" in (first.get_attribute("class") or "")
    assert first.locator("h2").inner_text().startswith("URGENT")
    text = p.locator("main").inner_text()  # type: ignore[attr-defined]
    assert "Likely causes" not in text and "No training advice is given" in text
    assert p.locator(".fixes").count() == 0  # type: ignore[attr-defined]
    shot(p, "checkin-urgent")


def test_upload_a_fit_file_then_see_route_and_charts(server: str, page: object) -> None:
    p = page
    p.goto(server + "/import")  # type: ignore[attr-defined]
    p.set_input_files("#files", str(FIT))  # type: ignore[attr-defined]
    p.get_by_role("button", name="Import").click()  # type: ignore[attr-defined]
    p.wait_for_selector("#report")  # type: ignore[attr-defined]
    assert "imported 1" in p.locator("#report").inner_text()  # type: ignore[attr-defined]
    shot(p, "import")
    p.goto(server + "/activities?since=2013-02-06&until=2013-02-06")  # type: ignore[attr-defined]
    link = p.locator("table.list tbody a").first  # type: ignore[attr-defined]
    link.click()
    p.wait_for_selector("svg.route path")  # type: ignore[attr-defined]
    assert len(p.locator("svg.route path").get_attribute("d")) > 100  # type: ignore[attr-defined]
    assert p.locator("section.chart").count() >= 2  # type: ignore[attr-defined]
    box = p.locator("section.chart svg").first.bounding_box()  # type: ignore[attr-defined]
    p.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
    assert "bpm" in p.locator("section.chart .readout").first.inner_text()  # type: ignore[attr-defined]
    shot(p, "activity")


def test_trends_one_year_hover_shows_the_value(server: str, page: object) -> None:
    p = page
    p.goto(server + "/trends")  # type: ignore[attr-defined]
    p.get_by_role("link", name="1 year").click()  # type: ignore[attr-defined]
    p.wait_for_url("**range=1y")  # type: ignore[attr-defined]
    plot = p.locator('.trend[data-chart="load"] .plot')  # type: ignore[attr-defined]
    box = plot.bounding_box()
    p.mouse.move(box["x"] + box["width"] * 0.97, box["y"] + box["height"] / 2)  # type: ignore[attr-defined]
    readout = p.locator('.trend[data-chart="load"] .readout').inner_text()  # type: ignore[attr-defined]
    assert readout.startswith("2026-0") and "CTL" in readout and any(ch.isdigit() for ch in readout[12:])
    assert p.locator(".plot svg path").count() >= 12  # type: ignore[attr-defined]
    shot(p, "trends-1y")
    plot.click(position={"x": box["width"] * 0.97, "y": box["height"] / 2})
    p.wait_for_url("**/?date=2026-*")  # type: ignore[attr-defined]


def test_imperial_units_show_miles(server: str, page: object) -> None:
    p = page
    p.goto(server + "/profile")  # type: ignore[attr-defined]
    p.locator("#p-units").fill("imperial")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Save").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/profile?saved=1")  # type: ignore[attr-defined]
    p.goto(server + "/activities")  # type: ignore[attr-defined]
    cells = p.locator("table.list tbody td.num").all_inner_texts()  # type: ignore[attr-defined]
    assert any(c.endswith(" mi") for c in cells) and not any(c.endswith(" km") for c in cells)
    shot(p, "imperial")
    p.goto(server + "/profile")  # type: ignore[attr-defined]
    p.locator("#p-units").fill("metric")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Save").click()  # type: ignore[attr-defined]


def test_checkin_by_keyboard_alone(server: str, page: object) -> None:
    p = page
    day = (END - timedelta(days=3)).isoformat()
    p.goto(server + f"/checkin?date={day}")  # type: ignore[attr-defined]
    p.focus("#fatigue")  # type: ignore[attr-defined]
    p.keyboard.press("End")  # type: ignore[attr-defined]
    p.keyboard.press("Tab")  # type: ignore[attr-defined]  # on to the first field of the day
    assert p.evaluate("document.activeElement.id") == "sleep_h"  # type: ignore[attr-defined]
    p.keyboard.type("7.5")  # type: ignore[attr-defined]
    p.focus("#s-tingling")  # type: ignore[attr-defined]
    p.keyboard.press("Space")  # type: ignore[attr-defined]
    shot(p, "checkin-form")
    p.focus("button.primary")  # type: ignore[attr-defined]
    p.keyboard.press("Enter")  # type: ignore[attr-defined]
    p.wait_for_url(f"**/?date={day}&saved=1")  # type: ignore[attr-defined]
    assert "Check-in saved" in p.locator("main").inner_text()  # type: ignore[attr-defined]
    p.goto(server + f"/checkin?date={day}")  # type: ignore[attr-defined]
    assert p.locator("#fatigue").input_value() == "10" and p.locator("#sleep_h").input_value() == "7.5"  # type: ignore[attr-defined]
    assert p.locator("#s-tingling").is_checked()  # type: ignore[attr-defined]


def test_calendar_profile_and_gear_render(server: str, page: object) -> None:
    p = page
    p.goto(server + f"/calendar?month={(END - timedelta(days=5)).strftime('%Y-%m')}")  # type: ignore[attr-defined]
    assert p.locator(".calendar a.act").count() > 5  # type: ignore[attr-defined]
    assert p.locator(".calendar .flag").count() >= 1  # type: ignore[attr-defined]  # the urgent check-in's day
    shot(p, "calendar")
    p.locator(".calendar a.day").nth(10).click()  # type: ignore[attr-defined]
    p.wait_for_url("**/?date=*")  # type: ignore[attr-defined]
    p.goto(server + "/profile")  # type: ignore[attr-defined]
    assert p.locator("tr.estimated .badge").count() >= 1  # type: ignore[attr-defined]
    shot(p, "profile")


def test_trends_heaviness_hover_names_the_days_top_causes(server: str, page: object) -> None:
    p = page
    p.goto(server + "/trends?range=4w")  # type: ignore[attr-defined]
    plot = p.locator('.trend[data-chart="heaviness"] .plot')  # type: ignore[attr-defined]
    box = plot.bounding_box()
    plot.hover(position={"x": box["width"] - 3, "y": box["height"] / 2})  # the last day
    readout = p.locator('.trend[data-chart="heaviness"] .readout')  # type: ignore[attr-defined]
    readout.filter(has_text="—").wait_for(timeout=15000)
    text = readout.inner_text()
    assert text.startswith(END.isoformat()) and "URGENT" in text, text  # the urgent check-in of END
    shot(p, "trends-heaviness")
