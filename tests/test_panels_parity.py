"""Parity with peacesciencer 1.2.9: every row and every shared column of whole panels.

The reference is ``ps_reference``: peacesciencer's documented algorithms recomputed in pandas
from its own data files (isard's ``cw_system``, ``false_cow_dyads``, ``cow_contdir``, …) and
from the publishers' files it packages (its ATOP, IGO and NMC tables), never defdip's rules.
Rows come from the reference too, so a missing or extra dyad-year fails the test. The years
are peacesciencer's ``mry = FALSE`` span: COW 1816-2016, G&W 1816-2020.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import ps_reference as ps
from defdip.panels import (
    add_contiguity,
    add_igos,
    build_panel,
    create_dyad_years,
    create_state_years,
)

START, COW_END, GW_END = 1816, 2016, 2020
KEYS = ["ccode_1", "ccode_2", "year"]
FAMILIES = "atop,majors,nmc,igo,contiguity,capdist,mids"
NMC = ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]


def _rows(frame: pd.DataFrame, code: str = "ccode") -> pd.DataFrame:
    """Reference dyads (code1, code2) under defdip's key names."""
    return frame.rename(columns={"code1": f"{code}_1", "code2": f"{code}_2",
                                 "microstate1": "microstate_1", "microstate2": "microstate_2"})


@pytest.fixture(scope="module")
def cow_spells(mirror):
    return ps.cow_spells(mirror)


@pytest.fixture(scope="module", params=[True, False], ids=["directed", "undirected"])
def cow(request, loaded_store, mirror, cow_spells):
    """(defdip's whole 1816-2016 panel with the shared families, the reference dyads)."""
    directed = request.param
    ref = _rows(ps.dyad_years(cow_spells, directed, ps.false_cow_dyads(mirror)))[KEYS]
    panel = build_panel(loaded_store, unit="dyad_year", start=START, end=COW_END,
                        add=FAMILIES, directed=directed)
    return directed, panel.to_pandas(), ref


