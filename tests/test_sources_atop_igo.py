"""ATOP 5.1 and COW IGO v3 sources on the real mirror.

Expected numbers come from atop/README.md and cow_igo/README.md (sanity facts and row counts).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from defdip.errors import SourceFormatError
from defdip.sources import atop, cow_igo


@pytest.fixture(scope="module")
def atop_tables(parse_source) -> dict[str, pd.DataFrame]:
    return parse_source(atop)


@pytest.fixture(scope="module")
def igo_tables(parse_source) -> dict[str, pd.DataFrame]:
    return parse_source(cow_igo)


def test_atop_row_counts(atop_tables):
    # atop/README.md file table.
    assert {k: len(v) for k, v in atop_tables.items()} == {
        "atop_alliances": 789, "atop_members": 2_510, "atop_state_year": 11_923,
        "atop_dyad_year": 273_296}


def test_atop_turkey_members_and_nato(atop_tables):
    members = atop_tables["atop_members"]
    turkey = members[members["ccode"] == 640]
    assert (len(turkey), turkey["atopid"].nunique()) == (54, 48)  # atop/README.md
    nato = turkey[turkey["atopid"] == 3180].iloc[0]
    # atop/README.md: yrent=1951, moent=10, yrexit=0 (in force); day 22 from the file.
    assert nato["start"] == date(1951, 10, 22) and nato["end"] is None
    assert (nato["yrent"], nato["moent"], nato["yrexit"], nato["defense"]) == (1951, 10, 0, 1)
    us = members[(members["ccode"] == 2) & (members["atopid"] == 3180)].iloc[0]
    assert us["start"].year == 1949 and us["defense"] == 1  # README: US entered 1949


def test_atop_end_dates_null_exactly_when_in_force(atop_tables):
    members = atop_tables["atop_members"]
    assert (members["end"].isna() == members["yrexit"].eq(0)).all()
    dated = members[members["end"].notna()]
    assert (dated["end"] >= dated["start"]).all()


def test_atop_state_year_and_dyads(atop_tables):
    sy = atop_tables["atop_state_year"]
    row = sy[(sy["ccode"] == 640) & (sy["year"] == 2018)].iloc[0]
    assert (row["atopally"], row["defense"], row["number"]) == (1, 1, 17)  # atop/README.md
    dy = atop_tables["atop_dyad_year"]
    us_tur = dy[(dy["ccode1"] == 2) & (dy["ccode2"] == 640)]
    assert len(us_tur) == 69 and (us_tur["year"].min(), us_tur["year"].max()) == (1945, 2018)
    # The README calls the file non-directed (ccode1 < ccode2), but it lists every pair in
    # both directions (pledges may differ by direction): each (ccode1, ccode2, year) has its
    # mirror (ccode2, ccode1, year).
    keys = ["ccode1", "ccode2", "year"]
    flipped = dy[keys].rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})
    assert len(dy[keys].merge(flipped, on=keys)) == len(dy)
    assert (dy["ccode1"] < dy["ccode2"]).sum() == len(dy) // 2


def test_igo_row_counts_and_every_spell_resolved(igo_tables):
    spells = igo_tables["cow_igo_spells"]
    # cow_igo/README.md: 14,317 spells of 192 states in 450 IGOs; 917,695 dyad-years.
    assert len(spells) == 14_317 and spells["ccode"].notna().all()
    assert spells["state_id"].nunique() == 192 and spells["igo"].nunique() == 450
    assert len(igo_tables["cow_igo_dyad_year"]) == 917_695
    assert len(igo_tables["cow_igo_state_year"]) == 15_557
    assert len(igo_tables["cow_igo_orgs"]) == 16_139


def test_igo_turkey_spells(igo_tables):
    spells = igo_tables["cow_igo_spells"]
    turkey = spells[spells["ccode"] == 640]
    assert len(turkey) == 98 and set(turkey["iso3"]) == {"TUR"}  # cow_igo/README.md
    years = {igo: (s, e) for igo, s, e in
             zip(turkey["igo"], turkey["start_year"], turkey["end_year"], strict=True)}
    assert years["NATO"] == (1952, 2014) and years["COE"] == (1949, 2014)
    assert years["CENTO"] == (1955, 1979) and years["OIC"] == (1969, 2014)


def test_igo_divided_states_get_their_own_codes(igo_tables):
    spells = igo_tables["cow_igo_spells"]
    codes = spells.drop_duplicates("state_label").set_index("state_label")["ccode"]
    # COW states2016 codes: GFR 260, GDR 265, ROK 732, PRK 731, RVN 817, YAR 678, YPR 680.
    assert codes[["wgermany", "egermany", "sokorea", "nokorea", "svietnam"]].tolist() == [
        260, 265, 732, 731, 817]
    assert codes[["nyemen", "syemen", "australia", "austria"]].tolist() == [678, 680, 900, 305]


def test_igo_state_year_turkey_counts(igo_tables):
    sy = igo_tables["cow_igo_state_year"].set_index(["ccode", "year"])
    # cow_igo/README.md: 31 (1950), 63 (1990), 78 full and 82 any type (2014).
    assert [sy.loc[(640, y), "sum_igo_full"] for y in (1950, 1990, 2014)] == [31, 63, 78]
    assert sy.loc[(640, 2014), "sum_igo_anytype"] == 82


def test_store_load_types(store, mirror, vocab):
    store.load_source("atop", mirror=mirror, vocab=vocab)
    types = dict(store.sql(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = 'atop_members'").itertuples(index=False))
    assert (types["start"], types["end"], types["ccode"]) == ("DATE", "DATE", "BIGINT")


# ---- bad files -------------------------------------------------------------------------------

def test_atop_members_missing_column(source_copy, vocab):
    files = source_copy(atop)
    pd.read_csv(files["members"]).drop(columns="yrexit").to_csv(files["members"], index=False)
    with pytest.raises(SourceFormatError) as err:
        atop.parse(files, vocab)
    assert str(err.value).startswith(f"{files['members']}, column 'yrexit': missing columns "
                                     "['yrexit']. Re-download")


def test_atop_impossible_date_names_row(source_copy, vocab):
    files = source_copy(atop)
    frame = pd.read_csv(files["members"], dtype=str)
    frame.loc[0, "moent"] = "13"
    frame.to_csv(files["members"], index=False)
    with pytest.raises(SourceFormatError) as err:
        atop.parse(files, vocab)
    assert (f"{files['members']}, row 2, column 'yrent': date '1815-13-3' does not exist"
            in str(err.value))


def test_igo_unresolvable_state_names_row(source_copy, vocab):
    files = source_copy(cow_igo)
    frame = pd.read_csv(files["spells"], dtype=str, keep_default_na=False)
    frame.loc[1, ["stateID", "StateName"]] = ["", "atlantis"]
    frame.to_csv(files["spells"], index=False)
    with pytest.raises(SourceFormatError) as err:
        cow_igo.parse(files, vocab)
    assert str(err.value) == (
        f"{files['spells']}, row 3, column 'StateName': state 'atlantis' (stateID nan) does "
        "not resolve to one COW state. Add the COW IGO state name to COW_IGO_NAMES in "
        "defdip/sources/cow_igo.py.")


def test_igo_truncated_parquet(source_copy, vocab):
    files = source_copy(cow_igo)
    data = files["dyad_year"].read_bytes()
    files["dyad_year"].write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError, match=r"\.parquet: cannot be read as Parquet"):
        cow_igo.parse(files, vocab)
