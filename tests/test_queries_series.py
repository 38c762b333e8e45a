"""The series that run across two sources: UN roll calls 1946-2026 and peacekeeping 1990-2025.

Expected numbers come from the mirror READMEs (unga_votes, unga_votes_dgacm,
un_peacekeeping_ipi, un_peacekeeping_monthly) or are recomputed from the source tables here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from defdip.countries import Vocabulary
from defdip.measures.alignment import alignment, un_alignment
from defdip.queries import series
from defdip.queries.tables import Tables
from defdip.store import Store

SOURCES = ("unga_votes", "unga_votes_dgacm", "unga_ideal_points", "ipi_peacekeeping",
           "un_peacekeeping_monthly")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, mirror: Path, vocab: Vocabulary) -> Store:
    handle = Store(tmp_path_factory.mktemp("series") / "defdip.duckdb")
    for name in SOURCES:
        handle.load_source(name, mirror=mirror, vocab=vocab)
    yield handle
    handle.close()


@pytest.fixture(scope="module")
def tables(store: Store) -> Tables:
    return Tables.from_store(store)


@pytest.fixture(scope="module")
def calls(tables: Tables) -> pd.DataFrame:
    return series.roll_calls(tables).execute()


@pytest.fixture(scope="module")
def votes(tables: Tables) -> pd.DataFrame:
    return series.roll_call_votes(tables).execute()


# ---- roll calls ----------------------------------------------------------------------------
def test_no_roll_call_counted_twice(calls: pd.DataFrame) -> None:
    # Voeten: 6,203 roll calls; DGACM: 731 recorded votes, 90 of them session 74's, which
    # Voeten holds too (unga_votes_dgacm/README.md) -> 641 added.
    assert calls["origin"].value_counts().to_dict() == {"voeten": 6203, "dgacm": 641}
    assert calls["call_id"].is_unique
    named = calls["symbol"].dropna().str.replace(" ", "").str.upper()
    assert not named[calls["origin"] == "dgacm"].isin(named[calls["origin"] == "voeten"]).any()
    assert (calls.loc[calls["origin"] == "dgacm", "call_id"] > series.DGACM_OFFSET).all()
    session74 = calls[calls["session"] == 74]
    assert session74["origin"].value_counts().to_dict() == {"voeten": 91}
    assert (calls["year"].min(), calls["year"].max()) == (1946, 2026)
    added = calls[calls["origin"] == "dgacm"]
    assert added["session"].min() == 75
    assert pd.Timestamp(added["date"].min()) > pd.Timestamp("2020-09-01")


def test_votes_follow_their_roll_calls(votes: pd.DataFrame, store: Store) -> None:
    assert votes["origin"].value_counts().to_dict() == {
        "voeten": 870109,  # unga_votes/README.md
        "dgacm": int(store.sql("SELECT count(*) AS n FROM dgacm_votes v JOIN "
                               "dgacm_resolutions r USING (symbol) WHERE r.session_label <> "
                               "'74'")["n"].iloc[0])}
    assert not votes.duplicated(["call_id", "ccode"]).any()


def test_serbia_and_turkiye_are_one_state_each(votes: pd.DataFrame, store: Store) -> None:
    # Voeten prints Serbia 'Yugoslavia' (YU) to 2019, DGACM 'SERBIA': both COW 345.
    labels = store.sql("SELECT DISTINCT country_label FROM unga_votes WHERE ccode = 345 "
                       "AND year >= 2007")["country_label"].tolist()
    assert labels == ["Yugoslavia"]
    serbia = votes[votes["ccode"] == 345]
    assert set(serbia.loc[serbia["year"] == 2019, "origin"]) == {"voeten"}
    assert set(serbia.loc[serbia["year"] == 2021, "origin"]) == {"dgacm"}
    assert set(serbia["iso3"]) == {"SRB"}
    tur = votes[votes["iso3"] == "TUR"]
    assert set(tur["ccode"]) == {640}
    assert tur.groupby("year").size().loc[2015:2025].gt(70).all()


def test_resolutions_only(tables: Tables, calls: pd.DataFrame) -> None:
    only = series.roll_calls(tables, resolutions_only=True).execute()
    assert only["resolution_vote"].all()
    voeten = only[only["origin"] == "voeten"]
    keys = voeten["symbol"].str.replace(" ", "").str.upper()
    assert keys.is_unique and voeten["symbol"].notna().all()
    assert (only["origin"] == "dgacm").sum() == 641  # every DGACM vote is one
    everything = calls[calls["origin"] == "voeten"]
    assert len(voeten) < len(everything)
    flagged = everything[everything["call_id"].isin(voeten["call_id"])]
    assert flagged["resolution_vote"].all()


# ---- UN alignment over the series ----------------------------------------------------------
@pytest.fixture(scope="module")
def aligned(store: Store) -> pd.DataFrame:
    return un_alignment(store)


def _pair(frame: pd.DataFrame, a: int, b: int) -> pd.DataFrame:
    return frame[(frame["ccode_1"] == a) & (frame["ccode_2"] == b)].set_index("year")


def test_alignment_runs_to_2026(aligned: pd.DataFrame) -> None:
    assert aligned["year"].max() == 2026
    tur_usa = _pair(aligned, 640, 2)
    years = tur_usa.loc[2015:2025]
    assert list(years.index) == list(range(2015, 2026))
    assert years["un_nvotes"].ge(10).all() and years["un_agree"].notna().all()
    # unga_votes/README.md: 2019, 0.348 on 89 joint votes (Voeten's session 74 stays)
    assert (tur_usa.loc[2019, "un_nvotes"], round(tur_usa.loc[2019, "un_agree"], 3)) == (89,
                                                                                          0.348)
    # 2020: Voeten's one January roll call plus session 75's recorded votes from September
    assert tur_usa.loc[2020, "un_nvotes"] > 50
    # ideal points run to 2023 (session 78); Türkiye's session 78 is flagged unreliable
    assert pd.notna(tur_usa.loc[2022, "idealpoint_dist"])
    assert pd.isna(tur_usa.loc[2023, "idealpoint_dist"])
    usa_rus = _pair(aligned, 2, 365)
    assert pd.notna(usa_rus.loc[2023, "idealpoint_dist"])
    assert pd.isna(usa_rus.loc[2024, "idealpoint_dist"])


def test_aggression_against_ukraine_is_in_the_series(calls: pd.DataFrame,
                                                     votes: pd.DataFrame) -> None:
    # unga_votes_dgacm/README.md: A/RES/ES-11/1 (2022-03-02), 141 yes / 5 no / 35 abstain,
    # Türkiye yes.
    call = calls.loc[calls["symbol"] == "A/RES/ES-11/1"]
    assert call[["origin", "year", "session"]].values.tolist() == [["dgacm", 2022, 76]]
    cast = votes[votes["call_id"] == call["call_id"].item()]
    assert cast["vote"].value_counts().to_dict() == {1: 141, 2: 35, 3: 5}
    assert cast.loc[cast["iso3"] == "TUR", "vote"].tolist() == [1]


def test_resolutions_only_alignment(store: Store, vocab: Vocabulary) -> None:
    full = alignment(store, "TUR", partners=("USA",), start=2016, end=2016, vocab=vocab)
    only = alignment(store, "TUR", partners=("USA",), start=2016, end=2016, vocab=vocab,
                     resolutions_only=True)
    assert only["un_nvotes"].iloc[0] < full["un_nvotes"].iloc[0]
    later = alignment(store, "TUR", partners=("USA",), start=2021, end=2021, vocab=vocab,
                      resolutions_only=True)
    assert later["un_nvotes"].iloc[0] == alignment(
        store, "TUR", partners=("USA",), start=2021, end=2021, vocab=vocab)["un_nvotes"].iloc[0]


# ---- peacekeeping --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pk(tables: Tables) -> pd.DataFrame:
    return series.peacekeeping(tables).execute()


def test_one_series_1990_to_2025(pk: pd.DataFrame, store: Store) -> None:
    months = pd.to_datetime(pk["month"])
    assert (months.min(), months.max()) == (pd.Timestamp("1990-11-01"),
                                            pd.Timestamp("2025-07-01"))
    ipi = pk[pk["origin"] == "ipi"]
    assert pd.to_datetime(ipi["month"]).max() == pd.Timestamp("2014-03-01")
    assert (pk["personnel"] > 0).all()
    un_total = int(store.sql("SELECT sum(total) AS n FROM un_pko_monthly")["n"].iloc[0])
    assert int(pk.loc[pk["origin"] == "un_monthly", "personnel"].sum()) == un_total
    mission = ipi[ipi["mission"].notna()]
    ipi_total = int(store.sql("SELECT sum(total) AS n FROM ipi_contributor_mission_month"
                              )["n"].iloc[0])
    assert int(mission["personnel"].sum()) == ipi_total  # troops + police + experts = total
    split = pd.to_datetime(mission["month"])
    assert (split.min(), split.max()) == (pd.Timestamp("2009-11-01"),
                                          pd.Timestamp("2014-02-01"))


def test_gaps_are_gaps(tables: Tables) -> None:
    months = series.peacekeeping_months(tables)
    gaps = [m.strftime("%Y-%m") for m in months.loc[months["origin"].isna(), "month"]]
    assert gaps == [f"2014-{m:02d}" for m in range(4, 13)] + [
        "2015-03", "2016-03", "2017-03", "2020-06", "2022-07"]
    assert months.loc[months["origin"].isna(), "personnel"].isna().all()
    unsplit = months[months["origin"].notna() & ~months["mission_split"].fillna(True)]
    assert len(unsplit[unsplit["origin"] == "un_monthly"]) == 19
    assert months.loc[months["month"] == dt.date(2015, 1, 1), "personnel"].item() == 104496


def test_turkiye_by_mission_in_2024(pk: pd.DataFrame) -> None:
    month = pk[(pk["iso3"] == "TUR") & (pd.to_datetime(pk["month"]) == "2024-06-01")]
    uniformed = month.groupby("mission")["personnel"].sum()
    assert uniformed.sum() == month["personnel"].sum() and uniformed["UNIFIL"] > 80
    assert month["mission"].notna().all() and (month["origin"] == "un_monthly").all()


# ---- panel columns -------------------------------------------------------------------------
def test_panel_peacekeeping_columns_read_the_series(loaded_store: Store) -> None:
    from defdip.panels import add_peacekeeping, create_dyad_years, create_state_years

    states = add_peacekeeping(create_state_years(loaded_store, start=2005, end=2026))
    frame = states.to_pandas().set_index(["ccode", "year"])
    # independent: Türkiye's month-end totals in the UN reports of 2015, averaged over the
    # 11 months reported that year (2015-03 is missing)
    monthly = loaded_store.sql("SELECT month, sum(total) AS n FROM un_pko_monthly WHERE "
                               "iso3 = 'TUR' AND year = 2015 GROUP BY month")
    assert len(monthly) == 11
    assert frame.loc[(640, 2015), "pk_personnel"] == pytest.approx(monthly["n"].mean())
    assert frame.loc[(640, 2015), "pk_missions"] == 11
    assert pd.isna(frame.loc[(640, 2005), "pk_missions"])  # no mission split before 2009-11
    assert frame.loc[(640, 2005), "pk_personnel"] > 0  # IPI's contributor totals
    assert pd.isna(frame.loc[(640, 2026), "pk_personnel"])  # past the series
    dyads = add_peacekeeping(create_dyad_years(loaded_store, start=2013, end=2024))
    pairs = dyads.to_pandas()
    tur_usa = pairs[(pairs["ccode_1"] == 640) & (pairs["ccode_2"] == 2)].set_index("year")
    assert tur_usa["pk_codeploy"].notna().all() and tur_usa["pk_codeploy"].gt(0).all()
