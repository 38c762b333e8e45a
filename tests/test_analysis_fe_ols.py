"""The exact fixed-effects OLS (analysis.fe_ols) gives pyfixest's answer: the estimator the
effects table reports, without importing pyfixest. pyfixest is the independent computation
each figure is checked against."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from defdip.analysis import fe_ols as F
from defdip.analysis.effects import estimate_effects

COLUMNS = ["estimate", "std_error", "ci_low", "ci_high", "p_value"]


def _panel(seed: int = 7) -> pd.DataFrame:
    """An unbalanced dyad-year panel with singletons (dyads seen in one year only), gaps and
    regressors that vary within dyads."""
    rng = np.random.default_rng(seed)
    rows = []
    for partner in range(2, 62):
        first = int(rng.integers(1990, 2014))
        years = [y for y in range(first, first + int(rng.integers(1, 20)))
                 if rng.random() < 0.9]  # runs of years with a few gaps
        effect = rng.normal()
        for year in years:
            rows.append({"ccode_1": 640, "ccode_2": partner, "year": int(year),
                         "exercises_joint": float(rng.poisson(0.5)),
                         "tiv_1to2": float(rng.exponential(20)) if rng.random() < .4 else 0.0,
                         "atop_defense": float(rng.random() < 0.3),
                         "un_sscore": effect + 0.01 * (year - 2000) + rng.normal(0, 0.3)})
    return pd.DataFrame(rows)


def _pyfixest(frame: pd.DataFrame, **kw: object) -> pd.DataFrame:
    """The same estimate_effects call with the exact path switched off (pyfixest runs)."""
    def refuse(*_a: object, **_k: object) -> F.FeOlsFit:
        raise F.Unsupported("test: run pyfixest")

    original = F.fe_ols
    F.fe_ols = refuse
    try:
        return estimate_effects(frame, **kw)  # type: ignore[arg-type]
    finally:
        F.fe_ols = original


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("fixed_effects", ["dyad+year", "year"])
def test_effects_estimates_match_pyfixest(fixed_effects: str) -> None:
    """estimate_effects through the exact path and through pyfixest: same sample (singletons
    removed alike), same terms and estimates (pyfixest demeans to 1e-6)."""
    frame = _panel()
    kw = {"outcome": "un_sscore", "fixed_effects": fixed_effects,
          "instruments": ["exercises_joint", "arms_out_log", "atop_defense"]}
    fast = estimate_effects(frame, **kw)
    slow = _pyfixest(frame, **kw)
    assert fast.n_obs == slow.n_obs
    assert list(fast.table["term"]) == list(slow.table["term"])
    np.testing.assert_allclose(fast.table["estimate"], slow.table["estimate"], rtol=1e-5)
    assert fast.specification == slow.specification


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("fixed_effects", ["dyad+year", "year"])
@pytest.mark.parametrize("seed", [7, 11])
def test_exact_path_is_pyfixest_converged(fixed_effects: str, seed: int) -> None:
    """Against pyfixest demeaned to 1e-13 the two agree to 1e-9 (relative), once pyfixest's
    small-sample k is put right where its name/column mix-up counted the year effects as
    nested in the dyad clusters (it does so in some processes, depending on string hashing:
    the module docstring)."""
    import pyfixest as pf

    frame = _panel(seed)
    frame["dyad"] = frame["ccode_2"]
    frame["arms"] = np.log1p(frame["tiv_1to2"])
    terms = ["exercises_joint", "arms", "atop_defense"]
    fit = F.fe_ols(frame, "un_sscore", terms, fixed_effects.split("+"), "dyad")
    model = pf.feols(f"un_sscore ~ {' + '.join(terms)} | {fixed_effects}", data=frame,
                     vcov={"CRV1": "dyad"}, fixef_tol=1e-13)
    tidy = model.tidy()
    n = model._N
    assert fit.n_obs == n
    years = int(model._k_fe.filter(like="year").iloc[0])  # year levels pyfixest kept
    assert fit.df_k == len(terms) + years  # dyad effects nested in the clusters: not counted
    assert model._df_k in (fit.df_k, len(terms) + 1)  # the rule, or the mix-up
    scale = np.sqrt((n - model._df_k) / (n - fit.df_k))
    np.testing.assert_allclose(fit.estimate, tidy["Estimate"], rtol=1e-9)
    np.testing.assert_allclose(fit.std_error, tidy["Std. Error"] * scale, rtol=1e-9)
    crit = (tidy.iloc[:, 5] - tidy["Estimate"]) / tidy["Std. Error"]  # same t quantile
    np.testing.assert_allclose(fit.ci_high - fit.estimate, crit * fit.std_error, rtol=1e-9)
    if model._df_k == fit.df_k:
        np.testing.assert_allclose(fit.p_value, tidy["Pr(>|t|)"], rtol=1e-9)


def test_singletons_are_removed_repeatedly() -> None:
    # dyad 0 is seen once: only its row goes
    codes = [np.array([0, 1, 1, 2, 2]), np.array([1, 0, 2, 0, 2])]
    assert F._drop_singletons(codes).tolist() == [False, True, True, True, True]
    # a chain: year 0 has one row; without it dyad 0 has one, then year 1, dyad 1, ...
    codes = [np.array([0, 0, 1, 1, 2, 2, 3, 3]), np.array([0, 1, 1, 2, 2, 3, 4, 4])]
    assert F._drop_singletons(codes).tolist() == [False] * 6 + [True, True]


def test_collinear_regressors_are_left_to_pyfixest() -> None:
    frame = _panel().assign(double=lambda f: 2 * f["exercises_joint"])
    frame["dyad"] = frame["ccode_2"]
    with pytest.raises(F.Unsupported, match="collinear"):
        F.fe_ols(frame, "un_sscore", ["exercises_joint", "double"], ["dyad", "year"], "dyad")
