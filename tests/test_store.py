"""The store: atomic, idempotent loads with provenance; migrations run once."""

from __future__ import annotations

import pandas as pd
import pytest

from defdip.store.migrations import MIGRATIONS


def test_migrations_recorded_once(store):
    numbers = [n for n, *_ in MIGRATIONS]
    assert store.sql("SELECT number FROM _migrations ORDER BY 1")["number"].tolist() == numbers
    assert store.migrate() == []


def test_load_twice_changes_nothing(store, mirror, vocab):
    first = store.load_source("cow_states", mirror=mirror, vocab=vocab)
    before = store.table("cow_system")
    second = store.load_source("cow_states", mirror=mirror, vocab=vocab)
    assert (first.status, second.status) == ("loaded", "unchanged")
    pd.testing.assert_frame_equal(before, store.table("cow_system"))
    # 15,950 rows: the count the mirror's README gives for the country-year file.
    assert first.tables["cow_system"] == 15950


def test_failed_replace_keeps_previous_tables(store, mirror, vocab):
    store.load_source("cow_states", mirror=mirror, vocab=vocab)
    before = store.table("cow_states")
    bad = {"cow_states": pd.DataFrame({"x": [1]}), "cow_system": object()}
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll back
        store.replace_tables(bad, owner="cow_states")  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(before, store.table("cow_states"))


def test_provenance_recorded(store, mirror, vocab):
    store.load_source("country_codes", mirror=mirror, vocab=vocab)
    row = store.provenance().set_index("name").loc["country_codes"]
    assert len(row["fingerprint"]) == 64
    assert "sha256" in row["files"]


def test_a_changed_parser_reloads(store, mirror, vocab, monkeypatch):
    from defdip.store import loading

    assert store.load_source("cow_states", mirror=mirror, vocab=vocab).status == "loaded"
    assert store.load_source("cow_states", mirror=mirror, vocab=vocab).status == "unchanged"
    real = loading.parser_fingerprint
    monkeypatch.setattr(loading, "parser_fingerprint", lambda module: real(module) + "-edited")
    assert store.load_source("cow_states", mirror=mirror, vocab=vocab).status == "loaded"


def test_a_changed_helper_reloads_the_sources_that_use_it(monkeypatch):
    """sipri_deliveries reuses sipri_transfers' readers: editing sipri_transfers must change
    the deliveries' fingerprint (so a load re-parses them), and leave unrelated sources alone."""
    import inspect

    from defdip.sources import (
        _peacesciencer,
        cow_nmc,
        cow_states,
        sipri_deliveries,
        sipri_transfers,
    )
    from defdip.store import fingerprint

    used = [sipri_deliveries, cow_nmc, cow_states]
    before = {m.__name__: fingerprint.parser_fingerprint(m) for m in used}
    real = inspect.getsource
    edited = {sipri_transfers, _peacesciencer}
    monkeypatch.setattr(inspect, "getsource",
                        lambda obj: real(obj) + ("# edited" if obj in edited else ""))
    after = {m.__name__: fingerprint.parser_fingerprint(m) for m in used}
    assert after[sipri_deliveries.__name__] != before[sipri_deliveries.__name__]
    assert after[cow_nmc.__name__] != before[cow_nmc.__name__]  # reads .rda via _peacesciencer
    assert after[cow_states.__name__] == before[cow_states.__name__]


def test_the_record_schema_is_the_models():
    """The store writes the record with the columns the engagement model builds."""
    from defdip.engagements.model import ACTOR_COLUMNS, ENGAGEMENT_COLUMNS
    from defdip.store.migrations import RECORD_TABLES

    assert RECORD_TABLES["engagements"][1] == ENGAGEMENT_COLUMNS
    assert RECORD_TABLES["engagement_actors"][1] == ACTOR_COLUMNS


def test_the_duckdb_store_is_a_store(tmp_path):
    from defdip.store import Store
    from defdip.store.base import StoreLike

    assert isinstance(Store(tmp_path / "x.duckdb"), StoreLike)
