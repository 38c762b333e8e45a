"""Challenges: Chow test by hand, embargo screening on a hand-made fixture, the tension
monitor on the real data (Greece–Türkiye: NATO allies with MIDs and a rivalry)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from defdip.analysis.breakpoints import chow_test, load_breakpoints
from defdip.analysis.screening import (
    load_embargoes,
    register_delivery_years,
    screen_transfers,
)
from defdip.analysis.tension import quad_class, tension_monitor
from defdip.errors import InvalidArgument, InvalidRecord


def _rss(x: np.ndarray, y: np.ndarray) -> float:
    design = np.column_stack([np.ones_like(x), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(((y - design @ beta) ** 2).sum())


def test_chow_matches_numpy_by_hand() -> None:
    rng = np.random.default_rng(7)
    years = np.arange(2000, 2016)
    values = 0.1 * (years - 2000) + np.where(years >= 2008, 1.5, 0) + rng.normal(0, .2, 16)
    res = chow_test(years, values, 2008)
    b = years < 2008
    split = _rss(years[b], values[b]) + _rss(years[~b], values[~b])
    expected = ((_rss(years, values) - split) / 2) / (split / (16 - 4))
    assert res.f_stat == pytest.approx(expected, rel=1e-9)
    assert res.p_value < 0.01 and (res.n_before, res.n_after) == (8, 8)


def test_chow_no_break_is_not_significant() -> None:
    years = np.arange(1990, 2010)
    values = 2 + 0.3 * years + np.random.default_rng(2).normal(0, 0.5, 20)
    assert chow_test(years, values, 2000).p_value > 0.05


def test_chow_needs_years_on_both_sides() -> None:
    with pytest.raises(InvalidArgument, match=r"needs at least 3 years on each side; the "
                                              r"series has 2 before and 5 after"):
        chow_test(np.arange(2000, 2007), np.arange(7.0), 2002)


def _embargoes() -> pd.DataFrame:
    return pd.DataFrame([
        {"target": "AAA", "resolution": "S/RES/1 (2000)", "start": date(2000, 6, 1),
         "end": date(2003, 3, 1), "scope": "full"},
        {"target": "BBB", "resolution": "S/RES/2 (2010)", "start": date(2010, 1, 1),
         "end": None, "scope": "partial"}])


def test_screening_on_a_hand_made_fixture() -> None:
    deliveries = pd.DataFrame({
        "supplier_iso3": ["TUR"] * 6, "recipient_iso3": ["AAA", "AAA", "AAA", "AAA", "BBB", "CCC"],
        "year": [1999, 2000, 2001, 2004, 2012, 2001], "tiv": [1.0, 2, 3, 4, 5, 6]})
    hits = screen_transfers(deliveries, _embargoes())
    assert list(zip(hits["recipient_iso3"], hits["year"], hits["overlap"], strict=True)) == [
        ("AAA", 2000, "partial-year"), ("AAA", 2001, "within"), ("BBB", 2012, "within")]
    assert hits.loc[hits["recipient_iso3"] == "BBB", "assessment"].item().startswith(
        "partial embargo")


def test_register_delivery_years() -> None:
    assert register_delivery_years("1995; 1996") == [1995, 1996]
    assert register_delivery_years("1990-1992") == [1990, 1991, 1992]
    assert register_delivery_years(None) == []


def test_embargo_validation_lists_every_problem(tmp_path) -> None:
    bad = tmp_path / "embargoes.yaml"
    bad.write_text("embargoes:\n  - target: AAA\n    resolution: R1\n    start: \"2001-13\"\n"
                   "    scope: total\n    source_url: https://x\n", encoding="utf-8")
    with pytest.raises(InvalidRecord) as err:
        load_embargoes(bad)
    bad.write_text("embargoes:\n  - start: 2001-13-01\n", encoding="utf-8")
    with pytest.raises(InvalidRecord, match="cannot be read as YAML"):
        load_embargoes(bad)
    assert err.value.problems == [
        "embargo #1 (R1) start: '2001-13' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)",
        "embargo #1 (R1): scope 'total' must be one of ('full', 'partial')"]


def test_curated_files_validate() -> None:
    emb = load_embargoes()
    assert {"full", "partial"} >= set(emb["scope"]) and len(emb) > 5
    assert (load_breakpoints()["country"] == "TUR").any()


def test_quad_class_convention() -> None:
    codes = pd.Series(["010", "057", "061", "112", "130", "141", "190", "2041"])
    assert list(quad_class(codes)) == [1, 1, 2, 3, 3, 4, 4, 4]


def test_greece_turkiye_flagged_on_real_data(loaded_store) -> None:
    result = tension_monitor(loaded_store, "TUR", start=1990, end=2014)
    greece = result.partners.set_index("iso3_2").loc["GRC"]
    assert greece["allied_years"] == 25 and greece["rival"] == 1
    assert greece["mid_onsets"] > 0 and greece["years_coexisting"] > 0
    assert "GRC" in set(result.coexisting()["iso3_2"])
    syria = result.partners.set_index("iso3_2").loc["SYR"]
    assert syria["rival"] == 1 and syria["allied_years"] == 0


def test_tension_signals_are_blank_outside_their_sources_years(loaded_store) -> None:
    """Missing is not zero: past a source's last year (read from the store here) its signal
    is NA, and signals_observed counts the sources that cover the year."""
    last = {name: int(loaded_store.sql(f"SELECT max({col}) AS y FROM {table}")["y"][0])
            for name, table, col in (("mid", "cow_mid_directed", "year"),
                                     ("war", "cow_war_inter", "year"),
                                     ("td", "td_rivalries", "endyear"),
                                     ("tss", "tss_rivalries", '"end"'))}
    result = tension_monitor(loaded_store, "TUR", start=1990, end=last["tss"])
    rows = result.dyad_years
    assert last["mid"] < last["tss"]  # the mirror's MIDs end before the rivalries
    after = rows[rows["year"] > last["mid"]]
    assert len(after) and after["mid_ongoing"].isna().all() and after["mid_onset"].isna().all()
    before = rows[rows["year"] <= last["mid"]]
    assert before["mid_ongoing"].notna().all()  # observed: 0 or 1
    expected = sum((rows["year"] <= last[k]).astype(int) for k in ("mid", "war", "td", "tss"))
    assert (rows["signals_observed"] == expected).all()  # no event files loaded
    assert rows["events_conflictual"].isna().all()
    late = tension_monitor(loaded_store, "TUR", year=last["tss"])
    greece = late.partners.set_index("iso3_2").loc["GRC"]
    assert pd.isna(greece["mid_years"]) and pd.isna(greece["mid_onsets"])
    assert greece["allied_years"] == 1  # NATO settles it where ATOP has not caught up
