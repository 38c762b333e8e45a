"""ETS(A,A,N): Holt's linear trend in state-space form, fitted by maximum likelihood.

Additive error, additive (undamped) trend, no season — the model the trend forecasts use.
It reproduces statsmodels' ``ETSModel(y, error="add", trend="add").fit()`` and
``get_prediction(...).summary_frame(alpha)`` step for step (statsmodels 0.15,
``tsa/exponential_smoothing/ets.py``), so the forecasts stay the same numbers while the brief
no longer imports statsmodels (about a second of a cold start). What is copied, and why:

* initial states: the regression of the first ten values on 1..10 (``pinv``, statsmodels'
  ``_initialization_heuristic``), or with fewer than ten values the first value and the
  first difference (``_initialization_simple``); they are start values, then estimated;
* parameters (alpha, beta* = beta/alpha, l0, b0), starting at (0.1, 0.01/0.1, l0, b0),
  alpha and beta* in [1e-4, 1 − 1e-4], the initial states unbounded;
* the concentrated log-likelihood −n/2·(log(2π·mean(e²)) + 1), minimised as −loglik/n by
  ``scipy.optimize.fmin_l_bfgs_b`` with its finite-difference gradient and defaults
  (maxiter 1000) — the same call statsmodels makes, so with the same objective value at
  every point the optimiser takes the same path;
* the smoothing recursion with every arithmetic step in statsmodels' order (its Cython
  loop), since finite differences of 1e-8 magnify any last-bit difference;
* forecasts l_n + h·b_n by repeated addition (statsmodels' simulation without errors), and
  the variance mse·(1 + (h−1)(α² + αβh + β²h(2h−1)/6)) of Hyndman & Athanasopoulos (2019),
  §8.7, with mse = Σe²/n from the final smoothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from defdip.errors import InvalidArgument

__all__ = ["AANFit", "aan_forecast", "fit_aan"]

_LOWER, _UPPER = 1e-4, 1 - 1e-4  # statsmodels' bounds on alpha and beta* (ETSModel)
_START_ALPHA, _START_BETA = 0.1, 0.01  # statsmodels' default start values


@dataclass(frozen=True)
class AANFit:
    """A fitted ETS(A,A,N): smoothing parameters, initial and final states, and the mean
    squared one-step error (the scale of the prediction intervals)."""

    alpha: float
    beta: float
    initial_level: float
    initial_trend: float
    level: float
    trend: float
    mse: float
    converged: bool


def _initial_states(y: np.ndarray) -> tuple[float, float]:
    """Start values of the initial level and trend (statsmodels' choice by length)."""
    if len(y) < 10:
        return y[0], y[1] - y[0]
    exog = np.c_[np.ones(10), np.arange(10) + 1]
    beta = np.squeeze(np.linalg.pinv(exog).dot(np.atleast_2d(y).T[:10]))
    return beta[0], beta[1]


def _smooth(y: list[float], alpha: float, beta_star: float, level: float, trend: float
            ) -> tuple[list[float], float, float]:
    """One-step predictions, and the last level and trend, of the recursion
    ŷ_t = l + b;  l' = α·y_t + (1−α)(l + b);  b' = β*(l' − l) + (1−β*)·b,
    written with statsmodels' zero season and unit damping so each step rounds as there."""
    phi, season = 1.0, 0.0
    yhat = []
    for obs in y:
        yhat.append(level + phi * trend + season)
        new_level = alpha * (obs - season) + (1 - alpha) * (level + phi * trend)
        trend = beta_star * (new_level - level) + (1 - beta_star) * phi * trend
        level = new_level
    return yhat, level, trend


def _neg_loglike(params: np.ndarray, y: np.ndarray, ylist: list[float]) -> float:
    """−loglik/n at (alpha, beta*, l0, b0), as statsmodels' ``_loglike_internal`` and
    ``LikelihoodModel.fit`` compute it."""
    alpha, beta_star, level, trend = params.tolist()  # floats: same IEEE steps, faster
    yhat, _, _ = _smooth(ylist, alpha, beta_star, level, trend)
    res = y - np.asarray(yhat)
    nobs = len(y)
    loglike = -nobs / 2 * (np.log(2 * np.pi * np.mean(res**2)) + 1)
    return -loglike / nobs


def fit_aan(y: np.ndarray) -> AANFit:
    """Fit ETS(A,A,N) to ``y`` (at least two values, all finite) by maximum likelihood."""
    from scipy.optimize import fmin_l_bfgs_b
    from threadpoolctl import threadpool_limits

    y = np.require(np.asarray(y, dtype=float), requirements="WC")
    if y.ndim != 1 or len(y) < 2 or not np.isfinite(y).all():
        raise InvalidArgument(f"An ETS fit needs a series of at least 2 finite values; got "
                              f"{y.tolist()!r}. Drop the missing years first.")
    ylist = y.tolist()
    level0, trend0 = _initial_states(y)
    start = np.array([_START_ALPHA, _START_BETA, level0, trend0])
    start[1] /= start[0]  # statsmodels optimises beta* = beta / alpha
    bounds = [(_LOWER, _UPPER), (_LOWER, _UPPER), (-np.inf, np.inf), (-np.inf, np.inf)]
    # One BLAS thread: L-BFGS-B calls BLAS on 4×10 matrices, where OpenBLAS's threads only
    # wait on each other (a fit took 80 ms instead of 12 ms on a busy 2-core machine); the
    # arithmetic, and so the answer, is the same.
    with np.errstate(all="ignore"), threadpool_limits(limits=1, user_api="blas"):
        xopt, _, info = fmin_l_bfgs_b(_neg_loglike, start, args=(y, ylist), approx_grad=True,
                                      bounds=bounds, maxiter=1000)
        alpha = xopt[0]
        beta = xopt[1] * alpha  # back to beta, then re-divided in the final smoothing
        yhat, level, trend = _smooth(ylist, float(alpha), float(beta / alpha),
                                     float(xopt[2]), float(xopt[3]))
        res = y - np.asarray(yhat)
        mse = np.sum(res**2) / len(y)
    return AANFit(alpha, beta, xopt[2], xopt[3], level, trend, mse, info["warnflag"] == 0)


def aan_forecast(y: np.ndarray, horizon: int, alpha: float = 0.05
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean forecast and ``1 − alpha`` prediction interval (low, high) for the ``horizon``
    steps after ``y``, from :func:`fit_aan` (statsmodels' exact intervals for AAN; ``alpha``
    is the interval's significance level, as in statsmodels' ``summary_frame``)."""
    from scipy.special import ndtri

    fit = fit_aan(y)
    means = np.empty(horizon)
    level = fit.level
    for t in range(horizon):
        level = level + fit.trend * 1.0
        means[t] = level
    h = np.arange(1, horizon + 1, dtype=float)
    a, b = np.float64(fit.alpha), np.float64(fit.beta)
    with np.errstate(all="ignore"):
        variance = fit.mse * (1 + (h - 1) * (a**2 + a * b * h + b**2 * h / 6 * (2 * h - 1)))
        half = ndtri(1 - alpha / 2) * np.sqrt(variance)
    return means, means - half, means + half
