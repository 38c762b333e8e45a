"""Defence cooperation agreements for every state (DCAD), merged with the curated record.

- DCAD (``dcad_agreements``, Kinne 2020): one ``defence_agreement`` per agreement (key
  ``dcad|<DCAid>``), the two signatories as ``party``; the three rows that give one state as
  both signatories (DCADv1.0-0297 Bolivia, -1625 Mozambique, -1847 India) are left out, with
  a note. ``subtype`` is the first category in
  defdip's words (:data:`CATEGORY_SUBTYPES`: DCA → framework, DIC → defence_industry, TREX →
  training, PROCUREMENT → procurement, RESEARCH → research, COMMISSION → commission); the
  type (general/sector), every category, the entry-into-force date, the source and DCAD's
  confidence codes are in ``notes``. ``start`` is the signature date (its precision kept).
  ``end`` is DCAD's estimated end year where the agreement is marked terminated or estimated
  to have lapsed before 2010; an agreement in force when DCAD ends (2010) stays open (in
  force as far as the record knows). ``confidence``: high for treaty-series records, medium
  for news-sourced ones (Factiva), low for news-sourced ones whose category DCAD codes low.
- Merge (:func:`merge_agreements`): a curated agreement with the same two parties, the same
  signature date (to the coarser precision of the two) and the same category (its subtype is
  one of the DCAD record's categories) is one agreement, not two: the DCAD record stays (it
  is part of the all-state data) and takes the curated name, location and notes, with both
  citations (``citation`` lists both, ``conflict`` keeps the curated claims plus the DCAD
  record). A curated agreement that shares parties and date but not the category is kept
  apart and named in the build's notes.
"""

from __future__ import annotations

import json

import pandas as pd

from defdip.engagements.derive_common import Derived, actor_rows, finish, missing_tables, skipped
from defdip.engagements.model import engagement_ids, format_partial
from defdip.store import Store

__all__ = ["CATEGORY_NAMES", "CATEGORY_SUBTYPES", "derive_dcad", "merge_agreements"]

CATEGORY_SUBTYPES = {"DCA": "framework", "DIC": "defence_industry", "TREX": "training",
                     "PROCUREMENT": "procurement", "RESEARCH": "research",
                     "COMMISSION": "commission"}
CATEGORY_NAMES = {"DCA": "defence cooperation", "DIC": "defence-industry cooperation",
                  "TREX": "training and exercises", "PROCUREMENT": "procurement",
                  "RESEARCH": "defence research", "COMMISSION": "joint defence commission"}
_SOURCE = "dcad_agreements"
_CATEGORIES = ("category_1", "category_2", "category_3")


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _notes(row: pd.Series) -> str:
    categories = "+".join(c for c in (_text(row[k]) for k in _CATEGORIES) if c)
    eif = format_partial(row["eif_date"], row["eif_precision"]) or "not recorded"
    return (f"DCAD {row['dcad_id']}: {row['type']} agreement, categories {categories} "
            f"(category confidence {row['category_conf']}); entry into force {eif}; "
            f"source {row['source_type']} ({_text(row['source']) or 'not named'}); "
            f"estimated end year {row['end_year_estimate']}, terminated code "
            f"{row['terminated']}")


def derive_dcad(store: Store) -> Derived:
    """DCAD's bilateral agreements as ``defence_agreement`` records for every state."""
    missing = missing_tables(store, "dcad_agreements")
    if missing:
        return skipped(_SOURCE, missing)
    dcad = store.table("dcad_agreements")
    self_pairs = dcad["ccode_1"].eq(dcad["ccode_2"])  # one state on both sides: not a dyad
    left_out = sorted(dcad.loc[self_pairs, "dcad_id"])
    dcad = dcad[~self_pairs].reset_index(drop=True)
    last = int(dcad["sign_year"].max())
    ended = dcad["terminated"].eq(1) | dcad["end_year_estimate"].lt(last)
    end_year = dcad["end_year_estimate"].astype("Int64").where(ended)
    first = dcad["category_1"].astype("string")
    names = (dcad["iso3_1"] + "-" + dcad["iso3_2"] + " " + first.map(CATEGORY_NAMES)
             + " agreement (" + dcad["sign_year"].astype(str) + ", " + dcad["dcad_id"] + ")")
    news = dcad["source_type"].eq("factiva")
    confidence = news.map({True: "medium", False: "high"}).where(
        ~(news & dcad["category_conf"].eq("low")), "low")
    base = pd.DataFrame({
        "natural_key": "dcad|" + dcad["dcad_id"], "name": names,
        "subtype": first.map(CATEGORY_SUBTYPES),
        "start": pd.to_datetime(dcad["sign_date"]), "start_precision": dcad["sign_precision"],
        "end": pd.to_datetime(end_year.astype("string") + "-01-01", format="%Y-%m-%d",
                              errors="coerce"),
        "end_precision": end_year.notna().map({True: "year", False: pd.NA}),
        "notes": dcad.apply(_notes, axis=1),
    })
    ids = base["id"] = engagement_ids("defence_agreement", base["natural_key"])
    engagements = finish(store, base, _SOURCE, kind="defence_agreement",
                         confidence=confidence)
    engagements["citation"] = engagements["citation"] + ", " + dcad["dcad_id"].to_numpy()
    actors = pd.concat([
        actor_rows(ids, dcad[f"iso3_{side}"], dcad[f"cow_abb_{side}"], dcad[f"ccode_{side}"],
                   "party") for side in ("1", "2")], ignore_index=True)
    notes = [f"dcad_agreements: {len(engagements)} bilateral defence cooperation agreements "
             "(1980-2010)"]
    if left_out:
        notes.append(f"dcad_agreements: left out {len(left_out)} agreement(s) naming one state "
                     f"as both signatories ({', '.join(left_out)})")
    return Derived(engagements, actors, notes)


