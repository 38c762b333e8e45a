"""Engagement trends by instrument, and five-year forecasts with their backtest error.

Each yearly series of the focal state is forecast with an additive-trend exponential
smoothing model (Holt's linear method in state-space form, ETS(A,A,N), fitted by maximum
likelihood in :mod:`defdip.analysis.ets` as statsmodels' ``ETSModel`` fits it), which gives
prediction intervals. Arms TIV is modelled as log(1 + TIV) and transformed back, so
its intervals stay positive and skewed; other intervals are cut at zero (counts). Beside
each forecast stands its backtest: the model refitted without the last ``holdout`` observed
years, its forecasts of them, and the mean absolute (percentage) error — the honest
measure of how far to trust the line.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.analysis.ets import aan_forecast
from defdip.analysis.period import Period, analysis_period, forecast_refusal
from defdip.errors import InvalidArgument
from defdip.plain import records
from defdip.queries.series import peacekeepers_by_year
from defdip.queries.tables import Tables, to_frame
from defdip.queries.yearly import StateCoverage
from defdip.store import Store

__all__ = ["MAX_HOLDOUT", "MAX_HORIZON", "TREND_INPUTS", "Forecast", "TrendsResult",
           "backtest_errors", "check_horizon", "engagement_series", "forecast_series", "trends"]

_LOG_SERIES = {"arms_out_tiv", "arms_in_tiv"}
MAX_HORIZON = 30  # years ahead; further than any series here is long
MAX_HOLDOUT = 20  # years held out for the backtest


def check_horizon(horizon: int, holdout: int) -> None:
    """Refuse a horizon or holdout outside 1..MAX (a huge one would allocate without end)."""
    if not 1 <= horizon <= MAX_HORIZON:
        raise InvalidArgument(f"--horizon {horizon!r} must be 1 to {MAX_HORIZON} years (e.g. "
                              "--horizon 5): a forecast further out than its data is noise.")
    if not 1 <= holdout <= MAX_HOLDOUT:
        raise InvalidArgument(f"--holdout {holdout!r} must be 1 to {MAX_HOLDOUT} years (e.g. "
                              "--holdout 3).")


@dataclass
class Forecast:
    """Point forecasts with prediction intervals, and the backtest error."""

    table: pd.DataFrame  # year, mean, pi_low, pi_high
    mae: float
    mape: float | None
    holdout: int


def backtest_errors(actual: np.ndarray, predicted: np.ndarray) -> tuple[float, float | None]:
    """MAE, and MAPE (in %) over the years with a non-zero actual value (None if none)."""
    actual, predicted = np.asarray(actual, float), np.asarray(predicted, float)
    mae = float(np.mean(np.abs(actual - predicted)))
    nz = actual != 0
    mape = float(np.mean(np.abs((actual[nz] - predicted[nz]) / actual[nz])) * 100) \
        if nz.any() else None
    return mae, mape


def _fit_predict(values: np.ndarray, horizon: int, alpha: float, log: bool) -> pd.DataFrame:
    y = np.log1p(np.clip(values, 0, None)) if log else values.astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mean, low, high = aan_forecast(y, horizon, alpha)
    out = pd.DataFrame({"mean": mean, "pi_low": low, "pi_high": high})
    if log:
        out = np.expm1(out)
    return out.clip(lower=0)  # every series is a non-negative count or TIV


def forecast_series(years: np.ndarray, values: np.ndarray, *, horizon: int = 5,
                    holdout: int = 3, alpha: float = 0.05, log: bool = False) -> Forecast:
    """Forecast ``horizon`` years after the last of ``years`` and backtest on ``holdout``."""
    years = np.asarray(years, dtype=int)
    values = np.asarray(values, dtype=float)
    check_horizon(horizon, holdout)
    if len(values) < holdout + 6:
        raise InvalidArgument(f"A forecast needs at least {holdout + 6} observed years; the "
                              f"series has {len(values)}.")
    table = _fit_predict(values, horizon, alpha, log)
    table.insert(0, "year", years[-1] + np.arange(1, horizon + 1))
    mae, mape = (float("nan"), None)
    if holdout > 0:
        past = _fit_predict(values[:-holdout], holdout, alpha, log)
        mae, mape = backtest_errors(values[-holdout:], past["mean"].to_numpy())
    return Forecast(table, mae, mape, holdout)


def engagement_series(store: Store, focal: Focal, start: int, end: int
                      ) -> tuple[pd.DataFrame, list[StateCoverage]]:
    """Long table (instrument, year, value) of the focal state's yearly engagement, and which
    sources and years the record-based series (exercises) rest on.

    Each instrument covers only the years its source covers (no zeros invented beyond).
    """
    from defdip.analysis.breakpoints import focal_series

    wide, coverage = focal_series(store, focal, start, end)
    wide = wide.drop(columns=["ideal_point", "agree_us"], errors="ignore")
    tables = Tables.from_store(store)
    f = focal.ccode
    if tables.has("ipi_contributor_month") or tables.has("un_pko_monthly"):
        wide = wide.merge(to_frame(peacekeepers_by_year(tables, f)), on="year", how="left")
    if tables.has("lowy_posts"):
        p = tables.table("lowy_posts")
        p = p.filter(p.sender_ccode == f)
        posts = p.group_by("year").aggregate(
            embassies=(p.post_type == "embassy").sum().cast("int64"),
            diplomatic_posts=p.count())
        wide = wide.merge(to_frame(posts), on="year", how="left")
    long = wide.melt(id_vars="year", var_name="instrument", value_name="value")
    return long.dropna(subset=["value"]).sort_values(["instrument", "year"]) \
        .reset_index(drop=True), coverage


@dataclass
class TrendsResult:
    focal: Focal
    series: pd.DataFrame
    forecasts: pd.DataFrame
    backtest: pd.DataFrame
    #: which sources and years the record-based series (exercises) rest on
    coverage: list[StateCoverage] = field(default_factory=list)
    #: the years asked for, clipped to what the inputs cover (None: built by hand)
    period: Period | None = None

    @property
    def notes(self) -> list[str]:
        """The period's notices, and why there is no forecast when there is none."""
        out = list(self.period.notes) if self.period else []
        if self.forecasts.empty:
            out.append("No forecast: no series both reaches into the period's last years and "
                       "has enough observed years (each series' note says which).")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"focal": self.focal.to_dict(), "backtest": records(self.backtest),
                "forecasts": records(self.forecasts),
                "series": records(self.series),
                "coverage": [c.to_dict() for c in self.coverage],
                "period": self.period.to_dict() if self.period else None,
                "notes": self.notes}


