"""Queries, profile, completeness report and the `record`/`profile` commands (fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from defdip.cli import app
from defdip.engagements import add_records, completeness, list_records, profile
from defdip.errors import InvalidArgument, UnknownCountry

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "engagements_valid.yaml"
SPARSE = """records:
  - kind: exercise
    name: Sparse Exercise
    start: 2015-03
    actors: [{country: TUR, role: host}, {country: PAK, role: participant}]
    source: {citation: "Hand-written test record (no public page)"}
"""


@pytest.fixture()
def filled(store, vocab, tmp_path):
    add_records(store, vocab, VALID)
    sparse = tmp_path / "sparse.yaml"
    sparse.write_text(SPARSE, encoding="utf-8")
    add_records(store, vocab, sparse)
    return store


def test_list_filters_by_country_partner_kind_and_years(filled, vocab):
    names = lambda frame: sorted(frame["name"])  # noqa: E731
    assert names(list_records(filled, country="TUR")) == [
        "Sparse Exercise", "Test Exercise 2022", "Test base", "Test framework agreement"]
    assert names(list_records(filled, country="Türkiye", partner="Pakistan", vocab=vocab)) \
        == ["Sparse Exercise"]
    assert names(list_records(filled, country="TUR", kind="exercise", year_from=2016,
                              year_to=2024)) == ["Test Exercise 2022"]
    # an agreement without an end is in force: it overlaps 2020
    assert names(list_records(filled, country="QAT", year_from=2020, year_to=2020)) == [
        "Test base", "Test framework agreement"]
    assert names(list_records(filled, country="JPN")) == ["Test Exercise 2022"]
    with pytest.raises(InvalidArgument, match=r"--kind 'drill' is not one of attache_post"):
        list_records(filled, kind="drill")
    with pytest.raises(UnknownCountry, match=r"Unknown country 'Narnia' in --country\."):
        list_records(filled, country="Narnia", vocab=vocab)


def test_profile_counts_partners_by_instrument(filled):
    frame = profile(filled, "TUR", 2022)
    rows = {(r.kind, r.partner): r for r in frame.itertuples(index=False)}
    # the 2022 exercise has USA, JPN and NATO; the agreement (2014) and base (2015) are open
    assert set(rows) == {("exercise", "USA"), ("exercise", "JPN"), ("exercise", "NATO"),
                         ("defence_agreement", "QAT"), ("base_presence", "QAT")}
    assert rows[("exercise", "JPN")].partner_role == "observer"
    assert rows[("exercise", "JPN")].role == "host"
    assert all(r.records == 1 for r in rows.values())


def test_completeness_counts_missing_fields_and_gaps(filled):
    report = completeness(filled, "TUR", year_from=2013, year_to=2016)
    by_year = {(r.kind, r.year): r for r in report.by_year.itertuples(index=False)}
    assert sorted(by_year) == [("base_presence", 2015), ("base_presence", 2016),
                               ("defence_agreement", 2014), ("defence_agreement", 2015),
                               ("defence_agreement", 2016), ("exercise", 2015)]
    assert by_year[("exercise", 2015)].missing == "end: 1, domain: 1, location: 1, personnel: 1"
    assert by_year[("exercise", 2015)].sources == "entered"
    gaps = {(g.kind, g.first_year, g.last_year): g.reason
            for g in report.gaps.itertuples(index=False)}
    assert gaps[("exercise", 2013, 2014)] == "no source covers these years"
    assert gaps[("exercise", 2016, 2016)] == "no source covers these years"
    assert gaps[("visit", 2013, 2016)] == "no source or record of this kind"
    assert ("base_presence", 2015, 2015) not in gaps
    payload = report.to_dict()
    assert payload["country"] == "TUR" and json.dumps(payload)


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_record_commands_end_to_end(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    added = json.loads(_run("record", "add", str(VALID), "--store", db, "--json"))
    assert added["added"] == 3
    listed = json.loads(_run("record", "list", "--country", "TUR", "--kind", "exercise",
                             "--from", "2015", "--to", "2024", "--store", db, "--json"))
    assert [r["name"] for r in listed] == ["Test Exercise 2022"]
    record = listed[0]
    assert {"id", "kind", "name", "start", "end", "actors", "source"} <= set(record)
    assert record["start"] == "2022-05-20"
    assert {"country": "JPN", "role": "observer"} in record["actors"]
    out = tmp_path / "out.csv"
    exported = json.loads(_run("record", "export", "--format", "csv", "--country", "TUR",
                               "--out", str(out), "--store", db, "--json"))
    assert exported["records"] == 3
    assert "TUR:host" in out.read_text(encoding="utf-8")
    report = json.loads(_run("record", "completeness", "--country", "TUR", "--from", "2014",
                             "--to", "2022", "--store", db, "--json"))
    assert {"by_year", "coverage", "gaps"} <= set(report)
    partners = json.loads(_run("profile", "TUR", "--year", "2022", "--store", db, "--json"))
    assert {p["partner"] for p in partners} >= {"USA", "JPN", "QAT"}
    for command in (["record", "build"], ["record", "add"], ["record", "list"],
                    ["record", "export"], ["record", "completeness"], ["profile"]):
        assert "Example:" in _run(*command, "--help")
