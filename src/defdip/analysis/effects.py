"""Effects of defence engagement on foreign-policy alignment: two-way fixed-effects panels.

The question: when a state engages a partner more (exercises, arms, agreements, peacekeeping
together, alliance pledges, embassies), does the partner vote more like it at the UN the next
year? The estimate is a within-dyad, within-year association — dyad fixed effects absorb
everything constant about a pair (history, distance, religion), year effects absorb global
shocks — with standard errors clustered by dyad. It is not a causal effect: engagement is
chosen, and reverse causation is only partly addressed by lagging the instruments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.analysis.period import Period, analysis_period
from defdip.errors import InvalidArgument
from defdip.plain import records
from defdip.store import Store

__all__ = [
    "FIXED_EFFECTS",
    "INSTRUMENTS",
    "OUTCOMES",
    "EffectsResult",
    "effects",
    "effects_frame",
    "estimate_effects",
    "focal_panel",
    "lag_within",
]

OUTCOMES: dict[str, str] = {
    "un_sscore": "S-score of UNGA votes (Signorino & Ritter 1999; −1..1, higher = closer)",
    "un_kappa": "Cohen's kappa of UNGA votes (Häge 2011; chance-corrected agreement)",
    "un_agree": "share of UNGA roll calls on which the two states voted alike",
    "idealpoint_dist": "absolute distance between UNGA ideal points (Bailey et al. 2017; "
                       "higher = further apart, so expect negative coefficients)",
}

#: instrument name → (panel column(s), transformation, description)
INSTRUMENTS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "exercises_joint": (("exercises_joint",), "identity", "joint exercises in the year"),
    "arms_out_log": (("tiv_1to2",), "log1p", "log(1 + SIPRI TIV delivered focal → partner)"),
    "arms_in_log": (("tiv_2to1",), "log1p", "log(1 + SIPRI TIV delivered partner → focal)"),
    "agreements_in_force": (("agreements_in_force",), "identity",
                            "defence agreements in force"),
    "pk_codeploy": (("pk_codeploy",), "identity", "UN peacekeeping missions shared"),
    "atop_defense": (("atop_defense",), "identity", "ATOP defence pledge (0/1)"),
    "embassy_1in2": (("embassy_1in2",), "identity", "focal state has an embassy in partner"),
}

FIXED_EFFECTS: dict[str, str] = {
    "dyad+year": "dyad and year fixed effects (within-dyad change)",
    "year": "year fixed effects only (cross-section of dyads within each year)",
}


@dataclass
class EffectsResult:
    """A tidy coefficient table with everything needed to read it."""

    outcome: str
    table: pd.DataFrame
    n_obs: int
    n_clusters: int
    specification: str
    dropped: list[str] = field(default_factory=list)
    focal: Focal | None = None
    years: tuple[int, int] | None = None
    #: the years asked for, clipped to what the outcome's data cover (None: a frame given)
    period: Period | None = None

    @property
    def notes(self) -> list[str]:
        return list(self.period.notes) if self.period else []

    def to_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "specification": self.specification,
                "n_obs": self.n_obs, "n_clusters": self.n_clusters, "dropped": self.dropped,
                "focal": self.focal.to_dict() if self.focal else None,
                "years": list(self.years) if self.years else None,
                "period": self.period.to_dict() if self.period else None,
                "notes": self.notes, "coefficients": records(self.table)}


def lag_within(frame: pd.DataFrame, columns: list[str], *, lag: int = 1,
               keys: tuple[str, str] = ("ccode_1", "ccode_2")) -> pd.DataFrame:
    """Add ``<col>_lag<lag>``: the value in year − ``lag`` of the same dyad (NaN if absent).

    Matched on the year, not the row order, so gaps in a dyad's years never shift a value
    onto the wrong year.
    """
    k = list(keys)
    past = frame[[*k, "year", *columns]].copy()
    past["year"] = past["year"] + lag
    past = past.rename(columns={c: f"{c}_lag{lag}" for c in columns})
    return frame.merge(past, on=[*k, "year"], how="left", validate="one_to_one")


def _transform(values: pd.Series, how: str) -> pd.Series:
    values = pd.to_numeric(values, errors="coerce").astype(float)
    return np.log1p(values.clip(lower=0)) if how == "log1p" else values


def estimate_effects(frame: pd.DataFrame, *, outcome: str, instruments: list[str],
                     lag: int = 1, fixed_effects: str = "dyad+year", alpha: float = 0.05,
                     keys: tuple[str, str] = ("ccode_1", "ccode_2"),
                     min_coverage: float = 0.5) -> EffectsResult:
    """Regress ``outcome`` on instruments lagged ``lag`` years, clustered by dyad.

    ``frame`` holds the dyad keys, ``year``, the outcome and the instruments' panel columns
    (see :data:`INSTRUMENTS`; any other numeric column is used as is). Instruments without
    variation in the estimation sample are dropped and listed in ``dropped``, because a
    constant regressor is absorbed by the fixed effects and has no estimate. Instruments
    observed in fewer than ``min_coverage`` of the outcome's rows (the panel leaves years
    outside a source's coverage empty: peacekeeping 2009–, embassies 2016–) are dropped
    too, rather than shrinking the whole sample to their few years. The instruments are taken
    best-covered first, each share counted over the rows the ones kept before it observe, so
    an outcome that runs years past most instruments (UN votes to 2026) cannot tip the
    balance towards a short instrument that ends up cutting the sample to its overlap with
    the others.
    """
    if fixed_effects not in FIXED_EFFECTS:
        raise InvalidArgument(f"fixed_effects {fixed_effects!r} is not one of "
                              f"{sorted(FIXED_EFFECTS)}.")
    if outcome not in frame.columns:
        raise InvalidArgument(f"Outcome {outcome!r} is not a column of the panel; choose one of "
                              f"{sorted(OUTCOMES)} (columns of add_un_alignment).")
    if lag < 0:
        raise InvalidArgument(f"lag {lag!r} must be 0 or more years.")
    work = frame.copy()
    names: list[str] = []
    for name in instruments:
        cols, how, _ = INSTRUMENTS.get(name, ((name,), "identity", name))
        missing = [c for c in cols if c not in work.columns]
        if missing:
            raise InvalidArgument(f"Instrument {name!r} needs panel column(s) {missing}; add "
                                  f"them with the panel's add_* verbs or pick from "
                                  f"{sorted(INSTRUMENTS)}.")
        work[name] = sum(_transform(work[c], how) for c in cols)
        names.append(name)
    if lag:
        work = lag_within(work, names, lag=lag, keys=keys)
        regressors = {n: f"{n}_lag{lag}" for n in names}
    else:
        regressors = {n: n for n in names}
    work["dyad"] = work[keys[0]].astype("int64") * 10_000 + work[keys[1]].astype("int64")
    dropped: list[str] = []
    has_y = work[outcome].notna()
    rows = has_y  # the rows every instrument kept so far observes
    best_first = sorted(regressors, key=lambda n: -float(work.loc[has_y, regressors[n]]
                                                         .notna().mean()) if has_y.any() else 0)
    for name in best_first:
        col = regressors[name]
        seen_rows = rows & work[col].notna()
        share = float(seen_rows.sum() / rows.sum()) if rows.any() else 0.0
        if share < min_coverage:
            seen = work.loc[has_y & work[col].notna(), "year"]
            span = f"{int(seen.min())}–{int(seen.max())}" if len(seen) else "none"
            dropped.append(f"{name}: observed in {share:.0%} of the dyad-years (years {span})")
            del regressors[name]
        else:
            rows = seen_rows
    sample = work.dropna(subset=[outcome, *regressors.values()])
    kept = []
    for name, col in regressors.items():
        spread = sample.groupby("dyad")[col].transform(lambda s: s - s.mean()) \
            if fixed_effects == "dyad+year" else sample[col] - sample[col].mean()
        if sample.empty or float(np.abs(spread).max()) == 0.0:
            within = " within dyads" if fixed_effects == "dyad+year" else ""
            dropped.append(f"{name}: no variation{within} in the estimation sample")
        else:
            kept.append(col)
    if not kept:
        raise InvalidArgument(f"No instrument varies in the {len(sample)} usable rows for "
                              f"{outcome!r}; widen the years or choose other instruments "
                              f"({'; '.join(dropped)}).")
    back = {v: k for k, v in regressors.items()}
    table, n_obs = _fit(sample, outcome, kept, fixed_effects, alpha)
    table["term"] = [back.get(t, t) for t in table["term"]]
    n_clusters = int(sample["dyad"].nunique())
    table["n_obs"] = n_obs
    table["n_clusters"] = n_clusters
    years = (int(sample["year"].min()), int(sample["year"].max()))
    spec = (f"OLS of {outcome} on {', '.join(back[c] for c in kept)} "
            f"{'lagged ' + str(lag) + ' year(s)' if lag else 'same-year'}, with "
            f"{FIXED_EFFECTS[fixed_effects]}; standard errors clustered by dyad (CR1); "
            f"{int((1 - alpha) * 100)}% CIs; {n_obs} dyad-years {years[0]}–{years[1]}, "
            f"{n_clusters} dyads.")
    return EffectsResult(outcome, table, n_obs, n_clusters, spec, dropped, years=years)


def _fit(sample: pd.DataFrame, outcome: str, kept: list[str], fixed_effects: str,
         alpha: float) -> tuple[pd.DataFrame, int]:
    """The coefficient table (term, estimate, std_error, ci_low, ci_high, p_value) and the
    observations used, by :mod:`defdip.analysis.fe_ols` (pyfixest's ``feols`` with CRV1 by
    dyad, solved exactly without importing pyfixest), or by pyfixest itself where that path
    does not apply."""
    from defdip.analysis.fe_ols import Unsupported, fe_ols

    try:
        fit = fe_ols(sample, outcome, kept, fixed_effects.split("+"), "dyad", alpha)
    except Unsupported:
        import pyfixest as pf

        fml = f"{outcome} ~ {' + '.join(kept)} | {fixed_effects}"
        model = pf.feols(fml, data=sample, vcov={"CRV1": "dyad"})
        tidy = model.tidy(alpha=alpha)
        return pd.DataFrame({"term": list(tidy.index),
                             "estimate": tidy["Estimate"].to_numpy(),
                             "std_error": tidy["Std. Error"].to_numpy(),
                             "ci_low": tidy.iloc[:, 4].to_numpy(),
                             "ci_high": tidy.iloc[:, 5].to_numpy(),
                             "p_value": tidy["Pr(>|t|)"].to_numpy()}), int(model._N)
    return pd.DataFrame({"term": fit.terms, "estimate": fit.estimate,
                         "std_error": fit.std_error, "ci_low": fit.ci_low,
                         "ci_high": fit.ci_high, "p_value": fit.p_value}), fit.n_obs


def _focal_panel(store: Store, focal: Focal | None, start: int, end: int,
                 verbs: list[str]) -> pd.DataFrame:
    """Directed dyad-years with ccode_1 = focal (or, with no focal state, every dyad once:
    ccode_1 < ccode_2) and the columns the verbs add.

    The filter is applied to the lazy panel before any column is joined, so only the rows
    needed reach pandas.
    """
    from defdip import panels

    scope = record_scope(focal)
    if focal is not None and getattr(store, "read_only", False):
        # one SQL template per shape (years, columns, scope), the state in its hole: a later
        # state's panel needs no Ibis expression (about 0.6 s of a brief)
        from defdip.queries.compile import compiled_frame

        fixed = {"start": start, "end": end, "verbs": list(verbs), "scope": scope}
        frame = compiled_frame(store, "focal_panel", _focal_expr, fixed,
                               {"ccode": int(focal.ccode)})
        if frame is not None:
            return frame
    panel = _panel(panels.create_dyad_years(store, start=start, end=end, directed=True),
                   focal.ccode if focal is not None else None, verbs, scope)
    return panel.to_pandas()


def _panel(panel: Any, ccode: int | None, verbs: list[str], scope: str) -> Any:
    """The dyad-years of ``ccode`` as side 1 (None: each pair once) with the verbs' columns."""
    from defdip import panels

    if ccode is not None:
        panel = panels.filter_country(panel, ccode, side="1")
    else:
        panel = panel.evolve(panel.expr.filter(panel.expr.ccode_1 < panel.expr.ccode_2))
    for verb in verbs:  # names of defdip.panels verbs (_VERBS, event_study.ONSETS)
        add = getattr(panels, verb)
        panel = add(panel, scope=scope) if verb in SCOPED_VERBS else add(panel)
    return panel


