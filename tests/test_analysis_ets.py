"""ETS(A,A,N) in numpy against the independent computation it replaces: statsmodels'
``ETSModel(y, error="add", trend="add").fit()`` and its prediction intervals (statsmodels is
a test dependency only), on seeded random series and on the real series the brief's outlook
forecasts for TUR, PAK and NGA, plain and log(1+x).

The fit repeats statsmodels' arithmetic step for step and calls the same optimiser, so on
this platform the numbers are bitwise equal; the tolerance (1e-9 relative) leaves room only
for a compiled build that rounds differently, which would change the optimiser's path.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from statsmodels.tsa.exponential_smoothing.ets import ETSModel

from defdip.analysis.ets import aan_forecast, fit_aan
from defdip.analysis.trends import _LOG_SERIES, forecast_series, trends
from defdip.errors import InvalidArgument

RTOL = 1e-9


def _statsmodels(y: np.ndarray, horizon: int, alpha: float = 0.05):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ETSModel(pd.Series(y), error="add", trend="add").fit(disp=False)
        frame = fit.get_prediction(start=len(y), end=len(y) + horizon - 1) \
            .summary_frame(alpha=alpha)
    return fit, frame[["mean", "pi_lower", "pi_upper"]].to_numpy()


def _random_series(rng: np.random.Generator, kind: int, n: int) -> np.ndarray:
    """A random walk, counts, log(1 + sparse TIV-like values), a noisy line."""
    if kind == 0:
        return rng.normal(10, 3, n).cumsum()
    if kind == 1:
        return rng.poisson(3, n).astype(float)
    if kind == 2:
        return np.log1p(rng.gamma(0.5, 200, n) * (rng.random(n) > 0.3))
    return 5 + 0.3 * np.arange(n) + rng.normal(0, 1, n)


@pytest.mark.parametrize("seed", [0, 1])
def test_fit_and_intervals_match_statsmodels_on_random_series(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for trial in range(40):
        # 6-9 values start from the first values (statsmodels' simple initialisation),
        # 10 or more from a regression on the first ten (its heuristic)
        n, horizon = int(rng.integers(6, 35)), int(rng.integers(1, 8))
        y = _random_series(rng, trial % 4, n)
        ref, expected = _statsmodels(y, horizon, alpha=0.1 if trial % 5 == 0 else 0.05)
        fit = fit_aan(y)
        got = np.column_stack(aan_forecast(y, horizon, alpha=0.1 if trial % 5 == 0 else 0.05))
        assert np.allclose(got, expected, rtol=RTOL, atol=0), (seed, trial, n)
        assert np.allclose([fit.alpha, fit.beta, fit.initial_level, fit.initial_trend],
                           np.asarray(ref.params), rtol=RTOL, atol=0)
        assert fit.mse == pytest.approx(float(ref.mse), rel=RTOL)


@pytest.mark.parametrize("y", [np.zeros(8), np.full(15, 4.0), np.arange(12.0) * 2 + 1,
                               np.r_[np.zeros(10), 50.0, np.zeros(5)]],
                         ids=["zeros", "constant", "exact-line", "one-spike"])
def test_degenerate_series_match_statsmodels(y: np.ndarray) -> None:
    # a zero one-step error makes the likelihood infinite: the optimiser's path is the
    # same only if every objective value is
    _, expected = _statsmodels(y, 5)
    assert np.allclose(np.column_stack(aan_forecast(y, 5)), expected, rtol=RTOL, atol=1e-12)


def test_fit_refuses_a_series_it_cannot_fit() -> None:
    with pytest.raises(InvalidArgument, match=r"An ETS fit needs a series of at least 2 finite "
                                              r"values; got \[1.0, nan, 3.0\]. Drop the "):
        fit_aan(np.array([1.0, np.nan, 3.0]))
    with pytest.raises(InvalidArgument, match=r"at least 2 finite values; got \[4.0\]"):
        fit_aan(np.array([4.0]))


def _old_forecast(values: np.ndarray, horizon: int, log: bool) -> pd.DataFrame:
    """``trends._fit_predict`` as it was with statsmodels (the brief's numbers before)."""
    y = np.log1p(np.clip(values, 0, None)) if log else values.astype(float)
    _, frame = _statsmodels(y, horizon)
    out = pd.DataFrame(frame, columns=["mean", "pi_low", "pi_high"])
    return (np.expm1(out) if log else out).clip(lower=0)


@pytest.mark.parametrize("iso3", ["TUR", "PAK", "NGA"])
def test_brief_series_forecast_as_with_statsmodels(built_store, iso3: str) -> None:
    """Every series the outlook forecasts (``trends`` with the brief's defaults: 1995 to the
    last year, horizon 5, holdout 3): the forecast, its interval and the backtest MAE."""
    result = trends(built_store, iso3)
    forecast = set(result.forecasts["instrument"])
    assert forecast, f"{iso3}: no series forecast"
    for name in sorted(forecast):
        part = result.series[result.series["instrument"] == name]
        years, values = part["year"].to_numpy(), part["value"].to_numpy()
        log = name in _LOG_SERIES
        fc = forecast_series(years, values, horizon=5, holdout=3, log=log)
        old = _old_forecast(values, 5, log)
        assert np.allclose(fc.table[["mean", "pi_low", "pi_high"]].to_numpy(),
                           old.to_numpy(), rtol=RTOL, atol=1e-12), (iso3, name)
        past = _old_forecast(values[:-3], 3, log)["mean"].to_numpy()
        assert fc.mae == pytest.approx(float(np.mean(np.abs(values[-3:] - past))),
                                       rel=RTOL), (iso3, name)
