"""The REST API (/api/v1) over the real store: answers equal the library's, pages of records
add up to the whole list, errors are problem documents naming the parameter and the fix."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from defdip.web import create_app

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client(built_store):
    app = create_app(built_store.path)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def problem(response, status: int, parameter: str | None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["detail"] and body["fix"]
    assert body.get("parameter") == parameter
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body


def test_every_response_carries_the_vintage(client, built_store):
    vintage = built_store.vintage()
    for url in ("/api/v1/arms/ranking?top=3", "/api/v1/countries/Atlantis", "/",
                "/api/v1/nowhere"):
        assert client.get(url).headers["x-defdip-vintage"] == vintage
    assert client.get("/api/v1/arms/ranking?top=3").json()["vintage"] == vintage


def test_ranking_is_the_library_answer_and_its_csv_the_same_rows(client, built_store):
    from defdip.measures import arms_ranking

    body = client.get("/api/v1/arms/ranking?role=supplier&from=2020&to=2024&top=10").json()
    expected = arms_ranking(built_store, "supplier", 2020, 2024, top=10)
    assert [r["country"] for r in body["data"]] == list(expected["country"])
    assert [r["tiv"] for r in body["data"]] == pytest.approx(list(expected["tiv"]))
    csv = client.get("/api/v1/arms/ranking?role=supplier&from=2020&to=2024&top=10&format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    frame = pd.read_csv(io.StringIO(csv.text), keep_default_na=False, na_values=[""])
    assert list(frame["country"]) == list(expected["country"])


def test_record_pages_add_up_to_the_whole_list(client, built_store):
    """Walking the keyset pages (``next`` links) gives every record ``record list`` gives,
    once each, and ``total`` counts them."""
    from defdip.engagements import list_records

    expected = list_records(built_store, country="TUR", kind=["exercise"], year_from=1990,
                            year_to=2024)
    url = "/api/v1/records?country=TUR&kind=exercise&from=1990&to=2024&limit=37&total=true"
    seen, pages = [], 0
    while url:
        body = client.get(url).json()
        assert body["total"] == len(expected)
        seen += [r["id"] for r in body["data"]]
        url, pages = body["links"]["next"], pages + 1
        assert pages < 100
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == set(expected["id"])
    assert pages == -(-len(expected) // 37) + (len(expected) % 37 == 0)


def test_one_record_has_its_citation_and_coverage(client, built_store):
    first = client.get("/api/v1/records?country=TUR&kind=exercise&limit=1").json()["data"][0]
    body = client.get(f"/api/v1/records/{first['id']}").json()["data"]
    assert body["record"]["id"] == first["id"]
    assert body["source"]["name"] == first["source"] and body["source"]["citation"]
    assert body["coverage"]["instrument"] == "exercise" and body["coverage"]["segments"]
    problem(client.get("/api/v1/records/0123456789abcdef"), 404, "record_id")


def test_etag_gives_304_until_the_data_change(client):
    first = client.get("/api/v1/standing?year=2019&top=5")
    etag = first.headers["etag"]
    assert first.headers["x-defdip-vintage"] in etag
    again = client.get("/api/v1/standing?year=2019&top=5", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    other = client.get("/api/v1/standing?year=2019&top=6", headers={"if-none-match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


@pytest.mark.parametrize(("url", "status", "parameter", "quoted"), [
    ("/api/v1/countries/Atlantis", 404, "country", "'Atlantis'"),
    ("/api/v1/arms/partners/Narnia", 404, "country", "'Narnia'"),
    ("/api/v1/records?country=%27%3BDROP%20TABLE%20engagements%3B--", 404, "country",
     "DROP TABLE engagements"),
    ("/api/v1/records?partner=<script>alert(1)</script>", 404, "partner", "<script>"),
    ("/api/v1/records?from=2020&to=2010", 400, "from", "2020"),
    ("/api/v1/arms/ranking?from=2024&to=2020", 400, "from", "2024"),
    ("/api/v1/records?limit=100000", 400, "limit", "100000"),
    ("/api/v1/records?limit=0", 400, "limit", "'0'"),
    ("/api/v1/records?after=not-a-cursor", 400, "after", "not-a-cursor"),
    ("/api/v1/records?kind=parade", 400, "kind", "parade"),
    ("/api/v1/arms/ranking?role=broker", 400, "role", "broker"),
    ("/api/v1/standing", 400, "year", "year"),
    ("/api/v1/standing?year=abc", 400, "year", "abc"),
    ("/api/v1/sources/sipri", 404, None, "'sipri'"),
    ("/api/v1/arms/tiv?category=Spaceships", 400, "category", "Spaceships"),
    ("/api/v1/panels/state_year/preview?from=2000&to=2001&add=atop,unicorns", 400, "add",
     "unicorns"),
    ("/api/v1/compare?country=TUR", 400, "country", "country"),
])
def test_bad_parameters_get_a_problem_naming_them(client, url, status, parameter, quoted):
    body = problem(client.get(url), status, parameter)
    assert quoted in body["detail"]


def test_unknown_country_lists_the_closest_states(client):
    body = problem(client.get("/api/v1/countries/Turkiy"), 404, "country")
    assert any("TUR" in c for c in body["candidates"])


def test_an_unexpected_failure_is_a_500_problem_without_internals(client, monkeypatch):
    from defdip.service import reads

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal state /etc/passwd")

    monkeypatch.setattr(reads, "standing", broken)
    response = client.get("/api/v1/standing?year=1999&top=2")
    body = problem(response, 500, None)
    assert body["incident"] and "secret" not in response.text and "RuntimeError" not in \
        response.text


def test_countries_search_and_resolve(client):
    rows = client.get("/api/v1/countries?q=Turk").json()["data"]
    assert "TUR" in [r["iso3"] for r in rows]
    resolved = client.get("/api/v1/countries/resolve?name=Türkiye&name=640").json()["data"]
    assert [r["iso3"] for r in resolved] == ["TUR", "TUR"]
    assert client.get("/api/v1/countries/Turkey").json()["data"]["ccode"] == 640


def test_sources_carry_sha256_and_citations(client):
    rows = client.get("/api/v1/sources").json()["data"]
    sipri = next(r for r in rows if r["name"] == "sipri_transfers")
    assert sipri["files"] and all(len(f["sha256"]) == 64 for f in sipri["files"])
    bib = client.get("/api/v1/sources/sipri_transfers/citation?format=bibtex")
    assert bib.text.startswith("@") and bib.headers["content-type"].startswith(
        "application/x-bibtex")


def test_tiv_table_sums_to_the_partners_totals(client):
    """The TIV table (partner × year) and the partners list are two views of the same
    deliveries: each partner's row total equals its TIV over the years."""
    wide = client.get("/api/v1/arms/tiv?country=TUR&from=2015&to=2024&shape=wide").json()
    partners = client.get("/api/v1/arms/partners/TUR?from=2015&to=2024").json()["data"]
    totals = {r["country"]: r["tiv"] for r in partners}
    assert {r["actor"] for r in wide["data"]} == set(totals)
    for row in wide["data"]:
        years = [row[str(y)] for y in range(2015, 2025) if row[str(y)] is not None]
        assert row["total"] == pytest.approx(sum(years))
        assert row["total"] == pytest.approx(totals[row["actor"]])