def _focal_expr(tables: Any, *, start: int, end: int, verbs: list[str], scope: str,
                ccode: int) -> Any:
    """The focal panel's expression, ordered as ``Panel.to_pandas`` orders it."""
    from defdip import panels

    bare = panels.create_dyad_years(tables, start=start, end=end, directed=True)
    return _panel(bare, ccode, verbs, scope).ordered()


#: Panel verbs that read the engagement record, whose curated part covers focal states only.
SCOPED_VERBS = ("add_exercises", "add_agreements")


def record_scope(focal: Focal | None) -> str:
    """``"all"`` (curated records count) only for a state the curated record was curated
    for; every other state, and the all-dyads sample, use only data that cover every state
    (``queries.coverage``), so one state's curated record never stands in for the world."""
    from defdip.queries.coverage import focal_states

    return "all" if focal is not None and focal.iso3 in focal_states() else "global"


_VERBS = ["add_un_alignment", "add_exercises", "add_arms_transfers", "add_agreements",
          "add_peacekeeping", "add_atop_alliance", "add_diplomacy"]


def focal_panel(store: Store, focal: Focal, start: int, end: int) -> pd.DataFrame:
    """The focal state's directed dyad-years with every column :func:`effects_frame` and
    :func:`~defdip.analysis.event_study.event_study_frame` read: build it once, use it for
    both."""
    return _focal_panel(store, focal, start, end, _VERBS)


