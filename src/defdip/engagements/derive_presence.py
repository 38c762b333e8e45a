"""Presence abroad: diplomatic posts (Lowy), US troops and bases.

(UN peacekeeping deployments: :mod:`defdip.engagements.derive_peacekeeping`.)

- Lowy: one ``diplomatic_post`` per post and edition year (key
  ``lowy|<sender>|<host>|<city>|<post title>|<year>``): ``sender`` → ``receiving_state``
  (the organisation's label for missions to IOs).
- US troops: one ``base_presence`` per host and year with active-duty US troops (key
  ``us_troops|<host>|<year>``; rows naming the same host twice in a year are summed),
  ``personnel`` = troops; Vine's bases: one per site (key
  ``us_bases|<host>|<base name>``), undated (Vine lists sites, not years).
"""

from __future__ import annotations

import pandas as pd

from defdip.engagements.derive_common import (
    Derived,
    actor_rows,
    finish,
    missing_tables,
    skipped,
    usa_sender,
)
from defdip.engagements.model import engagement_ids
from defdip.queries import derivations
from defdip.queries.tables import Tables
from defdip.store import Store

__all__ = ["derive_lowy", "derive_us_presence"]

def derive_lowy(store: Store) -> Derived:
    """Lowy Global Diplomacy Index posts, sender → host, per edition year."""
    missing = missing_tables(store, "lowy_posts")
    if missing:
        return skipped("lowy_gdi", missing)
    posts = store.table("lowy_posts")
    city = posts["city"].astype("string")
    title = posts["post_title"].astype("string")
    sender = posts["sender_iso3"].astype("string").fillna(posts["sender_label"].astype("string"))
    host = posts["host_iso3"].astype("string").fillna(posts["host_label"].astype("string"))
    year = posts["year"].astype("Int64").astype("string")
    base = pd.DataFrame({
        "natural_key": "lowy|" + sender + "|" + host.fillna("") + "|" + city.fillna("") + "|"
                       + title.fillna("") + "|" + year,
        "name": title.fillna("post").str.cat(" in " + city.fillna(
            posts["host_label"].astype("string")), na_rep=""),
        "subtype": posts["post_type"].astype("string").str.lower(),
        "start": pd.to_datetime(year + "-01-01"), "start_precision": "year",
        "location": city, "notes": "Lowy GDI " + year + " edition",
    })
    keep = ~base["natural_key"].duplicated()
    base, posts, sender, host = base[keep], posts[keep], sender[keep], host[keep]
    base = base.assign(id=engagement_ids("diplomatic_post", base["natural_key"]))
    ids = base["id"]
    engagements = finish(store, base, "lowy_gdi", kind="diplomatic_post")
    actors = pd.concat([
        actor_rows(ids, sender, posts["sender_label"], posts["sender_ccode"], "sender"),
        actor_rows(ids, host, posts["host_label"], posts["host_ccode"], "receiving_state"),
    ], ignore_index=True)
    return Derived(engagements, actors, [f"lowy_gdi: {len(engagements)} diplomatic posts "
                                         f"({int((~keep).sum())} repeated rows kept once)"])


def derive_us_presence(store: Store) -> Derived:
    """US troops abroad by host and year, and Vine's US base sites."""
    missing = missing_tables(store, "us_troops")
    if missing:
        return skipped("us_troops", missing)
    troops = derivations.us_troop_host_years(Tables.from_store(store))
    host = troops["host"].astype("string")
    year = troops["year"].astype("Int64").astype("string")
    base = pd.DataFrame({
        "natural_key": "us_troops|" + host + "|" + year,
        "name": "US forces in " + troops["label"].astype("string") + " (" + year + ")",
        "series": "US forces abroad",
        "subtype": "troops", "start": pd.to_datetime(year + "-01-01"),
        "start_precision": "year", "end": pd.to_datetime(year + "-01-01"),
        "end_precision": "year", "domain": "joint", "personnel": troops["troops_ad"],
        "notes": "active-duty US military personnel (DMDC via troopdata)",
    })
    ids = base["id"] = engagement_ids("base_presence", base["natural_key"])
    parts, actor_parts = [base], []
    actor_parts += [usa_sender(ids),
                    actor_rows(ids, troops["iso3"], troops["label"], troops["ccode"], "host")]
    sites = 0
    if store.has("us_bases"):
        bases = store.table("us_bases").drop_duplicates(["iso3", "basename"]).reset_index(
            drop=True)
        label = bases["country_label"].astype("string")
        where = bases["iso3"].astype("string").fillna(label)
        kind = bases["major_base"].fillna(0).astype(int).gt(0).map({True: "major_base",
                                                                   False: pd.NA})
        lily = bases["lilypad"].fillna(0).astype(int).gt(0)
        site = pd.DataFrame({
            "natural_key": "us_bases|" + where + "|" + bases["basename"].astype("string"),
            "name": bases["basename"], "series": "US bases (Vine)",
            "subtype": kind.fillna(lily.map({True: "lilypad", False: "site"})).astype("string"),
            "location": bases["basename"],
            "notes": "undated: listed in Vine, Base Nation (2015)",
        })
        site_ids = site["id"] = engagement_ids("base_presence", site["natural_key"])
        parts.append(site)
        actor_parts += [usa_sender(site_ids),
                        actor_rows(site_ids, bases["iso3"], label, bases["ccode"], "host")]
        sites = len(site)
    engagements = finish(store, pd.concat(parts, ignore_index=True), "us_troops",
                         kind="base_presence")
    actors = pd.concat(actor_parts, ignore_index=True)
    return Derived(engagements, actors, [f"us_troops: {len(troops)} host-years with US "
                                         f"troops, {sites} base sites"])
