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
    from defdip.store import core

    assert store.load_source("cow_states", mirror=mirror, vocab=vocab).status == "loaded"
    assert store.load_source("cow_states", mirror=mirror, vocab=vocab).status == "unchanged"
    real = core.parser_fingerprint
    monkeypatch.setattr(core, "parser_fingerprint", lambda module: real(module) + "-edited")
    assert store.load_source("cow_states", mirror=mirror, vocab=vocab).status == "loaded"
