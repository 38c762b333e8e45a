"""Callaway & Sant'Anna (2021) group-time ATTs and their event-time and simple aggregates,
solved with numpy.

This is the estimator :func:`defdip.analysis.event_study.attgt_event_study` runs, written out
so a brief need not import the ``differences`` package (statsmodels, scipy.stats, formulaic,
polars, joblib and tqdm behind it, about 1.3 s of a cold process, and 0.8 s more to fit
Türkiye's panel). It reproduces ``differences`` 0.3.0 in the one configuration the event study
uses —

    ATTgt(data, cohort_column="cohort", base_period="universal")
    .filter_gt(base_period="universal", relative_period_start=-w, relative_period_end=w)
    .fit(outcome, control_group="never_treated", cluster_var=None)  # est_method "reg"
    .aggregate("event") / .aggregate("simple")

— with no covariates (the outcome regression on an intercept is a difference of means), no
sampling weights, no anticipation and analytic standard errors. The influence functions are
formed term by term as the package forms them (``reg_did_panel``/``reg_did_rc``, the
``n_total / n_sample`` scaling, the sum by unit, the estimated-weights term of the
aggregation), so the numbers agree to rounding (``tests/test_analysis_attgt.py`` checks this
against the package on synthetic and real panels).

As in the package: units treated from their first observed year are dropped; a unit whose
onset comes after its own last observed year counts as never treated; a panel where every unit
is observed in every year is estimated as a panel (differences of outcomes), any other as
repeated cross-sections with the influence functions summed by unit (clustered by unit).
One difference, on purpose: the package calls a panel balanced when every year has the same
number of observations, and then pairs rows by position (misaligning units, or failing, when
the units differ between years); here only a panel with every unit in every year is one.
A cell that cannot be estimated (no controls, or no treated units observed in its base year
or its year) has ATT NaN and is left out of the aggregates, as there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from defdip.errors import InvalidArgument

__all__ = ["AttGt", "Estimate", "attgt"]


@dataclass(frozen=True)
class Estimate:
    """An aggregate ATT with its influence function (one value per unit) and analytic SE and
    pointwise CI; as ``differences`` reports them, a zero SE or bound is NaN (the reference
    event time −1 has ATT 0 and no SE)."""

    att: float
    influence: np.ndarray
    std_error: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class AttGt:
    """Group-time ATTs: per cell (cohort, base year, year) the ATT (NaN: not estimable) and
    its influence function, over the units kept (sorted by unit id)."""

    units: np.ndarray
    cohort: np.ndarray
    base: np.ndarray
    time: np.ndarray
    att: np.ndarray
    #: units × cells; a column of zeros for the reference cells and those not estimable
    influence: np.ndarray
    #: units × cells: 1 where the unit belongs to the cell's cohort
    dummies: np.ndarray
    #: True: estimated as a balanced panel; False: as repeated cross-sections by unit
    panel: bool
    alpha: float

    def event(self) -> dict[int, Estimate]:
        """ATT by event time (year − cohort), cohort cells weighted by cohort size."""
        done = np.isfinite(self.att)
        rel = self.time - self.cohort
        times = [int(e) for e in np.unique(rel[done])]
        return dict(zip(times, self._estimates([np.flatnonzero(done & (rel == e))
                                                for e in times]), strict=True))

    def simple(self) -> Estimate:
        """The average of the post-onset cells (year ≥ cohort), weighted by cohort size."""
        cells = np.flatnonzero(np.isfinite(self.att) & (self.time >= self.cohort))
        if not len(cells):
            raise InvalidArgument("No post-onset group-time cell could be estimated (the "
                                  "treated partners are not observed in their onset years); "
                                  "widen the years or lower the threshold.")
        return self._estimates([cells])[0]

    def _estimates(self, groups: list[np.ndarray]) -> list[Estimate]:
        """One aggregate per group of cells, with SEs from the stacked influence functions
        (as ``differences``' ``get_standard_errors``: sqrt(diag(IF'IF / n) / n))."""
        from scipy import special

        parts = [self._aggregate(cells) for cells in groups]
        stacked = np.stack([influence for _att, influence in parts], axis=1)
        n = stacked.shape[0]
        ses = np.sqrt(np.diag((stacked.T @ stacked) / n) / n)
        z = special.ndtri(1 - self.alpha / 2)
        out = []
        for (att, influence), se in zip(parts, ses, strict=True):
            low, high = att - se * z, att + se * z
            out.append(Estimate(float(att), influence, _nan_if_zero(se), _nan_if_zero(low),
                                _nan_if_zero(high)))
        return out

    def _aggregate(self, cells: np.ndarray) -> tuple[float, np.ndarray]:
        """``differences``' ``get_att_and_if``: weights ∝ cohort shares, and the influence of
        estimating those shares (``get_wif``); the arrays C-ordered as there, so the sums
        run in the same order."""
        dummies = np.ascontiguousarray(self.dummies[:, cells])
        atts = self.att[cells]
        shares = np.mean(dummies, axis=0)
        total = np.sum(shares)
        centred = dummies - shares
        wif = centred / total - np.sum(centred, axis=1)[:, None] @ (shares / total ** 2)[None, :]
        weights = shares / total
        influence = np.ascontiguousarray(self.influence[:, cells]) @ weights
        influence += wif @ atts
        return np.sum(weights * atts), influence


def _nan_if_zero(value: float) -> float:
    return float("nan") if value == 0 else float(value)


def attgt(frame: pd.DataFrame, *, outcome: str, unit: str = "unit", time: str = "year",
          cohort: str = "cohort", window: int | None = None, alpha: float = 0.05) -> AttGt:
    """Group-time ATTs of ``outcome`` against never-treated units, universal base period.

    ``frame`` has one row per ``unit`` and ``time`` (integers) with no missing ``outcome``;
    ``cohort`` is the unit's onset year, constant within the unit (NaN: never treated).
    ``window`` keeps the cells within ±window years of onset (the reference cell included).
    """
    data = frame[[unit, time, outcome, cohort]].sort_values([unit, time], kind="mergesort")
    ids = data[unit].to_numpy()
    years = data[time].to_numpy(dtype=np.int64)
    if data.duplicated([unit, time]).any():
        raise InvalidArgument(f"The event-study frame has more than one row per {unit!r} and "
                              f"{time!r}; aggregate it to one row per unit-year first.")
    if data[outcome].isna().any():
        raise InvalidArgument(f"The event-study frame has missing {outcome!r} values; drop "
                              "those rows first.")
    units, codes = np.unique(ids, return_inverse=True)
    if len(units) == len(data):
        raise InvalidArgument("Every unit of the event-study frame is observed once: there is "
                              "no panel to difference; widen the years.")
    onset = data.groupby(unit, sort=True)[cohort].agg(["first", "nunique"])
    if (onset["nunique"] > 1).any():
        raise InvalidArgument(f"{cohort!r} varies within a unit; give each unit one onset.")
    # balanced as the package sees it before it drops units: every unit in every year
    balanced = bool(np.all(np.bincount(codes) == len(np.unique(years))))
    spans = data.groupby(unit, sort=True)[time].agg(["min", "max"])
    g_unit = onset["first"].to_numpy(dtype=float)
    keep_unit = ~(g_unit <= spans["min"].to_numpy())  # treated from the first year: dropped
    keep = keep_unit[codes]
    units, g_unit = units[keep_unit], g_unit[keep_unit]
    g_unit[g_unit > spans["max"].to_numpy()[keep_unit]] = np.nan  # onset after the unit's end
    codes = np.unique(codes[keep], return_inverse=True)[1]
    years, y = years[keep], data[outcome].to_numpy(dtype=float)[keep]
    if not np.isnan(g_unit).any():
        raise InvalidArgument("The event-study frame has no never-treated unit to compare "
                              "with; widen the years or lower the threshold.")
    times = np.unique(years)
    cohorts = np.unique(g_unit[np.isfinite(g_unit)])
    cells = _cells(cohorts[cohorts > times[0]], times, window)
    n_units = len(units)
    influence = np.zeros((n_units, len(cells)))
    dummies = np.zeros((n_units, len(cells)))
    att = np.zeros(len(cells))
    wide = y.reshape(n_units, len(times)) if balanced else None
    g_row = g_unit[codes]
    for j, (g, b, t) in enumerate(cells):
        dummies[:, j] = g_unit == g
        if b == t:
            continue  # the reference cell: ATT 0, influence 0
        if wide is not None:
            att[j], column = _panel_cell(wide, g_unit, g, int(np.searchsorted(times, b)),
                                         int(np.searchsorted(times, t)))
        else:
            att[j], column = _rc_cell(y, years, codes, g_row, n_units, g, b, t)
        if np.isfinite(att[j]):
            influence[:, j] = column
    table = np.array(cells, dtype=np.int64).reshape(-1, 3)
    return AttGt(units, table[:, 0], table[:, 1], table[:, 2], att, influence, dummies,
                 balanced, alpha)


def _cells(cohorts: np.ndarray, times: np.ndarray, window: int | None
           ) -> list[tuple[int, int, int]]:
    """(cohort, base year, year) in the package's order: by cohort, then year; the base year
    is the last observed year before the cohort's onset (cohorts with none are skipped)."""
    out = []
    for g in cohorts:
        before = times[times < g]
        if not len(before):
            continue
        for t in times:
            if window is None or -window <= t - g <= window:
                out.append((int(g), int(before[-1]), int(t)))
    return out


