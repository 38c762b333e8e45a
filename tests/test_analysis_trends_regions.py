"""Trends: forecasts of a known linear trend and the backtest arithmetic by hand.
Regions: the documented mapping, the unknown-region message, a case study on real data."""

from __future__ import annotations

import numpy as np
import pytest

from defdip.analysis.regions import nato_members, region_case, region_members
from defdip.analysis.trends import backtest_errors, forecast_series
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
    nato_1990 = nato_members(loaded_store, 1990)
    assert {640, 350, 260} <= nato_1990 and 255 not in nato_1990 and 290 not in nato_1990
    assert 290 in nato_members(loaded_store, 1999)
    me = set(region_members(loaded_store, "Middle East")["iso3"])
    assert {"SYR", "IRQ", "SAU", "ISR"} <= me and "TUR" not in me
    with pytest.raises(InvalidArgument, match=r"Unknown region 'narnia'. Valid regions: africa"):
        region_members(loaded_store, "narnia")


def test_region_case_turkiye_middle_east(loaded_store) -> None:
    case = region_case(loaded_store, "TUR", "middle_east", start=1995, end=2019)
    assert list(case.engagement["year"]) == list(range(1995, 2020))
    assert case.engagement["arms_out_tiv"].sum() > 0
    assert case.engagement.set_index("year")["exercises_joint"].loc[2011:].isna().all()
    assert "ISR" in set(case.top_partners["iso3"])  # 1990s Israel–Türkiye cooperation
    assert set(case.peacekeeping["mission"]) >= {"UNIFIL"}