def _coarser(a: str, b: str) -> str:
    order = ("day", "month", "year")
    return max(a, b, key=order.index)


def _same_date(a: pd.Timestamp, pa: str, b: pd.Timestamp, pb: str) -> bool:
    level = _coarser(pa or "day", pb or "day")
    if level == "year":
        return a.year == b.year
    if level == "month":
        return (a.year, a.month) == (b.year, b.month)
    return a.normalize() == b.normalize()


def _dcad_subtypes(store: Store) -> dict[str, set[str]]:
    """Record id → the subtypes of all the DCAD agreement's categories."""
    dcad = store.table("dcad_agreements", ["dcad_id", *_CATEGORIES])
    ids = engagement_ids("defence_agreement", "dcad|" + dcad["dcad_id"].astype("string"))
    return {i: {CATEGORY_SUBTYPES[c] for c in row if isinstance(c, str)}
            for i, row in zip(ids, dcad[list(_CATEGORIES)].itertuples(index=False),
                              strict=True)}


def _parties(actors: pd.DataFrame) -> dict[str, frozenset[str]]:
    parties = actors[actors["role"] == "party"]
    return {i: frozenset(g) for i, g in parties.groupby("engagement_id")["iso3"]}


def merge_agreements(store: Store, record: Derived) -> Derived:
    """``record`` with each curated agreement that DCAD also holds merged into one record."""
    e, actors = record.engagements, record.actors
    agreements = e["kind"].eq("defence_agreement") & e["start"].notna()
    dcad = e[agreements & e["source"].eq(_SOURCE)]
    curated = e[agreements & e["origin"].eq("curated")]
    if dcad.empty or curated.empty:
        return record
    subtypes = _dcad_subtypes(store)
    parties = _parties(actors[actors["engagement_id"].isin(set(dcad["id"]) | set(curated["id"]))])
    by_dyad: dict[frozenset[str], list[int]] = {}
    for index, eid in zip(dcad.index, dcad["id"], strict=True):
        by_dyad.setdefault(parties.get(eid, frozenset()), []).append(index)
    e = e.copy()
    dropped, merged, apart = [], [], []
    for _, row in curated.iterrows():
        dyad = parties.get(row["id"], frozenset())
        same_day = [i for i in by_dyad.get(dyad, []) if len(dyad) == 2 and _same_date(
            e.at[i, "start"], e.at[i, "start_precision"], row["start"], row["start_precision"])]
        match = [i for i in same_day if row["subtype"] in subtypes.get(e.at[i, "id"], set())]
        if not match:
            apart += [f"{row['name']!r} ({row['subtype']}) and "
                      f"{e.at[i, 'notes'].split(':', 1)[0]} ({e.at[i, 'subtype']})"
                      for i in same_day]
            continue
        target = match[0]
        claims = json.loads(row["conflict"]) if isinstance(row["conflict"], str) else []
        claims.append({"field": "record", "value": e.at[target, "notes"].split(":", 1)[0],
                       "source_url": e.at[target, "url"],
                       "note": "the same agreement in DCAD (same parties, date, category)"})
        e.at[target, "name"] = row["name"]
        e.at[target, "location"] = row["location"]
        e.at[target, "citation"] = f"{e.at[target, 'citation']}; {row['citation']}"
        e.at[target, "url"] = row["url"] if pd.notna(row["url"]) else e.at[target, "url"]
        e.at[target, "conflict"] = json.dumps(claims, ensure_ascii=False, default=str)
        e.at[target, "notes"] = f"{row['notes']} | {e.at[target, 'notes']}" \
            if pd.notna(row["notes"]) else e.at[target, "notes"]
        dropped.append(row["id"])
        merged.append(row["name"])
    keep = ~e["id"].isin(dropped)
    notes = [*record.notes, f"agreements: {len(merged)} curated agreement(s) merged with "
             "their DCAD record (same parties, date and category)"]
    if apart:
        notes.append("agreements: same parties and date as a DCAD record but another category, "
                     "kept apart: " + "; ".join(apart))
    return Derived(e[keep].reset_index(drop=True),
                   actors[~actors["engagement_id"].isin(dropped)].reset_index(drop=True), notes)
