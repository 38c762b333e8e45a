"""The reads behind the everyday commands (``arms ranking``/``partners``, ``standing``,
``alignment``, ``profile``), each one Ibis expression.

The library functions (``defdip.measures``, ``defdip.engagements``) execute these through
Ibis; ``defdip.queries.compile`` compiles them once to SQL templates that the CLI re-runs
without Ibis (``defdip.store.compiled``). Both run the same expression, so they give one
answer. Parameters that go into a template's holes (codes, years, kinds) are plain values
used as they are: an expression never computes with them (``year + 1``), so a placeholder
stands wherever the value would.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from defdip.queries import record
from defdip.queries.tables import Tables

__all__ = ["EXACT_TIV", "arms_key", "arms_volumes", "profile", "standing_year", "state_names",
           "stored_alignment"]


#: TIV values are summed as decimals: SIPRI gives them to 0.01, so the sums are exact and do
#: not depend on the order a parallel engine adds rows in (floating-point sums do, in their
#: last digits, which made two runs of one question print different totals).
EXACT_TIV = "decimal(18, 6)"


def arms_key(t: ir.Table, prefix: str) -> ir.StringValue:
    """The actor key of one side of a SIPRI row: its ISO3, or SIPRI's label for a non-state
    actor (``PKK (Turkiye)*``, ``unknown supplier(s)``)."""
    return t[f"{prefix}_iso3"].fill_null(t[f"{prefix}_label"])


def arms_volumes(tables: Tables, *, group: str, start: int, end: int,
                 prefix: str | None = None, key: str | None = None) -> ir.Table:
    """TIV delivered in [start, end] per ``group`` actor (``supplier``/``recipient``):
    rank, country (key), name (SIPRI's spelling), tiv, share of the world's TIV in the
    period, share_of_total of the rows shown; only the deliveries whose ``prefix`` side is
    ``key`` when given. Largest first, then by key."""
    deliveries = tables.table("sipri_deliveries")
    period = deliveries.filter(deliveries.year.between(start, end))
    period = period.mutate(exact=period.tiv.cast(EXACT_TIV))
    world = period.exact.sum().cast("float64").as_scalar()
    chosen = period if prefix is None else period.filter(arms_key(period, prefix) == key)
    grouped = chosen.group_by(country=arms_key(chosen, group)).aggregate(
        name=chosen[f"{group}_label"].min(), exact=chosen.exact.sum())
    grouped = grouped.mutate(tiv=grouped.exact.cast("float64"))
    shown = grouped.exact.sum().over(ibis.window()).cast("float64")
    ranked = grouped.mutate(
        rank=(ibis.rank().over(order_by=ibis.desc(grouped.tiv)) + 1).cast("int64"),
        share=100 * grouped.tiv / world, share_of_total=100 * grouped.tiv / shown)
    ranked = ranked.select("rank", "country", "name", "tiv", "share", "share_of_total")
    return ranked.order_by([ibis.desc("tiv"), "country"])


def standing_year(tables: Tables, *, year: int) -> ir.Table:
    """The stored ``network_standing`` rows of ``year``, by rank then COW code."""
    table = tables.table("network_standing")
    return table.filter(table.year == year).order_by(["rank", "ccode"])


def state_names(tables: Tables) -> ir.Table:
    """ccode, iso3, name: one row per COW code in the stored ``country_codes``."""
    codes = tables.table("country_codes")
    codes = codes.filter(codes.ccode.notnull())
    return codes.group_by("ccode").aggregate(iso3=codes.iso3.min(), name=codes["name"].min())


def stored_alignment(tables: Tables, *, own: int, others: Sequence[int], start: int,
                     end: int) -> ir.Table:
    """The stored ``un_alignment`` rows of ``own`` with each of ``others`` in [start, end]."""
    t = tables.table("un_alignment")
    return t.filter((t.ccode_1 == own) & t.ccode_2.isin(list(others))
                    & t.year.between(start, end))


def _joined(values: ir.StringColumn) -> ir.StringValue:
    """The distinct non-NULL values of a group, sorted and joined with "/"; NULL if none."""
    found = values.collect(distinct=True).sort()
    return ibis.ifelse(found.length() > 0, ibis.literal("/").join(found), ibis.null("string"))


def profile(tables: Tables, *, code: str, year: int, deliveries: bool) -> ir.Table:
    """``code``'s partners by instrument (kind) in ``year``: records, roles and TIV.

    A partner is every other actor of a record active in ``year`` (:mod:`.record`); for a
    membership it is the organisation (``series``). ``role``/``partner_role`` join the
    distinct roles with "/"; ``records`` counts the records, ``tiv_records`` sums their TIV
    (each record once per partner). With ``deliveries`` (``sipri_deliveries`` is loaded),
    arms-transfer rows get ``tiv_to_partner``/``tiv_from_partner``: the TIV delivered that
    year (per-year TIV comes from per-year deliveries), else NULL. By kind, most records
    first, then partner.
    """
    records, actors = record.select(tables, country=code, year_from=year, year_to=year)
    own = actors.filter(actors.iso3 == code).group_by("engagement_id").aggregate(
        own_role=_joined(actors.role))
    others = actors.filter(actors.iso3 != code)
    others = others.join(records, others.engagement_id == records.id).filter(
        lambda t: t.kind != "membership")
    others = others.select(id=others.engagement_id.cast("string"),
                           kind=others.kind.cast("string"), partner=others.iso3.cast("string"),
                           partner_role=others.role.cast("string"), tiv=others.tiv)
    members = records.filter(records.kind == "membership")
    members = members.select(id=members.id.cast("string"), kind=members.kind.cast("string"),
                             partner=members.series.cast("string"),
                             partner_role=ibis.literal("organisation", "string"),
                             tiv=members.tiv)
    rows = others.union(members, distinct=False)
    rows = rows.filter(rows.partner.notnull())
    rows = rows.left_join(own, rows.id == own.engagement_id).select(
        "id", "kind", "partner", "partner_role", "tiv", role=lambda t: t.own_role).distinct()
    once = rows.select("id", "kind", "partner", "tiv").distinct()
    tiv = once.group_by(["kind", "partner"]).aggregate(tiv_records=once.tiv.sum().round(6))
    frame = rows.group_by(["kind", "partner"]).aggregate(
        role=_joined(rows.role), partner_role=_joined(rows.partner_role),
        records=rows.id.nunique().cast("int64"))
    frame = frame.join(tiv, ["kind", "partner"])
    none = ibis.null("float64")
    if deliveries:
        d = tables.table("sipri_deliveries")
        d = d.filter((d.year == year) & ((d.supplier_iso3 == code) | (d.recipient_iso3 == code)))
        sums = d.group_by(other=(d.supplier_iso3 == code).ifelse(
            d.recipient_iso3, d.supplier_iso3)).aggregate(
            to_partner=d.tiv.sum(where=d.supplier_iso3 == code),
            from_partner=d.tiv.sum(where=d.recipient_iso3 == code))
        frame = frame.left_join(sums, frame.partner == sums.other)
        arms = frame.kind == "arms_transfer"
        to_partner = arms.ifelse(frame.to_partner.cast("float64"), none)
        from_partner = arms.ifelse(frame.from_partner.cast("float64"), none)
    else:
        to_partner = from_partner = none
    frame = frame.select(
        country=ibis.literal(code, "string"), year=ibis.literal(year, "int64"),
        kind=frame.kind, partner=frame.partner, role=frame.role,
        partner_role=frame.partner_role, records=frame.records,
        tiv_records=frame.tiv_records.cast("float64"), tiv_to_partner=to_partner,
        tiv_from_partner=from_partner)
    return frame.order_by([frame.kind, ibis.desc(frame.records), frame.partner])
