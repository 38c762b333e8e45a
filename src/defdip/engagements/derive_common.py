"""What every derivation shares: its result type, provenance lookup and frame assembly.

A derivation reads store tables (``docs/tables.md``) and returns a :class:`Derived`: the
``engagements`` rows (with ``origin='derived'``, the source name, its citation key, URL and
retrieval date) and their ``engagement_actors``. When a table it needs is not loaded it
returns an empty result with a note saying which source to load — so the record can be
built from whatever is loaded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from defdip import sources
from defdip.engagements.model import (
    conform_actors,
    conform_engagements,
    empty_actors,
    empty_engagements,
    engagement_ids,
)
from defdip.errors import UnknownSource
from defdip.store import Store

__all__ = ["Derived", "actor_rows", "finish", "flag_names", "missing_tables", "precision",
           "provenance", "skipped", "usa_sender", "year_dates"]


@dataclass
class Derived:
    """The rows one derivation produced, and notes on what it did or skipped."""

    engagements: pd.DataFrame = field(default_factory=empty_engagements)
    actors: pd.DataFrame = field(default_factory=empty_actors)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def combined(cls, results: Iterable[Derived]) -> Derived:
        """The results one after another (frames concatenated once, notes appended)."""
        results = list(results)
        parts = [r.engagements for r in results if len(r.engagements)]
        actors = [r.actors for r in results if len(r.actors)]
        return cls(
            pd.concat(parts, ignore_index=True) if parts else empty_engagements(),
            pd.concat(actors, ignore_index=True) if actors else empty_actors(),
            [note for r in results for note in r.notes])

    def extend(self, other: Derived) -> Derived:
        """This result followed by ``other`` (frames concatenated, notes appended)."""
        return Derived.combined([self, other])


def missing_tables(store: Store, *tables: str) -> list[str]:
    """The tables among ``tables`` that the store does not hold."""
    present = set(store.tables())
    return [t for t in tables if t not in present]


def skipped(source: str, tables: list[str]) -> Derived:
    """An empty result saying the derivation was skipped and what to load."""
    return Derived(notes=[f"{source}: skipped, table(s) {', '.join(tables)} not loaded "
                          f"(run `defdip load {source}`)"])


def provenance(store: Store, source: str) -> dict[str, object]:
    """The citation key, URL and retrieval date that every row of ``source`` carries.

    The registered module's ``INFO`` gives the citation key and URL; the store's ``_sources``
    row gives the retrieval date of the raw files (else the load date).
    """
    citation, url, retrieved = None, None, None
    try:
        info = sources.get(source).INFO
        citation, url = info.citation_key, info.url
    except UnknownSource:
        pass
    loaded = store.provenance()
    row = loaded[loaded["name"] == source]
    if len(row):
        record = row.iloc[0]
        url = url or record["url"]
        if citation is None and isinstance(record["citation"], str) and "{" in record["citation"]:
            citation = record["citation"].split("{", 1)[1].split(",", 1)[0].strip()
        files = json.loads(record["files"]) if isinstance(record["files"], str) else []
        stamps = [f.get("retrieved") for f in files if f.get("retrieved")]
        retrieved = pd.Timestamp(min(stamps)).date() if stamps else (
            pd.Timestamp(record["loaded_at"]).date() if pd.notna(record["loaded_at"]) else None)
    return {"source": source, "citation": citation or source, "url": url,
            "retrieved": retrieved if isinstance(retrieved, date) else None}


def finish(store: Store, frame: pd.DataFrame, source: str, *, kind: str | pd.Series,
           confidence: str | pd.Series = "high") -> pd.DataFrame:
    """Typed ``engagements`` rows: ids from the natural key, provenance, origin 'derived'.

    ``frame`` holds the descriptive columns and ``natural_key`` (which must already be
    unique per kind: the id is a hash of the two). A derivation that needs the ids for its
    actor rows puts them in an ``id`` column (:func:`engagement_ids` of the same kind and
    key), which is kept, so no id is hashed twice.
    """
    out = frame.copy()
    out["kind"] = kind
    if "id" not in out.columns:
        out["id"] = engagement_ids(out["kind"].astype(str), out["natural_key"].astype(str))
    for column, value in provenance(store, source).items():
        out[column] = value
    out["confidence"] = confidence
    out["origin"] = "derived"
    out = out.drop_duplicates("id")
    return conform_engagements(out)


def actor_rows(ids: pd.Series, codes: pd.Series, labels: pd.Series, ccodes: pd.Series,
               role: str | pd.Series) -> pd.DataFrame:
    """Actor rows: ``iso3`` is the ISO3 code, else the source's label (non-state actors)."""
    iso3 = codes.astype("string").fillna(labels.astype("string"))
    frame = pd.DataFrame({"engagement_id": ids.to_numpy(), "iso3": iso3.to_numpy(),
                          "ccode": pd.array(ccodes, dtype="Int64"),
                          "label": labels.astype("string").to_numpy(), "role": role})
    return conform_actors(frame)


def usa_sender(ids: pd.Series) -> pd.DataFrame:
    """One actor row per id: the USA (COW code 2) as ``sender``."""
    usa = pd.Series("USA", index=ids.index)
    return actor_rows(ids, usa, usa, pd.Series(2, index=ids.index), "sender")


def year_dates(years: pd.Series) -> pd.Series:
    """Years as 1 January of each (null where the year is)."""
    return pd.to_datetime(years.astype("Int64").astype("string") + "-01-01", errors="coerce")


def precision(values: pd.Series, level: str) -> pd.Series:
    """The precision column of a date column: ``level`` where there is a date, else null."""
    return values.notna().map({True: level, False: pd.NA})


def flag_names(flags: pd.DataFrame) -> pd.Series:
    """Per row, the names of the boolean columns that are true joined by '+' (null if none)."""
    parts = pd.DataFrame({f: flags[f].map({True: f, False: ""}) for f in flags.columns})
    joined = parts.apply(lambda row: "+".join(v for v in row if v), axis=1) if len(parts) \
        else pd.Series(dtype="string")
    return joined.replace({"": pd.NA}).astype("string")