def _panel_cell(wide: np.ndarray, g_unit: np.ndarray, g: float, b: int, t: int
                ) -> tuple[float, np.ndarray]:
    """``reg_did_panel`` on the change of the outcome from year index ``b`` to ``t``, for the
    cohort's units and the never-treated; the influence function over all units."""
    sample = (g_unit == g) | np.isnan(g_unit)
    dy = wide[sample, t] - wide[sample, b]
    treated = (g_unit[sample] == g).astype(float)
    n_total, n = len(g_unit), len(dy)
    control = treated == 0
    if not control.any():
        return float("nan"), np.zeros(n_total)
    with np.errstate(divide="ignore", invalid="ignore"):
        beta = _intercept(dy[control])
        reg_treat, reg_cont = treated * dy, treated * beta
        eta_treat = np.mean(reg_treat) / np.mean(treated)
        eta_cont = np.mean(reg_cont) / np.mean(treated)
        att = eta_treat - eta_cont
        ctrl = 1 - treated
        asy_lin_rep = ctrl * (dy - beta) * _inverse(np.sum(ctrl) / n)
        inf_treat = (reg_treat - treated * eta_treat) / np.mean(treated)
        inf_control = ((reg_cont - treated * eta_cont) + asy_lin_rep * np.mean(treated)
                       ) / np.mean(treated)
        column = np.zeros(n_total)
        column[sample] = (inf_treat - inf_control) * (n_total / n)
    return float(att), column


