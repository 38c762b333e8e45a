"""`defdip panel columns` shows each column's coverage, from the coverage model, and a panel is
NULL exactly where that coverage does not reach."""

from __future__ import annotations

import json

import pandas as pd
from typer.testing import CliRunner

from defdip.cli import app
from defdip.panels import CATALOGUE, build_panel
from defdip.panels.coverage import column_coverage
from defdip.queries.coverage import focal_states
from defdip.queries.tables import Tables

STATE_YEAR_FAMILIES = ("majors", "nmc", "igo", "contiguity", "capdist", "mindist",
                       "terr_threat", "arms", "peacekeeping")


def _columns(*args: str) -> dict[str, dict]:
    result = CliRunner().invoke(app, ["panel", "columns", "--json", *args])
    assert result.exit_code == 0, result.output
    return {row["column"]: row for row in json.loads(result.output)}


def test_columns_show_years_and_states_from_the_record(built_store):
    rows = _columns("--store", str(built_store.path))
    assert list(rows) == list(CATALOGUE)
    # Independently of the query layer: the exercise records' years from the stored record,
    # by origin (derived: every state; curated: the focal states of coverage.yaml).
    records = built_store.table("engagements")
    exercises = records[records["kind"] == "exercise"]
    first = exercises["start"].dt.year
    last = exercises["end"].dt.year.fillna(first).combine(first, max)
    derived = exercises["origin"] == "derived"
    curated = exercises["origin"].isin(["curated", "entered"])
    focal = ", ".join(sorted(focal_states()))
    expected = (f"all {int(first[derived].min())}–{int(last[derived].max())}; focal only "
                f"({focal}) {int(first[curated].min())}–{int(last[curated].max())}")
    assert rows["exercises_joint"]["states"] == expected
    assert rows["exercises_joint"]["states"].startswith("all 1974–2010; focal only (TUR)")
    # COW's wars: the years add_wars fills with 0 (COW inter-state wars v4.0 run to 2007)
    assert (rows["cowinteronset"]["years"], rows["cowinteronset"]["states"]) == \
        ("1816–2007", "all")
    assert rows["ccode_1"]["years"] == ""  # keys make the rows: no coverage of their own


def test_without_a_store_every_column_says_not_loaded(tmp_path):
    rows = _columns("--store", str(tmp_path / "none.duckdb"))
    assert rows["atop_defense"]["years"] == "not loaded"
    assert rows["atop_defense"]["citation"].startswith("leeds2002atop")


def test_a_state_year_panel_is_null_exactly_outside_each_columns_coverage(loaded_store):
    """Across 1985-2025 (the edges of most families: IGO 2014, contiguity and majors 2016,
    NMC 2022, SIPRI from 1995, the mission split from 2009): no value outside a column's
    coverage, and some value in every covered year but the last (a source's final year can
    be partial)."""
    covered = column_coverage(Tables.from_store(loaded_store))
    panel = build_panel(loaded_store, unit="state_year", start=1985, end=2025,
                        add=",".join(STATE_YEAR_FAMILIES)).to_pandas()
    checked = 0
    for name in panel.columns:
        if name not in covered or not covered[name].segments:
            continue
        years = {y for s in covered[name].segments for y in range(s.first, s.last + 1)}
        seen = panel.loc[panel[name].notna(), "year"]
        assert set(seen) <= years, (name, sorted(set(seen) - years))
        inside = {y for y in years if 1985 <= y < max(years)}
        assert inside <= set(seen), (name, sorted(inside - set(seen)))
        checked += 1
    assert checked >= 20
    assert pd.isna(panel.loc[panel.year == 2017, "cowmaj"]).all()  # majors' list ends 2016
    assert set(panel.loc[panel.year == 2016, "cowmaj"]) == {0, 1}
