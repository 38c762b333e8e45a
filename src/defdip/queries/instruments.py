"""The instruments of defence diplomacy as dyad-year flows, each written once.

Every function returns directed rows ``(ccode1, ccode2, year, value)`` — only where the value
is non-zero — and :func:`coverage` says where each instrument is observed. The panels'
``add_*`` columns join these flows onto a panel and put NULL outside the coverage; the
engagement index unions the same flows. So the panel's ``exercises_joint`` for a pair and
year is the index's ``exercises`` for it, and both are the number of exercise records
``record list`` shows for that pair, active that year (``queries.record.active``).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from defdip.queries import series
from defdip.queries.coverage import (
    FOCAL_ORIGINS,
    Coverage,
    Segment,
    check_scope,
    record_coverage,
    table_coverage,
)
from defdip.queries.record import actor_years, pair_counts
from defdip.queries.tables import Tables

__all__ = [
    "INSTRUMENTS",
    "alliance",
    "arms",
    "coverage",
    "embassies",
    "peacekeeping",
    "peacekeeping_coverage",
    "record_pairs",
]

#: instrument → (record kind or table, source name for the coverage)
INSTRUMENTS: dict[str, tuple[str, str]] = {
    "exercises": ("exercise", "engagements"),
    "agreements": ("defence_agreement", "engagements"),
    "arms": ("sipri_deliveries", "sipri_deliveries"),
    "alliance": ("atop_dyad_year", "atop"),
    "peacekeeping": ("ipi_contributor_mission_month", "ipi_peacekeeping"),  # + UN monthly
    "diplomatic": ("lowy_posts", "lowy_gdi"),
}


def coverage(tables: Tables, instrument: str) -> Coverage:
    """Where ``instrument`` is observed (see :mod:`defdip.queries.coverage`)."""
    what, source = INSTRUMENTS[instrument]
    if source == "engagements":
        return record_coverage(tables, what, instrument)
    if instrument == "diplomatic" and tables.has(what):  # one segment per Lowy edition
        posts = tables.table(what)
        editions = posts.select(year=posts.year.cast("int64")).distinct().order_by("year")
        return Coverage(instrument, tuple(Segment(source, int(y), int(y))
                                          for (y,) in tables.rows(editions)))
    if instrument != "peacekeeping":
        return table_coverage(tables, instrument, what, source)
    return peacekeeping_coverage(tables)


def record_pairs(tables: Tables, instrument: str, start: int, end: int, scope: str
                 ) -> ir.Table:
    """Exercises or agreements both states take part in, active in the year, from the
    sources of ``scope``: directed (ccode1, ccode2, year, value)."""
    kind = INSTRUMENTS[instrument][0]
    per_year = actor_years(tables, kind, start, end)
    if check_scope(scope) == "global":
        per_year = per_year.filter(~per_year.origin.isin(list(FOCAL_ORIGINS)))
    counts = pair_counts(per_year, "value")
    return counts.mutate(value=counts.value.cast("float64"))


def arms(tables: Tables) -> ir.Table:
    """SIPRI TIV (millions) delivered from ``ccode1`` to ``ccode2`` in the year (per-year
    deliveries; SIPRI's own numbers)."""
    d = tables.table("sipri_deliveries")
    d = d.filter(d.supplier_ccode.notnull() & d.recipient_ccode.notnull()
                 & (d.supplier_ccode != d.recipient_ccode))
    flows = d.group_by(ccode1=d.supplier_ccode.cast("int64"), ccode2=d.recipient_ccode.cast(
        "int64"), year=d.year.cast("int64")).aggregate(value=d.tiv.sum().cast("float64"))
    return flows.filter(flows.value > 0)


def alliance(tables: Tables) -> ir.Table:
    """1 where any ATOP obligation binds the pair in the year (either direction)."""
    a = tables.table("atop_dyad_year")
    bound = a.filter(ibis.greatest(a.atop_defense, a.atop_offense, a.atop_neutral,
                                   a.atop_nonagg, a.atop_consul) > 0)
    one = bound.select(ccode1=bound.ccode1.cast("int64"), ccode2=bound.ccode2.cast("int64"),
                       year=bound.year.cast("int64"))
    both = one.union(one.select(ccode1=one.ccode2, ccode2=one.ccode1, year=one.year))
    return both.distinct().mutate(value=ibis.literal(1.0))


def peacekeeping_coverage(tables: Tables) -> Coverage:
    """The years with mission-level peacekeeping data, one segment per source (IPI 2009-2014,
    the UN's monthly reports 2015-2025; ``queries.series.peacekeeping``)."""
    if not any(tables.has(t) for t in ("ipi_contributor_mission_month", "un_pko_monthly")):
        return Coverage("peacekeeping", ())
    rows = series.peacekeeping(tables)
    split = rows.filter(rows.mission.notnull())
    spans = split.group_by("origin").aggregate(lo=split.year.min(), hi=split.year.max())
    names = {"ipi": "ipi_peacekeeping", "un_monthly": "un_peacekeeping_monthly"}
    return Coverage("peacekeeping", tuple(
        Segment(names[origin], int(lo), int(hi))
        for origin, lo, hi in sorted(tables.rows(spans), key=lambda r: r[1])))


def peacekeeping(tables: Tables) -> ir.Table:
    """UN missions both states contributed personnel to in the year (the series 1990-2025:
    IPI, then the UN's monthly reports; months with a mission split only)."""
    rows = series.peacekeeping(tables)
    given = rows.filter(rows.ccode.notnull() & rows.mission.notnull())
    per_year = given.select(engagement_id=given.mission, ccode=given.ccode,
                            year=given.year).distinct()
    counts = pair_counts(per_year, "value")
    return counts.mutate(value=counts.value.cast("float64"))


def embassies(tables: Tables) -> ir.Table:
    """1 where ``ccode1`` keeps an embassy in ``ccode2`` in a Lowy edition's year."""
    posts = tables.table("lowy_posts")
    kept = posts.filter((posts.post_type == "embassy") & posts.sender_ccode.notnull()
                        & posts.host_ccode.notnull() & (posts.sender_ccode != posts.host_ccode))
    return kept.select(ccode1=kept.sender_ccode.cast("int64"),
                       ccode2=kept.host_ccode.cast("int64"),
                       year=kept.year.cast("int64")).distinct().mutate(value=ibis.literal(1.0))
