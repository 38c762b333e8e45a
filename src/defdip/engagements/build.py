"""Building the record and adding to it: the only code that writes ``engagements``.

:func:`build_record` re-derives every engagement from the loaded sources plus the curated
files and replaces the derived and curated rows in one transaction, keeping what users
entered (``origin='entered'``), which also wins over a derived or curated record with the
same id. :func:`add_records` validates a whole file and upserts it by natural key in one
transaction, or writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ibis.expr.types as ir
import pandas as pd

from defdip.countries import Vocabulary
from defdip.engagements.curated import load_curated
from defdip.engagements.derive_agreements import derive_dcad, merge_agreements
from defdip.engagements.derive_common import Derived
from defdip.engagements.derive_exercises import derive_jme, derive_mme, derive_us_visits
from defdip.engagements.derive_memberships import derive_atop, derive_cow_igo
from defdip.engagements.derive_peacekeeping import derive_peacekeeping
from defdip.engagements.derive_presence import derive_lowy, derive_us_presence
from defdip.engagements.derive_transfers import derive_sipri
from defdip.engagements.fileio import read_records
from defdip.engagements.model import normalise_key
from defdip.engagements.validate import validate_records
from defdip.queries.tables import Tables, to_frame
from defdip.store import Store

__all__ = ["DERIVATIONS", "add_records", "build_record", "derive_all"]

DERIVATIONS: dict[str, Callable[[Store, Vocabulary | None], Derived]] = {
    "mme_exercises": lambda s, v: derive_mme(s),
    "jme_exercises": lambda s, v: derive_jme(s),
    "us_defense_visits": lambda s, v: derive_us_visits(s),
    "sipri_transfers": lambda s, v: derive_sipri(s),
    "ipi_peacekeeping": lambda s, v: derive_peacekeeping(s),  # with un_peacekeeping_monthly
    "atop": derive_atop,
    "cow_igo": lambda s, v: derive_cow_igo(s),
    "dcad_agreements": lambda s, v: derive_dcad(s),
    "lowy_gdi": lambda s, v: derive_lowy(s),
    "us_troops": lambda s, v: derive_us_presence(s),
}


def derive_all(store: Store, vocab: Vocabulary | None = None) -> Derived:
    """Every derivation over what is loaded; unloaded sources leave a note, not an error."""
    return Derived.combined(derive(store, vocab) for derive in DERIVATIONS.values())


def _engagements(store: Store) -> ir.Table:
    return Tables.from_store(store).table("engagements")


def _agreements(store: Store, *frames: pd.DataFrame) -> pd.DataFrame:
    e = _engagements(store)
    stored = to_frame(e.filter(e.kind == "defence_agreement").select("id", "kind", "name"))
    parts = [f.loc[f["kind"] == "defence_agreement", ["id", "kind", "name"]] for f in frames]
    parts = [p.astype("object") for p in (stored, *parts) if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["id", "kind", "name"])


def _resolve_legal_basis(records: pd.DataFrame, agreements: pd.DataFrame
                         ) -> tuple[pd.DataFrame, list[str]]:
    """Turn agreement names in ``legal_basis`` into ids; keep unmatched text in the notes."""
    by_name = {normalise_key(n): i for i, n in zip(agreements["id"], agreements["name"],
                                                    strict=True)}
    ids = set(agreements["id"])
    records = records.copy()
    unresolved: list[str] = []
    for index, value in records["legal_basis"].dropna().items():
        if value in ids:
            continue
        found = by_name.get(normalise_key(value))
        if found is None:
            unresolved.append(str(value))
            note = f"legal basis (no defence_agreement record of that name): {value}"
            old = records.at[index, "notes"]
            records.at[index, "notes"] = note if pd.isna(old) else f"{old} | {note}"
        records.at[index, "legal_basis"] = found
    return records, unresolved


def build_record(store: Store, vocab: Vocabulary, *, curated_dir: Path | None = None,
                 strict: bool = False) -> dict[str, Any]:
    """(Re)build ``engagements`` from the loaded sources and the curated files.

    Derived and curated rows are replaced atomically; records users entered stay (and win
    over a derived or curated record with the same id). Returns counts by origin and kind,
    the notes of each derivation (what was skipped because its source is not loaded) and the
    legal bases that name no agreement in the record. An invalid curated record is left out
    and listed in ``invalid_curated`` (``strict=True``: raise :class:`InvalidRecord`).
    """
    started = time.perf_counter()
    derived = derive_all(store, vocab)
    curated = load_curated(vocab, curated_dir, strict=strict)
    combined = merge_agreements(store, derived.extend(curated))  # DCAD = curated: one record
    records, actors = combined.engagements, combined.actors
    e = _engagements(store)
    entered = {i for (i,) in Tables.from_store(store).rows(
        e.filter(e.origin == "entered").select("id"))}
    keep = ~records["id"].isin(entered) & ~records["id"].duplicated()
    records = records[keep]
    actors = actors[actors["engagement_id"].isin(set(records["id"]))]
    records, unresolved = _resolve_legal_basis(records, _agreements(store, records))
    counts = store.replace_records(records, actors)
    e = _engagements(store)
    summary = to_frame(e.group_by(["origin", "kind"]).aggregate(n=e.count())
                       .order_by(["origin", "kind"]))
    return {
        "engagements": counts["engagements"], "actors": counts["engagement_actors"],
        "by_origin": {k: int(v) for k, v in summary.groupby("origin")["n"].sum().items()},
        "by_kind": {k: int(v) for k, v in summary.groupby("kind")["n"].sum().items()},
        "notes": [n for n in combined.notes if not n.startswith("curated: left out")],
        "invalid_curated": [n.removeprefix("curated: left out (invalid): ")
                            for n in combined.notes if n.startswith("curated: left out")],
        "unresolved_legal_basis": sorted(set(unresolved)),
        "seconds": round(time.perf_counter() - started, 3),
    }


def add_records(store: Store, vocab: Vocabulary, path: Path | str, *, fmt: str | None = None
                ) -> dict[str, Any]:
    """Validate every record in ``path`` and upsert them all (``origin='entered'``).

    Nothing is written unless the whole file is valid (:class:`InvalidRecord` lists every bad
    record and field). A record with the natural key of one already stored replaces it.
    """
    raws = read_records(path, fmt)
    records, actors = validate_records(raws, vocab, origin="entered", file=str(path))
    records, unresolved = _resolve_legal_basis(records, _agreements(store, records))
    ids = list(records["id"])
    e = _engagements(store)
    existing = {i for (i,) in Tables.from_store(store).rows(
        e.filter(e.id.isin(ids)).select("id"))} if ids else set()
    store.upsert_records(records, actors)
    return {"file": str(path), "records": len(records),
            "added": len(set(ids) - existing), "updated": len(existing),
            "ids": ids, "unresolved_legal_basis": sorted(set(unresolved))}
