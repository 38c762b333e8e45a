"""Arms-transfer queries over the SIPRI tables: rankings, partners, deals.

Yearly volumes are SIPRI trend-indicator values (TIV, millions) summed from
``sipri_deliveries.tiv`` by delivery year, as SIPRI's fact sheets do; a deal's total is never
spread over its years. Actors are keyed by ISO3, or by SIPRI's label for non-state actors
(``PKK (Turkiye)*``, ``unknown supplier(s)``), so every delivery counts in the world total.
"""

from __future__ import annotations

import ibis
import pandas as pd

from defdip.countries import Vocabulary
from defdip.errors import InvalidArgument
from defdip.queries import everyday
from defdip.queries.names import actor_key, vocabulary
from defdip.queries.tables import Tables, to_frame
from defdip.store import Store

__all__ = ["ROLES", "arms_categories", "arms_deals", "arms_partners", "arms_ranking",
           "arms_tiv"]

ROLES = ("supplier", "recipient")


def _role(role: str) -> tuple[str, str]:
    """The role's column prefix and the other side's, refusing anything else."""
    if role not in ROLES:
        raise InvalidArgument(f"role {role!r} is not one of {', '.join(ROLES)}: pass "
                              "role='supplier' (exports) or role='recipient' (imports).")
    return role, ROLES[1 - ROLES.index(role)]


def _period(start: int, end: int) -> tuple[int, int]:
    if int(start) > int(end):
        raise InvalidArgument(f"period start {start!r} is after end {end!r}: pass start <= end "
                              "(e.g. start=2020, end=2024).")
    return int(start), int(end)


def _volumes(store: Store, group: str, start: int, end: int, prefix: str | None = None,
             key: str | None = None) -> pd.DataFrame:
    """TIV delivered in [start, end] per ``group`` actor, with rank and world share; only the
    deliveries whose ``prefix`` side is ``key`` when given (``queries.everyday``)."""
    return to_frame(everyday.arms_volumes(Tables.from_store(store), group=group, start=start,
                                          end=end, prefix=prefix, key=key))


def _actor(store: Store, country: str | int, vocab: Vocabulary | None) -> str:
    """The arms tables' key for ``country`` (the one resolver, the store's vocabulary)."""
    return actor_key(country, vocab if vocab is not None else vocabulary(store),
                     "the country argument")


def arms_ranking(store: Store, role: str, start: int, end: int,
                 top: int | None = None) -> pd.DataFrame:
    """Suppliers (exporters) or recipients (importers) ranked by TIV delivered in the period.

    Columns: rank, country (ISO3 or SIPRI label), name (SIPRI's spelling), tiv (millions),
    share (per cent of all TIV delivered worldwide in the period).
    """
    prefix, _other = _role(role)
    start, end = _period(start, end)
    if top is not None and top < 1:
        raise InvalidArgument(f"top {top!r} must be a positive number of rows (e.g. top=10).")
    frame = _volumes(store, prefix, start, end).drop(columns="share_of_total")
    return frame.head(top).reset_index(drop=True) if top is not None else frame


def arms_partners(store: Store, country: str | int, role: str, start: int, end: int,
                  vocab: Vocabulary | None = None) -> pd.DataFrame:
    """The partners of ``country`` acting as ``role``: its customers when it is the supplier,
    its suppliers when it is the recipient, by TIV delivered in the period.

    Columns: rank, country, name, tiv, share (per cent of the world total of the period, as in
    :func:`arms_ranking`), partner_share (per cent of the country's own total in that role, as
    SIPRI's fact sheets give "main clients" and "main suppliers").
    """
    prefix, other = _role(role)
    start, end = _period(start, end)
    key = _actor(store, country, vocab)
    frame = _volumes(store, other, start, end, prefix, key)
    return frame.rename(columns={"share_of_total": "partner_share"})


def arms_deals(store: Store, country: str | int, role: str, start: int, end: int,
               vocab: Vocabulary | None = None, weapon: str | None = None) -> pd.DataFrame:
    """Register deals (``sipri_transfers``) where ``country`` is ``role`` and the order year or a
    delivery year falls in [start, end]; newest order first, ``licensed_production`` shown.
    ``weapon``: only deals whose designation or description contains it (any case)."""
    prefix, other = _role(role)
    start, end = _period(start, end)
    key = _actor(store, country, vocab)
    t = Tables.from_store(store).table("sipri_transfers")
    years = t.delivery_years.fill_null("").split(";").map(
        lambda y: y.strip().try_cast("int64"))
    delivered = years.filter(lambda y: y.between(start, end)).length() > 0
    t = t.filter((everyday.arms_key(t, prefix) == key)
                 & (t.order_year.between(start, end) | delivered))
    if weapon:
        text = weapon.lower()
        t = t.filter(t.weapon_designation.lower().contains(text).fill_null(False)
                     | t.weapon_description.lower().contains(text).fill_null(False))
    deals = t.select(
        t.deal_id, t[f"{other}_label"].name("partner_label"),
        t[f"{other}_iso3"].name("partner_iso3"),
        *(t[c] for c in ("supplier_label", "recipient_label", "order_year",
                         "order_year_uncertain", "number_ordered", "weapon_designation",
                         "weapon_description", "number_delivered", "delivery_years", "status",
                         "licensed_production", "tiv_per_unit", "tiv_total_order",
                         "tiv_delivered", "comments")))
    return to_frame(deals.order_by([ibis.desc("order_year"), "partner_label",
                                    "weapon_designation", "deal_id"]))


def arms_categories(store: Store) -> list[str]:
    """SIPRI's weapon categories in the delivery export (Aircraft, Missiles, …)."""
    d = Tables.from_store(store).table("sipri_deliveries")
    found = d.filter(d.category.notnull()).select("category").distinct().order_by("category")
    return [str(c) for c in to_frame(found)["category"]]


def arms_tiv(store: Store, country: str | int | None, role: str, start: int, end: int,
             category: str | None = None, vocab: Vocabulary | None = None) -> pd.DataFrame:
    """TIV delivered per year, as SIPRI's TIV tables give it: with ``country``, its partners
    (recipients when it supplies, suppliers when it receives) by year; without, every
    ``role`` actor by year. ``category``: one SIPRI weapon category only.

    Long form: actor (ISO3 or label), name, year, tiv (millions); years without deliveries
    are absent (no delivery recorded, not a zero estimate)."""
    prefix, other = _role(role)
    start, end = _period(start, end)
    d = Tables.from_store(store).table("sipri_deliveries")
    d = d.filter(d.year.between(start, end))
    group = prefix
    if country is not None:
        d = d.filter(everyday.arms_key(d, prefix) == _actor(store, country, vocab))
        group = other
    if category:
        known = arms_categories(store)
        if category not in known:
            raise InvalidArgument(f"category {category!r} is not a SIPRI weapon category: "
                                  f"use one of {', '.join(known)}.")
        d = d.filter(d.category == category)
    sums = d.group_by(actor=everyday.arms_key(d, group), year=d.year).aggregate(
        name=d[f"{group}_label"].min(), tiv=d.tiv.sum())
    return to_frame(sums.select("actor", "name", "year", "tiv").order_by(["actor", "year"]))