def _rc_cell(y: np.ndarray, years: np.ndarray, codes: np.ndarray, g_row: np.ndarray,
             n_units: int, g: float, b: int, t: int) -> tuple[float, np.ndarray]:
    """``reg_did_rc`` on the observations of the cohort's units and the never-treated in the
    base year ``b`` and year ``t``; the influence function summed by unit."""
    rows = ((years == b) | (years == t)) & ((g_row == g) | np.isnan(g_row))
    ys = y[rows]
    treated = (g_row[rows] == g).astype(float)
    post = (years[rows] == t).astype(float)
    n = len(ys)
    pre_ctrl = (1 - treated) * (1 - post)
    post_ctrl = (1 - treated) * post
    if not pre_ctrl.any() or not post_ctrl.any():
        return float("nan"), np.zeros(n_units)
    with np.errstate(divide="ignore", invalid="ignore"):
        out_pre, out_post = _intercept(ys[pre_ctrl == 1]), _intercept(ys[post_ctrl == 1])
        w_treat_pre, w_treat_post = treated * (1 - post), treated * post
        reg_treat_pre, reg_treat_post = w_treat_pre * ys, w_treat_post * ys
        reg_cont = treated * (out_post - out_pre)
        eta_pre = np.mean(reg_treat_pre) / np.mean(w_treat_pre)
        eta_post = np.mean(reg_treat_post) / np.mean(w_treat_post)
        eta_cont = np.mean(reg_cont) / np.mean(treated)
        att = (eta_post - eta_pre) - eta_cont
        asy_pre = pre_ctrl * (ys - out_pre) * _inverse(np.sum(pre_ctrl) / n)
        asy_post = post_ctrl * (ys - out_post) * _inverse(np.sum(post_ctrl) / n)
        inf_treat = ((reg_treat_post - w_treat_post * eta_post) / np.mean(w_treat_post)
                     - (reg_treat_pre - w_treat_pre * eta_pre) / np.mean(w_treat_pre))
        m1 = np.mean(treated)
        inf_control = ((reg_cont - treated * eta_cont) + asy_post * m1 - asy_pre * m1) / m1
        column = (inf_treat - inf_control) * (n_units / n)
    return float(att), np.bincount(codes[rows], weights=column, minlength=n_units)


def _intercept(values: np.ndarray) -> float:
    """The least-squares intercept of ``values`` (their mean), computed as statsmodels' WLS
    computes it (the pseudo-inverse from an SVD), so it agrees to the last bit."""
    u, s, vt = np.linalg.svd(np.ones((len(values), 1)), False)
    s = np.where(s > 1e-15 * np.maximum.reduce(s), 1.0 / s, 0.0)
    return float(np.dot(np.dot(vt.T, s[:, None] * u.T), values)[0])


def _inverse(value: float) -> float:
    """1/value as ``np.linalg.inv`` of the 1×1 matrix gives it (``asymptotic_lin_repr``)."""
    return float(np.linalg.inv(np.array([[value]]))[0, 0])
