"""The analyses on the real data through the real panels (a store built for this module).

Direction checked against the literature: allies' UN votes are more alike — alliance
portfolios and UNGA voting similarity go together (Signorino & Ritter 1999; Gartzke 1998) —
so in the cross-section of Türkiye's dyads an ATOP defence pledge has a positive S-score
coefficient.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from defdip.analysis import effects, event_study
from defdip.store import Store

NEEDED = ("country_codes", "cow_states", "unga_votes", "unga_ideal_points", "atop",
          "sipri_transfers", "sipri_deliveries", "mme_exercises", "ipi_peacekeeping",
          "lowy_gdi")


@pytest.fixture(scope="module")
def built(tmp_path_factory, mirror, vocab) -> Store:
    from defdip.engagements import build_record
    from defdip.measures.build import build_measures

    path = tmp_path_factory.mktemp("analysis") / "defdip.duckdb"
    store = Store(path)
    for name in NEEDED:
        store.load_source(name, mirror=mirror, vocab=vocab)
    build_record(store, vocab)
    build_measures(store, start=1990, end=2019)
    yield store
    store.close()


def test_alliance_pledges_align_votes_in_the_cross_section(built) -> None:
    result = effects(built, "TUR", outcome="un_sscore", start=1995, end=2019,
                     fixed_effects="year")
    atop = result.table.set_index("term").loc["atop_defense"]
    assert atop["estimate"] > 0 and atop["p_value"] < 0.05
    assert result.n_clusters > 150
    assert any(d.startswith("pk_codeploy: observed in") for d in result.dropped)


def test_all_dyads_sample_counts_each_pair_once(built) -> None:
    # Same literature direction as above, now over every pair of states (ccode_1 < ccode_2).
    one = effects(built, "TUR", start=2011, end=2014, fixed_effects="year",
                  instruments=["atop_defense", "arms_out_log"])
    every = effects(built, None, start=2011, end=2014, fixed_effects="year",
                    instruments=["atop_defense", "arms_out_log"])
    assert every.focal is None and "Sample: all dyads, each pair once" in every.specification
    # ~190 states make ~18k undirected pairs a year, Türkiye ~190 directed dyads a year.
    assert every.n_clusters > 50 * one.n_clusters
    assert every.table.set_index("term").loc["atop_defense", "estimate"] > 0


def test_event_study_runs_on_real_exercises(built) -> None:
    result = event_study(built, "TUR", onset="exercise", outcome="un_sscore")
    assert result.n_treated > 20 and result.n_never_treated > 20
    assert list(result.table["event_time"]) == list(range(-5, 6))


def test_cli_json(built) -> None:
    from defdip.cli import app

    runner = CliRunner()
    built.close()  # the CLI opens the file read-only; DuckDB allows one mode per process
    out = runner.invoke(app, ["effects", "TUR", "--store", str(built.path), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["focal"]["iso3"] == "TUR"
    out = runner.invoke(app, ["region", "narnia", "--store", str(built.path)])
    assert "Unknown region 'narnia'" in str(out.exception)


@pytest.mark.parametrize("spelling", ["Turkey", "Turkiye", "Türkiye", "TUR", "640"])
def test_every_spelling_names_the_same_focal_state(built, spelling) -> None:
    from defdip.analysis._common import resolve_focal

    # The analyses resolve through the one vocabulary (Türkiye = COW 640, mirror README).
    assert resolve_focal(built, spelling).ccode == 640
