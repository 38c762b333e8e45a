"""The :class:`Panel` and :class:`Tables`: a panel is an Ibis expression plus its tags.

A panel never holds rows. It holds a lazy Ibis table expression over the input tables, so the
same relational code runs on DuckDB (the embedded store) and on PySpark; rows are produced only
by ``to_pandas``, ``to_parquet``, ``to_csv`` and ``count``. The tags say what one row is
(``state_year`` or ``dyad_year``), whether dyads are directed, which state system and years
were asked for, and which sources contributed columns (for citations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from defdip.errors import InvalidArgument, NotLoaded
from defdip.panels.sqlcache import MEMTABLE, copy_parquet
from defdip.paths import writing_output

__all__ = ["DERIVED_TABLES", "Panel", "Tables", "as_tables", "not_loaded", "packed"]

#: Tables that layers above the sources build, and the command that builds each.
DERIVED_TABLES: dict[str, str] = {
    "engagements": "defdip record build",
    "engagement_actors": "defdip record build",
    "un_alignment": "defdip measures build",
    "engagement_index": "defdip measures build",
}


def not_loaded(table: str, hint: str | None) -> NotLoaded:
    """A :class:`NotLoaded` whose advice fits the table: a source load or a derived build."""
    if table in DERIVED_TABLES:
        error = NotLoaded(table)
        error.args = (f"Table {table!r} is not in the store. It is derived, not loaded: run "
                      f"`{DERIVED_TABLES[table]}` first (after `defdip load`).",)
        return error
    return NotLoaded(table, hint)


@dataclass
class Tables:
    """Where panels read their inputs: an Ibis backend and how to name a missing table's source.

    ``Tables.from_store(store)`` is the usual way (DuckDB over the store's own connection); the
    PySpark path builds one over ``ibis.pyspark.connect(session)`` with the same table names.
    """

    backend: Any
    hint: Callable[[str], str | None] = field(default=lambda _name: None)
    _names: set[str] | None = None
    #: What building read from the data, for the SQL cache (``panels.sqlcache``): each table
    #: asked for and whether it existed, and each probe query with the row it returned.
    checked: dict[str, bool] = field(default_factory=dict)
    probes: list[tuple[str, list[Any]]] = field(default_factory=list)

    @classmethod
    def from_store(cls, store: Any) -> Tables:
        """Tables of a :class:`defdip.store.Store`, read through its Ibis DuckDB backend."""
        return cls(store.ibis(), store.owner_hint)

    @property
    def engine(self) -> str:
        """The backend's name: ``duckdb`` or ``pyspark``."""
        return str(self.backend.name)

    def names(self) -> set[str]:
        if self._names is None:
            self._names = set(self.backend.list_tables())
        return self._names

    def has(self, name: str) -> bool:
        present = name in self.names()
        self.checked[name] = present
        return present

    def table(self, name: str) -> ir.Table:
        """The input table ``name``; :class:`NotLoaded` says which source or build makes it."""
        if not self.has(name):
            raise not_loaded(name, self.hint(name))
        return self.backend.table(name)

    def probe(self, expr: ir.Table) -> tuple[Any, ...]:
        """The first row of a small query whose answer shapes the panel's expression.

        Every data-dependent choice made while building (is a lookup stored in both
        directions, which years does a source cover) goes through here, so the SQL cache can
        re-ask the same questions before it reuses a compiled statement.
        """
        if self.engine != "duckdb":
            frame = expr.execute()
            return tuple(frame.iloc[0].tolist()) if len(frame) else ()
        sql = str(self.backend.compile(expr))
        row = self.backend.con.execute(sql).fetchone()
        values = list(row) if row is not None else []
        self.probes.append((sql, values))
        return tuple(values)


def packed(values: list[ir.IntegerValue]) -> ir.IntegerValue:
    """One BIGINT from COW codes (and a year): ``(v0 * 1000 + v1) * 1000 + …``.

    COW codes are 2..990, so the packing is one-to-one; a single integer key lets every
    engine hash-join and sort faster than on two or three columns.
    """
    key = values[0].cast("int64")
    for value in values[1:]:
        key = key * 1000 + value.cast("int64")
    return key


def as_tables(store: Any) -> Tables:
    """Accept a Store or a ready :class:`Tables` wherever a panel is created."""
    if isinstance(store, Tables):
        return store
    if hasattr(store, "ibis") and hasattr(store, "owner_hint"):
        return Tables.from_store(store)
    raise InvalidArgument(f"expected a defdip Store or panels.Tables, got {type(store).__name__!r}."
                          " Open one with `defdip.store.open_store(path)`.")


@dataclass(frozen=True)
class Panel:
    """A lazy unit-of-analysis table (Ibis expression) with its tags."""

    expr: ir.Table
    tables: Tables
    unit: str  # "state_year" or "dyad_year"
    directed: bool
    system: str
    start: int
    end: int
    sources: tuple[str, ...] = ()
    #: Dyad-years only: the state-years the rows were paired from, as long as ``expr`` is
    #: nothing but that pairing; monadic columns are then attached to these ~15 k rows
    #: before pairing instead of joined twice to the dyads (``_ops.add_monadic``).
    states: ir.Table | None = None

    # ---- tags ----------------------------------------------------------------------------
    @property
    def keys(self) -> tuple[str, ...]:
        """The columns that identify a row: (ccode, year) or (ccode_1, ccode_2, year)."""
        return ("ccode_1", "ccode_2", "year") if self.unit == "dyad_year" else ("ccode", "year")

    @property
    def columns(self) -> list[str]:
        return list(self.expr.columns)

    def evolve(self, expr: ir.Table, *sources: str, states: ir.Table | None = None) -> Panel:
        """The same panel with a new expression and any new sources appended (for citations).

        ``states`` is passed only when ``expr`` is exactly the pairing of those state-years.
        """
        merged = tuple(dict.fromkeys((*self.sources, *sources)))
        return replace(self, expr=expr, sources=merged, states=states)

    def require_unit(self, function: str, *units: str) -> None:
        if self.unit not in units:
            makers = {"dyad_year": "create_dyad_years()", "state_year": "create_state_years()"}
            raise InvalidArgument(f"{function}() works on {' or '.join(units)} panels, not on a "
                                  f"{self.unit!r} panel. Start from "
                                  f"{' or '.join(makers[u] for u in units)}.")

    def require_new(self, function: str, names: Iterable[str]) -> None:
        clash = sorted(set(names) & set(self.columns))
        if clash:
            raise InvalidArgument(f"{function}() would add {clash}, which the panel already has "
                                  "(each add_* may run once per panel).")

    # ---- rows ----------------------------------------------------------------------------
    def ordered(self) -> ir.Table:
        """Rows sorted by the keys. COW codes are below 1000, so while years stay below 10,000
        one packed integer, ``(c1·1000 + c2)·10000 + year``, sorts exactly as the key columns
        do; DuckDB sorts one integer key faster than three."""
        if self.end >= 10_000:
            return self.expr.order_by(list(self.keys))
        expr = self.expr
        key = packed([expr[k] for k in self.keys[:-1]])
        return expr.order_by(key * 10_000 + expr.year.cast("int64"))

    def sql(self) -> str:
        """The panel as one SQL query in the backend's dialect (ordered by the keys)."""
        return str(ibis.to_sql(self.ordered(), dialect=self.tables.engine))

    def count(self) -> int:
        return int(self.expr.count().execute())

    def to_pandas(self) -> pd.DataFrame:
        """Rows ordered by the keys, with a fresh RangeIndex."""
        frame = self.ordered().execute()
        return frame.reset_index(drop=True)

    def to_parquet(self, path: Path | str, *, ordered: bool = True, force: bool = False) -> Path:
        """Write the panel to Parquet (snappy); on DuckDB the engine writes it (``COPY``).

        ``ordered=False`` skips sorting by the keys: faster, same rows, engine's row order.
        The path is guarded (:func:`defdip.paths.writing_output`): an existing file defdip did
        not write is replaced only with ``force``.
        """
        return self._write(Path(path), "parquet", ordered, force)

    def to_csv(self, path: Path | str, *, ordered: bool = True, force: bool = False) -> Path:
        return self._write(Path(path), "csv", ordered, force)

    def copy_to_parquet(self, path: Path | str, *, ordered: bool = True,
                        force: bool = False) -> str | None:
        """Write Parquet as :meth:`to_parquet` does; return the DuckDB query it ran (else None).

        The returned SQL is what ``panels.sqlcache`` stores for the job.
        """
        expr = self.ordered() if ordered else self.expr
        sql: str | None = None
        with writing_output(path, force=force) as partial:  # whole file or none
            if self.tables.engine != "duckdb":
                self.to_pandas().to_parquet(partial, index=False)
                return None
            sql = str(self.tables.backend.compile(expr))
            if MEMTABLE in sql:  # let Ibis register its in-memory tables first
                self.tables.backend.to_parquet(expr, partial, compression="snappy")
                sql = None
            else:
                copy_parquet(self.tables.backend.con, sql, partial)
        return sql

    def _write(self, path: Path, fmt: str, ordered: bool, force: bool) -> Path:
        if fmt == "parquet":
            self.copy_to_parquet(path, ordered=ordered, force=force)
            return path
        with writing_output(path, force=force) as partial:
            if self.tables.engine == "duckdb":  # DuckDB writes the file itself (COPY … TO)
                expr = self.ordered() if ordered else self.expr
                self.tables.backend.to_csv(expr, partial, header=True)
            else:
                self.to_pandas().to_csv(partial, index=False)
        return path
