"""A cache of compiled DuckDB SQL per job shape, so a repeated panel job skips Ibis entirely.

Building a panel's Ibis expression and compiling it costs about as much as DuckDB's joins
(importing the Ibis DuckDB backend alone takes ~0.35 s in a fresh process). The SQL depends
only on the job's shape (unit, years, direction, families, order), on this package's code and
library versions, on the schemas of the tables it reads, and on the answers of the few probe
queries the ``add_*`` ask while building (is a lookup stored in both directions, which years
does a source cover; see :meth:`Tables.probe`). The entry records all of that; before the SQL
is reused, the schemas are read again and every probe is asked again, and any difference
means a miss. A cache that cannot be read or written is simply not used.

The cache decides what to keep and when it is still valid; running the kept SQL (and asking
the probes again) is the store's (``defdip.store.compiled_panels``), the only owner of connections.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from defdip.paths import replacing

__all__ = ["ARROW_SUFFIXES", "Entry", "cache_dir", "job_key", "lookup", "save", "schemas"]

#: Bump when the entry layout or the rules for reuse change.
FORMAT = 1
MEMTABLE = "ibis_pandas_memtable_"
#: Output names written as Arrow IPC files (Feather v2) instead of Parquet.
ARROW_SUFFIXES = (".arrow", ".feather")


@dataclass(frozen=True)
class Entry:
    """One compiled job: the query, what it produces, and what must hold to reuse it."""

    sql: str
    columns: list[str]
    sources: list[str]
    schema: list[list[str]]  # [table, column, type] of every table the build asked for
    probes: list[list[Any]]  # [sql, first row] of every data-dependent query


def cache_dir() -> Path:
    """``<defdip home>/cache/panels`` (``$DEFDIP_HOME`` moves it with the store)."""
    from defdip.paths import default_home

    return default_home() / "cache" / "panels"


def _code_version() -> str:
    """The digest (``store.compiled.code_digest``) of the panels and of the query layer they
    build on (``queries/``, the curated data it reads such as the NATO list)."""
    from defdip.store.compiled import code_digest

    package = Path(__file__).parent.parent
    return code_digest(str(FORMAT), [*sorted((package / "panels").glob("*.py")),
                                     *sorted((package / "queries").glob("*.py")),
                                     *sorted((package / "data" / "curated").glob("*.yaml"))])


def job_key(shape: Mapping[str, Any]) -> str:
    """A file name for the job: a hash of its shape and of :func:`_code_version`."""
    text = json.dumps(dict(shape), sort_keys=True) + _code_version()
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def schemas(store: Any, tables: Iterable[str]) -> list[list[str]]:
    """[table, column, type] of ``tables`` in the store (an absent table: none)."""
    return store.column_types(tables)


def _normal(values: Any) -> Any:
    """Values as JSON gives them back (tuples become lists), for comparing probe answers."""
    return json.loads(json.dumps(values))


def lookup(store: Any, key: str, directory: Path) -> Entry | None:
    """The cached entry for ``key`` if it is still valid for the data in ``store``: the
    schemas read again and every probe asked again (``Store.first_row``) give what they
    gave when the entry was saved."""
    try:
        entry = Entry(**json.loads((directory / f"{key}.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None
    tables = sorted({row[0] for row in entry.schema})
    if schemas(store, tables) != entry.schema:
        return None
    for sql, answer in entry.probes:
        if _normal(store.first_row(sql)) != answer:
            return None
    return entry


def save(directory: Path, key: str, entry: Entry) -> bool:
    """Store ``entry`` atomically; False (and nothing written) if it cannot be cached."""
    if MEMTABLE in entry.sql:  # in-memory tables are registered per process: not reusable
        return False
    try:
        text = json.dumps(asdict(entry))
        with replacing(directory / f"{key}.json") as partial:
            partial.write_text(text)
    except (OSError, TypeError, ValueError):
        return False
    return True
