"""The same question gets the same answer from the CLI (``--json``) and from ``/api/v1``.

For Türkiye (the curated record's focal state), Pakistan and Nigeria: the record list for a
partner and years, the arms ranking, UN alignment with the USA, network standing for a year,
effects' default period and sample size, trends' period. Then the comparison: its rows read
only data that cover every state, the curated record's rows are marked and blank for the
states it does not cover, its arms cells are the CLI's ranking (0 for a state the ranking
leaves out, inside SIPRI's years), and left out, its year is the last year its measures cover.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from defdip.cli import app as cli_app
from defdip.web import create_app

STATES = ("TUR", "PAK", "NGA")
#: A partner each state has records with in the years (checked non-empty below, so the
#: equality is not that of two empty lists).
PARTNERS = {"TUR": "USA", "PAK": "CHN", "NGA": "USA"}


@pytest.fixture(scope="module")
def client(built_store):
    with TestClient(create_app(built_store.path), raise_server_exceptions=False) as test:
        yield test


@pytest.fixture(scope="module")
def cli(built_store):
    runner = CliRunner()

    def run(*args: str) -> object:
        result = runner.invoke(cli_app, [*args, "--store", str(built_store.path), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


def api(client: TestClient, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("iso3", STATES)
def test_record_list_for_a_partner_and_years(cli, client, iso3):
    partner = PARTNERS[iso3]
    listed = cli("record", "list", "--country", iso3, "--partner", partner,
                 "--from", "2000", "--to", "2010")
    url = (f"/api/v1/records?country={iso3}&partner={partner}&from=2000&to=2010"
           "&limit=500&total=true")
    body = api(client, url)
    total, ids = body["total"], [r["id"] for r in body["data"]]
    while body["links"].get("next"):  # the keyset pages, followed to the end
        body = api(client, body["links"]["next"])
        ids += [r["id"] for r in body["data"]]
    assert listed, f"{iso3} and {partner} share no record in 2000-2010"
    assert ids == [r["id"] for r in listed]
    assert total == len(listed)


def test_arms_ranking(cli, client):
    for role in ("supplier", "recipient"):
        ranked = cli("arms", "ranking", "--role", role, "--years", "2015-2019")
        body = api(client, f"/api/v1/arms/ranking?role={role}&from=2015&to=2019")
        # the same states in the same order; TIV equal up to the last bits of a float sum
        # (DuckDB sums in parallel, in no fixed order: two runs may differ at 1e-12)
        assert [r["country"] for r in body["data"]] == [r["country"] for r in ranked]
        assert [r["tiv"] for r in body["data"]] == pytest.approx([r["tiv"] for r in ranked])
        # the CLI's and the API's defaults are the same years
        default = api(client, f"/api/v1/arms/ranking?role={role}")["data"]
        assert [r["country"] for r in cli("arms", "ranking", "--role", role)] == \
            [r["country"] for r in default]
    deals = cli("arms", "deals", "TUR", "--role", "recipient")  # default years, both faces
    assert deals and [r["deal_id"] for r in deals] == [
        r["deal_id"] for r in api(client, "/api/v1/arms/deals/TUR?role=recipient")["data"]]


@pytest.mark.parametrize("iso3", STATES)
def test_alignment_with_the_usa(cli, client, iso3):
    rows = cli("alignment", iso3, "--partner", "USA", "--from", "2000", "--to", "2020")
    body = api(client, f"/api/v1/alignment/{iso3}?partner=USA&from=2000&to=2020")
    assert len(rows) == 21  # one row a year: the roll calls cover 1946-2026 (mirror README)
    assert body["data"] == rows


def test_standing_for_a_year(cli, client):
    rows = cli("standing", "--year", "2008")
    body = api(client, "/api/v1/standing?year=2008")
    assert [(r["iso3"], r["rank"]) for r in body["data"]] == \
        [(r["iso3"], r["rank"]) for r in rows]
    assert {r["iso3"] for r in rows} >= set(STATES)


@pytest.mark.parametrize("iso3", STATES)
def test_effects_default_period_and_sample(cli, client, iso3):
    made = cli("effects", iso3)
    body = api(client, f"/api/v1/effects/{iso3}")["data"]
    assert made["period"] == body["period"] and made["period"]["start"] == 1995
    assert (made["n_obs"], made["n_clusters"]) == (body["n_obs"], body["n_clusters"])
    assert made["n_obs"] > 0


@pytest.mark.parametrize("iso3", STATES)
def test_trends_period(cli, client, iso3):
    made = cli("trends", iso3)
    body = api(client, f"/api/v1/trends/{iso3}")["data"]
    assert made["period"] == body["period"]
    assert made["period"]["end"] == made["period"]["covered"][1]  # to the data's last year


def test_compare_reads_global_data_and_marks_the_curated_rows(cli, client, built_store):
    from defdip.queries.coverage import focal_states

    body = api(client, "/api/v1/compare?" + "&".join(f"country={s}" for s in STATES))
    rows = {r["measure"]: r for r in body["data"]}
    # the default year is the last year SIPRI's deliveries, the built UN alignment and the
    # standing all cover (read here from the tables themselves), and the notes say so
    lasts = [int(built_store.sql(f"SELECT max(year) AS y FROM {t}")["y"][0])
             for t in ("sipri_deliveries", "un_alignment", "network_standing")]
    year = int(body["title"].rsplit(" ", 1)[1])
    assert year == min(lasts)
    assert any(f"year {year}: the last year" in n for n in body["notes"])
    # arms: the CLI's ranking for the same five years; a state it leaves out delivered 0
    window = next(k for k in rows if k.startswith("arms exported, TIV "))
    lo, hi = (int(y) for y in window.rsplit(" ", 1)[1].split("–"))
    assert hi == year and lo == year - 4
    ranked = {r["country"]: r["tiv"] for r in cli("arms", "ranking", "--role", "supplier",
                                                   "--years", f"{lo}-{hi}")}
    for iso3 in STATES:
        assert rows[window][iso3] == pytest.approx(ranked.get(iso3, 0.0))
        assert rows[window][iso3] is not None
    # curated rows: marked, blank for every state the curated record does not cover
    focal = set(focal_states())
    for measure, row in rows.items():
        if measure.startswith("curated"):
            assert "only" in row["covers"] and "not comparable" in row["covers"]
            assert all(row[s] is None for s in STATES if s not in focal)
            assert all(row[s] is not None for s in STATES if s in focal)
        else:
            assert "(all states" in row["covers"] or "all-state" in row["covers"]
    # partners by instrument are the engagement index's (global sources): the standing's
    # partner count is the number of states with any instrument
    standing = {r["iso3"]: r for r in cli("standing", "--year", str(year))}
    for iso3 in STATES:
        assert rows["partners in the engagement graph"][iso3] == standing[iso3]["partners"]
        assert rows["network rank (PageRank)"][iso3] == standing[iso3]["rank"]


def test_arms_years_are_clipped_to_sipri_alike_in_cli_and_api(cli, client, built_store):
    """SIPRI's deliveries cover 1995-2024 (mirror README: the delivery export's latest year
    is 2024): years past them are clipped with a note, years wholly before them are an error
    in both faces — never an empty ranking that reads as 'nobody delivered anything'."""
    (first, last), = built_store.sql("SELECT min(year), max(year) FROM sipri_deliveries"
                                     ).itertuples(index=False, name=None)
    assert (first, last) == (1995, 2024)
    runner = CliRunner()
    past = runner.invoke(cli_app, ["arms", "ranking", "--years", "2020-2030", "--json",
                                   "--store", str(built_store.path)])
    assert past.exit_code == 0 and "clipped to 2024" in past.stderr
    body = api(client, "/api/v1/arms/ranking?from=2020&to=2030")
    assert body["notes"] == ["to 2030 is past the last year the data cover (arms: "
                             "1995–2024): clipped to 2024."]
    assert [r["country"] for r in json.loads(past.stdout)] == \
        [r["country"] for r in body["data"]] == \
        [r["country"] for r in cli("arms", "ranking", "--years", "2020-2024")]
    before = runner.invoke(cli_app, ["arms", "ranking", "--years", "1980-1990", "--store",
                                     str(built_store.path)])
    assert before.exit_code != 0  # in-process the error is raised; the entry point prints it
    assert str(before.exception) == "--years 1990 is before the first year the data cover " \
        "(1995–2024, arms); pass --years 1995 or later."
    response = client.get("/api/v1/arms/ranking?from=1980&to=1990")
    assert response.status_code == 400 and response.json()["parameter"] == "to"


def test_compare_arms_blank_outside_sipri_and_zero_inside(client):
    # 1990: its five years 1986-1990 lie before SIPRI's deliveries (1995-): blank
    early = {r["measure"]: r for r in api(
        client, "/api/v1/compare?country=TUR&country=NGA&year=1990")["data"]}
    row = early["arms exported, TIV 1986–1990"]
    assert (row["TUR"], row["NGA"]) == (None, None)
    # 1997: clipped to 1995-1997, a number for each (0.0 for a state SIPRI does not list)
    late = {r["measure"]: r for r in api(
        client, "/api/v1/compare?country=TUR&country=NGA&year=1997")["data"]}
    assert late["arms exported, TIV 1995–1997"]["NGA"] is not None


def test_world_map_reads_only_all_state_sources(client, built_store):
    """The home map is of the world: exercises after MME/JME end (2010) are the curated
    record's, Türkiye's only, so a 2019 map is empty and says why; left out, the year is
    the last year the all-state exercise data cover (2010, the mirror's MME/JME)."""
    later = api(client, "/api/v1/maps/exercise?year=2019")
    assert later["data"] == [] and "unknown, not zero" in later["coverage"]
    latest = api(client, "/api/v1/maps/exercise")
    assert latest["title"].endswith("in 2010, by state")
    assert latest["notes"] == ["year 2010: the last year the all-state sources of exercise "
                               "cover"]
    from defdip.engagements import list_records
    from defdip.queries.coverage import FOCAL_ORIGINS

    rows = list_records(built_store, country="TUR", kind="exercise", year_from=2008,
                        year_to=2008)
    world = int((~rows["origin"].isin(FOCAL_ORIGINS)).sum())
    mapped = {r["iso3"]: r["records"] for r in
              api(client, "/api/v1/maps/exercise?year=2008")["data"]}
    assert mapped["TUR"] == world < len(rows)  # the curated 2008 records do not count


def test_arms_default_years_are_sipris_last_five(built_store, client, cli) -> None:
    """Without years, the CLI, the API and the page take the last five years SIPRI's
    deliveries cover (read from the store here), not a fixed range."""
    last = int(built_store.sql("SELECT max(year) AS y FROM sipri_deliveries")["y"][0])
    body = api(client, "/api/v1/arms/ranking?top=5")
    assert body["title"].endswith(f"{last - 4}–{last}") or str(last - 4) in body["coverage"]
    assert [r["country"] for r in body["data"]] == \
        [r["country"] for r in cli("arms", "ranking", "--top", "5")] == \
        [r["country"] for r in cli("arms", "ranking", "--top", "5", "--years",
                                   f"{last - 4}-{last}")]
    page = client.get("/arms")
    assert page.status_code == 200 and f"{last - 4}–{last}" in page.text
