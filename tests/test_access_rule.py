"""Markings on every record, and the embedded store read through a principal's scope."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
import yaml

from defdip.engagements import add_records, export_records, list_records
from defdip.errors import DefdipError, InvalidRecord
from defdip.store import Store
from defdip.store.markings import ANONYMOUS, Principal, may_see, parse_releasable
from defdip.store.migrations import MIGRATIONS
from defdip.store.scope import Scope
from defdip.store.session import reading, writing

SRC = Path(__file__).resolve().parents[1] / "src" / "defdip"
SOURCE = {"url": "https://example.org/record"}


def _record(name: str, **marking) -> dict:
    return {"kind": "exercise", "name": name, "start": "2022-05-01", "source": dict(SOURCE),
            "actors": [{"country": "TUR", "role": "host"}, {"country": "DEU",
                                                            "role": "participant"}],
            **marking}


RECORDS = [
    _record("Open"),
    _record("Nato restricted", classification="RESTRICTED", owner_nation="TUR",
            releasable_to=["NATO"]),
    _record("Turkish secret", classification="SECRET", owner_nation="TUR"),
    _record("Owner only, public", owner_nation="TUR", releasable_to=[]),
]


@pytest.fixture()
def marked_store(tmp_path, vocab) -> Path:
    path = tmp_path / "defdip.duckdb"
    file = tmp_path / "records.yaml"
    file.write_text(yaml.safe_dump({"records": RECORDS}), encoding="utf-8")
    with writing(path) as store:
        add_records(store, vocab, file)
    return path


def test_the_rule_in_python():
    nato_de = Principal("hans", "DEU", "RESTRICTED", ("NATO",))
    assert may_see(nato_de, "RESTRICTED", "TUR", ["NATO"])
    assert not may_see(nato_de, "CONFIDENTIAL", "TUR", ["NATO"])   # above the clearance
    assert not may_see(nato_de, "PUBLIC", "TUR", [])                # empty list: owner only
    assert may_see(Principal("ayse", "TUR"), "PUBLIC", "TUR", [])   # ... who sees it
    assert not may_see(ANONYMOUS, "PUBLIC", None, ["NATO"])
    assert may_see(ANONYMOUS, "PUBLIC", None, ["ALL"])
    assert not may_see(nato_de, "UNKNOWN", None, ["ALL"])           # fails closed
    assert parse_releasable("nato; usa ,ALL") == ("ALL", "NATO", "USA")
    assert parse_releasable("[]") == ()
    with pytest.raises(ValueError, match="'NATOO' is neither ALL, a group"):
        parse_releasable(["NATOO"])


def test_each_reader_sees_what_the_rule_allows_in_lists_counts_and_sql(marked_store):
    readers = {
        "the file's owner (no scope)": (None, ["Nato restricted", "Open", "Owner only, public",
                                               "Turkish secret"]),
        "anonymous": (ANONYMOUS, ["Open"]),
        "DEU, NATO, RESTRICTED": (Principal("h", "DEU", "RESTRICTED", ("NATO",)),
                                  ["Nato restricted", "Open"]),
        "TUR, RESTRICTED": (Principal("a", "TUR", "RESTRICTED"),
                            ["Nato restricted", "Open", "Owner only, public"]),
        "TUR, SECRET": (Principal("b", "TUR", "SECRET"),
                        ["Nato restricted", "Open", "Owner only, public", "Turkish secret"]),
        "RUS, SECRET": (Principal("i", "RUS", "SECRET"), ["Open"]),
    }
    vintages = {}
    for label, (who, names) in readers.items():
        with reading(marked_store, scope=Scope(who) if who else None) as store:
            assert sorted(list_records(store)["name"]) == names, label
            # raw SQL, as the brief's sections and the completeness report write it
            assert store.sql("SELECT count(*) AS n FROM engagements")["n"][0] == len(names)
            assert store.sql("SELECT count(DISTINCT engagement_id) AS n FROM "
                             "engagement_actors")["n"][0] == len(names)
            vintages[label] = store.vintage()
    assert len(set(vintages.values())) == len(vintages)  # no two views share a vintage
    same_class = Principal("other", "DEU", "RESTRICTED", ("NATO",))
    with reading(marked_store, scope=Scope(same_class)) as store:
        assert store.vintage() == vintages["DEU, NATO, RESTRICTED"]


def test_markings_round_trip_through_every_export_format(marked_store, tmp_path, vocab):
    for fmt in ("csv", "yaml", "json"):
        out = tmp_path / f"all.{fmt}"
        with reading(marked_store) as store:
            export_records(store, out)
            before = list_records(store)[["name", "classification", "owner_nation",
                                          "releasable_to"]]
        again = tmp_path / f"again-{fmt}.duckdb"
        with writing(again) as store:
            add_records(store, vocab, out)
        with reading(again) as store:
            after = list_records(store)[["name", "classification", "owner_nation",
                                         "releasable_to"]]
        for frame in (before, after):
            frame["releasable_to"] = frame["releasable_to"].map(list)
        # the empty list (owner only) stays empty: it never widens to ALL
        assert after.to_dict("records") == before.to_dict("records"), fmt


def test_bad_markings_are_refused_with_the_field_named(tmp_path, vocab, store):
    bad = [_record("A", classification="TOP SECRET"),
           _record("B", releasable_to=["NATO", "XYZ"]),
           _record("C", owner_nation="NATO"),
           _record("D", classification="RESTRICTED")]
    file = tmp_path / "bad.yaml"
    file.write_text(yaml.safe_dump({"records": bad}), encoding="utf-8")
    with pytest.raises(InvalidRecord) as caught:
        add_records(store, vocab, file)
    assert caught.value.problems == [
        f"{file}, record 1, field 'classification': 'TOP SECRET' is not one of PUBLIC, "
        "RESTRICTED, CONFIDENTIAL, SECRET",
        f"{file}, record 2, field 'releasable_to': 'XYZ' is not a state's ISO3 code, a group "
        "(NATO, EU, FVEY, AU, ASEAN, GCC, OSCE, UN, CSTO, SCO, OTS) or ALL",
        f"{file}, record 3, field 'owner_nation': 'NATO' is not a state's ISO3 code (e.g. "
        "'TUR')",
        f"{file}, record 4, field 'releasable_to': None releases a RESTRICTED record to "
        "nobody: name its owner_nation or the nations and groups it is releasable to",
    ]
    assert store.sql("SELECT count(*) AS n FROM engagements")["n"][0] == 0


def test_a_store_from_before_markings_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE _migrations (number INTEGER PRIMARY KEY, description VARCHAR, "
                "applied_at TIMESTAMP)")
    for number, description, statements in MIGRATIONS[:2]:
        con.execute(statements)
        con.execute("INSERT INTO _migrations VALUES (?, ?, now())", [number, description])
    con.execute("INSERT INTO engagements (id, kind, origin, natural_key, releasability) VALUES "
                "('a', 'visit', 'entered', 'a', 'PUBLIC'), "
                "('b', 'visit', 'entered', 'b', 'restricted'), "
                "('c', 'visit', 'entered', 'c', 'NOFORN')")
    con.close()
    with pytest.raises(DefdipError, match="predates releasability markings"), \
            reading(path, scope=Scope(ANONYMOUS)) as store:
        store.sql("SELECT 1")
    with Store(path) as store:  # opening it for writing migrates it
        rows = store.rows("SELECT id, classification, releasable_to FROM engagements "
                          "ORDER BY id")
    # a level keeps its level, released to ALL as it was read before; anything else fails
    # closed
    assert rows == [{"id": "a", "classification": "PUBLIC", "releasable_to": ["ALL"]},
                    {"id": "b", "classification": "RESTRICTED", "releasable_to": ["ALL"]},
                    {"id": "c", "classification": "SECRET", "releasable_to": []}]


def test_no_reader_above_the_store_can_reach_around_the_scope():
    """A scoped connection shadows `engagements` and `engagement_actors` with views; only a
    fully qualified name or a second cursor (a new connection without the views) would read
    the stored tables. No module outside store/ writes either."""
    pattern = re.compile(r"\.cursor\(|\.main\.engagement|\"main\"\.\"engagement")
    offenders = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py")
                 if path.parent.name != "store" and pattern.search(path.read_text())]
    assert offenders == []
