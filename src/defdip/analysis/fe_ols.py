"""OLS with one or two sets of fixed effects and cluster-robust (CR1) standard errors, solved
exactly with numpy.

This is the estimator :func:`defdip.analysis.effects.estimate_effects` runs, written out so
a brief need not import pyfixest (with matplotlib, polars and formulaic behind it, about two
seconds of a cold process) for a regression of a few thousand rows. It reproduces
``pyfixest.feols(f"y ~ x1 + x2 | fe1 + fe2", vcov={"CRV1": cluster})`` with pyfixest's
defaults — singleton observations removed (repeatedly, until none is left), the small-sample
factor (N − 1)/(N − k) · G/(G − 1) with fixed effects nested in the clusters not counted in k
(fixest's "nested" rule), t-based p-values and intervals with G − 1 degrees of freedom — and
agrees with it to about 1e-9 (pyfixest demeans iteratively to a tolerance; here the second set
of fixed effects is partialled out exactly, by the Frisch–Waugh–Lovell theorem: demean within
the larger set, regress on the demeaned dummies of the smaller).

One difference, on purpose: pyfixest 0.60 matches fixed-effect *names* in formula order with
fixed-effect *columns* in an order that follows Python's string hashing, so in about half of
all processes (it depends on ``PYTHONHASHSEED``) it takes the year effects for nested in the
dyad clusters too and counts k = regressors + 1; its standard errors then move by a factor
sqrt((N − 1 − regressors − years + 1)/(N − regressors − 1)) from run to run (0.26% for the
Türkiye brief). Here k follows the rule every time. ``tests/test_analysis_fe_ols.py`` checks
both.

:class:`Unsupported` is raised where this path would differ from pyfixest (collinear
regressors, which pyfixest drops with a warning; more than two sets of fixed effects); the
caller then runs pyfixest itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["FeOlsFit", "Unsupported", "fe_ols"]


class Unsupported(Exception):
    """The exact path does not cover this model; run pyfixest instead."""


@dataclass(frozen=True)
class FeOlsFit:
    """Coefficients in the order of ``terms``, with CR1 errors, t-based CIs and p-values."""

    terms: list[str]
    estimate: np.ndarray
    std_error: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    p_value: np.ndarray
    n_obs: int
    n_clusters: int
    #: k of the small-sample factor (N − 1)/(N − k): regressors and fixed-effect levels
    #: not nested in the clusters
    df_k: int


def _codes(values: pd.Series) -> np.ndarray:
    return pd.factorize(values, sort=True)[0].astype(np.int64)


def _drop_singletons(fe: list[np.ndarray]) -> np.ndarray:
    """Rows kept once every observation alone in its level of any fixed effect is removed,
    repeatedly (removing one can leave another alone), as pyfixest and fixest do."""
    keep = np.ones(len(fe[0]), dtype=bool)
    while True:
        changed = False
        for codes in fe:
            counts = np.bincount(codes[keep], minlength=int(codes.max()) + 1)
            alone = keep & (counts[codes] == 1)
            if alone.any():
                keep &= ~alone
                changed = True
        if not changed:
            return keep


def _demean(matrix: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Each column minus its mean within the level of ``codes``."""
    n_levels = int(codes.max()) + 1
    counts = np.bincount(codes, minlength=n_levels).astype(float)
    sums = np.zeros((n_levels, matrix.shape[1]))
    np.add.at(sums, codes, matrix)
    return matrix - (sums / counts[:, None])[codes]


def fe_ols(frame: pd.DataFrame, outcome: str, regressors: list[str], fixed_effects: list[str],
           cluster: str, alpha: float = 0.05) -> FeOlsFit:
    """OLS of ``outcome`` on ``regressors`` with ``fixed_effects`` (one or two columns) and
    CR1 errors clustered by ``cluster``; ``frame`` has no missing value in these columns."""
    from scipy import special

    if not 1 <= len(fixed_effects) <= 2:
        raise Unsupported(f"{len(fixed_effects)} sets of fixed effects")
    fe = [_codes(frame[c]) for c in fixed_effects]
    keep = _drop_singletons(fe)
    if not keep.all():
        frame = frame[keep]
        fe = [_codes(frame[c]) for c in fixed_effects]
    y = frame[outcome].to_numpy(dtype=float)[:, None]
    x = frame[regressors].to_numpy(dtype=float)
    groups = _codes(frame[cluster])
    n, k = x.shape
    levels = [int(c.max()) + 1 for c in fe]
    # partial out the set with most levels by demeaning, the other exactly as dummies
    order = sorted(range(len(fe)), key=lambda i: -levels[i])
    big = fe[order[0]]
    yx = _demean(np.hstack([y, x]), big)
    if len(fe) == 2:
        small = fe[order[1]]
        dummies = np.zeros((n, levels[order[1]] - 1))
        rows = small > 0  # the first level is the reference
        dummies[np.flatnonzero(rows), small[rows] - 1] = 1.0
        d = _demean(dummies, big)
        coef, *_ = np.linalg.lstsq(d, yx, rcond=None)
        yx = yx - d @ coef
    y_t, x_t = yx[:, 0], yx[:, 1:]
    xtx = x_t.T @ x_t
    if np.linalg.matrix_rank(xtx) < k:
        raise Unsupported("collinear regressors")
    bread = np.linalg.inv(xtx)
    beta = bread @ (x_t.T @ y_t)
    resid = y_t - x_t @ beta
    scores = np.zeros((int(groups.max()) + 1, k))
    np.add.at(scores, groups, x_t * resid[:, None])
    g = scores.shape[0]
    # k as pyfixest counts it: regressors + fixed-effect levels (one less for each set
    # after the first), less the levels of a set nested in the clusters (plus one back)
    k_fe = sum(levels) - (len(levels) - 1)
    nested = [i for i, codes in enumerate(fe) if _nested(codes, groups)]
    df_k = k + k_fe - sum(levels[i] for i in nested) + len(nested) if nested else k + k_fe
    ssc = (n - 1) / (n - df_k) * g / (g - 1)
    vcov = ssc * bread @ (scores.T @ scores) @ bread
    se = np.sqrt(np.diag(vcov))
    df_t = g - 1
    t_stat = beta / se
    p_value = 2 * special.stdtr(df_t, -np.abs(t_stat))
    crit = special.stdtrit(df_t, 1 - alpha / 2)
    return FeOlsFit(list(regressors), beta, se, beta - crit * se, beta + crit * se, p_value,
                    int(n), int(g), int(df_k))


def _nested(codes: np.ndarray, groups: np.ndarray) -> bool:
    """Whether every level of ``codes`` falls within one cluster."""
    pairs = np.unique(np.column_stack([codes, groups]), axis=0)
    return len(pairs) == len(np.unique(codes))
