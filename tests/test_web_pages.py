"""The pages, server-rendered: each answers with the data the service gives, permalinks
hold the state, tables link their CSV, bad parameters get a clear 4xx page."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from defdip.web import create_app


@pytest.fixture(scope="module")
def client(built_store):
    with TestClient(create_app(built_store.path), raise_server_exceptions=False) as c:
        yield c


def test_home_has_search_and_the_map_of_the_chosen_instrument(client):
    from defdip.service.context import Context
    from defdip.service.records import instrument_map

    page = client.get("/?kind=exercise&year=2008")
    assert page.status_code == 200
    assert '<label for="q">' in page.text and 'id="world-map"' in page.text
    top = instrument_map(Context(client.app.state.store), "exercise", 2008).table.iloc[0]
    assert f"<td>{top['name']}</td>" in page.text
    assert 'href="/api/v1/maps/exercise?year=2008&amp;format=csv"' in page.text
    assert "cdn" not in page.text.lower() and "https://" not in re.sub(
        r'href="https://[^"]+"', "", page.text)


def test_search_lands_on_the_country_page(client):
    page = client.get("/search?q=Türkiye", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/country/TUR"
    several = client.get("/search?q=gu")
    assert several.status_code == 200 and "/country/GIN" in several.text
    assert "No state matches" in client.get("/search?q=zzqx").text


def test_country_page_sections_and_filters(client):
    from defdip.reports.brief import SECTIONS
    from defdip.web.pages_country import INLINE, LAZY

    assert [*INLINE, *LAZY] == list(SECTIONS)  # every section of the brief, in its order
    page = client.get("/country/TUR?from=2010&to=2019&kind=exercise&kind=arms_transfer")
    assert page.status_code == 200
    for section in INLINE:
        assert f'id="{section}"' in page.text
    for lazy in LAZY:
        assert f'data-fragment="/country/TUR/sections/{lazy}?from=2010&amp;to=2019"' in \
            page.text
    assert 'value="exercise" checked' in page.text and 'value="visit" checked' not in page.text
    # the map's partners are the API's footprint with the same filters (one row per
    # partner and instrument class); the map colours exactly those partners
    csv = client.get("/api/v1/footprint/TUR?from=2010&to=2019&kind=exercise"
                     "&kind=arms_transfer&format=csv")
    frame = pd.read_csv(io.StringIO(csv.text), keep_default_na=False, na_values=[""])
    assert set(frame["class"]) <= {"exercise", "exercise_observer", "arms_transfer"}
    where = page.text.split('id="where"')[1].split("</section>")[0]
    coloured = set(re.findall(r'data-key="([A-Z]{3,4})"><title>', where)) - {"TUR"}
    assert coloured and coloured <= set(frame["partner"])
    # hover text: instrument, record count and years, as the brief's map has it
    assert re.search(r"<title>[^<]*\njoint exercises: \d+ \(20(1\d)(–20\d\d)?\)", where)
    assert client.get("/country/Turkey", follow_redirects=False).headers["location"] == \
        "/country/TUR"


def test_country_page_is_the_briefs_sections(client):
    """The page's sections are the brief's: the same findings as ``build_brief``."""
    from defdip.reports.brief import build_brief
    from defdip.store.session import reading

    page = client.get("/country/TUR?from=2005&to=2019")
    with reading(client.app.state.store) as store:
        made = build_brief(store, "TUR", start=2005, end=2019)
    from markupsafe import escape

    for section in made.sections[:6]:
        for finding in section.findings:
            assert str(escape(finding.text)) in page.text, finding.text


def test_country_fragments_and_their_table_csv(client):
    fragment = client.get("/country/TUR/sections/challenges?from=1995&to=2019")
    assert fragment.status_code == 200 and "<h2>" in fragment.text
    csv = client.get("/country/TUR/sections/where/tables/0.csv?from=2010&to=2019")
    assert csv.status_code == 200 and csv.text.startswith("partner,instruments,records,")
    assert client.get("/country/TUR/sections/where/tables/9.csv").status_code == 404
    assert client.get("/country/TUR/sections/parade").status_code == 400


@pytest.mark.parametrize("section", ["effects", "challenges", "outlook"])
def test_a_state_with_little_data_gets_every_section(client, section):
    """Tuvalu: few records, no forecastable series; each section answers, saying what it
    could not compute."""
    fragment = client.get(f"/country/TUV/sections/{section}")
    assert fragment.status_code == 200 and "<h2>" in fragment.text
    assert client.get("/country/TUV").status_code == 200


@pytest.mark.parametrize(("url", "status", "text"), [
    ("/country/Atlantis", 404, "Unknown country"),
    ("/country/TUR?from=2020&to=2000", 400, "from 2020 is after to 2000"),
    ("/country/TUR?kind=parade", 400, "kind &#39;parade&#39;"),
    ("/?kind=parade", 400, "kind &#39;parade&#39;"),
    ("/?year=99999", 400, "year"),
    ("/records?country=%3Cscript%3Ealert(1)%3C/script%3E", 404, "&lt;script&gt;"),
    ("/records/ffffffffffffffff", 404, "No engagement record has id"),
    ("/arms?category=Spaceships", 400, "Spaceships"),
    ("/panels?add=unicorns&preview=1", 400, "unicorns"),
    ("/compare?country=TUR", 400, "at least two states"),
    ("/compare?country=TUR&country=Narnia", 400, "Narnia"),
])
def test_bad_parameters_get_a_clear_page(client, url, status, text):
    page = client.get(url)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")
    assert text in page.text and "Traceback" not in page.text
    assert "<script>alert(1)</script>" not in page.text


def test_compare_page(client):
    page = client.get("/compare?country=TUR&country=GRC&country=EGY&year=2019")
    assert page.status_code == 200 and 'id="compare-table"' in page.text
    assert "/api/v1/compare?country=TUR&amp;country=GRC&amp;country=EGY&amp;year=2019" \
        "&amp;format=csv" in page.text


def test_record_browser_pages_and_engagement_page(client):
    page = client.get("/records?country=TUR&kind=exercise&from=2000&to=2024")
    ids = re.findall(r'href="/records/([0-9a-f]{16})"', page.text)
    assert len(ids) == 50
    total = client.get("/api/v1/records?country=TUR&kind=exercise&from=2000&to=2024"
                       "&limit=1&total=true").json()["total"]
    assert f"{total:,} records match" in page.text
    following = re.search(r'href="(/records\?[^"]+)" rel="next"', page.text)
    second = client.get(following.group(1).replace("&amp;", "&"))
    assert not set(ids) & set(re.findall(r'href="/records/([0-9a-f]{16})"', second.text))
    one = client.get(f"/records/{ids[0]}")
    assert one.status_code == 200
    for heading in ("Fields", "Actors", "Source and citation", "Conflicting claims",
                    "Coverage"):
        assert heading in one.text
    csv = pd.read_csv(io.StringIO(client.get(f"/records/{ids[0]}.csv").text))
    assert list(csv["id"]) == [ids[0]]


def test_arms_explorer_world_and_country(client):
    world = client.get("/arms?role=supplier&from=2020&to=2024")
    assert 'id="ranking"' in world.text and 'id="tiv"' in world.text
    country = client.get("/arms?country=TUR&role=supplier&from=2015&to=2024&weapon=heli"
                         "&category=Aircraft")
    assert all(f'id="{t}"' in country.text for t in ("partners", "tiv", "register"))
    assert "/api/v1/arms/deals/TUR?role=supplier&amp;weapon=heli" in country.text


def test_panel_builder_previews_and_links_downloads(client):
    page = client.get("/panels?unit=state_year&from=2000&to=2001&add=nmc&preview=1")
    assert page.status_code == 200 and 'id="panel-rows"' in page.text
    link = re.search(r'id="dl-csv" href="([^"]+)"', page.text).group(1).replace("&amp;", "&")
    csv = pd.read_csv(io.StringIO(client.get(link).text))
    rows = int(re.search(r'id="panel-rows">([\d,]+)<', page.text).group(1).replace(",", ""))
    assert len(csv) == rows and "cinc" in csv.columns


def test_sources_page_lists_every_source_with_its_sha256(client):
    page = client.get("/sources")
    assert page.status_code == 200
    assert page.text.count('<tr id="source-') == len(client.get("/api/v1/sources").json()[
        "data"])
    assert "sha256" not in page.text or "…" in page.text


def test_assets_are_local(client):
    for asset in ("/static/defdip.css", "/static/defdip.js"):
        assert client.get(asset).status_code == 200
    page = client.get("/country/TUR").text
    assert "<script src=" not in page.replace('<script src="/static/defdip.js">', "")
    assert "<svg" in page and "plotly" not in page.lower()
