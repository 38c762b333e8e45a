"""Running SQL that Ibis compiled earlier: the store's side of the panels' fast paths.

(The everyday commands' compiled reads are :mod:`defdip.store.compiled`; this module serves
the panels' job cache and stored base, which write files rather than return rows.)

Why here and not in Ibis: a repeated panel job (``defdip.panels.sqlcache``) and a job the
stored dyad-year base holds (``defdip.panels.base``) are answered *without importing Ibis*
(~0.35 s of a fresh process), by re-running the SQL text Ibis compiled for the same job
before. Executing SQL text is a connection's business, and only the store owns connections;
the panels decide what to cache and when an entry is still valid, and ask the store, through
:class:`CompiledPanelQueries` (a part of :class:`~defdip.store.core.Store`), for these few
operations. No statement here is written for one question: each runs a query it is given, or
reads the store's own catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from defdip.store.compiled import literal, schemas

__all__ = ["CompiledPanelQueries", "write_query"]

def _quoted(names: Iterable[str]) -> str:
    """Names as SQL string literals (not parameters: DuckDB imports pandas to inspect
    parameters, ~0.3 s, which the fast paths must not pay)."""
    return ", ".join(literal(str(name)) for name in sorted(set(names)))


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
    """Write the rows of the DuckDB query ``sql`` on ``con`` to ``path``: Parquet or, with
    ``arrow``, Arrow IPC. DuckDB's progress bar is turned off first: it would print into the
    caller's output (``defdip panel … --json``) when a write takes more than two seconds."""
    con.execute("SET enable_progress_bar = false")
    return write_arrow(con, sql, path) if arrow else copy_parquet(con, sql, path)


class CompiledPanelQueries:
    """What the panels' compiled-SQL paths ask of a DuckDB store (mixed into ``Store``)."""

    con: Any

    def write_compiled(self, sql: str, path: Path, *, arrow: bool = False) -> int:
        """Run a query Ibis compiled for this store and write its rows to ``path`` (Parquet,
        or Arrow IPC with ``arrow``); return the rows written."""
        return write_query(self.con, sql, path, arrow=arrow)

    def write_table(self, table: str, columns: Sequence[str], path: Path, *,
                    years: tuple[int, int] | None = None, arrow: bool = False) -> int:
        """Write ``columns`` of the stored ``table`` to ``path`` in the table's row order,
        only the rows whose ``year`` lies in ``years`` (inclusive) when given."""
        select = ", ".join(_identifier(c) for c in columns)
        where = "" if years is None else \
            f" WHERE year BETWEEN {int(years[0])} AND {int(years[1])}"
        return write_query(self.con, f"SELECT {select} FROM {_identifier(table)}{where}", path,
                           arrow=arrow)

    def first_row(self, sql: str) -> list[Any]:
        """The first row of a compiled query (empty if none): a probe asked again."""
        row = self.con.execute(sql).fetchone()
        return list(row) if row is not None else []

    def column_types(self, tables: Iterable[str]) -> list[list[str]]:
        """[table, column, type] of ``tables`` in the current schema (an absent table: none;
        ``defdip.store.compiled.schemas``, which the everyday reads' templates check)."""
        return schemas(self, list(tables))  # type: ignore[arg-type]

    def table_sources(self, tables: Iterable[str]) -> list[list[str]]:
        """[table, owning source, that source's fingerprint] of ``tables`` that a load
        recorded: what a table built from them was built from."""
        if not set(tables := list(tables)):
            return []
        rows = self.con.execute(
            "SELECT t.name, t.source, s.fingerprint FROM _tables t JOIN _sources s "
            f"ON s.name = t.source WHERE t.name IN ({_quoted(tables)}) ORDER BY 1").fetchall()
        return [[str(v) for v in row] for row in rows]

    def table_rows(self, table: str) -> list[tuple[Any, ...]] | None:
        """Every row of a small stored ``table`` as tuples, without pandas; None if absent."""
        found = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = "
            f"{_quoted([table])} AND table_schema = current_schema()").fetchone()
        if found is None or found[0] != 1:
            return None
        return self.con.execute(f"SELECT * FROM {_identifier(table)}").fetchall()
