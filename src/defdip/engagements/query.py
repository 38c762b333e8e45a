"""Reading the record: list records, a country's profile for a year, export.

Filters are SQL over ``engagements`` and ``engagement_actors``. A record is "in" a year range
when its period overlaps it: start year ≤ to and (end year, else start year) ≥ from — except
that an empty end of a membership, agreement or base means "still in force".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from defdip.countries import Vocabulary
from defdip.engagements.fileio import actors_by_engagement, format_of, write_records
from defdip.engagements.model import KINDS, ONGOING_KINDS
from defdip.errors import InvalidArgument, UnknownCountry
from defdip.paths import check_output
from defdip.store import Store

LAST_YEAR = ("(CASE WHEN e.\"end\" IS NULL AND list_contains("
             f"{list(ONGOING_KINDS)}, e.kind) THEN 9999 ELSE year(coalesce(e.\"end\", e.start)) "
             "END)")

__all__ = ["export_records", "list_records", "profile", "resolve_code", "select_records"]


def resolve_code(value: str | None, vocab: Vocabulary | None, option: str) -> str | None:
    """An ISO3 code (or declared label) for a --country/--partner argument."""
    if value is None:
        return None
    if vocab is None:
        return value.strip().upper() if len(value.strip()) == 3 else value.strip()
    try:
        return vocab.actor_key(value)
    except UnknownCountry:
        close = vocab.candidates(value)[:3]
        raise InvalidArgument(f"{option} {value!r} is not a country the vocabulary resolves"
                              f"{' (closest: ' + ', '.join(close) + ')' if close else ''}; "
                              "use an ISO3 code such as TUR.") from None


def _where(country: str | None, partner: str | None, kind: str | list[str] | None,
           year_from: int | None, year_to: int | None, origin: str | None
           ) -> tuple[str, list[Any]]:
    clauses, params = ["TRUE"], []
    if country:
        clauses.append("e.id IN (SELECT engagement_id FROM engagement_actors WHERE iso3 = ?)")
        params.append(country)
    if partner:
        clauses.append("e.id IN (SELECT engagement_id FROM engagement_actors WHERE iso3 = ?)")
        params.append(partner)
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    for name in kinds:
        if name not in KINDS:
            raise InvalidArgument(f"--kind {name!r} is not one of {', '.join(KINDS)}.")
    if kinds:
        clauses.append("list_contains(?, e.kind)")
        params.append(kinds)
    if year_from is not None:
        clauses.append(f"{LAST_YEAR} >= ?")
        params.append(int(year_from))
    if year_to is not None:
        clauses.append("year(e.start) <= ?")
        params.append(int(year_to))
    if origin:
        clauses.append("e.origin = ?")
        params.append(origin)
    return " AND ".join(clauses), params


def select_records(store: Store, *, country: str | None = None, partner: str | None = None,
                   kind: str | list[str] | None = None, year_from: int | None = None,
                   year_to: int | None = None, origin: str | None = None,
                   vocab: Vocabulary | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored rows (engagements, actors) that match the filters."""
    where, params = _where(resolve_code(country, vocab, "--country"),
                           resolve_code(partner, vocab, "--partner"), kind, year_from, year_to,
                           origin)
    records = store.sql(f"SELECT e.* FROM engagements e WHERE {where} "
                        "ORDER BY e.start NULLS LAST, e.kind, e.name, e.id", params)
    actors = store.sql(f"SELECT a.* FROM engagement_actors a WHERE a.engagement_id IN "
                       f"(SELECT e.id FROM engagements e WHERE {where}) "
                       "ORDER BY a.engagement_id, a.role, a.iso3", params)
    return records, actors


def list_records(store: Store, *, country: str | None = None, partner: str | None = None,
                 kind: str | list[str] | None = None, year_from: int | None = None,
                 year_to: int | None = None, origin: str | None = None,
                 vocab: Vocabulary | None = None) -> pd.DataFrame:
    """Records involving ``country`` (and ``partner``), of ``kind``, overlapping the years.

    One row per record with every stored column (``conflict`` parsed from JSON) plus
    ``actors``: a list of
    ``{"country": ISO3 or label, "role": …}``. ``country``/``partner`` are ISO3 codes, or any
    name the vocabulary resolves when ``vocab`` is given.
    """
    records, actors = select_records(store, country=country, partner=partner, kind=kind,
                                     year_from=year_from, year_to=year_to, origin=origin,
                                     vocab=vocab)
    grouped = actors_by_engagement(actors)
    records["actors"] = [grouped.get(i, []) for i in records["id"]]
    for column in ("start", "end", "retrieved"):
        records[column] = pd.to_datetime(records[column]).dt.date
    records["conflict"] = [json.loads(c) if isinstance(c, str) else None
                           for c in records["conflict"]]
    return records.drop(columns=["natural_key"])