def test_deals_filtered_by_weapon_text(client):
    body = client.get("/api/v1/arms/deals/TUR?from=2000&to=2024&weapon=helicopter").json()
    assert body["data"]
    assert all("helicopter" in (r["weapon_description"] + r["weapon_designation"]).lower()
               for r in body["data"])
    # a LIKE wildcard is text, not a pattern
    assert client.get("/api/v1/arms/deals/TUR?weapon=%25").json()["data"] == []


def test_panel_downloads_read_back(client, built_store):
    """CSV, Parquet and JSON of one panel have the same rows: one per COW state-year
    (counted from cow_states independently)."""
    import pyarrow.parquet as pq

    expected = built_store.sql(
        "SELECT count(*) AS n FROM (SELECT DISTINCT s.ccode, y.year FROM cow_states s, "
        "range(2000, 2002) y(year) WHERE y.year BETWEEN year(s.start) AND year(s.\"end\"))"
    )["n"][0]
    base = "/api/v1/panels/state_year?from=2000&to=2001&add=nmc"
    csv = pd.read_csv(io.StringIO(client.get(base + "&format=csv").text))
    parquet = pq.read_table(io.BytesIO(client.get(base + "&format=parquet").content))
    rows = json.loads(client.get(base + "&format=json").content)
    assert len(csv) == parquet.num_rows == len(rows) == expected
    assert "cinc" in csv.columns and set(csv["year"]) == {2000, 2001}
    preview = client.get("/api/v1/panels/state_year/preview?from=2000&to=2001&add=nmc")
    assert preview.json()["total"] == expected


