"""A person's journeys through the web pages in headless Chromium (Debian's, never a
downloaded browser), against a real server on 127.0.0.1: no console error, no request
leaving this machine, downloads read back and checked."""

from __future__ import annotations

import io
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
SLOW = 240_000  # ms: the country page's analysis sections are computed on first view
# A point inside the largest partner's shape on an SVG map, where that shape is on top.
INSIDE_A_PARTNER = """(selector) => {
  let best = null;
  for (const path of document.querySelectorAll(selector + ' path[tabindex]')) {
    const b = path.getBBox();
    if (best && b.width * b.height < best.area) continue;
    for (let i = 1; i < 10; i++) for (let j = 1; j < 10; j++) {
      const pt = new DOMPoint(b.x + b.width * i / 10, b.y + b.height * j / 10);
      if (!path.isPointInFill(pt)) continue;
      const s = pt.matrixTransform(path.getScreenCTM());
      if (document.elementFromPoint(s.x, s.y) !== path) continue;
      best = {x: s.x, y: s.y, area: b.width * b.height};
      i = j = 10;
    }
  }
  return best;
}"""


@pytest.fixture(scope="module")
def server(built_store):
    import uvicorn

    from defdip.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(built_store.path), host="127.0.0.1", port=port,
                            log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install -y chromium` (scripts/test.sh "
                    "does this).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        launched = play.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Watch:
    """A page that records console errors and every URL it requests."""

    def __init__(self, browser, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           accept_downloads=True)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text)
                     if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def close(self) -> None:
        self.context.close()
        assert self.errors == []
        outside = [u for u in self.requests if urlparse(u).hostname not in ("127.0.0.1",)
                   and not u.startswith(("data:", "blob:"))]
        assert outside == []

    def download(self, selector: str) -> bytes:
        with self.page.expect_download() as info:
            self.page.click(selector)
        return Path(info.value.path()).read_bytes()


def test_search_country_filter_engagement_download(server, browser):
    w = Watch(browser)
    page = w.page
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=60_000)
    assert page.evaluate("document.querySelectorAll('#world-map svg path').length") > 150
    page.fill("#q", "Türkiye")
    page.keyboard.press("Enter")
    page.wait_for_url(server + "/country/TUR")
    page.wait_for_selector("body[data-ready='1']", timeout=SLOW)
    # every lazy section arrived, with the brief's figures (inline SVG)
    assert page.evaluate("document.querySelectorAll('[aria-busy]').length") == 0
    assert page.evaluate("document.querySelectorAll('section.failed').length") == 0
    assert page.evaluate("document.querySelectorAll('section figure svg').length") >= 6
    # hover the largest partner on the map: its instruments with counts and years
    page.locator("#where svg.worldmap").scroll_into_view_if_needed()
    point = page.evaluate(INSIDE_A_PARTNER, "#where svg.worldmap")
    assert point is not None
    page.mouse.move(point["x"], point["y"])
    page.wait_for_selector("#map-tip:not([hidden])")
    label = page.text_content("#map-tip")
    assert re.search(r"\w: \d+ \((19|20)\d\d(–(19|20)\d\d)?\)", label), label
    # filter: exercises only, 2000–2010 — the state goes into the URL (a permalink)
    page.fill("#from", "2000")
    page.fill("#to", "2010")
    for box in page.query_selector_all("fieldset.kinds input[type=checkbox]"):
        box.set_checked(box.get_attribute("value") == "exercise")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/country/TUR?from=2000&to=2010&kind=exercise")
    page.wait_for_selector("body[data-ready='1']", timeout=SLOW)
    assert "2000–2010" in page.inner_text("h1")
    # open the records, then one engagement, and download it
    page.click("#browse-records")
    page.wait_for_url("**/records?country=TUR&kind=exercise&from=2000&to=2010")
    page.click("table tbody tr:first-child a")
    page.wait_for_selector("h2#cite")
    assert page.inner_text("pre.bibtex").startswith("@")
    record_id = page.url.rsplit("/", 1)[-1]
    frame = pd.read_csv(io.BytesIO(w.download("a[href$='.csv']")))
    assert list(frame["id"]) == [record_id] and "exercise" in list(frame["kind"])
    w.close()


def test_compare(server, browser):
    w = Watch(browser)
    page = w.page
    page.goto(server + "/compare")
    for number, state in enumerate(["Türkiye", "Greece", "Egypt"]):
        page.fill(f"#c{number}", state)
    page.fill("#year", "2019")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#compare-table")
    heads = page.eval_on_selector_all("#compare-table th", "e => e.map(x => x.textContent)")
    assert heads == ["measure", "TUR", "GRC", "EGY", "covers"]
    frame = pd.read_csv(io.BytesIO(w.download("#compare-table a.csv")))
    assert list(frame.columns) == ["measure", "TUR", "GRC", "EGY", "covers"] and len(frame) > 5
    w.close()


def test_arms_explorer(server, browser):
    w = Watch(browser)
    page = w.page
    page.goto(server + "/arms")
    page.fill("#country", "TUR")
    page.select_option("#role", "supplier")
    page.fill("#from", "2015")
    page.fill("#to", "2024")
    page.fill("#weapon", "armoured")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#register")
    assert "weapon=armoured" in page.url and "country=TUR" in page.url
    tiv = pd.read_csv(io.BytesIO(w.download("#tiv a.csv")))
    partners = pd.read_csv(io.BytesIO(w.download("#partners a.csv")),
                           keep_default_na=False, na_values=[""])
    assert dict(zip(tiv["actor"], tiv["total"].round(6), strict=True)) == \
        dict(zip(partners["country"], partners["tiv"].round(6), strict=True))
    register = pd.read_csv(io.BytesIO(w.download("#register a.csv")))
    assert len(register) and register["weapon_description"].str.contains(
        "armoured", case=False).all()
    w.close()


def test_panel_download_read_back(server, browser):
    import pyarrow.parquet as pq

    w = Watch(browser)
    page = w.page
    page.goto(server + "/panels")
    page.select_option("#unit", "state_year")
    page.fill("#from", "2000")
    page.fill("#to", "2001")
    page.check("input[name=add][value=nmc]")
    page.click("button[name=preview]")
    page.wait_for_selector("#panel-rows")
    rows = int(page.inner_text("#panel-rows").replace(",", ""))
    table = pq.read_table(io.BytesIO(w.download("#dl-parquet")))
    assert table.num_rows == rows and "cinc" in table.column_names
    assert set(table.column("year").to_pylist()) == {2000, 2001}
    csv = pd.read_csv(io.BytesIO(w.download("#dl-csv")))
    assert len(csv) == rows
    w.close()


def test_narrow_screen_and_keyboard(server, browser):
    w = Watch(browser, width=390)
    page = w.page
    page.goto(server + "/country/TUR")
    page.wait_for_selector("body[data-ready='1']", timeout=SLOW)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    unlabeled = page.evaluate("""Array.from(document.querySelectorAll('input,select'))
        .filter(e => e.type !== 'hidden' && !e.closest('label')
                && !document.querySelector(`label[for="${e.id}"]`)).length""")
    assert unlabeled == 0
    w.close()
