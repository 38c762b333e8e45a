"""Invariants of every add_*: the row count never changes and the key stays unique.

Runs each family on a small year range (2005-2016: COW wars to 2007, IPI 2009-2014, Lowy from 2016:
every family has data inside) on both units it supports, plus the catalogue's completeness.
"""

from __future__ import annotations

import shutil

import pytest

from defdip.errors import InvalidArgument, NotLoaded
from defdip.panels import ADDERS, CATALOGUE, create_dyad_years, create_state_years
from defdip.panels.core import Panel
from defdip.store import Store

START, END = 2005, 2016


@pytest.fixture(scope="module")
def measured_store(loaded_store, mirror, tmp_path_factory):
    """A copy of the loaded store with the engagement record and the measures built (the
    session store stays read-only), so every add_* has its tables."""
    from defdip.countries import load_vocabulary
    from defdip.engagements import build_record
    from defdip.measures.build import build_measures

    loaded_store.con.execute("CHECKPOINT")
    target = tmp_path_factory.mktemp("measured") / "defdip.duckdb"
    shutil.copy(loaded_store.path, target)
    copy = Store(target)
    build_record(copy, load_vocabulary(mirror))
    build_measures(copy, start=START, end=END)
    _event_dataset(target.parent / "events")
    yield copy
    copy.close()


def _event_dataset(root) -> None:
    """Events beside the store for add_events: the only real events (ICEWS sample) are from
    2018, outside these years, so three hand-made interstate events dated 2010-03."""
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    from defdip.events import EVENT_SCHEMA

    rows = [{"event_source": "test", "event_id": str(i), "event_date": dt.date(2010, 3, 1 + i),
             "source_ccode": a, "target_ccode": b, "source_sector": "government",
             "target_sector": "military", "code": code, "quad_class": quad, "goldstein": gold}
            for i, (a, b, code, quad, gold) in enumerate([(640, 350, "040", 1, 1.0),
                                                          (350, 640, "138", 3, -7.0),
                                                          (640, 365, "057", 1, 8.0)])]
    table = pa.Table.from_pylist(rows, schema=EVENT_SCHEMA)
    (root / "month=2010-03").mkdir(parents=True)
    pq.write_table(table, root / "month=2010-03" / "part-0.parquet")


def _units(store: Store) -> list[Panel]:
    return [create_dyad_years(store, start=START, end=END),
            create_dyad_years(store, start=START, end=END, directed=False),
            create_state_years(store, start=START, end=END)]


@pytest.mark.parametrize("name", list(ADDERS))
def test_add_keeps_rows_and_key_unique(measured_store, name):
    supported = 0
    for base in _units(measured_store):
        try:
            added = ADDERS[name](base)
        except InvalidArgument as refused:  # a family that has no meaning on this unit
            assert "works on" in str(refused)
            continue
        supported += 1
        keys = list(base.keys)
        rows = base.count()
        assert added.count() == rows
        assert added.expr.select(*keys).distinct().count().execute() == rows
        new = [c for c in added.columns if c not in base.columns]
        assert new, f"{name} added no column"
        assert added.columns[: len(base.columns)] == base.columns
        for column in new:
            stem = column.removesuffix("_1").removesuffix("_2")
            assert column in CATALOGUE or stem in CATALOGUE, f"{column} is not catalogued"
        frame = added.expr.select(*new).execute()
        assert frame.notna().any().any(), f"{name}: every new value is null in {START}-{END}"
    assert supported >= 1


def test_catalogue_names_only_known_families():
    families = {c.add for c in CATALOGUE.values()} - {""}
    assert families == set(ADDERS)


@pytest.mark.parametrize(("name", "table"), [("un_alignment", "un_alignment"),
                                             ("engagement", "engagement_index")])
def test_derived_tables_missing_say_what_to_run(store, loaded_store, name, table):
    # Only the source tables, copied into an empty store: the derived table is absent.
    store.replace_tables({"cow_system": loaded_store.table("cow_system")}, owner="test")
    panel = create_dyad_years(store, start=2000, end=2000)
    with pytest.raises(NotLoaded) as caught:
        ADDERS[name](panel)
    assert str(caught.value) == (f"Table {table!r} is not in the store. It is derived, not "
                                 "loaded: run `defdip measures build` first (after "
                                 "`defdip load`).")


def test_an_empty_engagement_record_says_what_to_run(store, mirror, vocab):
    from defdip.panels import add_exercises

    # A fresh store: the migrations create an empty engagement record; only states loaded.
    store.load_source("cow_states", mirror=mirror, vocab=vocab)
    assert store.sql("SELECT count(*) AS n FROM engagements")["n"][0] == 0
    with pytest.raises(NotLoaded) as caught:
        add_exercises(create_dyad_years(store, start=2000, end=2000))
    assert str(caught.value) == ("Table 'engagements' holds no 'exercise' records. Build the "
                                 "engagement record first: run `defdip record build` (after "
                                 "`defdip load`).")
