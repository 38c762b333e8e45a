"""``add_*`` for the instruments of defence diplomacy and the measures built on them.

Arms deliveries (SIPRI), joint exercises and defence agreements (the engagement record),
peacekeeping co-deployment and personnel (IPI, then the UN's monthly reports), diplomatic
posts (Lowy), UN voting alignment and the engagement index (stored measures). Counts are 0
inside the years their data cover and NULL outside, so "no record" is never confused with
"not observed".
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from defdip.errors import NotLoaded
from defdip.panels._ops import (
    fill,
    join_columns,
    join_dyad,
    join_monadic,
    join_stored_dyad,
    year_span,
)
from defdip.panels.core import DERIVED_TABLES, Panel
from defdip.queries import instruments, series
from defdip.queries.coverage import Coverage

__all__ = [
    "ALIGNMENT_TAKE",
    "add_agreements",
    "add_arms_transfers",
    "add_diplomacy",
    "add_engagement",
    "add_exercises",
    "add_peacekeeping",
    "add_un_alignment",
    "empty_record",
    "observed_flow",
]

ALIGNMENT_TAKE = ("un_nvotes", "un_agree", "un_sscore", "un_kappa", "idealpoint_dist")


def add_arms_transfers(panel: Panel) -> Panel:
    """SIPRI TIV (millions) delivered in the year, from per-year deliveries.

    Dyad-years: ``tiv_1to2`` (``ccode_1`` supplied ``ccode_2``), ``tiv_2to1``. State-years:
    ``tiv_exports``, ``tiv_imports`` (to and from anyone, non-state actors included).
    0 inside the years SIPRI's deliveries cover, NULL outside.
    """
    panel.require_unit("add_arms_transfers", "state_year", "dyad_year")
    deliveries = panel.tables.table("sipri_deliveries")
    span = year_span(panel.tables, deliveries)
    if panel.unit == "state_year":
        names = ["tiv_exports", "tiv_imports"]
        panel.require_new("add_arms_transfers", names)
        expr = panel.expr
        for side, name in (("supplier_ccode", "tiv_exports"), ("recipient_ccode", "tiv_imports")):
            rows = deliveries.filter(deliveries[side].notnull())
            sums = rows.group_by(ccode=rows[side].cast("int64"),
                                 year=rows.year.cast("int64")).aggregate(
                tiv=rows.tiv.sum().cast("float64"))
            expr = join_columns(expr, sums, {"ccode": "ccode", "year": "year"}, {"tiv": name})
        return panel.evolve(fill(expr, names, 0.0, span), "sipri_deliveries")
    names = ["tiv_1to2", "tiv_2to1"]
    panel.require_new("add_arms_transfers", names)
    flows = instruments.arms(panel.tables)
    expr = join_columns(panel.expr, flows,
                        {"ccode_1": "ccode1", "ccode_2": "ccode2", "year": "year"},
                        {"value": "tiv_1to2"})
    expr = join_columns(expr, flows,
                        {"ccode_2": "ccode1", "ccode_1": "ccode2", "year": "year"},
                        {"value": "tiv_2to1"})
    return panel.evolve(fill(expr, names, 0.0, span), "sipri_deliveries")


def empty_record(kind: str) -> NotLoaded:
    """The engagement record is there but holds nothing of ``kind``: say how to build it."""
    error = NotLoaded("engagements")
    error.args = (f"Table 'engagements' holds no {kind!r} records. Build the engagement "
                  f"record first: run `{DERIVED_TABLES['engagements']}` (after `defdip load`).",)
    return error


def observed_flow(panel: Panel, flow: ir.Table, name: str, coverage: Coverage, scope: str,
                  zero: int | float) -> ir.Table:
    """Join a directed flow ``(ccode1, ccode2, year, value)`` as column ``name``: the value,
    ``zero`` where the pair is observed without one, NULL where the coverage does not reach
    (the year, or a focal-only source and neither state focal)."""
    expr = join_dyad(panel, flow, {"value": name})
    seen = coverage.observed(expr.year, [expr.ccode_1, expr.ccode_2], scope)
    value = expr[name].cast("int64") if isinstance(zero, int) else expr[name]
    return expr.mutate(**{name: ibis.ifelse(seen, value.fill_null(zero),
                                            ibis.null(value.type()))})


def _record_column(panel: Panel, function: str, instrument: str, name: str, scope: str
                   ) -> Panel:
    panel.require_unit(function, "dyad_year")
    panel.require_new(function, [name])
    covered = instruments.coverage(panel.tables, instrument)
    if not covered.segments:
        raise empty_record(instruments.INSTRUMENTS[instrument][0])
    flow = instruments.record_pairs(panel.tables, instrument, panel.start, panel.end, scope)
    expr = observed_flow(panel, flow, name, covered, scope, 0)
    return panel.evolve(expr, "engagements", *covered.sources(scope))


def add_exercises(panel: Panel, scope: str = "all") -> Panel:
    """``exercises_joint``: exercises both states took part in (host, participant or organiser;
    observers excluded) that were active in the year (``queries.record``: start year to end
    year). NULL where no source observes the pair and year (see ``queries.coverage``: MME and
    JME cover every state to 2010; the curated record covers its focal states only);
    ``scope="global"`` counts only the sources that cover every state.
    """
    return _record_column(panel, "add_exercises", "exercises", "exercises_joint", scope)


def add_agreements(panel: Panel, scope: str = "all") -> Panel:
    """``agreements_in_force``: defence agreements with both states as parties, in force in
    the year (signed on or before it and not ended before it; no end = in force). NULL where
    no source observes the pair and year (the curated record observes only its focal states);
    ``scope="global"`` counts only the sources that cover every state.
    """
    return _record_column(panel, "add_agreements", "agreements", "agreements_in_force", scope)


def add_peacekeeping(panel: Panel) -> Panel:
    """UN peacekeeping from the series 1990-2025 (``queries.series.peacekeeping``: IPI to
    2014, the UN's monthly reports 2015-2025).

    Dyad-years: ``pk_codeploy``, the UN missions to which both states contributed personnel
    in the year (months with a mission split: 2009-2025; NULL outside). State-years:
    ``pk_personnel``, the state's uniformed personnel in UN operations, month-end head-counts
    averaged over the year's reported months (1990-2025; a month no source reports is left
    out, not counted as 0), and ``pk_missions``, the missions it had personnel in (NULL
    outside the years with mission-level data).
    """
    panel.require_unit("add_peacekeeping", "dyad_year", "state_year")
    covered = instruments.coverage(panel.tables, "peacekeeping")
    cited = [s.source for s in covered.segments] or ["ipi_peacekeeping"]
    if panel.unit == "state_year":
        return panel.evolve(_peacekeeping_states(panel, covered), *cited)
    panel.require_new("add_peacekeeping", ["pk_codeploy"])
    flow = instruments.peacekeeping(panel.tables)
    expr = observed_flow(panel, flow, "pk_codeploy", covered, "global", 0)
    return panel.evolve(expr, *cited)


def _peacekeeping_states(panel: Panel, covered: Coverage) -> ir.Table:
    names = ["pk_personnel", "pk_missions"]
    panel.require_new("add_peacekeeping", names)
    rows = series.peacekeeping(panel.tables)
    months = rows.select("month", "year").distinct()
    reported = months.group_by("year").aggregate(months=months.count())
    coded = rows.filter(rows.ccode.notnull())
    per = coded.group_by(ccode=coded.ccode, year=coded.year).aggregate(
        person_months=coded.personnel.sum(), missions=coded.mission.nunique())
    per = per.join(reported, "year")
    per = per.mutate(personnel=per.person_months.cast("float64") / per.months)
    expr = join_columns(panel.expr, per, {"ccode": "ccode", "year": "year"},
                        {"personnel": "pk_personnel", "missions": "pk_missions"})
    expr = fill(expr, ["pk_personnel"], 0.0, year_span(panel.tables, months))
    seen = covered.observed(expr.year, [expr.ccode], "global")
    return expr.mutate(pk_missions=ibis.ifelse(seen, expr.pk_missions.cast("int64").fill_null(
        0), ibis.null("int64")))


def add_diplomacy(panel: Panel) -> Panel:
    """Diplomatic posts from the Lowy Global Diplomacy Index (its editions' years only).

    ``embassy_1in2`` (1/0): ``ccode_1`` has an embassy in ``ccode_2``; ``embassy_2in1`` the
    reverse; ``posts_1in2``: posts of any type ``ccode_1`` keeps in ``ccode_2``. A value is
    NULL unless the sending state is one Lowy covers in that edition.
    """
    panel.require_unit("add_diplomacy", "dyad_year")
    names = ["embassy_1in2", "embassy_2in1", "posts_1in2"]
    panel.require_new("add_diplomacy", names)
    posts = panel.tables.table("lowy_posts")
    posts = posts.filter(posts.sender_ccode.notnull())
    senders = posts.select(ccode=posts.sender_ccode.cast("int64"),
                           year=posts.year.cast("int64")).distinct().mutate(
        covered=ibis.literal(1, "int64"))
    bilateral = posts.filter(posts.host_ccode.notnull())
    counts = bilateral.group_by(sender=bilateral.sender_ccode.cast("int64"),
                                host=bilateral.host_ccode.cast("int64"),
                                year=bilateral.year.cast("int64")).aggregate(
        embassy=(bilateral.post_type == "embassy").any().cast("int64"),
        posts=bilateral.count().cast("int64"))
    expr = join_monadic(panel, senders, {"covered": "__covered"})
    expr = join_columns(expr, counts, {"ccode_1": "sender", "ccode_2": "host", "year": "year"},
                        {"embassy": "embassy_1in2", "posts": "posts_1in2"})
    expr = join_columns(expr, counts, {"ccode_2": "sender", "ccode_1": "host", "year": "year"},
                        {"embassy": "embassy_2in1"})
    zero = ibis.literal(0, "int64")
    expr = expr.mutate(
        embassy_1in2=ibis.ifelse(expr.__covered_1.notnull(),
                                 expr.embassy_1in2.fill_null(zero), ibis.null("int64")),
        posts_1in2=ibis.ifelse(expr.__covered_1.notnull(),
                               expr.posts_1in2.fill_null(zero), ibis.null("int64")),
        embassy_2in1=ibis.ifelse(expr.__covered_2.notnull(),
                                 expr.embassy_2in1.fill_null(zero), ibis.null("int64")))
    return panel.evolve(expr.drop("__covered_1", "__covered_2"), "lowy_gdi")


def add_un_alignment(panel: Panel) -> Panel:
    """UN General Assembly voting alignment from the stored ``un_alignment`` measure:
    ``un_nvotes``, ``un_agree``, ``un_sscore``, ``un_kappa``, ``idealpoint_dist`` (NULL where
    the two states shared no recorded vote that year).
    """
    panel.require_unit("add_un_alignment", "dyad_year")
    panel.require_new("add_un_alignment", ALIGNMENT_TAKE)
    table = panel.tables.table("un_alignment")
    keys = ("ccode_1", "ccode_2", "year")
    take = {c: c for c in ALIGNMENT_TAKE}
    expr = join_stored_dyad(panel, table, take, keys=keys)
    return panel.evolve(expr, "unga_votes", "unga_ideal_points")


def add_engagement(panel: Panel) -> Panel:
    """The stored engagement index (``engagement_index``, in [0, 1]) and the number of
    instruments behind it (``engagement_instruments``); 0 where no instrument is recorded,
    inside the index's years.
    """
    panel.require_unit("add_engagement", "dyad_year")
    names = ["engagement_index", "engagement_instruments"]
    panel.require_new("add_engagement", names)
    table = panel.tables.table("engagement_index")
    keys = ("ccode_1", "ccode_2", "year")
    take = {"engagement_index": "engagement_index", "instruments": "engagement_instruments"}
    expr = join_stored_dyad(panel, table, take, keys=keys)
    span = year_span(panel.tables, table)
    expr = fill(expr, ["engagement_index"], 0.0, span)
    expr = fill(expr, ["engagement_instruments"], 0, span)
    return panel.evolve(expr, "engagements")
