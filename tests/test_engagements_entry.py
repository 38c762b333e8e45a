"""Entry, validation and round trips of engagement records (hand-written fixtures)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from defdip.engagements import (
    add_records,
    build_record,
    engagement_id,
    export_records,
    list_records,
    load_curated,
)
from defdip.engagements.model import format_partial, parse_partial
from defdip.errors import InvalidRecord

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "engagements_valid.yaml"
INVALID = FIXTURES / "engagements_invalid.csv"


def _count(store) -> int:
    return int(store.sql("SELECT count(*) AS n FROM engagements")["n"].iloc[0])


def test_partial_dates_keep_their_precision():
    assert parse_partial("2022-05-20")[1] == "day"
    assert parse_partial("2022-05") == (pd.Timestamp("2022-05-01").date(), "month")
    assert parse_partial(2022) == (pd.Timestamp("2022-01-01").date(), "year")
    assert format_partial(pd.Timestamp("2022-05-01"), "month") == "2022-05"
    with pytest.raises(ValueError, match="is not a date"):
        parse_partial("May 2022")


def test_add_validates_and_stores_actors(store, vocab):
    result = add_records(store, vocab, VALID)
    assert (result["added"], result["updated"]) == (3, 0)
    frame = list_records(store, country="TUR")
    exercise = frame[frame["kind"] == "exercise"].iloc[0]
    # names resolved through the vocabulary; NATO is a declared non-state label
    assert sorted((a["country"], a["role"]) for a in exercise["actors"]) == [
        ("JPN", "observer"), ("NATO", "observer"), ("TUR", "host"), ("USA", "participant")]
    assert exercise["start_precision"] == "day" and exercise["end_precision"] == "month"
    assert exercise["conflict"][0]["value"] == 45
    assert exercise["citation"] == "Test publisher, Test page"
    # no marking given: PUBLIC, no owner nation, released to ALL
    assert exercise["origin"] == "entered" and exercise["classification"] == "PUBLIC"
    assert exercise["owner_nation"] is None and list(exercise["releasable_to"]) == ["ALL"]
    # legal_basis names an agreement in the same file: stored as that record's id
    base = frame[frame["kind"] == "base_presence"].iloc[0]
    agreement = frame[frame["kind"] == "defence_agreement"].iloc[0]
    assert base["legal_basis"] == agreement["id"]
    # the id is the hash of kind + natural key (name + start as written)
    assert exercise["id"] == engagement_id("exercise", "test exercise 2022|2022-05-20")


def test_readding_updates_instead_of_duplicating(store, vocab, tmp_path):
    add_records(store, vocab, VALID)
    changed = tmp_path / "changed.yaml"
    changed.write_text(VALID.read_text(encoding="utf-8").replace(
        "notes: first test record", "notes: corrected"), encoding="utf-8")
    result = add_records(store, vocab, changed)
    assert (result["added"], result["updated"]) == (0, 3)
    assert _count(store) == 3
    notes = store.sql("SELECT notes FROM engagements WHERE kind = 'exercise'")["notes"]
    assert list(notes) == ["corrected"]
    actors = store.sql("SELECT count(*) AS n FROM engagement_actors")["n"].iloc[0]
    assert actors == 4 + 2 + 2


def test_invalid_file_reports_every_row_and_writes_nothing(store, vocab):
    add_records(store, vocab, VALID)
    with pytest.raises(InvalidRecord) as caught:
        add_records(store, vocab, INVALID)
    problems = caught.value.problems
    where = f"{INVALID}"
    assert f"{where}, row 3, field 'end': '2021-09-01' is before start '2021-09-10'" in problems
    assert any(p.startswith(f"{where}, row 4, field 'actors[2].country': 'Narnia' is neither "
                            "a country the vocabulary resolves") for p in problems)
    assert f"{where}, row 4, field 'domain': 'sea' is not one of land, air, naval, joint, " \
           "cyber, space" in problems
    assert f"{where}, row 5, field 'actors': 'RUS:supplier' lacks an actor with role " \
           "recipient (required for arms_transfer)" in problems
    assert f"{where}, row 6, field 'confidence': 'certain' is not one of high, medium, " \
           "low" in problems
    assert f"{where}, row 6, field 'scale.personnel': '-5' must be a whole number >= 0" \
        in problems
    assert any(p.startswith(f"{where}, row 6, field 'actors[1].role': 'boss'") for p in problems)
    assert any(p.startswith(f"{where}, row 6, field 'start': '2021-13' is not a calendar date")
               for p in problems)
    assert not any(", row 2," in p for p in problems)  # the good row is not blamed
    assert str(caught.value).startswith(f"{where}: 9 problem(s); nothing was written.")
    assert _count(store) == 3  # the valid first row was not written either


def test_unknown_field_and_missing_required_fields(store, vocab, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"records": [
        {"kind": "exercise", "strat": "2020", "actors": [{"country": "TUR", "role": "host"}]},
        {"kind": "parade", "name": "x"},
        {"kind": "defence_agreement", "name": "One-sided", "start": "2020",
         "actors": [{"country": "TUR", "role": "party"}]},
    ]}), encoding="utf-8")
    with pytest.raises(InvalidRecord) as caught:
        add_records(store, vocab, path)
    text = "\n".join(caught.value.problems)
    assert f"{path}, record 1, field 'strat': '2020' is not a known field" in text
    assert f"{path}, record 1, field 'name': None is missing; exercise records need name, " \
           "start" in text
    assert f"{path}, record 2, field 'kind': 'parade' is not one of attache_post" in text
    assert f"{path}, record 3, field 'actors': 'TUR:party' must name at least two parties" \
        in text
    assert _count(store) == 0


@pytest.mark.parametrize("fmt", ["yaml", "csv", "json"])
def test_export_then_add_round_trips(store, vocab, tmp_path, fmt):
    from defdip.store import Store

    add_records(store, vocab, VALID)
    out = tmp_path / f"export.{fmt}"
    assert export_records(store, out)["records"] == 3
    fresh = Store(tmp_path / "fresh.duckdb")
    try:
        add_records(fresh, vocab, out)
        query = "SELECT * FROM engagements ORDER BY id"
        pd.testing.assert_frame_equal(store.sql(query), fresh.sql(query))
        actors = "SELECT * FROM engagement_actors ORDER BY engagement_id, iso3, role"
        pd.testing.assert_frame_equal(store.sql(actors), fresh.sql(actors))
    finally:
        fresh.close()


def test_entered_records_survive_a_rebuild(store, vocab):
    add_records(store, vocab, VALID)
    result = build_record(store, vocab, curated_dir=FIXTURES / "engagements_curated")
    assert result["by_origin"] == {"curated": 1, "entered": 3}
    assert any("skipped" in n and "mme_exercises" in n for n in result["notes"])
    assert len(result["invalid_curated"]) == 1
    assert "record 2, field 'actors': 'TUR:supplier' lacks an actor with role recipient" \
        in result["invalid_curated"][0]
    again = build_record(store, vocab, curated_dir=FIXTURES / "engagements_curated")
    assert again["engagements"] == 4


def test_curated_strict_mode_names_file_record_and_field(vocab):
    with pytest.raises(InvalidRecord, match=r"engagements_test\.yaml, record 2, field "
                                            r"'actors': 'TUR:supplier' lacks"):
        load_curated(vocab, FIXTURES / "engagements_curated")


def test_impossible_yaml_date_is_a_field_problem_not_a_crash(store, vocab, tmp_path):
    # YAML would turn 2024-13-01 into a date and fail inside the parser; the record's own
    # validation must report it with its record and field instead.
    path = tmp_path / "bad-date.yaml"
    path.write_text("records:\n  - kind: exercise\n    name: X\n    start: 2024-13-01\n"
                    "    actors: [{country: TUR, role: host}]\n"
                    "    source: {url: 'https://example.org/x'}\n", encoding="utf-8")
    with pytest.raises(InvalidRecord) as caught:
        add_records(store, vocab, path)
    assert (f"{path}, record 1, field 'start': '2024-13-01' is not a calendar date "
            "(month must be in 1..12)") in caught.value.problems
    assert not store.has("engagements") or store.sql(
        "SELECT count(*) AS n FROM engagements")["n"][0] == 0


def test_entered_records_must_say_where_they_come_from(store, vocab, tmp_path):
    path = tmp_path / "no-source.yaml"
    path.write_text("records:\n  - kind: exercise\n    name: X\n    start: 2024\n"
                    "    actors: [{country: TUR, role: host}]\n", encoding="utf-8")
    with pytest.raises(InvalidRecord, match=r"record 1, field 'source': None needs source.url"):
        add_records(store, vocab, path)


_CURATED_EXERCISE = """  - kind: exercise
    name: {name}
    start: 2020
    actors: [{{country: TUR, role: host}}]
    source: {{title: Test, url: "https://example.org/{slug}", retrieved: 2026-11-24}}