#: The inputs of the trend series (``analysis.period.INPUTS``).
TREND_INPUTS = ("arms", "exercises", "peacekeepers", "embassies")


def trends(store: Store, country: str | int, *, start: int | None = None,
           end: int | None = None, horizon: int = 5, holdout: int = 3) -> TrendsResult:
    """Engagement by instrument and a ``horizon``-year forecast of each with enough data.

    The series run from ``start`` (default 1995) to ``end`` (default: the last year any of
    them covers for the state; later years are clipped, with a note), each only over its own
    source's years (exercises: the engagement record's sources — MME and JME to 2010, the
    curated record for its focal states; peacekeeping: IPI, then the UN's monthly reports;
    embassies: Lowy editions). A series is forecast only if it reaches into the period's last
    years (:func:`defdip.analysis.period.forecast_refusal`; ``note`` says why not), from
    its last observed year (``last_observed``); ``coverage`` says which sources and years
    the exercises rest on.
    Example: ``trends(store, "TUR", horizon=5)``.
    """
    if start is not None and end is not None:
        check_years(start, end)
    check_horizon(horizon, holdout)
    focal = resolve_focal(store, country)
    period = analysis_period(Tables.from_store(store), TREND_INPUTS, start, end,
                             default_start=1995, iso3=focal.iso3)
    series, coverage = engagement_series(store, focal, period.start, period.end)
    changes = {c.instrument: c for c in coverage}
    forecasts, checks = [], []
    for name, part in series.groupby("instrument", sort=True):
        first, last = int(part["year"].min()), int(part["year"].max())
        row: dict[str, Any] = {"instrument": name, "first_year": first,
                               "last_observed": last, "n_years": len(part)}
        change = changes[name].source_change(first, last) if name in changes else None
        refusal = forecast_refusal(last, period.end)
        if refusal is not None:
            checks.append({**row, "mae": None, "mape": None, "note": f"no forecast: {refusal}"})
            continue
        try:
            fc = forecast_series(part["year"].to_numpy(), part["value"].to_numpy(),
                                 horizon=horizon, holdout=holdout, log=name in _LOG_SERIES)
        except InvalidArgument as exc:
            checks.append({**row, "mae": None, "mape": None, "note": str(exc)})
            continue
        forecasts.append(fc.table.assign(instrument=name))
        notes = ["log(1+TIV) model"] if name in _LOG_SERIES else []
        if change:
            notes.append(f"the sources change within the series ({change}): the trend may "
                         "be the change of source")
        checks.append({**row, "holdout_years": holdout, "mae": fc.mae, "mape": fc.mape,
                       "note": "; ".join(notes)})
    table = pd.concat(forecasts, ignore_index=True)[["instrument", "year", "mean", "pi_low",
                                                     "pi_high"]] if forecasts else \
        pd.DataFrame(columns=["instrument", "year", "mean", "pi_low", "pi_high"])
    return TrendsResult(focal, series, table, pd.DataFrame(checks), coverage, period)
