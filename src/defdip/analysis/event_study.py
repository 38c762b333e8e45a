"""Event studies of alignment around the onset of an engagement instrument.

Onsets are staggered — Türkiye's first joint exercise with one partner falls in 1996, with
another in 2006 — and two-way fixed effects with staggered timing compares late adopters
with early ones, which biases dynamic effects (Goodman-Bacon 2021). The estimator here is
Callaway & Sant'Anna (2021): group-time ATTs against never-engaged partners, aggregated by
event time, with a universal base period (event time −1), so leads are genuine pre-trends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.analysis.attgt import Estimate, attgt
from defdip.analysis.period import Period, analysis_period
from defdip.errors import InvalidArgument
from defdip.plain import records
from defdip.store import Store

__all__ = ["ONSETS", "EventStudyResult", "attgt_event_study", "event_study",
           "event_study_frame", "onset_cohorts"]

#: onset name → (panel column, default threshold, panel verb, description)
ONSETS: dict[str, tuple[str, float, str, str]] = {
    "exercise": ("exercises_joint", 0.0, "add_exercises", "first joint exercise"),
    "agreement": ("agreements_in_force", 0.0, "add_agreements", "first defence agreement"),
    "arms": ("tiv_1to2", 10.0, "add_arms_transfers",
             "first major arms delivery from the focal state (TIV above the threshold)"),
}
#: onset → the input (``analysis.period.INPUTS``) whose years bound the study
ONSET_INPUTS = {"exercise": "exercises", "agreement": "agreements", "arms": "arms"}


@dataclass
class EventStudyResult:
    """Event-time ATTs with CIs, the units behind them, and the specification."""

    onset: str
    outcome: str
    table: pd.DataFrame
    overall_att: float
    overall_ci: tuple[float, float]
    n_treated: int
    n_never_treated: int
    n_dropped_already_treated: int
    cohorts: dict[int, int]
    specification: str
    focal: Focal | None = None
    #: Joint Wald test that the plotted leads (event times −window..−2) are all zero
    #: (statistic, number of leads, p-value); None when it cannot be computed.
    pretest: tuple[float, int, float] | None = None
    #: The mean of the plotted post-onset event-time estimates (0..window), with its CI.
    post_mean: tuple[float, float, float] | None = None
    #: the years asked for, clipped to what the data cover (None: a frame given)
    period: Period | None = None

    @property
    def notes(self) -> list[str]:
        return list(self.period.notes) if self.period else []

    def pretrend_ok(self) -> bool:
        """True when no lead's CI excludes zero (a weak check; read the leads themselves)."""
        leads = self.table[self.table["event_time"] < -1]
        return bool(((leads["ci_low"] <= 0) & (leads["ci_high"] >= 0)).all())

    def to_dict(self) -> dict[str, Any]:
        return {"onset": self.onset, "outcome": self.outcome,
                "overall_att": self.overall_att, "overall_ci": list(self.overall_ci),
                "n_treated": self.n_treated, "n_never_treated": self.n_never_treated,
                "n_dropped_already_treated": self.n_dropped_already_treated,
                "cohorts": {str(k): v for k, v in self.cohorts.items()},
                "pretrend_ok": self.pretrend_ok(), "specification": self.specification,
                "pretest": (dict(zip(("wald", "leads", "p_value"), self.pretest, strict=True))
                            if self.pretest else None),
                "post_mean": (dict(zip(("estimate", "ci_low", "ci_high"), self.post_mean,
                                       strict=True)) if self.post_mean else None),
                "focal": self.focal.to_dict() if self.focal else None,
                "period": self.period.to_dict() if self.period else None,
                "notes": self.notes, "event_times": records(self.table)}


def onset_cohorts(frame: pd.DataFrame, column: str, *, threshold: float = 0.0,
                  unit: str = "ccode_2") -> tuple[pd.Series, pd.Index]:
    """First year each unit's ``column`` exceeds ``threshold`` (NaN = never), and the units
    already treated in their first observed year (their onset is unknown, so they are left
    out rather than miscounted as treated then)."""
    values = pd.to_numeric(frame[column], errors="coerce").fillna(0.0)
    treated_years = frame.loc[values > threshold, [unit, "year"]]
    first = treated_years.groupby(unit)["year"].min()
    first_seen = frame.groupby(unit)["year"].min()
    cohort = first.reindex(first_seen.index).astype(float)
    already = cohort.index[cohort.eq(first_seen.astype(float))]
    return cohort, already


