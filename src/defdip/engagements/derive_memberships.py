"""Memberships: ATOP alliance members and COW IGO full-membership spells.

- ATOP: one ``membership`` per alliance, member and entry (key
  ``atop|<atopid>|<ccode>|<start>``); the member state has role ``member``; the alliance is
  named in ``series`` (``ATOP 3180``: ATOP's files carry no treaty names); the member's
  obligations (defense, offense, neutral, nonagg, consul) go in ``subtype`` ('defense+consul')
  and ``notes``; ``end`` null means in force at the end of the data.
- COW IGO: one ``membership`` per state, organisation and spell (key
  ``cow_igo|<igo>|<title>|<ccode>|<start_year>``: the spells file repeats a spell under
  an organisation's two titles, e.g. IVWO, and each row is kept), year precision; the
  organisation's abbreviation in ``series`` (e.g. NATO), its title in ``name``. COW IGO v3
  ends in 2014, so a spell ending in 2014 may well continue.
"""

from __future__ import annotations

import pandas as pd

from defdip.countries import Vocabulary
from defdip.engagements.derive_common import (
    Derived,
    actor_rows,
    finish,
    flag_names,
    missing_tables,
    precision,
    skipped,
    year_dates,
)
from defdip.engagements.model import engagement_ids
from defdip.errors import UnknownCountry
from defdip.sources.atop import OBLIGATIONS
from defdip.store import Store

__all__ = ["OBLIGATIONS", "derive_atop", "derive_cow_igo"]


def _iso3_of(ccodes: pd.Series, vocab: Vocabulary | None) -> pd.Series:
    lookup: dict[int, str | None] = {}
    for code in ccodes.dropna().unique():
        try:
            lookup[int(code)] = vocab.by_ccode(int(code)).iso3 if vocab is not None else None
        except UnknownCountry:
            lookup[int(code)] = None
    return ccodes.map(lambda c: lookup.get(int(c)) if pd.notna(c) else None).astype("string")


def derive_atop(store: Store, vocab: Vocabulary | None = None) -> Derived:
    """ATOP alliance memberships with each member's obligations."""
    missing = missing_tables(store, "atop_members")
    if missing:
        return skipped("atop", missing)
    members = store.table("atop_members")
    obligations = flag_names(pd.DataFrame({o: members[o].fillna(0).astype(int).gt(0)
                                           for o in OBLIGATIONS}))
    start = pd.to_datetime(members["start"])
    atopid = members["atopid"].astype("Int64").astype("string")
    base = pd.DataFrame({
        "natural_key": "atop|" + atopid + "|" + members["ccode"].astype("Int64").astype("string")
                       + "|" + start.dt.strftime("%Y-%m-%d").fillna(""),
        "name": "ATOP alliance " + atopid, "series": "ATOP " + atopid,
        "subtype": obligations,
        "start": start, "start_precision": precision(start, "day"),
        "end": members["end"], "end_precision": precision(members["end"], "day"),
        "notes": ("obligations: " + obligations.str.replace("+", ", ")).fillna(
            "no obligation coded"),
    })
    ids = base["id"] = engagement_ids("membership", base["natural_key"])
    engagements = finish(store, base, "atop", kind="membership")
    iso3 = _iso3_of(members["ccode"], vocab)
    labels = members["ccode"].astype("Int64").astype("string")
    actors = actor_rows(ids, iso3, iso3.fillna(labels), members["ccode"], "member")
    return Derived(engagements, actors, [f"atop: {len(engagements)} alliance memberships"])


def derive_cow_igo(store: Store) -> Derived:
    """COW IGO full-membership spells."""
    missing = missing_tables(store, "cow_igo_spells")
    if missing:
        return skipped("cow_igo", missing)
    spells = store.table("cow_igo_spells")
    start = spells["start_year"].astype("Int64")
    end = spells["end_year"].astype("Int64")
    igo = spells["igo"].astype("string")
    base = pd.DataFrame({
        "natural_key": "cow_igo|" + igo + "|" + spells["title"].astype("string").fillna("")
                       .str.casefold() + "|" + spells["ccode"].astype("Int64").astype("string")
                       + "|" + start.astype("string"),
        "name": spells["title"].astype("string").fillna(igo) + " (" + igo + ")",
        "series": igo, "subtype": "full",
        "start": year_dates(start), "start_precision": precision(start, "year"),
        "end": year_dates(end), "end_precision": precision(end, "year"),
        "notes": end.eq(2014).map({True: "spell reaches the end of COW IGO v3 (2014)",
                                   False: pd.NA}),
    })
    ids = base["id"] = engagement_ids("membership", base["natural_key"])
    engagements = finish(store, base, "cow_igo", kind="membership")
    iso3 = spells["iso3"].astype("string")
    actors = actor_rows(ids, iso3, iso3.fillna(spells["ccode"].astype("string")),
                        spells["ccode"], "member")
    return Derived(engagements, actors, [f"cow_igo: {len(engagements)} IGO membership spells"])