"""


def test_a_repeated_curated_record_is_left_out_not_a_crash(vocab, tmp_path):
    """strict=False keeps the first of two records with one natural key (in a file or across
    files), notes the repeat, and still loads every other record."""
    (tmp_path / "engagements_a.yaml").write_text(
        "records:\n" + _CURATED_EXERCISE.format(name="Twin", slug="1")
        + _CURATED_EXERCISE.format(name="Twin", slug="2")
        + _CURATED_EXERCISE.format(name="Other", slug="3"))
    (tmp_path / "engagements_b.yaml").write_text(
        "records:\n" + _CURATED_EXERCISE.format(name="Twin", slug="4"))
    loaded = load_curated(vocab, tmp_path, strict=False)
    assert sorted(loaded.engagements["name"]) == ["Other", "Twin"]
    assert loaded.engagements["id"].is_unique
    assert set(loaded.actors["engagement_id"]) == set(loaded.engagements["id"])
    twin = loaded.engagements.set_index("name").loc["Twin"]
    assert twin["url"] == "https://example.org/1"  # the first record stands
    left_out = [n for n in loaded.notes if "left out" in n]
    assert len(left_out) == 2 and any("engagements_b.yaml" in n for n in left_out)
    with pytest.raises(InvalidRecord, match="repeats"):
        load_curated(vocab, tmp_path)
