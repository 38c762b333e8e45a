"""Kinne's Defense Cooperation Agreement Dataset (DCAD) v1.0 parsed from the mirror.

Expected numbers come from ../shared/data/defence_cooperation_agreements/README.md ("File",
"Sanity checks run here") unless a comment says otherwise.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from defdip.errors import SourceFormatError
from defdip.sources import dcad_agreements


@pytest.fixture(scope="module")
def dcad(parse_source) -> pd.DataFrame:
    return parse_source(dcad_agreements)["dcad_agreements"]


def test_counts(dcad: pd.DataFrame) -> None:
    assert len(dcad) == 1871 and dcad["dcad_id"].is_unique
    assert dcad["dcad_id"].iloc[0] == "DCADv1.0-0001"
    assert (dcad["sign_year"].min(), dcad["sign_year"].max()) == (1980, 2010)
    dyads = dcad[["ccode_1", "ccode_2"]].apply(lambda r: frozenset(r), axis=1)
    assert dyads.nunique() == 1215
    assert len(set(dcad["ccode_1"]) | set(dcad["ccode_2"])) == 160
    assert dcad["iso3_1"].notna().all() and dcad["iso3_2"].notna().all()
    assert dcad["type"].value_counts().to_dict() == {"general": 1322, "sector": 549}
    assert dcad["category_1"].value_counts().to_dict() == {
        "DCA": 982, "DIC": 340, "TREX": 250, "PROCUREMENT": 148, "COMMISSION": 77,
        "RESEARCH": 74}
    assert dcad["category_conf"].value_counts().to_dict() == {
        "high": 718, "low": 409, "med": 394, "atypical": 350}
    assert dcad["source_type"].value_counts().to_dict() == {"treaty": 1210, "factiva": 661}


def test_usa_turkey_1980(dcad: pd.DataFrame) -> None:
    deca = dcad[(dcad["iso3_1"] == "USA") & (dcad["iso3_2"] == "TUR")
                & (dcad["sign_date"] == dt.date(1980, 3, 29))]
    assert deca["type"].tolist() == ["general", "general"]
    assert sorted(zip(deca["category_1"], deca["source"], strict=True)) == [
        ("DCA", "UST"), ("DIC", "US DOD")]
    assert deca["sign_precision"].tolist() == ["day", "day"]


def test_turkey_israel_1996(dcad: pd.DataFrame) -> None:
    pair = dcad[(dcad[["iso3_1", "iso3_2"]].apply(set, axis=1) == {"TUR", "ISR"})
                & (dcad["sign_year"] == 1996)].sort_values("sign_date")
    assert pair["sign_date"].tolist() == [dt.date(1996, 2, 19), dt.date(1996, 8, 28)]
    assert pair["category_1"].tolist() == ["DCA", "RESEARCH"]
    assert (pair["source_type"] == "factiva").all() and (pair["category_conf"] == "low").all()


def test_partial_dates_and_missing_codes(dcad: pd.DataFrame) -> None:
    # DCAD leaves day or month empty for some signatures: the date is kept at the precision
    # given (day 1697, month 42, year 132 -- counted from the file's empty cells).
    assert dcad["sign_precision"].value_counts().to_dict() == {"day": 1697, "year": 132,
                                                               "month": 42}
    partial = dcad[dcad["sign_precision"] == "year"]
    assert all(d == dt.date(y, 1, 1) for d, y in zip(partial["sign_date"],
                                                      partial["sign_year"], strict=True))
    assert dcad["eif_date"].notna().sum() == 841  # EIFYear given on 841 rows
    assert (dcad["span"].dropna() >= 0).all() and (dcad["renew_years"].dropna() >= 0).all()
    assert dcad["terminated"].value_counts().to_dict() == {-88: 1005, 0: 729, -99: 94, 1: 43}
    # the letters are kept as printed; the COW code is the key (145 = Bolivia)
    bolivia = dcad.loc[dcad["ccode_2"].eq(145) | dcad["ccode_1"].eq(145)]
    assert bolivia[["iso3_1", "iso3_2"]].stack().eq("BOL").groupby(level=0).any().all()


def test_eif_without_a_year_stays_empty(dcad: pd.DataFrame) -> None:
    # DCADv1.0-1009 (MNG-SLV 2007) gives an entry-into-force day and month but no year.
    row = dcad[dcad["dcad_id"] == "DCADv1.0-1009"].iloc[0]
    assert pd.isna(row["eif_date"]) and row["sign_date"] == dt.date(2007, 6, 18)


# ---- bad input -----------------------------------------------------------------------------
@pytest.mark.parametrize(("old", "new", "message"), [
    (",general,DCA,", ",general,ALLIANCE,",
     "column 'category1': 'ALLIANCE' is not one of DCA, DIC, TREX, PROCUREMENT, RESEARCH, "
     "COMMISSION"),
    ("2,USA,20,CAN,19,8,1994", "2,USA,20,CAN,31,2,1994",
     "column 'signDay': date '1994-2-31' does not exist"),
    ("2,USA,20,CAN,19,8,1994", "2,USA,999,CAN,19,8,1994",
     "column 'ccode2': COW code 999 is not in the vocabulary"),
    ("DCADv1.0-0002", "DCADv1.0-0001",
     "column 'DCAid': agreement id 'DCADv1.0-0001' is empty or repeats an earlier row"),
])
def test_bad_rows_name_line_and_column(source_copy, vocab, old, new, message) -> None:
    files = source_copy(dcad_agreements)
    path: Path = files["main"]
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if old in line)
    lines[number] = lines[number].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        dcad_agreements.parse(files, vocab)
    assert str(caught.value).startswith(f"{path}, row {number + 1}, {message}.")


def test_the_file_is_the_readme_copy(mirror: Path) -> None:
    # README "Source": 254,938 bytes, sha256 f7d56e17…405a, copied byte-for-byte
    got = dcad_agreements.fetch(mirror=mirror)["main"]
    assert got.path.stat().st_size == 254938
    assert got.sha256 == "f7d56e1703ae7cd7395b636210fa5d33a5fc3feafe5686734c212ffd5af7405a"
