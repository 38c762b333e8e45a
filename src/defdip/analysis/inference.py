"""Small inference helpers the reports need to say only what an analysis shows.

- :func:`holm` — Holm's (1979) step-down adjustment of p-values for a family of tests.
- :func:`informative_tests` — Chow tests that tested something (F = 0 with p = 1 means both
  regimes fit perfectly or the series is constant: no test at all).
- :func:`naive_errors` — the backtest error of a naive forecast (the last observed value
  carried forward), the benchmark a model forecast must beat to be worth showing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["holm", "informative_tests", "naive_errors"]


def holm(p_values: pd.Series | list[float]) -> np.ndarray:
    """Holm-adjusted p-values, in the input order (NaN stays NaN)."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    values = p[ok]
    m = len(values)
    if m == 0:
        return out
    order = np.argsort(values)
    adjusted = np.empty(m)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, (m - rank) * values[idx])
        adjusted[idx] = min(1.0, running)
    out[ok] = adjusted
    return out


def informative_tests(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of a breakpoint table that hold a real test: an F statistic and a p-value, and
    not the degenerate F = 0, p = 1."""
    if "p_value" not in table or "f_stat" not in table:
        return table.iloc[0:0]
    keep = table["p_value"].notna() & table["f_stat"].notna()
    keep &= ~((table["f_stat"] <= 1e-12) & (table["p_value"] >= 1 - 1e-12))
    return table[keep]


def naive_errors(values: np.ndarray | list[float], holdout: int) -> tuple[float, float | None]:
    """MAE and MAPE (%) of carrying the last value before the holdout forward over it."""
    y = np.asarray(values, dtype=float)
    if holdout < 1 or len(y) <= holdout:
        return float("nan"), None
    actual = y[-holdout:]
    predicted = np.full(holdout, y[-holdout - 1])
    mae = float(np.mean(np.abs(actual - predicted)))
    nz = actual != 0
    mape = float(np.mean(np.abs((actual[nz] - predicted[nz]) / actual[nz])) * 100) \
        if nz.any() else None
    return mae, mape