def _merged(ref: pd.DataFrame, table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    table = table.rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"})
    return ref.merge(table[[*KEYS, *columns]], on=KEYS, how="left")


def _monadic(ref: pd.DataFrame, table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for side in ("1", "2"):
        named = table.rename(columns={"ccode": f"ccode_{side}",
                                      **{c: f"{c}_{side}" for c in columns}})
        ref = ref.merge(named[[f"ccode_{side}", "year", *(f"{c}_{side}" for c in columns)]],
                        on=[f"ccode_{side}", "year"], how="left")
    return ref


def _same(ours: pd.DataFrame, ref: pd.DataFrame, columns: list[str]) -> None:
    pd.testing.assert_frame_equal(ours[KEYS + columns].astype({c: "float64" for c in columns}),
                                  ref[KEYS + columns].astype({c: "float64" for c in columns}),
                                  check_dtype=False)


# ---- rows ---------------------------------------------------------------------------------
def test_the_never_met_rule_gives_peacesciencers_false_cow_dyads(mirror, cow_spells):
    # The rule defdip applies (members on a common day), from the spells by day sets,
    # against peacesciencer's own file.
    assert ps.never_met(cow_spells) == ps.false_cow_dyads(mirror)
    assert (255, 260, 1990) in ps.false_cow_dyads(mirror)  # united and West Germany
    assert len(ps.false_cow_dyads(mirror)) == 60


def test_cow_dyad_rows_are_peacesciencers(cow):
    directed, ours, ref = cow
    pd.testing.assert_frame_equal(ours[KEYS], ref, check_dtype=False)
    assert len(ours) == (1_912_290 if directed else 956_145)
    west = ours[((ours.ccode_1 == 260) | (ours.ccode_2 == 260)) & (ours.year == 1990)]
    assert len(west) == (326 if directed else 163)  # West Germany's last year is in


def test_cow_state_years_are_peacesciencers(loaded_store, cow_spells):
    ours = create_state_years(loaded_store, start=START, end=COW_END).to_pandas()
    ref = ps.state_years(cow_spells).rename(columns={"code": "ccode"})[["ccode", "year"]]
    pd.testing.assert_frame_equal(ours, ref, check_dtype=False)
    assert len(ours) == 15_951 and ours.ccode.nunique() == 217


@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_gw_dyad_rows_are_peacesciencers(loaded_store, mirror, directed):
    spells = ps.gw_spells(mirror, GW_END)
    ref = _rows(ps.dyad_years(spells, directed, ps.never_met(spells)), "gwcode")
    ours = create_dyad_years(loaded_store, start=START, end=GW_END, directed=directed,
                             system="gw").to_pandas()
    assert list(ours.columns) == ["gwcode_1", "gwcode_2", "year", "microstate_1",
                                  "microstate_2"]
    pd.testing.assert_frame_equal(ours, ref[list(ours.columns)], check_dtype=False)
    keys = set(zip(ours.gwcode_1, ours.gwcode_2, ours.year, strict=True))
    # peacesciencer's documented false G&W dyads: Yugoslavia ends 4 June 2006, Serbia
    # re-enters 5 June; the Republic of Vietnam ends 30 April 1975, Suriname enters 25 Nov.
    assert (340, 345, 2006) not in keys and (115, 817, 1975) not in keys
    assert (345, 346, 2006) in keys  # Yugoslavia and Bosnia did meet in 2006


def test_gw_state_years_are_peacesciencers(loaded_store, mirror):
    spells = ps.gw_spells(mirror, GW_END)
    ours = create_state_years(loaded_store, start=START, end=GW_END, system="gw").to_pandas()
    ref = ps.state_years(spells).rename(columns={"code": "gwcode"})
    pd.testing.assert_frame_equal(ours, ref[["gwcode", "year", "microstate"]],
                                  check_dtype=False)
    # the non-micro spells are exactly peacesciencer's own gw_states (which stops in 2017)
    own = ps.rda(mirror, "gw_states")
    listed = spells[spells.microstate == 0]
    assert sorted(zip(own.gwcode.astype(int), pd.to_datetime(own.startdate), strict=True)) == \
        sorted(zip(listed.code, listed.start, strict=True))


# ---- columns of the whole COW panel -------------------------------------------------------
def test_atop(cow, mirror):
    directed, ours, ref = cow
    atop = pd.read_csv(mirror / "atop" / "peacesciencer_atop_alliance_dyad_year.csv")
    cols = [c for c in atop.columns if c.startswith("atop_")]
    if not directed:  # ndir = TRUE: the highest value of the pair in either direction
        atop["ccode1"], atop["ccode2"] = (atop[["ccode1", "ccode2"]].min(axis=1),
                                          atop[["ccode1", "ccode2"]].max(axis=1))
        atop = atop.groupby(["ccode1", "ccode2", "year"], as_index=False)[cols].max()
    ref = _merged(ref, atop, cols)
    ref[cols] = ref[cols].fillna(0)  # 0 where ATOP covers the year (<= 2018): all of them
    _same(ours, ref, cols)
    assert ours.atop_defense.sum() > 0


def test_majors(cow, mirror):
    _, ours, ref = cow
    raw = ps.rda(mirror, "cow_majors")
    years = ps.spell_years(raw, raw.styear, raw.endyear)[["ccode", "year"]].astype("int64")
    flags = years.drop_duplicates().assign(cowmaj=1)
    ref = _monadic(ref, flags, ["cowmaj"]).fillna({"cowmaj_1": 0, "cowmaj_2": 0})
    _same(ours, ref, ["cowmaj_1", "cowmaj_2"])


def test_nmc(cow, mirror):
    _, ours, ref = cow
    nmc = pd.read_csv(mirror / "cow_nmc" / "cow_nmc_peacesciencer.csv")
    ref = _monadic(ref, nmc, NMC)
    _same(ours, ref, [f"{c}_{s}" for s in ("1", "2") for c in NMC])


def test_dyadigos(cow, mirror):
    _, ours, ref = cow
    igo = pd.read_parquet(mirror / "cow_igo" / "peacesciencer_cow_igo_dyad_year_counts.parquet")
    both = pd.concat([igo, igo.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
    _same(ours, _merged(ref, both, ["dyadigos"]), ["dyadigos"])
    assert ours.dyadigos.notna().sum() > 100_000


def test_contiguity_first(cow, mirror):
    _, ours, ref = cow
    chosen = ps.contiguity(ps.contmonths(mirror), "first")
    ref = _merged(ref, chosen, ["conttype"]).fillna({"conttype": 0})
    _same(ours, ref, ["conttype"])
    grc_tur = ours[(ours.ccode_1 == 350) & (ours.ccode_2 == 640) & (ours.year == 2016)]
    assert grc_tur.conttype.tolist() == [1]  # peacesciencer_data/README.md


def test_capital_distance(cow, mirror):
    _, ours, ref = cow
    caps = ps.capitals(mirror)
    ref = _monadic(ref, caps, ["lat", "lng"])
    expected = ps.vincenty_km(ref.lat_1, ref.lng_1, ref.lat_2, ref.lng_2)
    np.testing.assert_allclose(ours.capdist.to_numpy(dtype=float), expected, rtol=1e-9)
    ank_ath = ours[(ours.ccode_1 == 350) & (ours.ccode_2 == 640) & (ours.year == 2016)]
    assert ank_ath.capdist.iloc[0] == pytest.approx(818.2, abs=1.0)  # Ankara-Athens ≈ 818 km


def test_mids(cow, mirror):
    _, ours, ref = cow
    cols = ["cowmidonset", "cowmidongoing"]
    raw = ps.rda(mirror, "cow_mid_ddydisps")[["ccode1", "ccode2", "year", *cols]]
    ref = _merged(ref, raw.astype("int64"), cols)
    inside = ref.year.between(1816, 2014)  # NULL after 2014, where MID 5.0 ends
    ref.loc[inside, cols] = ref.loc[inside, cols].fillna(0)
    _same(ours, ref, cols)
    assert ours.cowmidongoing.sum() > 0


# ---- contiguity's other rules, and on state-years ------------------------------------------
@pytest.fixture(scope="module")
def months(mirror):
    return ps.contmonths(mirror)


@pytest.mark.parametrize("rule", ["last", "lowest", "highest"])
@pytest.mark.parametrize("directed", [True, False], ids=["directed", "undirected"])
def test_contiguity_rules(loaded_store, mirror, cow_spells, months, rule, directed):
    ref = _rows(ps.dyad_years(cow_spells, directed, ps.false_cow_dyads(mirror)))[KEYS]
    ours = add_contiguity(create_dyad_years(loaded_store, start=START, end=COW_END,
                                            directed=directed), rule=rule).to_pandas()
    ref = _merged(ref, ps.contiguity(months, rule), ["conttype"]).fillna({"conttype": 0})
    _same(ours, ref, ["conttype"])


def test_the_rules_differ_where_the_type_changed_within_a_year(months):
    # Greece-Türkiye 1913: land (1) until August, then 12 miles of water (2).
    picked = {rule: ps.contiguity(months, rule).set_index(["ccode1", "ccode2", "year"])
              .conttype.loc[(350, 640, 1913)] for rule in ("first", "last", "lowest", "highest")}
    assert picked == {"first": 1, "last": 2, "lowest": 1, "highest": 2}


def test_state_year_land_and_sea_neighbours(loaded_store, cow_spells, months):
    ours = add_contiguity(create_state_years(loaded_store, start=START,
                                             end=COW_END + 2)).to_pandas()
    ref = ps.state_years(cow_spells).rename(columns={"code": "ccode"})[["ccode", "year"]]
    ref = ref.merge(ps.land_sea(ps.contiguity(months, "first")), on=["ccode", "year"],
                    how="left").fillna({"land": 0, "sea": 0})
    inside = ours[ours.year <= COW_END].reset_index(drop=True)
    pd.testing.assert_frame_equal(inside, ref, check_dtype=False)
    assert ours[ours.year > COW_END][["land", "sea"]].isna().all().all()  # COW ends in 2016
    tur = inside[(inside.ccode == 640) & (inside.year == 2016)]
    assert tur.land.iloc[0] > 0 and tur.sea.iloc[0] > 0


def test_state_igo_counts_match_peacesciencer_file(loaded_store, mirror, cow_spells):
    ours = add_igos(create_state_years(loaded_store, start=START, end=2014)).to_pandas()
    ps_sums = pd.read_csv(mirror / "cow_igo" / "peacesciencer_cow_igo_state_year_counts.csv")
    cols = [c for c in ps_sums.columns if c.startswith("sum_igo")]
    rows = ps.state_years(cow_spells).rename(columns={"code": "ccode"})
    rows = rows[rows.year <= 2014][["ccode", "year"]].reset_index(drop=True)
    ref = rows.merge(ps_sums, on=["ccode", "year"], how="left")
    pd.testing.assert_frame_equal(ours[["ccode", "year", *cols]], ref[["ccode", "year", *cols]],
                                  check_dtype=False)
    turkey = ours[ours.ccode == 640].set_index("year")
    # cow_igo/README.md: Turkey 31 full IGOs in 1950, 63 in 1990, 78 in 2014
    assert turkey.loc[[1950, 1990, 2014], "sum_igo_full"].tolist() == [31, 63, 78]
    assert turkey.loc[2014, "nato"] == 1 and turkey.loc[1950, "nato"] == 0  # joined 1952
