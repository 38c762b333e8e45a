"""Reads of one state's named and dated engagements: its exercises with their partners, the
cited arrangements (presence abroad, agreements, training, operations) and memberships, what
begins in each year for the timeline, and its arms trade as SIPRI lists it (yearly
deliveries, drone deals, licensed production, orders).

What the country brief (``defdip.reports``) and the web pages list, written once here in
Ibis over :class:`~defdip.queries.tables.Tables`. Roles: an exercise *observer* does not take
part, so the exercise and timeline reads leave observers out, as
:mod:`defdip.queries.record` does. Each function returns a pandas DataFrame with the columns
its docstring names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis

from defdip.queries.tables import Tables

__all__ = [
    "arms_by_year",
    "arms_orders",
    "arranged",
    "curated_memberships",
    "curated_retrieval",
    "exercises_of",
    "licensed_production",
    "timeline_starts",
    "uav_deals",
    "uav_share",
]


def _taking_part(tables: Tables, iso3: str) -> tuple[Any, Any]:
    """The record joined to the state's own actor rows, observers left out."""
    e = tables.table("engagements")
    a = tables.table("engagement_actors")
    a = a.filter((a.iso3 == iso3) & (a.role != "observer"))
    return e, e.join(a, e.id == a.engagement_id)


def exercises_of(tables: Tables, iso3: str, start: int, end: int) -> Any:
    """(id, name, series, year, source, url, partners, role): the state's exercises that
    begin in ``start``..``end``, each with the other states taking part (ISO3 list), by
    start date and id."""
    e = tables.table("engagements")
    a = tables.table("engagement_actors")
    mine = a.filter((a.iso3 == iso3) & (a.role != "observer")).select(
        engagement_id="engagement_id", my_role="role")
    ex = e.filter((e.kind == "exercise") & e.start.year().between(start, end))
    ex = ex.join(mine, ex.id == mine.engagement_id)
    b = a.select(b_id="engagement_id", b_iso3="iso3")
    rows = ex.join(b, ex.id == b.b_id)
    return rows.group_by(["id", "name", "series", "start", "source", "url"]).aggregate(
        partners=rows.b_iso3.collect(where=rows.b_iso3.notnull() & (rows.b_iso3 != iso3),
                                     distinct=True),
        role=rows.my_role.arbitrary(),
    ).mutate(year=ibis._.start.year()).order_by(["start", "id"]).select(
        "id", "name", "series", "year", "source", "url", "partners", "role").execute()


def arranged(tables: Tables, iso3: str, start: int, end: int,
             kinds: Sequence[str] = ("base_presence", "defence_agreement",
                                     "training_programme", "operation")) -> Any:
    """(kind, name, since, until, url, confidence): cited records (curated or entered) of
    ``kinds`` the state is party to, in force at some time in ``start``..``end``, by kind and
    start."""
    e = tables.table("engagements")
    a = tables.table("engagement_actors")
    rows = e.join(a, e.id == a.engagement_id)
    rows = rows.filter((rows.iso3 == iso3) & rows.origin.isin(["curated", "entered"])
                       & rows.kind.isin(list(kinds)) & (rows.start.year() <= end)
                       & (rows["end"].isnull() | (rows["end"].year() >= start)))
    return rows.order_by(["kind", "start", "name", "id"]).select(  # ties: a total order
        "kind", "name", since=rows.start.year(), until=rows["end"].year(), url=rows.url,
        confidence=rows.confidence).execute()


def curated_memberships(tables: Tables, iso3: str) -> Any:
    """(organisation, name, joined, left_in, source): the state's memberships in the curated
    record, with the cited page, by date joined."""
    e = tables.table("engagements")
    a = tables.table("engagement_actors")
    rows = e.join(a, e.id == a.engagement_id)
    rows = rows.filter((rows.iso3 == iso3) & (rows.kind == "membership")
                       & (rows.origin == "curated"))
    return rows.order_by("start").select(
        organisation=rows.series, name=rows.name, joined=rows.start.year(),
        left_in=rows["end"].year(), source=rows.url).execute()


