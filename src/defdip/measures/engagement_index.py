"""Engagement index: how much two states engage militarily and diplomatically in a year.

Why: the instruments of defence diplomacy (exercises, arms, agreements, alliances,
peacekeeping, embassies) are recorded in different units — counts, TIV millions, 0/1 presence.
A single, documented composite per dyad-year lets the network-standing measures and the
effect models treat "engagement" as one quantity while keeping each instrument visible.

Per dyad-year and instrument (directed rows in both orders, like ``un_alignment``):

========================  ======================================================  =========
column                    what, from which table                                  component
========================  ======================================================  =========
``exercises``             distinct exercises both joined as host/participant/     log1p-max
                          organiser, active in the year (``engagements`` kind
                          exercise from all-state sources: MME, JME)
``arms_tiv_1to2``/``2to1`` SIPRI TIV delivered that year, 1→2 and 2→1             log1p-max
                          (``sipri_deliveries``, per-year deliveries)              of the sum
``agreements``            defence agreements in force with both as parties        log1p-max
                          (``engagements`` kind defence_agreement, all-state
                          sources only)
``alliance``              1 if any ATOP obligation binds the pair, in either      0/1
                          direction (``atop_dyad_year``)
``peacekeeping``          distinct UN missions both contributed personnel to      log1p-max
                          (``ipi_contributor_mission_month``; 2009–2014 only)
``embassy_1in2``/``2in1`` 1 if 1 has an embassy in 2 (``lowy_posts``; the Lowy     mean of
                          editions 2016, 2017, 2019, 2021, 2023 only)             the two
========================  ======================================================  =========

"log1p-max" scales ``log(1 + x)`` by the year's largest ``log(1 + x)`` over all dyads, so each
component is in [0, 1], a heavy tail (the US–Saudi TIV) does not flatten everyone else, and
years stay comparable in rank. The index is the weighted mean of the components with
:class:`EngagementWeights` over the components observed in the row's year (the others are NULL
and their weight is renormalised away), so it is in [0, 1]. Rows exist only where some
instrument is non-zero; a missing dyad-year means no recorded engagement.

Every component is a flow from ``defdip.queries.instruments`` — the same expressions the
panels' ``add_*`` columns join — at the *global* scope of ``defdip.queries.coverage``: only
data that cover every state count, so the curated record of one state (Türkiye's, after MME
ends in 2010) never makes that state look more engaged than the rest of the world.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from defdip.errors import InvalidArgument, NotLoaded
from defdip.queries import instruments
from defdip.queries.tables import Tables
from defdip.store import Store

__all__ = [
    "INDEX_COLUMNS",
    "EngagementWeights",
    "engagement_index",
    "instrument_coverage",
    "instrument_sources",
]

INDEX_COLUMNS = ("ccode_1", "ccode_2", "year", "exercises", "arms_tiv_1to2", "arms_tiv_2to1",
                 "agreements", "alliance", "peacekeeping", "embassy_1in2", "embassy_2in1",
                 "instruments", "engagement_index")
#: The index's six components and the raw columns behind each (in INDEX_COLUMNS' order).
INSTRUMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "exercises": ("exercises",), "arms": ("arms_tiv_1to2", "arms_tiv_2to1"),
    "agreements": ("agreements",), "alliance": ("alliance",),
    "peacekeeping": ("peacekeeping",), "diplomatic": ("embassy_1in2", "embassy_2in1"),
}


@dataclass(frozen=True)
class EngagementWeights:
    """Weights of the index's six components (see ``docs/measures.md`` for the defaults)."""

    exercises: float = 0.25
    arms: float = 0.20
    agreements: float = 0.20
    alliance: float = 0.15
    peacekeeping: float = 0.10
    diplomatic: float = 0.10

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not np.isfinite(value) or value < 0:
                raise InvalidArgument(f"weight {name}={value!r} must be a finite number >= 0 "
                                      "(e.g. EngagementWeights(exercises=0.3)).")
        if sum(asdict(self).values()) <= 0:
            raise InvalidArgument("every engagement weight is 0: give at least one instrument "
                                  "a positive weight.")


def _flows(tables: Tables, component: str, start: int, end: int) -> list[ir.Table]:
    """The component's directed flows as (ccode1, ccode2, year, instrument, value): the same
    expressions the panels' ``add_*`` join (``queries.instruments``), global scope only."""
    def named(flow: ir.Table, name: str, swap: bool = False) -> ir.Table:
        a, b = ("ccode2", "ccode1") if swap else ("ccode1", "ccode2")
        return flow.select(ccode1=flow[a], ccode2=flow[b], year=flow.year,
                           instrument=ibis.literal(name), value=flow.value.cast("float64"))

    if component in ("exercises", "agreements"):
        return [named(instruments.record_pairs(tables, component, start, end, "global"),
                      component)]
    if component == "arms":
        flow = instruments.arms(tables)
        return [named(flow, "arms_tiv_1to2"), named(flow, "arms_tiv_2to1", swap=True)]
    if component == "alliance":
        return [named(instruments.alliance(tables), "alliance")]
    if component == "peacekeeping":
        return [named(instruments.peacekeeping(tables), "peacekeeping")]
    flow = instruments.embassies(tables)
    return [named(flow, "embassy_1in2"), named(flow, "embassy_2in1", swap=True)]


