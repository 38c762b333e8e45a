"""Domestic political breakpoints: did a coup, memorandum or election break a series?

For each curated breakpoint of the focal state (``breakpoints.yaml``) and each yearly series
— UNGA ideal point, agreement with the United States, arms exports and imports (SIPRI TIV),
joint exercises (the engagement record, in the years its sources observe the state) — a
Chow (1960) test at the known date: a linear trend fitted separately before and after (the
break year starts the second regime) against one trend for the whole window. A small p-value
says the level or slope changed around the date; it does not say the event caused it, and
nearby events share their windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.analysis.period import analysis_period
from defdip.errors import InvalidArgument, InvalidRecord
from defdip.plain import records
from defdip.queries.tables import Tables, to_frame, year_span
from defdip.queries.yearly import StateCoverage, yearly_counts
from defdip.store import Store

__all__ = ["ChowResult", "BreakpointReport", "breakpoint_tests", "chow_test",
           "focal_series", "load_breakpoints"]


@dataclass(frozen=True)
class ChowResult:
    f_stat: float
    p_value: float
    df_num: int
    df_den: int
    n_before: int
    n_after: int


def _rss(x: np.ndarray, y: np.ndarray) -> float:
    """Residual sum of squares of ``y = a + b·(x − mean x)`` by least squares.

    Computed as statsmodels' ``OLS(...).fit().ssr`` computes it — the SVD pseudo-inverse
    with singular values below 1e-15 × the largest treated as zero (``pinv_extended``), then
    e·e — so that where a window's series is constant or exactly linear, and the RSS is
    rounding noise, the noise (hence the F) is the same number as before."""
    exog = np.column_stack([np.ones(len(x)), x - x.mean()])
    u, s, vt = np.linalg.svd(exog, False)
    cutoff = 1e-15 * np.maximum.reduce(s)
    s = np.array([1.0 / v if v > cutoff else 0.0 for v in s])
    pinv = np.dot(np.transpose(vt), np.multiply(s[:, np.newaxis], np.transpose(u)))
    resid = y - np.dot(exog, np.dot(pinv, y))
    return float(np.dot(resid, resid))


def chow_test(years: np.ndarray, values: np.ndarray, break_year: int,
              *, min_side: int = 3) -> ChowResult:
    """Chow F test of ``values = a + b·year`` breaking at ``break_year``.

    F = ((RSS_pooled − RSS_1 − RSS_2)/k) / ((RSS_1 + RSS_2)/(n − 2k)), k = 2; the p-value is
    the F(k, n − 2k) upper tail (``scipy.special.fdtrc``, what ``scipy.stats.f.sf`` calls;
    an F at or below 0 has p = 1, as there).
    """
    from scipy.special import fdtrc

    years = np.asarray(years, dtype=float)
    values = np.asarray(values, dtype=float)
    keep = ~np.isnan(values)
    years, values = years[keep], values[keep]
    before = years < break_year
    n1, n2 = int(before.sum()), int((~before).sum())
    k = 2
    if n1 < min_side or n2 < min_side:
        raise InvalidArgument(f"A Chow test at {break_year!r} needs at least {min_side} years "
                              f"on each side; the series has {n1} before and {n2} after. "
                              "Widen the window.")
    pooled = _rss(years, values)
    split = _rss(years[before], values[before]) + _rss(years[~before], values[~before])
    df_den = n1 + n2 - 2 * k
    if split <= 0:
        f_stat = float("inf") if pooled > 0 else 0.0
    else:
        f_stat = ((pooled - split) / k) / (split / df_den)
    if not np.isfinite(f_stat):
        p_value = 0.0
    else:
        p_value = 1.0 if f_stat <= 0 else float(fdtrc(k, df_den, f_stat))
    return ChowResult(f_stat, p_value, k, df_den, n1, n2)


def load_breakpoints() -> pd.DataFrame:
    """The curated breakpoints (country, date, kind, name, source_url), validated."""
    ref = resources.files("defdip.data").joinpath("curated/breakpoints.yaml")
    data = yaml.safe_load(ref.read_text(encoding="utf-8")) or {}
    rows, problems = [], []
    for i, entry in enumerate(data.get("breakpoints") or [], start=1):
        for key in ("country", "date", "kind", "name", "source_url"):
            if not entry.get(key):
                problems.append(f"breakpoint #{i}: field {key!r} is required")
        when = entry.get("date")
        if not isinstance(when, date):
            try:
                when = date.fromisoformat(str(when))
            except ValueError:
                problems.append(f"breakpoint #{i}: date {when!r} is not YYYY-MM-DD")
        rows.append({**{k: entry.get(k) for k in ("country", "kind", "name", "source_url")},
                     "date": when})
    if problems:
        raise InvalidRecord(problems, "curated/breakpoints.yaml")
    return pd.DataFrame(rows)


def focal_series(store: Store, focal: Focal, start: int, end: int
                 ) -> tuple[pd.DataFrame, list[StateCoverage]]:
    """Yearly series of the focal state (year, ideal_point, agree_us, arms_out_tiv, …), and
    which sources and years the record-based series (exercises) rest on.

    Each series is blank (NaN) in the years its source does not observe: arms outside
    SIPRI's delivery years; exercises outside the years a source of the engagement record
    covers the state (MME and JME to 2010 for every state, the curated record for its focal
    states)."""
    tables = Tables.from_store(store)
    frame = pd.DataFrame({"year": range(start, end + 1)})
    f = focal.ccode
    coverage: list[StateCoverage] = []
    if tables.has("unga_ideal_points"):
        u = tables.table("unga_ideal_points")
        u = u.filter((u.ccode == f) & (u.nvotes >= 10)).select("year", "ideal_point",
                                                               "agree_us")
        frame = frame.merge(to_frame(u), on="year", how="left")
    if tables.has("sipri_deliveries"):
        d = tables.table("sipri_deliveries")
        lo, hi = year_span(tables, d)
        d = d.filter((d.supplier_ccode == f) | (d.recipient_ccode == f))
        arms = d.group_by("year").aggregate(arms_out_tiv=d.tiv.sum(where=d.supplier_ccode == f),
                                            arms_in_tiv=d.tiv.sum(where=d.recipient_ccode == f))
        frame = frame.merge(to_frame(arms), on="year", how="left")
        inside = frame["year"].between(lo, hi)
        for col in ("arms_out_tiv", "arms_in_tiv"):
            frame[col] = np.where(inside, frame[col].fillna(0), np.nan)
    if tables.has("engagements"):
        counts, seen = yearly_counts(tables, "exercises", f, focal.iso3, start, end)
        frame["exercises"] = frame["year"].map(counts).astype("float64")
        coverage.append(seen)
    return frame, coverage


@dataclass
class BreakpointReport:
    focal: Focal
    window: int
    table: pd.DataFrame
    #: which sources and years the record-based series (exercises) rest on
    coverage: list[StateCoverage] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"focal": self.focal.to_dict(), "window": self.window,
                "tests": records(self.table),
                "coverage": [c.to_dict() for c in self.coverage]}


#: The inputs of the breakpoint series (``analysis.period.INPUTS``).
BREAKPOINT_INPUTS = ("ideal_points", "arms", "exercises")


def breakpoint_tests(store: Store, country: str | int, *, window: int = 8,
                     start: int | None = None, end: int | None = None) -> BreakpointReport:
    """Chow tests of each series at each curated breakpoint, ±``window`` years around it.

    The break year is the first year of the new regime when the event falls in the first
    half of the year, else the following year. Series too short around a date are skipped
    (``note`` says why); where the sources of a record-based series change inside the window
    (MME and JME end in 2010), ``note`` says so, since a change of source can look like a
    break. The series run from ``start`` (default 1946) to ``end`` (default: the last year
    any of them covers). Example: ``breakpoint_tests(store, "TUR", window=8)``.
    """
    if start is not None and end is not None:
        check_years(start, end)
    focal = resolve_focal(store, country)
    period = analysis_period(Tables.from_store(store), BREAKPOINT_INPUTS, start, end,
                             default_start=1946, iso3=focal.iso3)
    points = load_breakpoints()
    points = points[points["country"] == focal.iso3]
    series, coverage = focal_series(store, focal, period.start, period.end)
    changes = {c.instrument: c for c in coverage}
    rows = []
    for bp in points.itertuples(index=False):
        year = bp.date.year + (1 if bp.date.month > 6 else 0)
        near = series[series["year"].between(year - window, year + window - 1)]
        for col in [c for c in series.columns if c != "year"]:
            row = {"date": bp.date, "kind": bp.kind, "name": bp.name, "series": col,
                   "break_year": year}
            try:
                res = chow_test(near["year"].to_numpy(), near[col].to_numpy(), year)
            except InvalidArgument:
                rows.append({**row, "note": "too few years of data around the date"})
                continue
            mean_b = near.loc[near["year"] < year, col].mean()
            mean_a = near.loc[near["year"] >= year, col].mean()
            change = changes[col].source_change(year - window, year + window - 1) \
                if col in changes else None
            rows.append({**row, "f_stat": res.f_stat, "p_value": res.p_value,
                         "n_before": res.n_before, "n_after": res.n_after,
                         "mean_before": mean_b, "mean_after": mean_a,
                         "note": f"the sources change inside the window ({change})"
                         if change else ""})
    return BreakpointReport(focal, window, pd.DataFrame(rows), coverage)