#: outcome → the input (``analysis.period.INPUTS``) whose years bound the analysis
OUTCOME_INPUTS: dict[str, str] = {"un_sscore": "un_votes", "un_kappa": "un_votes",
                                  "un_agree": "un_votes", "idealpoint_dist": "ideal_points"}


def effects(store: Store, country: str | int | None, *, outcome: str = "un_sscore",
            start: int | None = None, end: int | None = None,
            instruments: list[str] | None = None, lag: int = 1,
            fixed_effects: str = "dyad+year") -> EffectsResult:
    """Alignment on lagged engagement for the focal state's dyads (ccode_1 = focal), or for
    all dyads (each pair once, ccode_1 < ccode_2) when ``country`` is None.

    ``start`` defaults to 1995 and ``end`` to the last year the outcome's data cover (UN roll
    calls to 2026, ideal points to their last session); years past the data are clipped, with
    a note in ``period.notes``. Each instrument is unknown outside its own source's years, so
    the estimation sample (``years``) may end earlier: the specification says which.
    Example: ``effects(store, "TUR", outcome="un_sscore", start=1995)``.
    """
    from defdip.queries.tables import Tables

    if start is not None and end is not None:
        check_years(start, end)
    if outcome not in OUTCOMES:
        raise InvalidArgument(f"Unknown outcome {outcome!r}; choose one of {sorted(OUTCOMES)}.")
    focal = resolve_focal(store, country) if country is not None else None
    period = analysis_period(Tables.from_store(store), [OUTCOME_INPUTS[outcome]], start, end,
                             default_start=1995, iso3=focal.iso3 if focal else None)
    start, end = period.start, period.end
    chosen = instruments or list(INSTRUMENTS)
    unknown = [i for i in chosen if i not in INSTRUMENTS]
    if unknown:
        raise InvalidArgument(f"Unknown instrument(s) {unknown!r}; choose from "
                              f"{sorted(INSTRUMENTS)}.")
    frame = _focal_panel(store, focal, start - lag, end, _VERBS)
    result = effects_frame(frame, focal, outcome=outcome, start=start, end=end,
                           instruments=chosen, lag=lag, fixed_effects=fixed_effects)
    result.period = period
    return result


