"""PLOVER ontology (event types, modes, contexts) used by POLECAT, from the R package rpolecat."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import read_csv

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

_RPOLECAT = "https://github.com/andybega/rpolecat/raw/main/data/"

INFO = SourceInfo(
    name="plover_codebook",
    title="PLOVER event ontology: event types, modes and contexts",
    publisher="Halterman, Schrodt, Beger, Bagozzi, Scarborough; tables from the R package "
              "rpolecat (A. Beger)",
    version="rpolecat commit 160d90e (2023-06-30)",
    coverage="16 event types, 73 modes, 37 contexts",
    url="https://osf.io/preprints/socarxiv/rm5dw/",
    licence="R package rpolecat, MIT (copyright rpolecat authors, 2023)",
    citation="""@misc{halterman2023plover,
  author = {Halterman, Andrew and Schrodt, Philip A. and Beger, Andreas and
            Bagozzi, Benjamin E. and Scarborough, Grace I.},
  title = {{PLOVER} and {POLECAT}: A New Political Event Ontology and Dataset},
  year = {2023}, howpublished = {SocArXiv preprint, \\url{https://osf.io/preprints/socarxiv/rm5dw/}}
}""",
    files=(RawFile("types", "plover_codebook/plover_types.csv", _RPOLECAT + "types.rda"),
           RawFile("modes", "plover_codebook/plover_modes.csv", _RPOLECAT + "modes.rda"),
           RawFile("contexts", "plover_codebook/plover_contexts.csv",
                   _RPOLECAT + "contexts.rda")),
    tables={"plover_types": "event_type, requires_recipient (BOOLEAN)",
            "plover_modes": "event_type, mode",
            "plover_contexts": "context"},
    transformations=("requires_recipient 0/1 typed as BOOLEAN",),
    whole=(
        # this vintage: 16 rows
        Whole("plover_types", floor=14, key=("event_type",), file="types"),
        # this vintage: 73 rows
        Whole("plover_modes", floor=65, key=("event_type", "mode"), file="modes"),
        # this vintage: 37 rows
        Whole("plover_contexts", floor=33, key=("context",), file="contexts"),
    ),
)

COLUMNS = {"types": ["event_type", "requires_recipient"], "modes": ["event_type", "mode"],
           "contexts": ["context"]}


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    tables = {}
    for key, columns in COLUMNS.items():
        frame = read_csv(files[key], columns, dtype=str, keep_default_na=False)
        tables[f"plover_{key}"] = frame[columns].astype("string")
    types = tables["plover_types"]
    types["requires_recipient"] = types["requires_recipient"].astype(int).astype(bool)
    return tables
