"""Building the record and adding to it: the only code that writes ``engagements``.

:func:`build_record` re-derives every engagement from the loaded sources plus the curated
files and replaces the derived and curated rows in one transaction, keeping what users
entered (``origin='entered'``), which also wins over a derived or curated record with the
same id. :func:`add_records` validates a whole file and upserts it by natural key in one
transaction, or writes nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from defdip.countries import Vocabulary
from defdip.engagements.curated import load_curated
from defdip.engagements.derive_common import Derived
from defdip.engagements.derive_exercises import derive_jme, derive_mme, derive_us_visits
from defdip.engagements.derive_memberships import derive_atop, derive_cow_igo
from defdip.engagements.derive_presence import derive_ipi, derive_lowy, derive_us_presence
from defdip.engagements.derive_transfers import derive_sipri
from defdip.engagements.fileio import read_records
from defdip.engagements.model import ACTOR_COLUMNS, ENGAGEMENT_COLUMNS, normalise_key
from defdip.engagements.validate import validate_records
from defdip.store import Store

__all__ = ["DERIVATIONS", "add_records", "build_record", "derive_all"]

DERIVATIONS: dict[str, Callable[[Store, Vocabulary | None], Derived]] = {
    "mme_exercises": lambda s, v: derive_mme(s),
    "jme_exercises": lambda s, v: derive_jme(s),
    "us_defense_visits": lambda s, v: derive_us_visits(s),
    "sipri_transfers": lambda s, v: derive_sipri(s),
    "ipi_peacekeeping": lambda s, v: derive_ipi(s),
    "atop": derive_atop,
    "cow_igo": lambda s, v: derive_cow_igo(s),
    "lowy_gdi": lambda s, v: derive_lowy(s),
    "us_troops": lambda s, v: derive_us_presence(s),
}
DESCRIPTIONS = {
    "engagements": "military-diplomacy record: one row per engagement (derived, curated, "
                   "entered)",
    "engagement_actors": "actors of each engagement with their role",
}


def derive_all(store: Store, vocab: Vocabulary | None = None) -> Derived:
    """Every derivation over what is loaded; unloaded sources leave a note, not an error."""
    return Derived.combined(derive(store, vocab) for derive in DERIVATIONS.values())


def _agreements(store: Store, *frames: pd.DataFrame) -> pd.DataFrame:
    stored = store.sql("SELECT id, kind, name FROM engagements WHERE kind = 'defence_agreement'")
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


def _register(store: Store, counts: dict[str, int]) -> None:
    con = store.con
    for name, rows in counts.items():
        con.execute("INSERT OR REPLACE INTO _tables VALUES (?, ?, ?, ?, ?)",
                    [name, "engagements", DESCRIPTIONS[name], rows, json.dumps(
                        list(ENGAGEMENT_COLUMNS if name == "engagements" else ACTOR_COLUMNS))])


def _write(store: Store, engagements: pd.DataFrame, actors: pd.DataFrame, *,
           delete_where: str, params: list[Any] | None = None) -> dict[str, int]:
    """Delete rows matching ``delete_where`` and insert the new ones, all or nothing."""
    con = store.con
    with store.atomic():  # alone, or inside a load's one transaction (Store.atomic)
        con.execute("DELETE FROM engagement_actors WHERE engagement_id IN "
                    f"(SELECT id FROM engagements WHERE {delete_where})", params or [])
        con.execute(f"DELETE FROM engagements WHERE {delete_where}", params or [])
        con.register("_incoming_engagements", engagements[list(ENGAGEMENT_COLUMNS)])
        con.register("_incoming_actors", actors[list(ACTOR_COLUMNS)])
        con.execute("INSERT INTO engagements BY NAME SELECT * FROM _incoming_engagements")
        con.execute("INSERT INTO engagement_actors BY NAME SELECT * FROM _incoming_actors")
        con.unregister("_incoming_engagements")
        con.unregister("_incoming_actors")
        counts = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
                  for t in DESCRIPTIONS}
        _register(store, counts)
    return counts


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
    combined = derived.extend(curated)
    records, actors = combined.engagements, combined.actors
    entered = set(store.sql("SELECT id FROM engagements WHERE origin = 'entered'")["id"])
    keep = ~records["id"].isin(entered) & ~records["id"].duplicated()
    records = records[keep]
    actors = actors[actors["engagement_id"].isin(set(records["id"]))]
    records, unresolved = _resolve_legal_basis(records, _agreements(store, records))
    counts = _write(store, records, actors, delete_where="origin <> 'entered'")
    summary = store.sql("SELECT origin, kind, count(*) AS n FROM engagements GROUP BY ALL "
                        "ORDER BY ALL")
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
    existing = set(store.sql("SELECT id FROM engagements WHERE list_contains(?, id)",
                             [ids])["id"]) if ids else set()
    _write(store, records, actors, delete_where="list_contains(?, id)", params=[ids])
    return {"file": str(path), "records": len(records),
            "added": len(set(ids) - existing), "updated": len(existing),
            "ids": ids, "unresolved_legal_basis": sorted(set(unresolved))}