def effects_frame(frame: pd.DataFrame, focal: Focal | None, *, outcome: str = "un_sscore",
                  start: int | None = None, end: int | None = None,
                  instruments: list[str] | None = None, lag: int = 1,
                  fixed_effects: str = "dyad+year") -> EffectsResult:
    """:func:`effects` on a panel already built with the columns of ``_VERBS`` (the focal
    state's dyads, or all dyads once when ``focal`` is None), e.g. one panel a report shares
    with the event study. Rows outside ``start - lag``..``end`` are ignored (default: the
    frame's own years)."""
    chosen = instruments or list(INSTRUMENTS)
    start = int(frame["year"].min()) + lag if start is None else start
    end = int(frame["year"].max()) if end is None else end
    frame = frame[frame["year"].between(start - lag, end)]
    present = [i for i in chosen if all(c in frame.columns for c in INSTRUMENTS[i][0])]
    result = estimate_effects(frame, outcome=outcome, instruments=present, lag=lag,
                              fixed_effects=fixed_effects)
    result.dropped += [f"{i}: not in the panel" for i in chosen if i not in present]
    result.focal = focal
    who = (f"dyads of {focal.name} (ccode_1 = {focal.ccode})" if focal is not None
           else "all dyads, each pair once (ccode_1 < ccode_2)")
    scope = record_scope(focal)
    where = ("exercises and agreements from every source, the curated record included (it "
             "covers this state)" if scope == "all" else
             "exercises and agreements only from sources that cover every state (the curated "
             "record is left out); outside their years those instruments are unknown, not 0")
    result.specification = (f"{result.specification} Sample: {who}; {where}; "
                            f"{_instrument_years(frame, list(result.table['term']), lag)}.")
    return result


def _instrument_years(frame: pd.DataFrame, terms: list[str], lag: int) -> str:
    """The years each estimated instrument is observed in, as a regressor (lagged): the
    estimation sample is where they all are, so the shortest one bounds it."""
    spans = []
    for term in terms:
        cols = [c for c in INSTRUMENTS.get(term, ((term,), "", ""))[0] if c in frame.columns]
        seen = frame.loc[frame[cols].notna().all(axis=1), "year"] if cols else frame.iloc[:0]
        if len(seen):
            last = min(int(seen.max()) + lag, int(frame["year"].max()))
            spans.append(f"{term} {int(seen.min()) + lag}–{last}")
    return ("the sample is the years every instrument is observed (as a regressor): "
            + ", ".join(spans)) if spans else "no instrument observed"
