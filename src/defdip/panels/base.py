"""The stored dyad-year base: the source-only column families, computed once per load.

Every column of :data:`BASE_FAMILIES` depends on nothing but loaded sources, so it changes
only when a source does. :func:`build_base` (run by ``defdip load`` after the sources, with
the record and the measures) stores the directed COW dyad-years of COW's whole span,
1816-2016, with all of them, in key order. A job whose rows and families that table holds is
then one scan: :func:`lookup` gives the SQL, with no pairing, join or sort, and without
importing Ibis or pandas, so a job's first run is as fast as its later ones.

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
    """A job answered from the base: its query, columns and sources to cite."""

    sql: str
    columns: list[str]
    sources: list[str]


def _inputs(con: Any, tables: Sequence[str]) -> list[list[str]]:
    """[table, owning source, that source's fingerprint] of every table the build read."""
    quoted = ", ".join("'" + t.replace("'", "''") + "'" for t in sorted(set(tables)))
    rows = con.execute("SELECT t.name, t.source, s.fingerprint FROM _tables t JOIN _sources s "
                       f"ON s.name = t.source WHERE t.name IN ({quoted}) ORDER BY 1").fetchall()
    return [[str(v) for v in row] for row in rows]


def build_base(store: Any) -> int:
    """Build and store the base from what is loaded; return its rows (0: nothing to build).

    A family whose source is not loaded is left out (a job that asks for it is built from the
    sources, and says which source to load).
    """
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
    meta = {"code": _code_version(), "inputs": _inputs(store.con, read),
            "families": families, "sources": list(bare.sources)}
    rows = ", ".join(f"({_literal(k)}, {_literal(json.dumps(v))})" for k, v in meta.items())
    counts = store.replace_tables_from_queries(
        {BASE_TABLE: sql, META_TABLE: f"SELECT * FROM (VALUES {rows}) AS meta(key, value)"},
        owner="panels", descriptions={BASE_TABLE: "directed COW dyad-years 1816-2016 with the "
                                                  "source-only families, in key order",
                                      META_TABLE: "what the panel base was built from"})
    return counts[BASE_TABLE]


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _meta(con: Any) -> dict[str, Any] | None:
    found = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name IN "
                        f"('{BASE_TABLE}', '{META_TABLE}') AND table_schema = current_schema()"
                        ).fetchone()
    if found is None or found[0] != 2:
        return None
    return {k: json.loads(v) for k, v in con.execute(f'SELECT key, value FROM "{META_TABLE}"')
            .fetchall()}


def lookup(con: Any, *, unit: str, system: str, directed: bool, start: int, end: int,
           names: Sequence[str]) -> Served | None:
    """The base's answer to a job, or None when it does not hold the job or is stale."""
    if unit != "dyad_year" or system != "cow" or not directed:
        return None
    if not FIRST_YEAR <= start <= end <= LAST_YEAR:
        return None
    meta = _meta(con)
    if meta is None or not set(names) <= set(meta["families"]):
        return None
    from defdip.panels.sqlcache import _code_version

    if meta["code"] != _code_version():
        return None
    inputs = meta["inputs"]
    if not inputs or _inputs(con, [row[0] for row in inputs]) != inputs:
        return None
    families = meta["families"]
    columns = [*KEYS, *(c for n in names for c in families[n]["columns"])]
    sources = list(dict.fromkeys([*meta["sources"], *(s for n in names
                                                       for s in families[n]["sources"])]))
    where = "" if (start, end) == (FIRST_YEAR, LAST_YEAR) else \
        f" WHERE year BETWEEN {int(start)} AND {int(end)}"
    select = ", ".join(f'"{c}"' for c in columns)
    return Served(f'SELECT {select} FROM "{BASE_TABLE}"{where}', columns, sources)
