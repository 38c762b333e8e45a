"""The store's vintage (the key of every cache: the web's responses, the compiled everyday
reads) changes with every write of the record — also when a record is replaced by one with
the same id, which leaves every row count as it was."""

from __future__ import annotations

import pandas as pd

from defdip.store import Store
from defdip.store.migrations import RECORD_TABLES


def _record(name: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = RECORD_TABLES["engagements"][1]
    row = dict.fromkeys(columns)
    row.update(id="e1", kind="exercise", name=name, origin="entered", natural_key="k1",
               start=pd.Timestamp("2019-05-01"), classification="PUBLIC",
               releasable_to=["ALL"])
    actors = pd.DataFrame([{"engagement_id": "e1", "iso3": "TUR", "ccode": 640,
                            "label": "Turkey", "role": "participant"}])
    return pd.DataFrame([row], columns=list(columns)), actors


def test_replacing_a_record_in_place_changes_the_vintage(store: Store) -> None:
    store.upsert_records(*_record("EFES 2019"))
    first = store.vintage()
    counts = store.rows("SELECT name, rows FROM _tables ORDER BY name")
    store.upsert_records(*_record("EFES-2019 (renamed)"))
    assert store.rows("SELECT name, rows FROM _tables ORDER BY name") == counts  # same counts
    assert store.vintage() != first
    assert store.rows("SELECT name FROM engagements") == [{"name": "EFES-2019 (renamed)"}]


def test_the_vintage_is_stable_without_writes(store: Store) -> None:
    store.upsert_records(*_record("EFES 2019"))
    assert store.vintage() == store.vintage()
