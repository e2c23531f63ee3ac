"""Screenshot of a team run's ``roster.html`` in headless Chromium (for the README).

Usage: ``.venv/bin/python benchmarks/shot_roster.py OUT/roster.html docs/img/roster.png``
Needs Debian's chromium (``make browser``) and the ``playwright`` package (test extra).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    page_file, png = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or not page_file.is_file():
        print(f"needs chromium and {page_file}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        page.goto(page_file.as_uri())
        page.wait_for_load_state("networkidle")
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
        browser.close()
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