def instrument_coverage(store: Store) -> dict[str, list[int]]:
    """For each component, the years its all-state sources cover (empty: no data)."""
    tables = Tables.from_store(store)
    return {c: instruments.coverage(tables, c).years("global") for c in INSTRUMENT_GROUPS}


def instrument_sources(store: Store) -> dict[str, str | None]:
    """For each component, the table it is computed from, or None when no all-state source
    feeds it (a curated-only instrument carries no weight in a cross-national index)."""
    covered = instrument_coverage(store)
    return {c: (instruments.INSTRUMENTS[c][0] if covered[c] else None)
            for c in INSTRUMENT_GROUPS}


def _log_scaled(values: pd.Series, year: pd.Series) -> pd.Series:
    logged = np.log1p(values.fillna(0.0))
    top = logged.groupby(year).transform("max")
    return (logged / top.where(top > 0)).fillna(0.0)


def engagement_index(store: Store, weights: EngagementWeights | None = None, *,
                     start: int | None = None, end: int | None = None,
                     sources: dict[str, str | None] | None = None) -> pd.DataFrame:
    """The engagement index per directed dyad-year (columns :data:`INDEX_COLUMNS`).

    Only data that cover every state count (``queries.coverage``, scope ``global``): the
    curated record of one state never stands in for the world. A component is NULL in the
    years its data do not cover and carries no weight there (the weights of the components
    observed that year are renormalised). Raises :class:`NotLoaded` when no component has
    data. ``sources`` is ignored (kept for callers that asked :func:`instrument_sources`).
    """
    weights = weights or EngagementWeights()
    tables = Tables.from_store(store)
    covered = {c: instruments.coverage(tables, c).years("global") for c in INSTRUMENT_GROUPS}
    years = sorted({y for ys in covered.values() for y in ys})
    if not years:
        raise NotLoaded("sipri_deliveries", "sipri_deliveries")
    lo = max(years[0], start) if start is not None else years[0]
    hi = min(years[-1], end) if end is not None else years[-1]
    parts = [flow for c, ys in covered.items() if ys for flow in _flows(tables, c, lo, hi)]
    union = parts[0]
    for part in parts[1:]:
        union = union.union(part, distinct=False)
    union = union.filter(union.year.between(lo, hi))
    raw = INDEX_COLUMNS[3:-2]
    pivot = union.group_by(ccode_1=union.ccode1, ccode_2=union.ccode2, year=union.year
                           ).aggregate(**{c: union.value.sum(where=union.instrument == c)
                                          for c in raw})
    frame = pivot.order_by(["year", "ccode_1", "ccode_2"]).execute()
    return _combine(frame, covered, weights)


def _combine(frame: pd.DataFrame, covered: dict[str, list[int]],
             weights: EngagementWeights) -> pd.DataFrame:
    """Zero-fill each component inside its covered years (NULL outside), normalise each and
    take the weighted mean over the components observed in the row's year."""
    year = frame["year"]
    inside = {c: year.isin(covered[c]) for c in INSTRUMENT_GROUPS}
    for component, columns in INSTRUMENT_GROUPS.items():
        for column in columns:
            values = frame[column].astype("float64")
            frame[column] = values.fillna(0.0).where(inside[component])
    components = {
        "exercises": _log_scaled(frame["exercises"], year),
        "arms": _log_scaled(frame["arms_tiv_1to2"] + frame["arms_tiv_2to1"], year),
        "agreements": _log_scaled(frame["agreements"], year),
        "alliance": frame["alliance"].clip(0, 1),
        "peacekeeping": _log_scaled(frame["peacekeeping"], year),
        "diplomatic": (frame["embassy_1in2"] + frame["embassy_2in1"]) / 2.0,
    }
    given = asdict(weights)
    total = sum(given[c] * inside[c].astype("float64") for c in INSTRUMENT_GROUPS)
    weighted = sum(given[c] * components[c].where(inside[c], 0.0).fillna(0.0)
                   for c in INSTRUMENT_GROUPS)
    frame["engagement_index"] = (weighted / total.where(total > 0)).astype("float64")
    frame["instruments"] = sum((components[c].fillna(0.0) > 0).astype("int64")
                               for c in INSTRUMENT_GROUPS)
    for column in ("ccode_1", "ccode_2", "year"):
        frame[column] = frame[column].astype("int64")
    return frame[list(INDEX_COLUMNS)].reset_index(drop=True)
