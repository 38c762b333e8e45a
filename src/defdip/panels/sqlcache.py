"""A cache of compiled DuckDB SQL per job shape, so a repeated panel job skips Ibis entirely.

Building a panel's Ibis expression and compiling it costs about as much as DuckDB's joins
(importing the Ibis DuckDB backend alone takes ~0.35 s in a fresh process). The SQL depends
only on the job's shape (unit, years, direction, families, order), on this package's code and
library versions, on the schemas of the tables it reads, and on the answers of the few probe
queries the ``add_*`` ask while building (is a lookup stored in both directions, which years
does a source cover; see :meth:`Tables.probe`). The entry records all of that; before the SQL
is reused, the schemas are read again and every probe is asked again, and any difference
means a miss. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from defdip.paths import replacing

__all__ = ["ARROW_SUFFIXES", "Entry", "cache_dir", "copy_parquet", "job_key", "lookup", "save",
           "schemas", "write_arrow", "write_query"]

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
    """The source text of the panels and of the query layer they build on (``queries/``,
    the curated data it reads such as the NATO list), and the versions of the libraries that
    shape the SQL (read from their metadata: checking a cached job must not import Ibis)."""
    from importlib.metadata import version

    libraries = "|".join(version(name) for name in ("ibis-framework", "sqlglot", "duckdb"))
    digest = hashlib.sha256(f"{FORMAT}|{libraries}".encode())
    package = Path(__file__).parent.parent
    files = [*sorted((package / "panels").glob("*.py")),
             *sorted((package / "queries").glob("*.py")),
             *sorted((package / "data" / "curated").glob("*.yaml"))]
    for path in files:
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def job_key(shape: Mapping[str, Any]) -> str:
    """A file name for the job: a hash of its shape and of :func:`_code_version`."""
    text = json.dumps(dict(shape), sort_keys=True) + _code_version()
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def schemas(con: Any, tables: Iterable[str]) -> list[list[str]]:
    """[table, column, type] of ``tables`` in the connection's current schema (absent: none)."""
    names = sorted(set(tables))
    if not names:
        return []
    # names as literals, not parameters: DuckDB imports pandas to inspect parameters (~0.3 s)
    quoted = ", ".join("'" + name.replace("'", "''") + "'" for name in names)
    rows = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = current_schema() AND table_catalog = "
                       f"current_database() AND table_name IN ({quoted}) "
                       "ORDER BY table_name, ordinal_position").fetchall()
    return [list(row) for row in rows]


def _normal(values: Any) -> Any:
    """Values as JSON gives them back (tuples become lists), for comparing probe answers."""
    return json.loads(json.dumps(values))


def lookup(con: Any, key: str, directory: Path) -> Entry | None:
    """The cached entry for ``key`` if it is still valid for the data behind ``con``."""
    try:
        entry = Entry(**json.loads((directory / f"{key}.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None
    tables = sorted({row[0] for row in entry.schema})
    if schemas(con, tables) != entry.schema:
        return None
    for sql, answer in entry.probes:
        row = con.execute(sql).fetchone()
        if _normal(list(row) if row is not None else []) != answer:
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


def copy_parquet(con: Any, sql: str, path: Path) -> int:
    """DuckDB writes the query's rows to ``path`` as Parquet (snappy), in the query's order;
    returns the number of rows written."""
    target = str(path).replace("'", "''")
    row = con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet, COMPRESSION snappy)"
                      ).fetchone()
    return int(row[0]) if row is not None else -1


def write_arrow(con: Any, sql: str, path: Path) -> int:
    """The query's rows as an Arrow IPC file (Feather v2, LZ4-compressed buffers), streamed
    batch by batch in the query's order; returns the number of rows written."""
    import pyarrow as pa

    reader = con.execute(sql).to_arrow_reader(1 << 17)
    options = pa.ipc.IpcWriteOptions(compression="lz4")
    rows = 0
    with pa.OSFile(str(path), "wb") as sink, \
            pa.ipc.new_file(sink, reader.schema, options=options) as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def write_query(con: Any, sql: str, path: Path, *, arrow: bool = False) -> int:
    """Write the query's rows to ``path``: Parquet (:func:`copy_parquet`) or Arrow IPC.

    DuckDB's progress bar is turned off first: it would print into the caller's output
    (``defdip panel … --json``) when a write takes more than two seconds.
    """
    con.execute("SET enable_progress_bar = false")
    return write_arrow(con, sql, path) if arrow else copy_parquet(con, sql, path)