def attgt_event_study(frame: pd.DataFrame, *, outcome: str, cohort: pd.Series,
                      unit: str = "ccode_2", window: int = 5, alpha: float = 0.05,
                      onset: str = "onset") -> EventStudyResult:
    """Callaway–Sant'Anna event study of ``outcome`` with per-unit onset years ``cohort``.

    ``frame`` has ``unit``, ``year`` and ``outcome``; ``cohort`` maps unit → onset year (NaN =
    never treated); units absent from ``cohort`` are dropped. Returns event times
    −``window``..``window`` (−1 is the reference, fixed at 0).
    """
    work = frame[[unit, "year", outcome]].dropna().copy()
    work = work[work[unit].isin(cohort.index)]
    work["cohort"] = work[unit].map(cohort)
    # Units treated from their first observed year have no pre-period: the estimator cannot
    # use them (analysis.attgt would drop them silently), so drop and count them here.
    first_seen = work.groupby(unit)["year"].transform("min")
    always = work["cohort"].notna() & (work["cohort"] <= first_seen)
    n_always = int(work.loc[always, unit].nunique())
    work = work[~always]
    n_treated = int(work.loc[work["cohort"].notna(), unit].nunique())
    n_never = int(work.loc[work["cohort"].isna(), unit].nunique())
    if n_treated == 0 or n_never == 0:
        raise InvalidArgument(f"The event study of {outcome!r} around {onset!r} needs treated "
                              f"and never-treated partners; found {n_treated} treated and "
                              f"{n_never} never-treated. Widen the years or lower the threshold.")
    # cohorts after the last observed year never show a treated period: count them never-treated
    last = work["year"].max()
    work.loc[work["cohort"] > last, "cohort"] = np.nan
    work[unit] = work[unit].astype("int64")
    work["year"] = work["year"].astype("int64")
    # Only the group-time cells within the window are estimated: they are all the plotted
    # event times use, so the summary ATT averages what is plotted.
    fit = attgt(work, outcome=outcome, unit=unit, time="year", cohort="cohort",
                window=window, alpha=alpha)
    events = fit.event()
    event = pd.DataFrame([(e, a.att, a.std_error, a.ci_low, a.ci_high)
                          for e, a in events.items() if -window <= e <= window],
                         columns=["event_time", "att", "std_error", "ci_low", "ci_high"])
    counts = (work.assign(e=work["year"] - work["cohort"]).dropna(subset=["e"])
              .groupby("e")[unit].nunique())
    event["n_units"] = event["event_time"].map(lambda e: int(counts.get(float(e), 0)))
    simple = fit.simple()
    pretest, post_mean = _event_tests(events, window, alpha)
    cohorts = {int(k): int(v) for k, v in
               work.dropna(subset=["cohort"]).groupby("cohort")[unit].nunique().items()}
    spec = (f"Callaway & Sant'Anna (2021) group-time ATTs of {outcome} around {onset}, "
            f"outcome-regression estimator, never-treated partners as controls, universal base "
            f"period (event time −1 = 0), group-time cells within ±{window} years of onset, "
            f"aggregated by event time; analytic SEs, "
            f"{int((1 - alpha) * 100)}% pointwise CIs; {n_treated} treated and {n_never} "
            f"never-treated partners, {int(work['year'].min())}–{int(last)}"
            + (f"; {n_always} partners treated from their first observed year were left "
               "out (no pre-period)." if n_always else "."))
    return EventStudyResult(onset, outcome, event, simple.att,
                            (simple.ci_low, simple.ci_high), n_treated, n_never,
                            n_always, cohorts, spec, pretest=pretest,
                            post_mean=post_mean)


def _event_tests(events: dict[int, Estimate], window: int, alpha: float
                 ) -> tuple[tuple[float, int, float] | None, tuple[float, float, float] | None]:
    """From the influence functions of the event-time aggregates: the joint Wald test that
    the plotted leads (event times −``window``..−2) are all zero — (statistic, number of
    leads, p-value) — and the mean of the plotted post-onset estimates (0..``window``) with
    its CI, so the summary number is the average of what is drawn."""
    from scipy import special

    pre, post = None, None
    leads = [events[e] for e in range(-window, -1) if e in events]
    if leads:
        b = np.array([e.att for e in leads])
        inf = np.column_stack([e.influence for e in leads])
        n = inf.shape[0]
        vcv = inf.T @ inf / n
        try:
            wald = float(n * b @ np.linalg.solve(vcv, b))
            pre = (wald, len(leads), float(special.chdtrc(len(leads), wald)))
        except np.linalg.LinAlgError:
            pre = None
    lags = [events[e] for e in range(0, window + 1) if e in events]
    if lags:
        mean = float(np.mean([e.att for e in lags]))
        inf = np.column_stack([e.influence for e in lags]).mean(axis=1)
        se = float(np.sqrt(inf @ inf / inf.shape[0] / inf.shape[0]))
        z = float(special.ndtri(1 - alpha / 2))
        post = (mean, mean - z * se, mean + z * se)
    return pre, post


