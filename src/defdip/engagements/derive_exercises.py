"""Exercises (MME v7, JME v3) and high-level visits (US defense officials) as engagements.

- MME: one ``exercise`` per exercise (key ``mme_exercises|<mme_id>``), every named participant
  with role ``participant``; the type flags give the domain (one of land/air/sea → that
  domain, several → joint, cyber → cyber) and the subtype (cpx, warfighting, peacekeeping,
  humanitarian). MME's '-9' (unknown participant) is not an actor.
- JME: one ``exercise`` per row (key ``jme_exercises|<jme_id>``), the host state(s) with role
  ``host``, the other participants ``participant``. JME preceded MME and covers the same
  events for 1980-2010, so a JME exercise whose name and start year match an MME exercise is
  left out (counted in the notes) when MME is loaded.
- US defense visits: one ``visit`` per trip and visited state, USA ``sender``, the visited
  state ``host``.
"""

from __future__ import annotations

import pandas as pd

from defdip.engagements.derive_common import (
    Derived,
    actor_rows,
    finish,
    flag_names,
    missing_tables,
    skipped,
    usa_sender,
)
from defdip.engagements.model import engagement_ids, normalise_key
from defdip.queries import derivations
from defdip.queries.tables import Tables
from defdip.store import Store

__all__ = ["derive_jme", "derive_mme", "derive_us_visits"]

UNKNOWN_LABELS = ("-9", "")


def _mme_domain(frame: pd.DataFrame) -> pd.Series:
    land = frame["land"].fillna(False).astype(bool)
    air = frame["air"].fillna(False).astype(bool)
    sea = (frame["sea"].fillna(False) | frame["amphibious"].fillna(False)).astype(bool)
    cyber = frame["cyber"].fillna(False).astype(bool)
    count = land.astype(int) + air.astype(int) + sea.astype(int)
    domain = pd.Series(pd.NA, index=frame.index, dtype="string")
    domain[cyber & (count == 0)] = "cyber"
    domain[(count == 1) & land] = "land"
    domain[(count == 1) & air] = "air"
    domain[(count == 1) & sea] = "naval"
    domain[count > 1] = "joint"
    return domain


def _mme_subtype(frame: pd.DataFrame) -> pd.Series:
    flags = ("cpx", "warfighting", "peacekeeping", "humanitarian")
    return flag_names(pd.DataFrame({f: frame[f].fillna(False).astype(bool) for f in flags}))


def derive_mme(store: Store) -> Derived:
    """MME exercises with their participants."""
    missing = missing_tables(store, "mme_exercises", "mme_participants")
    if missing:
        return skipped("mme_exercises", missing)
    ex = store.table("mme_exercises")
    base = pd.DataFrame({
        "natural_key": "mme_exercises|" + ex["mme_id"].astype(str),
        "name": ex["name"], "series": ex["series"], "start": ex["start"],
        "start_precision": ex["start_precision"], "end": ex["end"],
        "end_precision": ex["end_precision"], "location": ex["location"],
        "domain": _mme_domain(ex), "subtype": _mme_subtype(ex), "notes": ex["focus"],
    })
    base["id"] = engagement_ids("exercise", base["natural_key"])
    engagements = finish(store, base, "mme_exercises", kind="exercise")
    ids = dict(zip(ex["mme_id"], base["id"], strict=True))
    people = store.table("mme_participants")
    people = people[~people["label"].astype(str).str.strip().isin(UNKNOWN_LABELS)]
    actors = actor_rows(people["mme_id"].map(ids), people["iso3"], people["label"],
                        people["ccode"], "participant")
    counts = actors.groupby("engagement_id").size()
    engagements["countries"] = engagements["id"].map(counts).astype("Int64")
    return Derived(engagements, actors, [f"mme_exercises: {len(engagements)} exercises"])


