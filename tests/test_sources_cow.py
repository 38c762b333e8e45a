"""COW-family sources (G&W states, NMC and the peacesciencer .rda tables) on the real mirror.

Expected numbers come from the mirror READMEs: state_system_panels/README.md (G&W),
cow_nmc/README.md (NMC) and peacesciencer_data/README.md (row counts, Türkiye facts).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from defdip.errors import SourceFormatError
from defdip.sources import (
    cow_capitals,
    cow_contiguity,
    cow_majors,
    cow_mids,
    cow_mindist,
    cow_nmc,
    cow_wars,
    gw_states,
    maoz_powers,
    td_rivalries,
    terr_threat,
    tss_rivalries,
    ucdp_acd,
)

# Row counts: peacesciencer_data/README.md table; gw 239 from state_system_panels/README.md;
# NMC 17,121 from cow_nmc/README.md.
ROW_COUNTS = [
    (gw_states, "gw_states", 239), (cow_nmc, "cow_nmc", 17_121),
    (cow_majors, "cow_majors", 14), (cow_contiguity, "cow_contiguity", 1_874),
    (cow_capitals, "cow_capitals", 242), (cow_mindist, "cow_mindist", 952_244),
    (cow_mids, "cow_mid_directed", 11_390), (cow_mids, "cow_mid_dyadic", 10_234),
    (cow_wars, "cow_war_inter", 1_932), (td_rivalries, "td_rivalries", 197),
    (tss_rivalries, "tss_rivalries", 264), (terr_threat, "terr_threat", 14_781),
    (ucdp_acd, "ucdp_acd", 5_652), (maoz_powers, "maoz_powers", 20),
]


@pytest.mark.parametrize(("module", "table", "rows"), ROW_COUNTS,
                         ids=[t for _m, t, _r in ROW_COUNTS])
def test_row_counts_match_the_readmes(module, table, rows, parse_source):
    assert len(parse_source(module)[table]) == rows


def test_gw_states_turkey_open_ended_and_cow_codes(parse_source):
    table = parse_source(gw_states)["gw_states"]
    # state_system_panels/README.md: 197 open-ended; Turkey gwcode 640 from 1816-01-01.
    assert table["end"].isna().sum() == 197
    turkey = table[table["gwcode"] == 640].iloc[0]
    assert (turkey["name"], turkey["start"], turkey["end"]) == (
        "Turkey (Ottoman Empire)", date(1816, 1, 1), None)
    assert (turkey["ccode"], turkey["iso3"]) == (640, "TUR")
    codes = dict(zip(table["name"], table["ccode"], strict=True))
    # G&W and COW numbers differ for these (Gleditsch & Ward 1999; COW states2016 codes):
    assert codes["German Federal Republic"] == 255  # concordance gwn 260 -> DEU -> 255
    assert codes["Kiribati"] == 946 and codes["Nauru"] == 970  # G&W 970 is Kiribati
    assert pd.isna(codes["Abkhazia"])  # no COW state


def test_cow_nmc_turkey_2022(parse_source):
    nmc = parse_source(cow_nmc)["cow_nmc"]
    row = nmc[(nmc["ccode"] == 640) & (nmc["year"] == 2022)].iloc[0]
    # cow_nmc/README.md: milex 6,253,000, tpop 87,058, CINC 0.0125 (2020: 0.0132).
    assert row["milex"] == 6_253_000 and row["tpop"] == 87_058
    assert round(row["cinc"], 4) == 0.0125
    assert round(nmc.query("ccode == 640 and year == 2020")["cinc"].iloc[0], 4) == 0.0132
    assert (nmc["year"].min(), nmc["year"].max()) == (1816, 2022)


def test_contiguity_greece_turkey_land(parse_source):
    contig = parse_source(cow_contiguity)["cow_contiguity"]
    pair = contig[(contig["ccode1"] == 350) & (contig["ccode2"] == 640)].sort_values("start")
    assert pair["conttype"].iloc[-1] == 1  # peacesciencer_data/README.md: land contiguity
    assert isinstance(pair["start"].iloc[0], date)
    both = contig.merge(contig, left_on=["ccode1", "ccode2"], right_on=["ccode2", "ccode1"])
    assert len(both) >= len(contig)  # directed: every pair in both directions


def test_td_rivalries_turkey(parse_source):
    td = parse_source(td_rivalries)["td_rivalries"]
    td = td.set_index("rivalryno")
    # peacesciencer_data/README.md: "Greece-Turkey 2" (122) and "Syria-Turkey" (104).
    assert td.loc[122, "rivalryname"] == "Greece-Turkey 2"
    assert td.loc[104, "rivalryname"] == "Syria-Turkey"
    assert 640 in (td.loc[104, "ccode1"], td.loc[104, "ccode2"])


def test_majors_and_maoz_dates(parse_source):
    majors = parse_source(cow_majors)["cow_majors"]
    usa = majors[majors["ccode"] == 2].iloc[0]
    assert (usa["start"], usa["end"]) == (date(1898, 8, 13), date(2016, 12, 31))
    maoz = parse_source(maoz_powers)["maoz_powers"]
    turkey = maoz[maoz["ccode"] == 640].iloc[0]
    assert turkey["regstdate"] == date(1970, 1, 1) and turkey["globstdate"] is None


def test_ucdp_keeps_gw_codes_and_adds_cow_codes(parse_source):
    ucdp = parse_source(ucdp_acd)["ucdp_acd"]
    assert ucdp["gwno_a"].notna().all()
    # Same number in both systems for Türkiye (mirror README.md: G&W 640 = COW 640).
    assert (ucdp.loc[ucdp["gwno_a"] == 640, "ccode_a"] == 640).all()
    # G&W 678 is North then unified Yemen; COW (states2016) numbers the Yemen Arab Republic
    # 678 until 1990-05-21 and unified Yemen 679 after.
    yemen = ucdp[ucdp["gwno_a"] == 678]
    assert (yemen.loc[yemen["year"] <= 1990, "ccode_a"] == 678).all()
    assert (yemen.loc[yemen["year"] > 1990, "ccode_a"] == 679).all()
    assert (yemen["year"] <= 1990).any() and (yemen["year"] > 1990).any()
    assert isinstance(ucdp["start_date"].iloc[0], date)


def test_mids_and_wars_keep_peacesciencer_names(parse_source):
    mids = parse_source(cow_mids)
    assert list(mids["cow_mid_directed"].columns[:6]) == [
        "dispnum", "ccode1", "ccode2", "year", "dispongoing", "disponset"]
    assert mids["cow_mid_directed"]["ccode1"].dtype == "int64"
    wars = parse_source(cow_wars)["cow_war_inter"]
    assert "cowinteronset" in wars.columns and wars["warnum"].dtype == "int64"


def test_store_types_dates_and_codes(store, mirror, vocab):
    store.load_source("cow_contiguity", mirror=mirror, vocab=vocab)
    store.load_source("gw_states", mirror=mirror, vocab=vocab)
    types = dict(store.sql(
        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
        "WHERE table_name IN ('cow_contiguity', 'gw_states')").itertuples(index=False))
    assert types["cow_contiguity.start"] == "DATE" and types["gw_states.end"] == "DATE"
    assert types["cow_contiguity.ccode1"] == "BIGINT" and types["gw_states.ccode"] == "BIGINT"
    assert types["gw_states.microstate"] == "BOOLEAN"


# ---- bad files -------------------------------------------------------------------------------

def test_gw_states_missing_column(source_copy, vocab):
    files = source_copy(gw_states)
    pd.read_csv(files["gwstates"]).drop(columns="start").to_csv(files["gwstates"], index=False)
    with pytest.raises(SourceFormatError) as err:
        gw_states.parse(files, vocab)
    assert str(err.value).startswith(f"{files['gwstates']}, column 'start': missing columns "
                                     "['start']. Re-download")


def test_cow_nmc_missing_column(source_copy, vocab):
    files = source_copy(cow_nmc)
    pd.read_csv(files["cow_nmc"]).drop(columns="cinc").to_csv(files["cow_nmc"], index=False)
    with pytest.raises(SourceFormatError, match=r"column 'cinc': missing columns \['cinc'\]"):
        cow_nmc.parse(files, vocab)


def test_cow_nmc_bad_number_names_row(source_copy, vocab):
    files = source_copy(cow_nmc)
    frame = pd.read_csv(files["cow_nmc"], dtype=str)
    frame.loc[2, "milex"] = "lots"
    frame.to_csv(files["cow_nmc"], index=False)
    with pytest.raises(SourceFormatError) as err:
        cow_nmc.parse(files, vocab)
    assert f"{files['cow_nmc']}, row 4, column 'milex': value 'lots' is not a number" in str(
        err.value)


def test_rda_missing_column(source_copy, vocab):
    import pyreadr

    files = source_copy(td_rivalries)
    frame = pyreadr.read_r(str(files["td_rivalries"]))["td_rivalries"]
    pyreadr.write_rdata(str(files["td_rivalries"]), frame.drop(columns="ccode2"),
                        df_name="td_rivalries")
    with pytest.raises(SourceFormatError) as err:
        td_rivalries.parse(files, vocab)
    assert str(err.value).startswith(f"{files['td_rivalries']}, column 'ccode2': missing "
                                     "columns ['ccode2']. Re-download")


def test_rda_truncated(source_copy, vocab):
    files = source_copy(cow_mindist)
    data = files["cow_mindist"].read_bytes()
    files["cow_mindist"].write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceFormatError,
                       match=r"cow_mindist\.rda: cannot be read as an R data file"):
        cow_mindist.parse(files, vocab)
