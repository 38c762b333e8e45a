"""The stored dyad-year base: the source-only column families, computed once per load.

Every column of :data:`BASE_FAMILIES` depends on nothing but loaded sources, so it changes
only when a source does. :func:`build_base` (run by ``defdip load`` after the sources, with
the record and the measures) stores the directed COW dyad-years of COW's whole span,
1816-2016, with all of them, in key order. A job whose rows and families that table holds is
then one scan of the stored table (:func:`lookup` says what to read, ``Store.write_table``
writes it), with no pairing, join or sort, and without importing Ibis or pandas, so a job's
first run is as fast as its later ones.

The base records what it was built from: the fingerprint of the source behind every table the
build read, and the version of the panel code (``sqlcache``'s hash of this package and of the
Ibis, sqlglot and DuckDB versions). If any of them differs, :func:`lookup` returns None and the
job is built from the sources as before; a stale base can slow a job down but never changes
an answer. A test compares the two ways on the same job, value for value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from defdip.errors import NotLoaded

__all__ = ["BASE_FAMILIES", "BASE_TABLE", "META_TABLE", "Served", "build_base", "lookup"]

BASE_TABLE = "panel_base_dyad_year"
META_TABLE = "panel_base_meta"
#: The families computed from sources alone (the engagement record and the measures change
#: without a load, so their families are never stored here).
BASE_FAMILIES = ("atop", "majors", "nmc", "igo", "contiguity", "capdist", "mindist", "mids",
                 "wars", "rivalries", "terr_threat")
FIRST_YEAR, LAST_YEAR = 1816, 2016
KEYS = ("ccode_1", "ccode_2", "year")


@dataclass(frozen=True)
class Served:
    """A job answered from the base: the stored table's columns to write, the years to keep
    (None: all of them) and the sources to cite."""

    table: str
    columns: list[str]
    years: tuple[int, int] | None
    sources: list[str]

    def write(self, store: Any, path: Path, *, arrow: bool = False) -> int:
        """Write the job's rows from the base to ``path``; return how many."""
        return int(store.write_table(self.table, self.columns, path, years=self.years,
                                     arrow=arrow))


def build_base(store: Any) -> int:
    """Build and store the base from what is loaded; return its rows (0: nothing to build).

    A family whose source is not loaded is left out (a job that asks for it is built from the
    sources, and says which source to load).
    """
    import pandas as pd

    from defdip.panels.adders import ADDERS, add_all
    from defdip.panels.sqlcache import _code_version
    from defdip.panels.units import create_dyad_years

    try:
        bare = create_dyad_years(store, start=FIRST_YEAR, end=LAST_YEAR)
    except NotLoaded:
        return 0
    families: dict[str, dict[str, list[str]]] = {}
    for name in BASE_FAMILIES:
        try:
            one = ADDERS[name](replace(bare, sources=()))
        except NotLoaded:
            continue
        families[name] = {"columns": [c for c in one.columns if c not in bare.columns],
                          "sources": list(one.sources)}
    panel = add_all(bare, list(families))
    sql = str(panel.tables.backend.compile(panel.ordered()))
    read = [t for t, present in panel.tables.checked.items() if present]
    meta = {"code": _code_version(), "inputs": store.table_sources(read),
            "families": families, "sources": list(bare.sources)}
    with store.atomic():  # the base and what it was built from: both or neither
        counts = store.replace_tables_from_queries(
            {BASE_TABLE: sql}, owner="panels",
            descriptions={BASE_TABLE: "directed COW dyad-years 1816-2016 with the source-only "
                                      "families, in key order"})
        store.replace_tables(
            {META_TABLE: pd.DataFrame({"key": list(meta),
                                       "value": [json.dumps(v) for v in meta.values()]})},
            owner="panels", descriptions={META_TABLE: "what the panel base was built from"})
    return counts[BASE_TABLE]


def _meta(store: Any) -> dict[str, Any] | None:
    rows = store.table_rows(META_TABLE)
    if rows is None or not store.has(BASE_TABLE):
        return None
    return {k: json.loads(v) for k, v in rows}


def lookup(store: Any, *, unit: str, system: str, directed: bool, start: int, end: int,
           names: Sequence[str]) -> Served | None:
    """The base's answer to a job, or None when it does not hold the job or is stale."""
    if unit != "dyad_year" or system != "cow" or not directed:
        return None
    if not FIRST_YEAR <= start <= end <= LAST_YEAR:
        return None
    meta = _meta(store)
    if meta is None or not set(names) <= set(meta["families"]):
        return None
    from defdip.panels.sqlcache import _code_version

    if meta["code"] != _code_version():
        return None
    inputs = meta["inputs"]
    if not inputs or store.table_sources([row[0] for row in inputs]) != inputs:
        return None
    families = meta["families"]
    columns = [*KEYS, *(c for n in names for c in families[n]["columns"])]
    sources = list(dict.fromkeys([*meta["sources"], *(s for n in names
                                                       for s in families[n]["sources"])]))
    years = None if (start, end) == (FIRST_YEAR, LAST_YEAR) else (int(start), int(end))
    return Served(BASE_TABLE, columns, years, sources)
