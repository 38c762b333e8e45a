"""The UN's monthly peacekeeping contributions (2015-2025) parsed from the mirror.

Expected numbers come from ../shared/data/un_peacekeeping_monthly/README.md ("Coverage",
"Sanity checks run here", "Caveats") unless a comment says otherwise; the printed subtotals
come from the mirror's parse_validation_checks.csv, and the IPI figures from the IPI parse.
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pandas as pd
import pytest

from defdip.errors import SourceFormatError
from defdip.sources import ipi_peacekeeping, un_peacekeeping_monthly

FOLDER = "un_peacekeeping_monthly"


@pytest.fixture(scope="module")
def pko(parse_source) -> dict[str, pd.DataFrame]:
    return parse_source(un_peacekeeping_monthly)


def _month(text: str) -> dt.date:
    return dt.date.fromisoformat(text + "-01")


def test_shape_and_coverage(pko) -> None:
    rows, months = pko["un_pko_monthly"], pko["un_pko_months"]
    assert len(rows) == 104636
    assert rows["month"].nunique() == 122
    assert rows["iso3"].nunique() == 146 and rows["mission"].nunique() == 30
    assert (months["month"].min(), months["month"].max()) == (_month("2015-01"),
                                                             _month("2025-07"))
    missing = months.loc[~months["reported"], "month"].tolist()
    assert missing == [_month(m) for m in ("2015-03", "2016-03", "2017-03", "2020-06",
                                           "2022-07")]
    reported = months[months["reported"]]
    assert int(reported["mission_split"].sum()) == 103
    unsplit = reported.loc[~reported["mission_split"].astype(bool), "month"].tolist()
    expected = [d.date() for d in pd.date_range("2018-03-01", "2019-08-01", freq="MS")]
    assert unsplit == [*expected, _month("2023-09")]
    assert months.loc[~months["reported"], "mission_split"].isna().all()  # a gap, not a no


def test_world_totals(pko) -> None:
    totals = pko["un_pko_monthly"].groupby("month")["total"].sum()
    assert totals[_month("2015-01")] == 104496
    assert totals[_month("2019-12")] == 83331
    assert totals[_month("2025-07")] == 61127
    assert totals[_month("2021-01")] == 81932  # the grand total the check file mislabels
    assert totals[_month("2019-10")] == 84968
    months = pko["un_pko_months"].set_index("month")
    assert months.loc[_month("2015-01"), "personnel"] == 104496


def _prefixed(totals: pd.Series, month: str, unit: str) -> int:
    """The total of the one label of ``month`` that starts with ``unit`` (the check file
    cuts some names shorter than the table does, e.g. 'United Republic of'); 0 for a
    contributor printed with 0 (the mirror dropped zero rows); the month's total for a
    'Grand Total' line filed under a contributor."""
    if unit == "Grand Total":
        return int(totals[month].sum())
    labels = [k for k in totals[month].index if str(k).startswith(unit)]
    return int(totals[(month, labels[0])]) if len(labels) == 1 else 0 if not labels else -1


def test_every_printed_subtotal(pko, mirror: Path) -> None:
    # parse_validation_checks.csv holds each subtotal printed in the PDFs; recompute the
    # contributor, mission and grand totals from the parsed rows and compare.
    checks = pd.read_csv(mirror / FOLDER / "parse_validation_checks.csv",
                         keep_default_na=False, na_values=[""])
    rows = pko["un_pko_monthly"].assign(m=lambda f: [d.strftime("%Y-%m") for d in f["month"]])
    by = {"country": rows.groupby(["m", "contributor_label"])["total"].sum(),
          "mission": rows.groupby(["m", "mission"])["total"].sum(),
          "grand": rows.groupby(["m", pd.Series("ALL", index=rows.index)])["total"].sum()}
    for level, ours in by.items():
        printed = checks[checks["level"] == level]
        got = [int(ours.get((m, u), _prefixed(ours, m, u))) for m, u in zip(
            printed["month"], printed["unit"], strict=True)]
        assert got == printed["reported_total"].tolist(), level
    assert len(checks) == 27118 and int(checks["match"].sum()) == 27117


def test_agrees_with_ipi_where_both_report(pko, parse_source) -> None:
    # IPI's mission totals (built from the same UN reports) overlap 2015-01 ... 2017-02.
    ipi = parse_source(ipi_peacekeeping)["ipi_mission_month"]
    ipi = ipi.assign(month=[d.replace(day=1) for d in ipi["date"]])
    theirs = ipi.groupby("month")["total"].sum()
    ours = pko["un_pko_monthly"].groupby("month")["total"].sum()
    both = sorted(set(theirs.index) & set(ours.index))
    assert len(both) == 23
    differ = [m for m in both if theirs[m] != ours[m]]
    assert differ == [_month("2015-05")]
    assert (ours[_month("2015-05")], theirs[_month("2015-05")]) == (106506, 106173)
    assert ours[_month("2016-05")] == theirs[_month("2016-05")] == 103940
    assert ours[_month("2017-02")] == theirs[_month("2017-02")] == 97934
    rows = pko["un_pko_monthly"]
    mission_ours = rows.groupby(["month", "mission"])["total"].sum()
    mission_theirs = ipi.groupby(["month", "mission"])["total"].sum()
    for month in both:
        if month != _month("2015-05"):
            assert mission_ours[month].to_dict() == mission_theirs[month][
                mission_theirs[month] > 0].to_dict(), month


def test_turkiye(pko, parse_source) -> None:
    rows = pko["un_pko_monthly"]
    tur = rows[rows["iso3"] == "TUR"]
    assert tur["ccode"].eq(640).all() and tur["month"].nunique() == 122
    spelled = tur.groupby("contributor_label")["month"].agg(["min", "max"])
    assert spelled.loc["Turkey"].tolist() == [_month("2015-01"), _month("2023-04")]
    assert spelled.loc["Turkiye"].tolist() == [_month("2023-05"), _month("2025-07")]
    monthly = tur.groupby("month")["total"].sum()
    assert monthly[_month("2015-01")] == 196
    assert (monthly.min(), monthly.idxmin()) == (97, _month("2017-06"))
    assert (monthly.max(), monthly.idxmax()) == (219, _month("2020-04"))
    unifil = tur[(tur["mission"] == "UNIFIL") & (tur["personnel_type"] == "troops")]
    unifil = unifil.groupby("month")["total"].sum()
    assert unifil[_month("2015-01")] == 107
    # README: "UNIFIL troops at 166-168" in 2020-04/05 (otherwise about 90-115); the table
    # holds 168 troops in April and 164 in May (166 with May's two staff officers).
    assert [unifil[_month("2020-04")], unifil[_month("2020-05")]] == [168, 164]
    assert unifil[_month("2020-03")] < 116 and unifil[_month("2020-07")] < 116
    ipi = parse_source(ipi_peacekeeping)["ipi_contributor_month"]
    last = ipi[(ipi["iso3"] == "TUR") & (ipi["date"] == dt.date(2014, 3, 31))]
    assert last["troops"].tolist() == [105]  # README: IPI's 2014-03-31 snapshot, 105 troops


def test_caveats(pko) -> None:
    rows = pko["un_pko_monthly"]
    uncoded = rows[rows["iso3"].isna()]
    assert len(uncoded) == 10 and set(uncoded["contributor_label"]) == {"Republic of"}
    assert set(uncoded["month"]) == {_month("2019-09")} and uncoded["ccode"].isna().all()
    assert uncoded["note"].str.contains("Korea or Republic of Moldova").all()
    early = rows[rows["year"] <= 2016]
    assert "staff_officers" not in set(early["personnel_type"])
    assert set(rows["personnel_type"]) == {"troops", "staff_officers", "experts",
                                           "individual_police", "formed_police"}
    no_sex = rows[rows["male"].isna()]
    assert len(no_sex) == 364 and set(no_sex["month"]) == {_month("2023-09")}
    truncated = rows[rows["note"].str.startswith("truncated name", na=False)]
    assert set(truncated["iso3"]) == {"COD", "TZA", "MKD", "DOM"}


# ---- bad input -----------------------------------------------------------------------------
def _rewrite(path: Path, edit) -> None:
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").split("\n")
    edit(lines)
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))


def _first_line(lines: list[str], text: str) -> int:
    return next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize(("find", "old", "new", "message"), [
    (",Turkey,TUR,", ",Turkey,TUR,", ",Turkey,GRC,",
     "column 'contributor_iso3': printed name 'Turkey' is 'TUR', but the row says 'GRC'"),
    (",Troops,", ",Troops,", ",Sailors,",
     "column 'personnel_type': personnel type 'Sailors' is not one of ['Experts on Mission', "
     "'Formed Police Units', 'Individual Police', 'Staff Officer', 'Troops']"),
    (",Turkey,TUR,UNIFIL,", ",Turkey,TUR,UNIFIL,", ",Narnia,TUR,UNIFIL,",
     "column 'contributor_raw': printed name 'Narnia' is not a known state and no note gives "
     "the mapping"),
])
def test_bad_rows_name_line_and_column(source_copy, vocab, find, old, new, message) -> None:
    files = source_copy(un_peacekeeping_monthly)
    path = files["contributions"]
    seen = {}

    def edit(lines: list[str]) -> None:
        number = _first_line(lines, find)
        lines[number] = lines[number].replace(old, new, 1)
        seen["row"] = number + 1

    _rewrite(path, edit)
    with pytest.raises(SourceFormatError) as caught:
        un_peacekeeping_monthly.parse(files, vocab)
    assert str(caught.value).startswith(f"{path}, row {seen['row']}, {message}")


def test_layouts_and_assignment(pko) -> None:
    # README "Layouts": the report format of particular months, and how contributors were read
    rows = pko["un_pko_monthly"]
    layout = rows.groupby("month")["layout"].unique()
    assert [str(v) for v in layout[_month("2016-11")]] == ["F2_country_mission"]
    assert [str(v) for v in layout[_month("2019-09")]] == ["F5_flat"]
    assert [str(v) for v in layout[_month("2019-10")]] == ["F10_wide_country_mission"]
    assert [str(v) for v in layout[_month("2023-09")]] == ["F8_wide_country_only"]
    assert [str(v) for v in layout[_month("2024-10")]] == ["F9_flat"]
    assert rows["assignment"].value_counts()["carry-over"] == 4
