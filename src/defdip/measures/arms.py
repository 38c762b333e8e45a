"""Arms-transfer queries over the SIPRI tables: rankings, partners, deals.

Yearly volumes are SIPRI trend-indicator values (TIV, millions) summed from
``sipri_deliveries.tiv`` by delivery year, as SIPRI's fact sheets do; a deal's total is never
spread over its years. Actors are keyed by ISO3, or by SIPRI's label for non-state actors
(``PKK (Turkiye)*``, ``unknown supplier(s)``), so every delivery counts in the world total.
"""

from __future__ import annotations

import pandas as pd

from defdip.countries import Vocabulary, load_vocabulary
from defdip.errors import InvalidArgument
from defdip.store import Store

__all__ = ["ROLES", "arms_deals", "arms_partners", "arms_ranking", "resolve_actor"]

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


def resolve_actor(country: str | int, vocab: Vocabulary | None = None) -> str:
    """The key used in the arms tables: ISO3 of a state, or a non-state actor's SIPRI label."""
    vocab = vocab if vocab is not None else load_vocabulary()
    return vocab.actor_key(country, context="the country argument")


def _key(prefix: str) -> str:
    return f'coalesce("{prefix}_iso3", "{prefix}_label")'


def _volumes(store: Store, group: str, start: int, end: int, where: str = "TRUE",
             params: list[object] | None = None) -> pd.DataFrame:
    """TIV delivered in [start, end] per ``group`` actor, with rank and world share."""
    store.require("sipri_deliveries")
    query = f"""
        WITH period AS (SELECT * FROM sipri_deliveries WHERE year BETWEEN ? AND ?),
        world AS (SELECT sum(tiv) AS total FROM period),
        grouped AS (
            SELECT {_key(group)} AS country, min("{group}_label") AS name,
                   sum(tiv) AS tiv
            FROM period WHERE {where} GROUP BY 1)
        SELECT CAST(rank() OVER (ORDER BY tiv DESC) AS BIGINT) AS rank, country, name, tiv,
               100 * tiv / (SELECT total FROM world) AS share,
               100 * tiv / sum(tiv) OVER () AS share_of_total
        FROM grouped ORDER BY tiv DESC, country"""
    return store.sql(query, [start, end, *(params or [])])


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
    key = resolve_actor(country, vocab)
    frame = _volumes(store, other, start, end, f"{_key(prefix)} = ?", [key])
    return frame.rename(columns={"share_of_total": "partner_share"})


def arms_deals(store: Store, country: str | int, role: str, start: int, end: int,
               vocab: Vocabulary | None = None) -> pd.DataFrame:
    """Register deals (``sipri_transfers``) where ``country`` is ``role`` and the order year or a
    delivery year falls in [start, end]; newest order first, ``licensed_production`` shown."""
    prefix, other = _role(role)
    start, end = _period(start, end)
    key = resolve_actor(country, vocab)
    store.require("sipri_transfers")
    query = f"""
        SELECT deal_id, {other}_label AS partner_label, {other}_iso3 AS partner_iso3,
               supplier_label, recipient_label, order_year, order_year_uncertain,
               number_ordered, weapon_designation, weapon_description, number_delivered,
               delivery_years, status, licensed_production, tiv_per_unit, tiv_total_order,
               tiv_delivered, comments
        FROM sipri_transfers
        WHERE {_key(prefix)} = ?
          AND (order_year BETWEEN ? AND ?
               OR len(list_filter(string_split(coalesce(delivery_years, ''), ';'),
                      x -> TRY_CAST(trim(x) AS INTEGER) BETWEEN ? AND ?)) > 0)
        ORDER BY order_year DESC, partner_label, weapon_designation, deal_id"""
    return store.sql(query, [key, start, end, start, end])