def curated_retrieval(tables: Tables) -> tuple[Any, int]:
    """When the curated record's pages were last retrieved, and how many records it holds."""
    e = tables.table("engagements")
    e = e.filter(e.origin == "curated")
    latest, n = tables.rows(e.aggregate(r=e.retrieved.max(), n=e.count()))[0]
    return latest, int(n)


def timeline_starts(tables: Tables, iso3: str, start: int, end: int,
                    kinds: Sequence[str] = ("exercise", "defence_agreement", "operation",
                                            "visit")) -> Any:
    """(id, kind, name, series, start, source): records of ``kinds`` the state takes part in
    that begin in ``start``..``end``, each once, by start date and id."""
    _e, rows = _taking_part(tables, iso3)
    rows = rows.filter(rows.start.year().between(start, end) & rows.kind.isin(list(kinds)))
    return rows.select("id", "kind", "name", "series", "start", "source").distinct() \
        .order_by(["start", "id"]).execute()


def arms_by_year(tables: Tables, iso3: str, first: int, last: int) -> Any:
    """(year, exports, imports): SIPRI TIV delivered by and to the state each year, by year
    (NULL in a year with no delivery that way)."""
    d = tables.table("sipri_deliveries")
    d = d.filter(d.year.between(first, last)
                 & ((d.supplier_iso3 == iso3) | (d.recipient_iso3 == iso3)))
    return d.group_by("year").aggregate(
        exports=d.tiv.sum(where=d.supplier_iso3 == iso3),
        imports=d.tiv.sum(where=d.recipient_iso3 == iso3)).order_by("year").execute()


def uav_deals(tables: Tables, iso3: str, pattern: str) -> Any:
    """(recipient, recipient_iso3, weapon, description, order_year, number_delivered,
    delivery_years, tiv_delivered): the state's deals whose weapon description matches
    ``pattern`` (a regular expression), newest order first."""
    t = tables.table("sipri_transfers")
    t = t.filter((t.supplier_iso3 == iso3) & t.weapon_description.re_search(pattern))
    return t.order_by([ibis.desc("order_year"), "recipient_label"]).select(
        recipient=t.recipient_label, recipient_iso3=t.recipient_iso3,
        weapon=t.weapon_designation, description=t.weapon_description,
        order_year=t.order_year, number_delivered=t.number_delivered,
        delivery_years=t.delivery_years, tiv_delivered=t.tiv_delivered).execute()


def uav_share(tables: Tables, iso3: str, pattern: str, first: int, last: int
              ) -> tuple[Any, Any]:
    """TIV the state delivered in ``first``..``last`` of weapons whose description matches
    ``pattern``, and of everything (each None when nothing was delivered)."""
    d = tables.table("sipri_deliveries")
    d = d.filter((d.supplier_iso3 == iso3) & d.year.between(first, last))
    uav, total = tables.rows(d.aggregate(
        uav=d.tiv.sum(where=d.description.re_search(pattern)), total=d.tiv.sum()))[0]
    return uav, total


def licensed_production(tables: Tables, iso3: str) -> Any:
    """(supplier, recipient, weapon, description, order_year, delivery_years, licensor):
    licensed production the state gave or received, newest order first; ``licensor`` is
    True where the state gave the licence."""
    t = tables.table("sipri_transfers")
    t = t.filter(t.licensed_production
                 & ((t.supplier_iso3 == iso3) | (t.recipient_iso3 == iso3)))
    return t.order_by(ibis.desc("order_year")).select(
        supplier=t.supplier_label, recipient=t.recipient_label, weapon=t.weapon_designation,
        description=t.weapon_description, order_year=t.order_year,
        delivery_years=t.delivery_years, licensor=t.supplier_iso3 == iso3).execute()


def arms_orders(tables: Tables, iso3: str, start: int, end: int) -> Any:
    """(kind, year, n): SIPRI deals the state ordered or supplied, by order year
    (``kind`` = 'arms_order')."""
    t = tables.table("sipri_transfers")
    t = t.filter(((t.supplier_iso3 == iso3) | (t.recipient_iso3 == iso3))
                 & t.order_year.between(start, end))
    return t.group_by(year=t.order_year).aggregate(n=t.count()).select(
        kind=ibis.literal("arms_order"), year="year", n="n").execute()
