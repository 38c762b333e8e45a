"""Engagement index, network standing, build_measures and the CLI on hand-made store tables."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from defdip.cli import app
from defdip.errors import InvalidArgument, NotLoaded
from defdip.measures import EngagementWeights, build_measures, engagement_index, standing
from defdip.store import Store

# Year 2000, states 2, 20, 640:
#  arms:      2→640 TIV 99, 2→20 TIV 9  → log1p-max: 2–640 log100/log100 = 1, 2–20 log10/log100 = .5
#  exercises: m1 {2, 640, 20}, m2 {2, 640} → counts 2–640: 2, 2–20: 1, 640–20: 1;
#             log1p-max: 1, log2/log3, log2/log3
#  alliance:  ATOP 2–640 (listed in both directions, as the ATOP file does) → 1
#  embassy:   640 has an embassy in 2 → diplomatic component (1 + 0)/2 = .5
#  no peacekeeping, no agreements table → those weights drop: total .25+.2+.15+.1 = .7
L = math.log(2) / math.log(3)
EXPECTED = {(2, 640): (0.25 + 0.2 + 0.15 + 0.1 * 0.5) / 0.7,
            (2, 20): (0.25 * L + 0.2 * 0.5) / 0.7,
            (20, 640): (0.25 * L) / 0.7}


@pytest.fixture()
def small(store: Store) -> Store:
    store.replace_tables({
        "sipri_deliveries": pd.DataFrame({"supplier_ccode": [2, 2], "recipient_ccode": [640, 20],
                                          "year": [2000, 2000], "tiv": [99.0, 9.0]}),
        # exercises come from the record (MME-derived: a source that covers every state)
        "engagements": pd.DataFrame({"id": ["m1", "m2"], "kind": ["exercise"] * 2,
                                     "name": ["m1", "m2"],
                                     "start": pd.to_datetime(["2000-03-01", "2000-06-01"]),
                                     "end": pd.to_datetime([None, None]),
                                     "source": ["mme_exercises"] * 2,
                                     "origin": ["derived"] * 2}),
        "engagement_actors": pd.DataFrame({"engagement_id": ["m1", "m1", "m1", "m2", "m2"],
                                           "iso3": ["USA", "TUR", "CAN", "USA", "TUR"],
                                           "ccode": [2, 640, 20, 2, 640],
                                           "role": ["participant"] * 5}),
        "atop_dyad_year": pd.DataFrame({"ccode1": [2, 640], "ccode2": [640, 2],
                                        "year": [2000, 2000], "atop_defense": [1, 1],
                                        "atop_offense": [0, 0], "atop_neutral": [0, 0],
                                        "atop_nonagg": [0, 0], "atop_consul": [0, 0]}),
        "lowy_posts": pd.DataFrame({"year": [2000], "sender_ccode": [640], "host_ccode": [2],
                                    "post_type": ["embassy"]}),
        "country_codes": pd.DataFrame({"iso3": ["USA", "CAN", "TUR"], "ccode": [2, 20, 640],
                                       "name": ["United States", "Canada", "Turkey"]}),
    }, owner="test")
    return store


def test_index_matches_hand_computation(small: Store) -> None:
    out = engagement_index(small)
    assert len(out) == 6 and not out.duplicated(["ccode_1", "ccode_2", "year"]).any()
    for (a, b), value in EXPECTED.items():
        for one, two in ((a, b), (b, a)):
            row = out[(out["ccode_1"] == one) & (out["ccode_2"] == two)].iloc[0]
            assert row["engagement_index"] == pytest.approx(value)
    row = out[(out["ccode_1"] == 2) & (out["ccode_2"] == 640)].iloc[0]
    assert (row["arms_tiv_1to2"], row["arms_tiv_2to1"]) == (99.0, 0.0)
    assert (row["exercises"], row["alliance"]) == (2.0, 1.0)  # not doubled by the ATOP file
    assert (row["embassy_1in2"], row["embassy_2in1"]) == (0.0, 1.0)
    assert pd.isna(row["agreements"]) and pd.isna(row["peacekeeping"])  # not loaded: unknown
    assert row["instruments"] == 4


def test_weights_are_configurable_and_checked(small: Store) -> None:
    arms_only = engagement_index(small, EngagementWeights(exercises=0, agreements=0,
                                                          alliance=0, peacekeeping=0,
                                                          diplomatic=0))
    pair = arms_only[(arms_only["ccode_1"] == 20) & (arms_only["ccode_2"] == 2)]
    assert pair["engagement_index"].iloc[0] == pytest.approx(0.5)
    with pytest.raises(InvalidArgument, match=r"weight arms=-1 must be a finite number >= 0"):
        EngagementWeights(arms=-1)


def test_standing_of_the_triangle(small: Store) -> None:
    index = engagement_index(small)
    build_measures(small)
    out = standing(small, 2000)
    assert out["ccode"].tolist()[0] == 2 and out["rank"].tolist()[0] == 1
    assert out.loc[0, ["iso3", "name"]].tolist() == ["USA", "United States"]
    us = out.set_index("ccode").loc[2]
    assert us["strength"] == pytest.approx(EXPECTED[(2, 640)] + EXPECTED[(2, 20)])
    assert out["pagerank"].sum() == pytest.approx(1.0)
    # Independent check: the eigenvector is numpy's leading eigenvector of the 3×3 adjacency.
    order = [2, 20, 640]
    adj = np.zeros((3, 3))
    for row in index.itertuples():
        adj[order.index(row.ccode_1), order.index(row.ccode_2)] = row.engagement_index
    _, vectors = np.linalg.eigh(adj)
    lead = np.abs(vectors[:, -1])
    got = out.set_index("ccode").loc[order, "eigenvector"].to_numpy()
    assert got == pytest.approx(lead / np.linalg.norm(lead), abs=1e-9)
    # arms, exercises, alliance, and diplomatic presence (hosting Türkiye's embassy counts:
    # the component belongs to the dyad)
    assert us["partners"] == 2 and us["instruments_used"] == 4
    # reach: only 640 posts (1 host); breadth of 640 = (2/2 + 4/6)/2
    tur = out.set_index("ccode").loc[640]
    assert tur["diplomatic_reach"] == 1
    assert tur["soft_power_proxy"] == pytest.approx((1 + (1 + 4 / 6) / 2) / 2)
    assert pd.isna(us["soft_power_proxy"])  # the US sends no Lowy post here
    assert len(standing(small, 2000, top=1)) == 1


def test_standing_errors(small: Store, store: Store) -> None:
    build_measures(small)
    with pytest.raises(InvalidArgument, match=r"no engagement recorded in year 1990; the "
                                              r"standing covers 2000–2000"):
        standing(small, 1990)
    with pytest.raises(InvalidArgument, match=r"--top 0 must be at least 1"):
        standing(small, 2000, top=0)


def test_build_reports_what_it_skips(small: Store) -> None:
    notes: list[str] = []
    counts = build_measures(small, on_note=notes.append)
    assert counts == {"engagement_index": 6, "network_standing": 3}
    assert notes == ["unga_votes not loaded: skipped un_alignment and un_partner_agreement",
                     "engagement instruments without data (null, no weight): agreements, "
                     "peacekeeping"]


def test_nothing_loaded(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.duckdb") as empty:
        assert build_measures(empty) == {}
        with pytest.raises(NotLoaded, match=r"Table 'engagement_index' is not in the store"):
            standing(empty, 2019)


def test_cli(small: Store) -> None:
    path = str(small.path)
    runner = CliRunner()
    built = runner.invoke(app, ["measures", "build", "--store", path, "--json"])
    assert built.exit_code == 0, built.output
    assert json.loads(built.output)["tables"] == {"engagement_index": 6, "network_standing": 3}
    small.close()
    result = runner.invoke(app, ["standing", "--year", "2000", "--top", "2", "--store", path,
                                 "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["iso3"] for r in rows] == ["USA", "TUR"]
    text = runner.invoke(app, ["standing", "--year", "2000", "--store", path],
                         env={"COLUMNS": "200"})
    assert "United States" in text.output and "Network standing 2000" in text.output
    help_text = runner.invoke(app, ["standing", "--help"]).output
    assert "Example: defdip standing --year 2019" in help_text
