"""Open the TUR, PAK and NGA briefs in headless Chromium: the summary's key numbers are the
library's own answers, nothing overflows at 1,440 px or 390 px, the file is small and paints
fast, and printing to A4 gives pages with nothing cut."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
STATES = ("TUR", "PAK", "NGA")
A4_CONTENT_PX = 700  # 210 mm less 2 × 12 mm margins, at 96 px per inch ≈ 703 px


@pytest.fixture(scope="module")
def briefs(built_store, tmp_path_factory) -> dict[str, Path]:
    from defdip.reports import write_brief

    out = tmp_path_factory.mktemp("briefs")
    return {iso3: write_brief(built_store, iso3, out / f"brief-{iso3}.html") for iso3 in STATES}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install -y chromium` (.ci/run does this).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as play:
        handle = play.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield handle
        handle.close()


def _expected(store, iso3: str) -> dict[str, str]:
    """The key numbers as the library answers them, formatted as the brief prints them."""
    from defdip.measures import arms_ranking

    last = int(store.sql("SELECT max(year) AS y FROM sipri_deliveries")["y"][0])
    out = {}
    for key, role in (("arms_exports", "supplier"), ("arms_imports", "recipient")):
        ranking = arms_ranking(store, role, last - 4, last)
        row = ranking[ranking["country"] == iso3]
        if len(row):
            out[key] = f"rank {int(row['rank'].iloc[0])} of {len(ranking)}"
    # military spending rank, computed here with SQL's own rank() (an independent count)
    milex = store.sql("""SELECT iso3, rank() OVER (ORDER BY milex_constant_2023_usd_m DESC)
        AS r, count(*) OVER () AS n FROM sipri_milex WHERE iso3 IS NOT NULL
        AND milex_constant_2023_usd_m IS NOT NULL
        AND year = (SELECT max(year) FROM sipri_milex)""")
    row = milex[milex["iso3"] == iso3]
    if len(row):
        out["milex"] = f"rank {int(row['r'].iloc[0])} of {int(row['n'].iloc[0])}"
    posts = store.sql("SELECT count(*) AS n FROM lowy_posts WHERE sender_iso3 = ? AND year = "
                      "(SELECT max(year) FROM lowy_posts)", [iso3])
    if int(posts["n"].iloc[0]):
        out["posts"] = str(int(posts["n"].iloc[0]))
    return out


@pytest.mark.parametrize("iso3", STATES)
def test_brief_opens_fits_and_prints(briefs, browser, built_store, iso3, tmp_path):
    path = briefs[iso3]
    assert path.stat().st_size <= 2_000_000
    errors: list[str] = []
    requests: list[str] = []
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_function("performance.getEntriesByName('first-contentful-paint').length",
                           timeout=10_000)
    paint = page.evaluate("performance.getEntriesByName('first-contentful-paint')[0]"
                          ".startTime")
    assert paint is not None and paint < 2000
    cards = dict(page.evaluate("Array.from(document.querySelectorAll('.number'))"
                               ".map(n => [n.dataset.key, n.innerText])"))
    for key, words in _expected(built_store, iso3).items():
        assert words in cards[key], (key, cards[key])
    assert page.locator("#summary ul.findings li").count() >= 5
    for width in (1440, 390):
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{iso3}: page is {wide} px wide at {width} px"
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    cut = page.evaluate(f"""Array.from(document.querySelectorAll('main *'))
        .filter(e => e.getBoundingClientRect().right > {A4_CONTENT_PX} + 1).length""")
    assert cut == 0, f"{iso3}: {cut} elements wider than the A4 print area"
    pdf = tmp_path / f"{iso3}.pdf"
    page.pdf(path=str(pdf), format="A4", margin={"top": "14mm", "bottom": "14mm",
                                                 "left": "12mm", "right": "12mm"})
    assert pdf.read_bytes().count(b"/Type /Page") - pdf.read_bytes().count(b"/Type /Pages") > 1
    page.close()
    assert errors == []
    assert [u for u in requests if not u.startswith("file://")] == []


def test_pdf_format_prints_a4_pages(built_store, tmp_path):
    from defdip.reports import write_brief

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `apt-get install -y chromium` (.ci/run does this).")
    path = write_brief(built_store, "NGA", tmp_path / "brief-NGA.pdf", fmt="pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") > 1