def derive_jme(store: Store) -> Derived:
    """JME exercises not already in MME, with host and participants."""
    missing = missing_tables(store, "jme_exercises", "jme_participants")
    if missing:
        return skipped("jme_exercises", missing)
    ex = store.table("jme_exercises")
    dropped = 0
    if store.has("mme_exercises"):
        mme = derivations.mme_name_years(Tables.from_store(store))
        seen = set(zip(mme["name"].map(normalise_key), mme["y"].astype("Int64"), strict=True))
        keep = [(normalise_key(n), y) not in seen
                for n, y in zip(ex["name"], ex["start_year"].astype("Int64"), strict=True)]
        dropped = len(ex) - sum(keep)
        ex = ex[keep]
    location = ex["location"].astype("string").str.cat(
        ex["location_detail"].astype("string"), sep=", ", na_rep="").str.strip(", ").replace(
        {"": pd.NA})
    base = pd.DataFrame({
        "natural_key": "jme_exercises|" + ex["jme_id"].astype(str),
        "name": ex["name"], "start": ex["start"], "start_precision": ex["start_precision"],
        "end": ex["end"], "end_precision": ex["end_precision"], "location": location,
        "subtype": ex["jme_type"].astype("string").str.lower(),
    })
    base["id"] = engagement_ids("exercise", base["natural_key"])
    engagements = finish(store, base, "jme_exercises", kind="exercise", confidence="medium")
    ids = dict(zip(ex["jme_id"], base["id"], strict=True))
    hosts = ex[["jme_id", "host_iso3"]].dropna()
    hosts = hosts.assign(iso3=hosts["host_iso3"].str.split(";")).explode("iso3")
    host_keys = set(zip(hosts["jme_id"], hosts["iso3"], strict=True))
    people = store.table("jme_participants")
    people = people[people["jme_id"].isin(ids)]
    people = people[~people["label"].astype(str).str.strip().isin(UNKNOWN_LABELS)]
    is_host = [(j, c) in host_keys for j, c in zip(people["jme_id"], people["iso3"],
                                                   strict=True)]
    guests = people[[not h for h in is_host]]
    actors = pd.concat([
        actor_rows(hosts["jme_id"].map(ids), hosts["iso3"], hosts["iso3"],
                   pd.Series(pd.NA, index=hosts.index), "host"),
        actor_rows(guests["jme_id"].map(ids), guests["iso3"], guests["label"],
                   guests["ccode"], "participant"),
    ], ignore_index=True)
    if len(hosts):
        ccodes = people.dropna(subset=["iso3"]).drop_duplicates("iso3").set_index("iso3")["ccode"]
        host_rows = actors["role"].eq("host")
        actors.loc[host_rows, "ccode"] = actors.loc[host_rows, "iso3"].map(ccodes).astype("Int64")
    note = f"jme_exercises: {len(engagements)} exercises"
    if dropped:
        note += f" ({dropped} left out: same name and start year as an MME exercise)"
    return Derived(engagements, actors, [note])


def derive_us_visits(store: Store) -> Derived:
    """US defense officials' trips: USA sender, visited state host."""
    missing = missing_tables(store, "us_defense_visits")
    if missing:
        return skipped("us_defense_visits", missing)
    visits = store.table("us_defense_visits")
    label = visits["label"]
    base = pd.DataFrame({
        "natural_key": "us_defense_visits|" + visits["visit_id"].astype(str) + "|"
                       + visits["iso3"].astype("string").fillna(label.astype(str)),
        "name": visits["title"].astype("string") + " " + visits["name"].astype("string"),
        "subtype": "high_level", "start": visits["start"],
        "start_precision": visits["start_precision"].where(visits["start"].notna()),
        "end": visits["end"],
        "end_precision": visits["end_precision"].where(visits["end"].notna()),
        "location": visits["city"],
    })
    backwards = pd.to_datetime(base["end"]) < pd.to_datetime(base["start"])
    base.loc[backwards, ["end", "end_precision"]] = None
    base["id"] = engagement_ids("visit", base["natural_key"])
    engagements = finish(store, base, "us_defense_visits", kind="visit", confidence="medium")
    actors = pd.concat([
        usa_sender(base["id"]),
        actor_rows(base["id"], visits["iso3"], label, visits["ccode"], "host"),
    ], ignore_index=True)
    return Derived(engagements, actors, [f"us_defense_visits: {len(engagements)} visits "
                                         f"({int(backwards.sum())} ending before they start: "
                                         "end left empty)"])