def test_compare_and_maps(client):
    body = client.get("/api/v1/compare?country=TUR&country=GRC&country=EGY&year=2019").json()
    measures = {r["measure"]: r for r in body["data"]}
    assert set(next(iter(measures.values()))) == {"measure", "covers", "TUR", "GRC", "EGY"}
    assert measures["network rank (PageRank)"]["TUR"] >= 1
    # 2019 is outside the all-state exercise data (MME/JME end in 2010): blank, not 0
    assert [measures["partners: exercises"][s] for s in ("TUR", "GRC", "EGY")] == [None] * 3
    rows = client.get("/api/v1/maps/exercise?year=2008").json()["data"]
    assert rows == sorted(rows, key=lambda r: (-r["records"], r["iso3"]))
    # the map's partners: one row per partner and instrument class, years inside the range
    partners = client.get("/api/v1/footprint/TUR?from=2010&to=2019").json()["data"]
    assert partners and all(2010 <= r["first_year"] <= r["last_year"] <= 2019
                            for r in partners)


def test_openapi_is_complete_and_its_examples_run(client):
    """Every operation documents its parameters, a 200 and the problem responses; calling
    each light operation with its documented examples answers 200."""
    schema = client.get("/api/v1/openapi.json").json()
    assert "Problem" in schema["components"]["schemas"]
    heavy = ("/effects", "/event-study", "/trends", "/tension", "/regions", "/breakpoints",
             "/briefs", "/panels/{unit}", "/completeness")
    ran = 0
    for path, operations in schema["paths"].items():
        if re.match(r"/api/v1/(entries|auth|audit|desks)(/|$)", path):
            continue  # the multi-user record's routes: tests/test_records_api*.py
        operation = operations["get"]
        assert operation.get("summary"), path
        assert "200" in operation["responses"] and "400" in operation["responses"], path
        if any(path.startswith("/api/v1" + h) for h in heavy) and path != \
                "/api/v1/panels/{unit}/preview":
            continue
        url, query = path, {}
        for parameter in operation.get("parameters", []):
            schema_ = parameter["schema"]
            example = (schema_.get("examples") or [None])[0]
            if parameter["in"] == "path":
                if example is None:  # an enumerated path parameter: its first value
                    example = schema_["enum"][0]
                url = url.replace("{" + parameter["name"] + "}", str(example))
            elif parameter.get("required") or example is not None:
                query[parameter["name"]] = example
        response = client.get(url, params=query)
        assert response.status_code == 200, (url, query, response.text[:300])
        ran += 1
    assert ran >= 20


@pytest.mark.parametrize("url", [
    "/api/v1/effects/TUR?from=2005&to=2019",
    "/api/v1/event-study/TUR?onset=exercise",
    "/api/v1/trends/TUR?horizon=3",
    "/api/v1/briefs/TUR?from=2015&to=2019",
])
def test_the_slow_analyses_answer_in_the_envelope(client, url):
    """The routes schemathesis leaves out for time: one call each, the documented envelope,
    the analysis's own sample and specification in the data."""
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    body = response.json()
    assert set(body) == {"title", "data", "coverage", "notes", "vintage", "links", "total"}
    assert isinstance(body["data"], dict) and body["data"]
    if "briefs" in url:
        from defdip.reports.brief import SECTIONS

        assert [s["id"] for s in body["data"]["sections"]] == list(SECTIONS)
    else:
        assert any(key in body["data"] for key in ("specification", "series", "table"))
