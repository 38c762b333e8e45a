"""Trends: forecasts of a known linear trend and the backtest arithmetic by hand.
Regions: the documented mapping, the unknown-region message, a case study on real data.
Exercises in trends, breakpoints and regions: the engagement record, with its coverage."""

from __future__ import annotations

import numpy as np
import pytest

from defdip.analysis.breakpoints import breakpoint_tests
from defdip.analysis.regions import region_case, region_members
from defdip.analysis.trends import backtest_errors, forecast_series, trends
from defdip.engagements import list_records
from defdip.errors import InvalidArgument


def test_forecast_of_a_linear_trend() -> None:
    years = np.arange(2000, 2020)
    values = 5 + 2.0 * (years - 2000) + np.random.default_rng(0).normal(0, 0.05, 20)
    fc = forecast_series(years, values, horizon=5, holdout=3)
    truth = 5 + 2.0 * (np.arange(2020, 2025) - 2000)
    assert list(fc.table["year"]) == list(range(2020, 2025))
    assert np.allclose(fc.table["mean"], truth, atol=0.3)
    assert ((fc.table["pi_low"] <= truth) & (truth <= fc.table["pi_high"])).all()
    assert fc.mae < 0.3


def test_backtest_arithmetic_by_hand() -> None:
    mae, mape = backtest_errors(np.array([10.0, 0.0, 20.0]), np.array([12.0, 1.0, 15.0]))
    assert mae == pytest.approx((2 + 1 + 5) / 3)
    assert mape == pytest.approx((0.2 + 0.25) / 2 * 100)  # the zero actual is left out


def test_short_series_message() -> None:
    with pytest.raises(InvalidArgument, match="needs at least 9 observed years; the series "
                                              "has 5"):
        forecast_series(np.arange(5), np.arange(5.0))


def test_regions_on_real_data(loaded_store) -> None:
    # NATO is the one NATO list (nato.int): West Germany (260) joined in 1955, unified
    # Germany (255) continues its membership from 3 October 1990, so both are members in 1990
    nato_1989 = set(region_members(loaded_store, "nato", 1989)["iso3"])
    assert {"TUR", "GRC", "DEU"} <= nato_1989 and "POL" not in nato_1989
    assert "POL" in set(region_members(loaded_store, "nato", 1999)["iso3"])
    me = set(region_members(loaded_store, "Middle East")["iso3"])
    assert {"SYR", "IRQ", "SAU", "ISR"} <= me and "TUR" not in me
    with pytest.raises(InvalidArgument, match=r"Unknown region 'narnia'. Valid regions: africa"):
        region_members(loaded_store, "narnia")


def _shared_exercises(store, iso3: str, partners: set[str], year: int) -> int:
    """Exercise records ``record list`` returns for the year in which the state and one of
    ``partners`` both take part (observers do not): counted here from its rows."""
    taking_part = {"host", "participant", "organiser"}
    rows = list_records(store, country=iso3, kind="exercise", year_from=year, year_to=year)
    count = 0
    for actors in rows["actors"]:
        who = {a["country"] for a in actors if a["role"] in taking_part}
        count += iso3 in who and bool(who & partners)
    return count


def test_region_case_turkiye_middle_east(built_store) -> None:
    case = region_case(built_store, "TUR", "middle_east", start=1995, end=2019)
    assert list(case.engagement["year"]) == list(range(1995, 2020))
    assert case.engagement["arms_out_tiv"].sum() > 0
    exercises = case.engagement.set_index("year")["exercises_joint"]
    # the curated record covers Türkiye after MME and JME end (2010): observed, not blank
    assert exercises.notna().all()
    members = set(case.members["iso3"])
    for year in (2005, 2019):  # independent: counted from `record list`'s rows
        assert exercises.loc[year] == _shared_exercises(built_store, "TUR", members, year)
    assert "curated 2003" in case.coverage[0]["text"] and "mme_exercises 1980–2010" in \
        case.coverage[0]["text"]
    assert "ISR" in set(case.top_partners["iso3"])  # 1990s Israel–Türkiye cooperation
    assert set(case.peacekeeping["mission"]) >= {"UNIFIL"}


def test_exercises_are_blank_where_no_source_observes_the_state(built_store) -> None:
    # Pakistan: only the all-state sources (MME, JME: to 2010) observe it, so later years are
    # unknown (NaN), not 0; the coverage says which sources were used
    case = region_case(built_store, "PAK", "middle_east", start=2005, end=2015)
    exercises = case.engagement.set_index("year")["exercises_joint"]
    assert exercises.loc[2011:].isna().all() and exercises.loc[:2010].notna().all()
    assert case.coverage[0]["years"] == [[2005, 2010]]
    result = trends(built_store, "PAK", start=1995, end=2024)
    years = result.series[result.series["instrument"] == "exercises"]["year"]
    assert years.min() == 1995 and years.max() == 2010
    assert result.to_dict()["coverage"][0]["years"] == [[1995, 2010]]


def test_trends_and_breakpoints_read_the_record(built_store) -> None:
    result = trends(built_store, "TUR", start=1995, end=2024)
    series = result.series[result.series["instrument"] == "exercises"].set_index("year")
    assert series.index.max() == 2024  # the curated record carries on after MME/JME (2010)
    everyone = set(built_store.vocabulary().countries)  # exercises with any partner at all
    assert series.loc[2019, "value"] == _shared_exercises(built_store, "TUR", everyone, 2019)
    note = result.backtest.set_index("instrument").loc["exercises", "note"]
    assert "the sources change within the series" in note and "curated from 2011" in note
    report = breakpoint_tests(built_store, "TUR", window=8)
    assert report.to_dict()["coverage"][0]["instrument"] == "exercises"
    tests = report.table[report.table["series"] == "exercises"].set_index("break_year")
    # 1960 coup: no exercise source observes 1952-1967 (JME starts in 1974): too few years,
    # where the MME-only series used to invent zeros
    assert tests.loc[1960, "note"] == "too few years of data around the date"
