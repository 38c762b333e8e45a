"""DCAD agreements merged with curated ones: same parties, date and category → one record.

The curated records here are written by hand for the test; the DCAD record they meet is
DCADv1.0-0104 (USA–TUR, signed 1980-03-29, general, categories DCA and DIC, source UST), as
../shared/data/defence_cooperation_agreements/README.md describes it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from defdip.engagements import build_record
from defdip.store import Store

CURATED = """
records:
  - kind: defence_agreement
    subtype: framework
    name: US-Turkey Defense and Economic Cooperation Agreement (DECA)
    start: 1980-03-29
    location: Ankara
    actors:
      - {country: TUR, role: party}
      - {country: USA, role: party}
    confidence: high
    source: {title: "DECA", publisher: "test", url: "https://example.org/deca"}
    notes: "hand-written for the test"
  - kind: defence_agreement
    subtype: training
    name: A training protocol of the same month
    start: 1980-03
    actors:
      - {country: TUR, role: party}
      - {country: USA, role: party}
    source: {title: "protocol", publisher: "test", url: "https://example.org/protocol"}
  - kind: defence_agreement
    subtype: framework
    name: A later agreement DCAD does not hold
    start: 2015-06-01
    actors:
      - {country: TUR, role: party}
      - {country: GRC, role: party}
    source: {title: "later", publisher: "test", url: "https://example.org/later"}
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, mirror: Path, vocab):
    root = tmp_path_factory.mktemp("merge")
    curated = root / "curated"
    curated.mkdir()
    (curated / "engagements_agreements.yaml").write_text(CURATED, encoding="utf-8")
    store = Store(root / "defdip.duckdb")
    for name in ("country_codes", "cow_states", "dcad_agreements"):
        store.load_source(name, mirror=mirror, vocab=vocab)
    summary = build_record(store, vocab, curated_dir=curated, strict=True)
    yield store, summary
    store.close()


def _agreements(store: Store):
    return store.sql("""
        SELECT e.*, list(a.iso3 ORDER BY a.iso3) AS parties FROM engagements e
        JOIN engagement_actors a ON a.engagement_id = e.id AND a.role = 'party'
        WHERE e.kind = 'defence_agreement' GROUP BY ALL""")


def test_same_parties_date_and_category_is_one_record(built) -> None:
    store, summary = built
    frame = _agreements(store)
    deca = frame[frame["name"] == "US-Turkey Defense and Economic Cooperation Agreement (DECA)"]
    assert len(deca) == 1
    row = deca.iloc[0]
    assert row["source"] == "dcad_agreements" and row["origin"] == "derived"
    assert row["citation"] == "kinne2020dcad, DCADv1.0-0104; test, DECA"
    assert row["url"] == "https://example.org/deca" and row["location"] == "Ankara"
    claims = json.loads(row["conflict"])
    assert claims[-1]["value"] == "DCAD DCADv1.0-0104"
    assert row["notes"].startswith("hand-written for the test | DCAD DCADv1.0-0104: general")
    # 1,871 DCAD rows, 3 with one state on both sides left out; one curated record merged
    assert (frame["source"] == "dcad_agreements").sum() == 1868
    assert (frame["origin"] == "curated").sum() == 2
    assert len(frame) == 1868 + 2
    assert any(n.startswith("agreements: 1 curated agreement(s) merged") for n in
               summary["notes"])


def test_another_category_stays_apart_and_is_named(built) -> None:
    store, summary = built
    frame = _agreements(store)
    protocol = frame[frame["name"] == "A training protocol of the same month"]
    assert len(protocol) == 1 and protocol["origin"].item() == "curated"
    apart = [n for n in summary["notes"] if "kept apart" in n]
    assert len(apart) == 1
    # the month-precise date matches both USA-TUR agreements of 29 March 1980; neither is a
    # training agreement (DCADv1.0-0103: DIC+PROCUREMENT, -0104: DCA+DIC)
    assert "'A training protocol of the same month' (training) and DCAD DCADv1.0-0103 " \
           "(defence_industry)" in apart[0]
    assert "DCAD DCADv1.0-0104 (framework)" in apart[0]
    later = frame[frame["name"] == "A later agreement DCAD does not hold"]
    assert list(later["parties"].item()) == ["GRC", "TUR"]