def event_study(store: Store, country: str | int, *, onset: str = "exercise",
                outcome: str = "un_sscore", start: int | None = None,
                end: int | None = None, threshold: float | None = None, window: int = 5
                ) -> EventStudyResult:
    """Event study of the focal state's alignment with partners around an instrument's onset.

    Example: ``event_study(store, "TUR", onset="exercise", outcome="un_sscore")``. Exercises
    come from MME (to 2010) and curated records, so a partner first exercised with after the
    data end counts as never-treated: read the count of treated partners. So the study runs
    over the years both the onset's and the outcome's data cover for the focal state
    (``start`` defaults to 1980, ``end`` to the last such year); years past them are clipped,
    with a note in ``period.notes``.
    """
    from defdip.analysis.effects import OUTCOME_INPUTS, _focal_panel
    from defdip.queries.tables import Tables

    if start is not None and end is not None:
        check_years(start, end)
    if onset not in ONSETS:
        raise InvalidArgument(f"Unknown onset {onset!r}; choose one of {sorted(ONSETS)}.")
    if outcome not in OUTCOME_INPUTS:
        raise InvalidArgument(f"Unknown outcome {outcome!r}; choose one of "
                              f"{sorted(OUTCOME_INPUTS)}.")
    column, _default, verb, _words = ONSETS[onset]
    focal = resolve_focal(store, country)
    period = analysis_period(Tables.from_store(store), [OUTCOME_INPUTS[outcome],
                                                        ONSET_INPUTS[onset]],
                             start, end, default_start=1980, iso3=focal.iso3, need="all")
    frame = _focal_panel(store, focal, period.start, period.end, ["add_un_alignment", verb])
    result = event_study_frame(frame, focal, onset=onset, outcome=outcome,
                               start=period.start, end=period.end, threshold=threshold,
                               window=window)
    result.period = period
    return result


def event_study_frame(frame: pd.DataFrame, focal: Focal, *, onset: str = "exercise",
                      outcome: str = "un_sscore", start: int | None = None,
                      end: int | None = None, threshold: float | None = None,
                      window: int = 5) -> EventStudyResult:
    """:func:`event_study` on a focal panel already built (``ccode_1`` = the focal state,
    with ``add_un_alignment`` and the onset's column), e.g. one panel a report shares with
    :func:`defdip.analysis.effects.effects_frame`. Rows outside ``start``..``end`` (default:
    the frame's years) are ignored, and so are the years after the onset's data end (there a
    partner's onset is unknown, not absent)."""
    if onset not in ONSETS:
        raise InvalidArgument(f"Unknown onset {onset!r}; choose one of {sorted(ONSETS)}.")
    column, default, _verb, words = ONSETS[onset]
    start = int(frame["year"].min()) if start is None else start
    end = int(frame["year"].max()) if end is None else end
    frame = frame[frame["year"].between(start, end)]
    if outcome not in frame.columns:
        raise InvalidArgument(f"Outcome {outcome!r} is not in the panel; use one of the "
                              "add_un_alignment columns (un_sscore, un_kappa, un_agree, "
                              "idealpoint_dist).")
    cut = default if threshold is None else threshold
    covered = frame[frame[column].notna()]  # years the instrument's source covers
    if covered.empty:
        raise InvalidArgument(f"The panel has no {column!r} values in {start}–{end}; widen "
                              "the years.")
    start, end = int(covered["year"].min()), int(covered["year"].max())
    frame = frame[frame["year"].between(start, end)]
    cohort, already = onset_cohorts(covered, column, threshold=cut)
    label = f"{words} (threshold {cut:g})" if onset == "arms" else words
    result = attgt_event_study(frame, outcome=outcome, cohort=cohort.drop(already),
                               window=window, onset=label)
    result.n_dropped_already_treated += len(already)
    result.specification += (f" {len(already)} partners already engaged in {start} were left "
                             f"out (onset unknown). Sample: partners of {focal.name}, "
                             f"{frame['ccode_2'].nunique()} states, {start}–{end} (the years "
                             "the onset's data cover).")
    result.focal = focal
    return result
