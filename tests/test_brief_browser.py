"""Open the Türkiye brief in headless Chromium: map and charts render, offline, no errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


@pytest.fixture(scope="module")
def brief_file(built_store, tmp_path_factory) -> Path:
    from defdip.reports import write_brief

    out = tmp_path_factory.mktemp("brief") / "brief-TUR.html"
    write_brief(built_store, "TUR", out)
    return out


def test_brief_renders_offline(brief_file, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install -y chromium` (.ci/run does this).")
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(brief_file.as_uri())
        page.wait_for_selector("body[data-rendered]", timeout=60_000)
        rendered = int(page.evaluate("document.body.dataset.rendered"))
        figures = page.evaluate("document.querySelectorAll('.figure').length")
        map_paths = page.evaluate(
            "document.querySelectorAll('#footprint .choropleth path').length")
        plotted = page.evaluate(
            "Array.from(document.querySelectorAll('.figure'))"
            ".filter(d => d.querySelector('.main-svg')).length")
        page.screenshot(path=str(tmp_path / "brief.png"), full_page=False)
        browser.close()
    assert errors == []
    assert [u for u in requests if not u.startswith("file://")] == []
    assert rendered == figures and figures >= 6
    assert plotted == figures
    # Every Natural Earth country with an ISO3 code is drawn (at least the partners + base).
    assert map_paths > 150
    assert (tmp_path / "brief.png").stat().st_size > 10_000
