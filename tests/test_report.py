"""The HTML report in a real browser: headless Chromium opens it offline, every chart has
drawn marks, the triage banner comes first, and a screenshot is saved for review."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from heavylegs import sim
from heavylegs.api import Workspace

OUT = Path(__file__).resolve().parent / "out"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("report")
    scenario = sim.Scenario(seed=5, start=date(2026, 1, 5), weeks=12, injections=("spike", "short-sleep", "calf-swelling"))
    sim.write_files(sim.simulate(scenario), root / "files")
    with Workspace(root / "home") as ws:
        ws.import_paths([root / "files"])
        html, md = root / "report.html", root / "report.md"
        html.write_text(ws.report(fmt="html"), encoding="utf-8")
        md.write_text(ws.report(fmt="md"), encoding="utf-8")
    return {"html": html, "md": md}


def test_markdown_has_triage_first_then_causes(report_files: dict[str, Path]) -> None:
    text = report_files["md"].read_text()
    assert text.index("URGENT") < text.index("## Likely causes") < text.index("training-spike")


def test_page_is_self_contained(report_files: dict[str, Path]) -> None:
    text = report_files["html"].read_text()
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (make test installs it)")
def test_report_renders_in_chromium_with_charts(report_files: dict[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 820, "height": 1200})
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_())
        page.goto(report_files["html"].as_uri())
        charts = page.evaluate("""() => [...document.querySelectorAll('svg.chart')].map(svg => ({
            label: svg.getAttribute('aria-label'),
            width: svg.getBoundingClientRect().width,
            marks: [...svg.querySelectorAll('rect.bar, path.line, circle')]
                     .filter(e => { const b = e.getBBox(); return b.width > 0 || b.height > 0; }).length }))""")
        first = page.evaluate("() => document.querySelector('h1').nextElementSibling.className")
        page.screenshot(path=str(OUT / "report.png"), full_page=True)
        browser.close()
    assert len(charts) == 5, charts
    assert all(c["width"] > 300 and c["marks"] >= 5 for c in charts), charts
    assert first.startswith("triage")
    assert (OUT / "report.png").stat().st_size > 50_000
