"""Dyad-month and dyad-year cooperation and conflict, written once as Ibis expressions.

The same expressions run on DuckDB (the embedded default) and on PySpark. They read the event
table (:data:`defdip.events.EVENT_SCHEMA`, e.g. ``defdip.store.events.event_table``) and count
only **interstate** events: both sides are state actors (government or military, see
:mod:`defdip.events.actors`) of two different COW states. Non-state events stay in the table
and out of these counts.

Coverage is declared, never assumed: a month is covered when the loaded files hold at least
one event (of any actor) dated in it, and ``days_covered`` says on how many of its days. Every
dyad seen in the data gets a row for **every covered month**, with 0 counts where it had no
event (empty months are explicit); a month no file covers has no row, so joined onto a panel
it is NULL, not 0.

Columns: ``events`` (count), ``verbal_coop``, ``material_coop``, ``verbal_conflict``,
``material_conflict`` (counts per QuadClass 1-4), ``goldstein_sum`` (0 for no events),
``goldstein_mean`` (NULL for no events), ``net_coop`` = cooperative − conflictual events.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

__all__ = ["COUNTS", "MEASURES", "coverage", "dyad_months", "dyad_years", "interstate"]

#: Count columns, and the QuadClass each counts (``events`` counts all).
COUNTS: dict[str, int | None] = {"events": None, "verbal_coop": 1, "material_coop": 2,
                                 "verbal_conflict": 3, "material_conflict": 4}
MEASURES: tuple[str, ...] = (*COUNTS, "goldstein_sum", "goldstein_mean", "net_coop")


def interstate(events: ir.Table) -> ir.Table:
    """Events between state actors (government or military) of two different COW states."""
    t = events
    return t.filter(t.source_sector.notnull() & t.target_sector.notnull()
                    & t.source_ccode.notnull() & t.target_ccode.notnull()
                    & (t.source_ccode != t.target_ccode))


def coverage(events: ir.Table) -> ir.Table:
    """(year, month, days_covered, events_all): the months the loaded files hold events in."""
    t = events
    days = t.group_by(day=t.event_date).aggregate(n=t.count())
    return days.group_by(year=days.day.year().cast("int32"),
                         month=days.day.month().cast("int32")).aggregate(
        days_covered=days.count().cast("int32"), events_all=days.n.sum().cast("int64"))


def _counts(events: ir.Table, directed: bool) -> ir.Table:
    """Counts per dyad and month, for dyads with at least one event: ccode_1 → ccode_2
    (directed), or both directions together with ccode_1 < ccode_2. Keyed by two packed
    integers, ``dyad`` = ccode_1·1000 + ccode_2 and ``ym`` = year·100 + month (COW codes are
    below 1000): one integer per key groups and joins faster on every engine."""
    s = interstate(events)
    quad = s.quad_class
    one, two = s.source_ccode.cast("int32"), s.target_ccode.cast("int32")
    if not directed:
        one, two = ibis.least(one, two), ibis.greatest(one, two)
    ym = s.event_date.year().cast("int32") * 100 + s.event_date.month().cast("int32")
    return s.group_by(dyad=one * 1000 + two, ym=ym).aggregate(
        **{name: (s.count() if q is None else quad.count(where=quad == q)).cast("int64")
           for name, q in COUNTS.items()},
        goldstein_sum=s.goldstein.cast("float64").sum(),
        goldstein_n=s.goldstein.count().cast("int64"))


def _finish(frame: ir.Table) -> ir.Table:
    """Add the mean (over the events that have an intensity) and the net cooperation."""
    mean = ibis.ifelse(frame.goldstein_n > 0, frame.goldstein_sum / frame.goldstein_n,
                       ibis.null("float64"))
    coop = frame.verbal_coop + frame.material_coop
    conflict = frame.verbal_conflict + frame.material_conflict
    return frame.mutate(goldstein_mean=mean, net_coop=coop - conflict)


def _monthly(events: ir.Table, directed: bool) -> ir.Table:
    """Every dyad seen × every covered month, with the counts (0 where none)."""
    counts = _counts(events, directed)
    seen = counts.select("dyad").distinct()
    dyads = seen.mutate(ccode_1=(seen.dyad // 1000).cast("int32"),
                        ccode_2=(seen.dyad % 1000).cast("int32"))
    cover = coverage(events)
    months = cover.select("year", "month", "days_covered", ym=cover.year * 100 + cover.month)
    grid = dyads.cross_join(months)
    c = counts.rename(c_dyad="dyad", c_ym="ym")
    joined = grid.left_join(c, [grid.dyad == c.c_dyad, grid.ym == c.c_ym])
    sums = (*COUNTS, "goldstein_n")
    return joined.select("ccode_1", "ccode_2", "year", "month", "days_covered",
                         **{n: joined[n].fill_null(0) for n in sums},
                         goldstein_sum=joined.goldstein_sum.fill_null(0.0))


def dyad_months(events: ir.Table, *, directed: bool = True) -> ir.Table:
    """One row per dyad (seen in the data) and covered month.

    Keys ``ccode_1`` (source), ``ccode_2`` (target), ``year``, ``month``; then
    ``days_covered`` and :data:`MEASURES`. ``directed=False`` counts both directions
    together under ``ccode_1 < ccode_2``.
    """
    return _finish(_monthly(events, directed)).select("ccode_1", "ccode_2", "year", "month",
                                            "days_covered", *MEASURES)


def dyad_years(events: ir.Table, *, directed: bool = True) -> ir.Table:
    """One row per dyad and year with at least one covered month: the dyad-months summed
    (``months_covered``, ``days_covered`` say how much of the year the data hold)."""
    months = _monthly(events, directed)
    frame = months.group_by("ccode_1", "ccode_2", "year").aggregate(
        months_covered=months.count().cast("int32"),
        days_covered=months.days_covered.sum().cast("int32"),
        **{name: months[name].sum().cast("int64") for name in (*COUNTS, "goldstein_n")},
        goldstein_sum=months.goldstein_sum.sum())
    return _finish(frame).select("ccode_1", "ccode_2", "year", "months_covered",
                                 "days_covered", *MEASURES)
