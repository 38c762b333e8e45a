"""A server over the embedded DuckDB store has no accounts, so nobody signs in: it reads as
the anonymous reader (PUBLIC, released to ALL) as soon as the file holds a record the rule
hides from that reader, and unscoped (pooled, cached; the same answers) while it holds none."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from defdip.store import Store
from defdip.store.markings import ANONYMOUS
from defdip.store.migrations import RECORD_TABLES
from defdip.web.deps import get_context


def _record(rid: str, classification: str, releasable: list[str]) -> tuple[pd.DataFrame,
                                                                              pd.DataFrame]:
    columns = RECORD_TABLES["engagements"][1]
    row = dict.fromkeys(columns)
    row.update(id=rid, kind="visit", name=f"visit {rid}", origin="entered", natural_key=rid,
               start=pd.Timestamp("2024-03-01"), classification=classification,
               owner_nation="TUR", releasable_to=releasable)
    actors = pd.DataFrame([{"engagement_id": rid, "iso3": "TUR", "ccode": 640,
                            "label": "Turkey", "role": "host"}])
    return pd.DataFrame([row], columns=list(columns)), actors


def _request(path) -> SimpleNamespace:
    return SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(store=path)))


def test_a_server_reads_as_the_anonymous_reader_once_a_record_is_marked(tmp_path,
                                                                        monkeypatch) -> None:
    monkeypatch.delenv("DEFDIP_DATABASE_URL", raising=False)
    public, marked = tmp_path / "public" / "defdip.duckdb", tmp_path / "marked" / "defdip.duckdb"
    with Store(public) as store:
        store.upsert_records(*_record("r1", "PUBLIC", ["ALL"]))
    with Store(marked) as store:
        store.upsert_records(*_record("r1", "PUBLIC", ["ALL"]))
        store.upsert_records(*_record("r2", "RESTRICTED", ["NATO"]))
    assert get_context(_request(public), None).user is None  # nothing hidden: unscoped
    ctx = get_context(_request(marked), None)
    assert ctx.user == ANONYMOUS
    with ctx.reading() as store:  # the scoped read: the marked record is not there
        names = [r["name"] for r in store.rows("SELECT name FROM engagements ORDER BY id")]
    assert names == ["visit r1"]
