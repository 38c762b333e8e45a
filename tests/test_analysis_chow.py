"""The Chow test in numpy against the independent computation it replaces: statsmodels'
OLS residual sums of squares and ``scipy.stats.f.sf`` (test dependencies), on seeded random
windows — including constant and exactly linear ones, where the RSS is rounding noise — and
on every test the brief's breakpoint table runs for TUR, PAK and NGA."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

import defdip.analysis.breakpoints as breakpoints
from defdip.analysis._common import resolve_focal
from defdip.analysis.breakpoints import (
    BREAKPOINT_INPUTS,
    ChowResult,
    breakpoint_tests,
    chow_test,
)
from defdip.analysis.period import analysis_period
from defdip.queries.tables import Tables


def _reference(years: np.ndarray, values: np.ndarray, break_year: int,
               *, min_side: int = 3) -> ChowResult:
    """``chow_test`` as it was, with statsmodels OLS and scipy.stats (the numbers before)."""
    years, values = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    keep = ~np.isnan(values)
    years, values = years[keep], values[keep]
    before = years < break_year
    n1, n2 = int(before.sum()), int((~before).sum())
    if n1 < min_side or n2 < min_side:
        raise breakpoints.InvalidArgument("too few")

    def rss(x: np.ndarray, y: np.ndarray) -> float:
        return float(sm.OLS(y, sm.add_constant(x - x.mean(), has_constant="add")).fit().ssr)

    pooled = rss(years, values)
    split = rss(years[before], values[before]) + rss(years[~before], values[~before])
    df_den = n1 + n2 - 4
    if split <= 0:
        f_stat = float("inf") if pooled > 0 else 0.0
    else:
        f_stat = ((pooled - split) / 2) / (split / df_den)
    p_value = float(stats.f.sf(f_stat, 2, df_den)) if np.isfinite(f_stat) else 0.0
    return ChowResult(f_stat, p_value, 2, df_den, n1, n2)


def _window(rng: np.random.Generator, kind: int, n: int) -> np.ndarray:
    years = np.arange(2000, 2000 + n, dtype=float)
    values = [rng.normal(0, 1, n), rng.poisson(2, n).astype(float),
              np.where(rng.random(n) < 0.7, 0.0, rng.gamma(1, 100, n)),  # arms-like
              np.full(n, float(rng.integers(0, 3))),  # constant: RSS is 0 or noise
              1.5 * years][kind]  # an exact line: every RSS is rounding noise
    values[rng.random(n) < 0.1] = np.nan
    return values


def test_chow_matches_statsmodels_and_scipy_stats_on_random_windows() -> None:
    rng = np.random.default_rng(11)
    compared = 0
    for trial in range(500):
        n = int(rng.integers(6, 17))
        years, values = np.arange(2000, 2000 + n), _window(rng, trial % 5, n)
        year = int(rng.integers(2003, 2000 + n - 2))
        try:
            expected = _reference(years, values, year)
        except breakpoints.InvalidArgument:
            continue
        got = chow_test(years, values, year)
        # bitwise here: the same SVD pseudo-inverse, the same F tail (fdtrc)
        assert got.f_stat == pytest.approx(expected.f_stat, rel=1e-12, abs=0), trial
        assert got.p_value == pytest.approx(expected.p_value, rel=1e-12, abs=0), trial
        assert got == expected
        compared += 1
    assert compared > 400


def test_chow_p_value_of_a_non_positive_f_is_one() -> None:
    # on an exact line every RSS is rounding noise, and here the F comes out below 0, where
    # fdtrc is NaN and scipy.stats.f.sf is 1 (found by trying small exact lines)
    years = np.arange(2000.0, 2007.0)
    res = chow_test(years, years, 2003)
    assert res.f_stat < 0 and res.p_value == 1.0
    assert res == _reference(years, years, 2003)


def test_brief_breakpoint_tests_as_with_statsmodels(built_store, monkeypatch) -> None:
    """Every Chow test of the brief's breakpoint table (curated breakpoints: TUR only), run
    again with the reference."""
    got = breakpoint_tests(built_store, "TUR").table
    monkeypatch.setattr(breakpoints, "chow_test", _reference)
    expected = breakpoint_tests(built_store, "TUR").table
    assert got["f_stat"].notna().sum() >= 20  # 10 breakpoints × 5 series, some too short
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("iso3", ["TUR", "PAK", "NGA"])
def test_chow_on_real_series_at_every_year(built_store, iso3: str) -> None:
    """The breakpoint series of the state (ideal point, arms, exercises), a break at every
    year with ±8 years around it, as ``breakpoint_tests`` cuts its windows."""
    focal = resolve_focal(built_store, iso3)
    period = analysis_period(Tables.from_store(built_store), BREAKPOINT_INPUTS, None, None,
                             default_start=1946, iso3=iso3)
    series, _ = breakpoints.focal_series(built_store, focal, period.start, period.end)
    compared = 0
    for year in range(period.start + 3, period.end - 1):
        near = series[series["year"].between(year - 8, year + 7)]
        for col in [c for c in series.columns if c != "year"]:
            args = (near["year"].to_numpy(), near[col].to_numpy(), year)
            try:
                expected = _reference(*args)
            except breakpoints.InvalidArgument:
                continue
            assert chow_test(*args) == expected, (iso3, col, year)
            compared += 1
    assert compared > 150, compared


def test_cli_breakpoints_prints_the_tests(built_store, defdip_cli) -> None:
    """`defdip breakpoints TUR` (and --json) was an AttributeError: the command passed the
    analysis object where the printer expects the service's answer."""
    done = defdip_cli("breakpoints", "TUR", "--json", "--store", str(built_store.path))
    assert done.returncode == 0, done.stderr
    tests = json.loads(done.stdout)["tests"]
    table = breakpoint_tests(built_store, "TUR").table
    assert [t.get("f_stat") for t in tests if t.get("f_stat") is not None] == \
        table["f_stat"].dropna().tolist()
    shown = defdip_cli("breakpoints", "TUR", "--store", str(built_store.path),
                       env={"COLUMNS": "200"})
    assert shown.returncode == 0, shown.stderr
    assert "Chow F test of a linear trend at each date" in shown.stdout