def profile(store: Store, country: str, year: int, *, vocab: Vocabulary | None = None
            ) -> pd.DataFrame:
    """``country``'s partners by instrument (kind) in ``year``: records, roles and TIV.

    A partner is every other actor of a record active in ``year``; for memberships it is the
    organisation (``series``). For arms transfers ``tiv_to_partner``/``tiv_from_partner`` are
    the TIV delivered in that year from ``sipri_deliveries`` (when loaded) — per-year TIV must
    come from per-year deliveries; ``tiv_records`` sums the active deals' delivered TIV.
    """
    code = resolve_code(country, vocab, "country")
    where, params = _where(code, None, None, year, year, None)
    frame = store.sql(f"""
        WITH mine AS (SELECT e.* FROM engagements e WHERE {where}),
        own AS (SELECT engagement_id, string_agg(DISTINCT role, '/' ORDER BY role) AS own_role
                FROM engagement_actors WHERE iso3 = ? GROUP BY ALL),
        partners AS (
            SELECT m.id, m.kind, a.iso3 AS partner, a.role AS partner_role, m.tiv
            FROM mine m JOIN engagement_actors a ON a.engagement_id = m.id AND a.iso3 <> ?
            WHERE m.kind <> 'membership'
            UNION ALL
            SELECT m.id, m.kind, m.series, 'organisation', m.tiv
            FROM mine m WHERE m.kind = 'membership')
        SELECT p.kind, p.partner, string_agg(DISTINCT o.own_role, '/' ORDER BY o.own_role) AS role,
               string_agg(DISTINCT p.partner_role, '/' ORDER BY p.partner_role) AS partner_role,
               count(DISTINCT p.id) AS records, sum(p.tiv) AS tiv_records
        FROM partners p LEFT JOIN own o ON o.engagement_id = p.id
        GROUP BY p.kind, p.partner ORDER BY p.kind, records DESC, p.partner
    """, [*params, code, code])
    frame["tiv_to_partner"] = pd.NA
    frame["tiv_from_partner"] = pd.NA
    if store.has("sipri_deliveries") and len(frame):
        tiv = store.sql("""
            SELECT CASE WHEN supplier_iso3 = ? THEN recipient_iso3 ELSE supplier_iso3 END
                   AS partner,
                   sum(tiv) FILTER (WHERE supplier_iso3 = ?) AS to_partner,
                   sum(tiv) FILTER (WHERE recipient_iso3 = ?) AS from_partner
            FROM sipri_deliveries WHERE year = ? AND (supplier_iso3 = ? OR recipient_iso3 = ?)
            GROUP BY ALL""", [code, code, code, year, code, code]).set_index("partner")
        arms = frame["kind"].eq("arms_transfer")
        frame.loc[arms, "tiv_to_partner"] = frame.loc[arms, "partner"].map(tiv["to_partner"])
        frame.loc[arms, "tiv_from_partner"] = frame.loc[arms, "partner"].map(
            tiv["from_partner"])
    for column in ("tiv_to_partner", "tiv_from_partner"):
        frame[column] = pd.to_numeric(frame[column])
    frame.insert(0, "year", year)
    frame.insert(0, "country", code)
    return frame


def export_records(store: Store, out: Path | str, *, fmt: str | None = None,
                   country: str | None = None, kind: str | list[str] | None = None,
                   year_from: int | None = None, year_to: int | None = None,
                   origin: str | None = None, vocab: Vocabulary | None = None,
                   force: bool = False) -> dict[str, Any]:
    """Write the matching records to ``out`` as YAML, CSV or JSON (addable again).

    ``out`` is checked first (:func:`defdip.paths.check_output`): an existing file defdip
    did not write is replaced only with ``force``."""
    format_of(Path(out), fmt)
    check_output(out, force=force)
    records, actors = select_records(store, country=country, kind=kind, year_from=year_from,
                                     year_to=year_to, origin=origin, vocab=vocab)
    count = write_records(records, actors, out, fmt, force=force)
    return {"out": str(out), "records": count}
