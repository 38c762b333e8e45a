"""The curated records shipped with defdip (``defdip/data/curated/engagements_*.yaml``).

They go through the same validation as user entry (:func:`validate_records`), so a curated
file with a bad field fails the build with the file, record and field named.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pandas as pd

from defdip.countries import Vocabulary
from defdip.engagements.derive_common import Derived
from defdip.engagements.fileio import read_records
from defdip.engagements.model import conform_actors, conform_engagements
from defdip.engagements.validate import check_records
from defdip.errors import InvalidRecord

__all__ = ["curated_files", "load_curated"]


def curated_files(directory: Path | None = None) -> list[Path]:
    """The curated engagement files, sorted by name (package data unless ``directory``)."""
    if directory is not None:
        return sorted(Path(directory).glob("engagements_*.yaml"))
    root = resources.files("defdip") / "data" / "curated"
    if not root.is_dir():
        return []
    return sorted((Path(str(f)) for f in root.iterdir()
                   if f.name.startswith("engagements_") and f.name.endswith(".yaml")),
                  key=lambda p: p.name)


def load_curated(vocab: Vocabulary, directory: Path | None = None, *, strict: bool = True
                 ) -> Derived:
    """Every curated record, validated; :class:`InvalidRecord` lists all bad fields.

    With ``strict=False`` invalid records are left out instead and their problems become
    notes (``build_record`` does this so one bad curated record cannot block a load).
    """
    frames, actors, problems, notes = [], [], [], []
    seen: dict[str, Path] = {}
    for path in curated_files(directory):
        raws = read_records(path)
        records, people, found = check_records(raws, vocab, origin="curated",
                                               default_source="curated")
        problems.extend(found)
        if found and strict:
            continue
        repeated = records["id"].isin(seen)
        problems.extend(f"{path}: record {n!r} repeats one in {seen[i]} (same natural key)"
                        for i, n in zip(records.loc[repeated, "id"], records.loc[repeated, "name"],
                                        strict=True))
        records = records[~repeated]  # the first file's record stands
        people = people[people["engagement_id"].isin(records["id"])]
        seen.update(dict.fromkeys(records["id"], path))
        frames.append(records)
        actors.append(people)
        notes.append(f"curated: {len(records)} records from {path.name}")
    if problems and strict:
        raise InvalidRecord(problems, "curated engagement files")
    notes += [f"curated: left out (invalid): {p}" for p in problems]
    if not frames:
        return Derived(notes=["curated: no engagements_*.yaml files"])
    return Derived(conform_engagements(pd.concat(frames, ignore_index=True)),
                   conform_actors(pd.concat(actors, ignore_index=True)), notes)
