"""``add_*`` for the instruments of defence diplomacy and the measures built on them.

Arms deliveries (SIPRI), joint exercises and defence agreements (the engagement record),
peacekeeping co-deployment (IPI), diplomatic posts (Lowy), UN voting alignment and the
engagement index (stored measures). Counts are 0 inside the years their data cover and NULL
outside, so "no record" is never confused with "not observed".
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
    panel_years,
    spell_years,
    year_span,
)
from defdip.panels.core import DERIVED_TABLES, Panel

__all__ = [
    "ALIGNMENT_TAKE",
    "EXERCISE_ROLES",
    "add_agreements",
    "add_arms_transfers",
    "add_diplomacy",
    "add_engagement",
    "add_exercises",
    "add_peacekeeping",
    "add_un_alignment",
    "empty_record",
]

#: Roles that count as taking part in an exercise (observers do not).
EXERCISE_ROLES = ("host", "participant", "organiser")
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
    rows = deliveries.filter(deliveries.supplier_ccode.notnull()
                             & deliveries.recipient_ccode.notnull())
    flows = rows.group_by(supplier=rows.supplier_ccode.cast("int64"),
                          recipient=rows.recipient_ccode.cast("int64"),
                          year=rows.year.cast("int64")).aggregate(
        tiv=rows.tiv.sum().cast("float64"))
    expr = join_columns(panel.expr, flows,
                        {"ccode_1": "supplier", "ccode_2": "recipient", "year": "year"},
                        {"tiv": "tiv_1to2"})
    expr = join_columns(expr, flows,
                        {"ccode_2": "supplier", "ccode_1": "recipient", "year": "year"},
                        {"tiv": "tiv_2to1"})
    return panel.evolve(fill(expr, names, 0.0, span), "sipri_deliveries")


def empty_record(kind: str) -> NotLoaded:
    """The engagement record is there but holds nothing of ``kind``: say how to build it."""
    error = NotLoaded("engagements")
    error.args = (f"Table 'engagements' holds no {kind!r} records. Build the engagement "
                  f"record first: run `{DERIVED_TABLES['engagements']}` (after `defdip load`).",)
    return error


def _engagement_years(panel: Panel, kind: str, roles: tuple[str, ...] | None,
                      open_end: int | None) -> ir.Table:
    """(engagement_id, ccode, year) for every year an engagement of ``kind`` touches.

    A missing end means the start year only, or — with ``open_end`` — in force through it.
    """
    events = panel.tables.table("engagements")
    actors = panel.tables.table("engagement_actors")
    chosen = events.filter((events.kind == kind) & events["start"].notnull())
    first = chosen.limit(1)
    if int(panel.tables.probe(first.aggregate(n=first.count()))[0]) == 0:
        raise empty_record(kind)
    last = chosen["end"].year().cast("int64")
    fallback = ibis.literal(open_end, "int64") if open_end is not None else \
        chosen["start"].year().cast("int64")
    spans = chosen.select(engagement_id=chosen.id, first=chosen["start"].year().cast("int64"),
                          last=last.fill_null(fallback))
    keep = actors.ccode.notnull()
    if roles is not None:
        keep &= actors.role.isin(list(roles))
    who = actors.filter(keep).select(engagement_id=actors.engagement_id,
                                     ccode=actors.ccode.cast("int64")).distinct()
    joined = spans.join(who, "engagement_id")
    years = spell_years(joined, panel_years(panel), joined["first"], joined["last"])
    return years.select("engagement_id", "ccode", "year")


def _pair_counts(per_year: ir.Table, name: str) -> ir.Table:
    """Directed (ccode1, ccode2, year, name): distinct engagements both states share."""
    a = per_year.select(eid=per_year.engagement_id, ccode1=per_year.ccode, year=per_year.year)
    b = per_year.select(eid_b=per_year.engagement_id, ccode2=per_year.ccode,
                        year_b=per_year.year).view()
    pairs = a.join(b, [a.eid == b.eid_b, a.year == b.year_b, a.ccode1 != b.ccode2])
    return pairs.group_by(["ccode1", "ccode2", "year"]).aggregate(
        **{name: pairs.eid.nunique().cast("int64")})


def _count_pairs(panel: Panel, function: str, kind: str, roles: tuple[str, ...] | None,
                 name: str, open_end: int | None, coverage: tuple[int, int] | None) -> Panel:
    panel.require_unit(function, "dyad_year")
    panel.require_new(function, [name])
    per_year = _engagement_years(panel, kind, roles, open_end)
    span = coverage if coverage is not None else year_span(panel.tables, per_year)
    expr = join_dyad(panel, _pair_counts(per_year, name), {name: name})
    return panel.evolve(fill(expr, [name], 0, span), "engagements")


def add_exercises(panel: Panel) -> Panel:
    """``exercises_joint``: exercises both states took part in (host, participant or organiser;
    observers excluded) that were under way in the year; from ``engagements`` kind exercise.
    0 inside the years the exercise record covers, NULL outside.
    """
    return _count_pairs(panel, "add_exercises", "exercise", EXERCISE_ROLES, "exercises_joint",
                        None, None)


def add_agreements(panel: Panel) -> Panel:
    """``agreements_in_force``: defence agreements (``engagements`` kind defence_agreement)
    with both states as actors, in force in the year (signed on or before it and not ended
    before it; no end = in force). 0 = none recorded — the record is curated, so a 0 is
    absence of a record, not proof of no agreement.
    """
    return _count_pairs(panel, "add_agreements", "defence_agreement", None,
                        "agreements_in_force", panel.end, (panel.start, panel.end))


def add_peacekeeping(panel: Panel) -> Panel:
    """``pk_codeploy``: UN missions to which both states contributed personnel in the year
    (IPI contributor x mission x month, which covers 2009-11 to 2014-02 only; NULL outside).
    """
    panel.require_unit("add_peacekeeping", "dyad_year")
    panel.require_new("add_peacekeeping", ["pk_codeploy"])
    months = panel.tables.table("ipi_contributor_mission_month")
    given = months.filter(months.ccode.notnull() & (months.total > 0))
    per_year = given.select(engagement_id=given.mission, ccode=given.ccode.cast("int64"),
                            year=given.date.year().cast("int64")).distinct()
    span = year_span(panel.tables, months.select(year=months.date.year().cast("int64")))
    expr = join_dyad(panel, _pair_counts(per_year, "pk_codeploy"),
                     {"pk_codeploy": "pk_codeploy"})
    return panel.evolve(fill(expr, ["pk_codeploy"], 0, span), "ipi_peacekeeping")


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
