"""Where every read comes from: :class:`Tables`, an Ibis backend with the store's table names.

The query layer (``defdip.queries``) and the panels build Ibis expressions over these tables,
so the same relational code runs on the embedded DuckDB store, on PostgreSQL and on PySpark.
Year helpers that every query needs (a range of years, expanding spells to years, the span a
table covers) live here too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from defdip.errors import NotLoaded

__all__ = ["DERIVED_TABLES", "Tables", "not_loaded", "spell_years", "to_frame", "year_range",
           "year_span"]

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
    #: The store the tables are read from (None for a backend built otherwise, e.g. Spark):
    #: where a read that needs the store's country vocabulary finds it.
    store: Any = None
    #: Ibis tables already asked for, by name: shared by every ``Tables`` of one read-only
    #: store (its tables cannot change), so each table's schema is read once per session.
    known: dict[str, ir.Table] | None = None
    #: Answers of small reads (``rows``, ``probe``) by expression, shared the same way: the
    #: brief asks the same coverage question of several sections.
    answers: dict[Any, tuple[str, Any]] | None = None

    @classmethod
    def from_store(cls, store: Any) -> Tables:
        """Tables of a :class:`defdip.store.Store`, read through its Ibis DuckDB backend."""
        if store.read_only:
            return cls(store.ibis(), store.owner_hint, set(store.tables()), store=store,
                       known=store.ibis_tables, answers=store.ibis_answers)
        return cls(store.ibis(), store.owner_hint, store=store)

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
        if self.known is None:
            return self.backend.table(name)
        if name not in self.known:
            self.known[name] = self.backend.table(name)
        return self.known[name]

    def rows(self, expr: ir.Table) -> list[tuple[Any, ...]]:
        """Every row of a (small) query as tuples, without building a DataFrame."""
        if self.engine != "duckdb":
            return [tuple(r) for r in expr.execute().itertuples(index=False)]
        return list(self._answer(expr, expr.op(), lambda cursor: cursor.fetchall())[1])

    def probe(self, expr: ir.Table) -> tuple[Any, ...]:
        """The first row of a small query whose answer shapes the panel's expression.

        Every data-dependent choice made while building (is a lookup stored in both
        directions, which years does a source cover) goes through here, so the SQL cache can
        re-ask the same questions before it reuses a compiled statement.
        """
        if self.engine != "duckdb":
            frame = expr.execute()
            return tuple(frame.iloc[0].tolist()) if len(frame) else ()
        sql, row = self._answer(expr, ("probe", expr.op()), lambda cursor: cursor.fetchone())
        values = list(row) if row is not None else []
        self.probes.append((sql, values))
        return tuple(values)

    def _answer(self, expr: ir.Table, key: Any, fetch: Callable[[Any], Any]) -> tuple[str, Any]:
        """The SQL of ``expr`` and what ``fetch`` takes from its result on DuckDB, kept under
        ``key`` in :attr:`answers` when the store keeps them (a read-only store)."""
        held = self.answers.get(key) if self.answers is not None else None
        if held is None:
            sql = str(self.backend.compile(expr))
            held = (sql, fetch(self.backend.con.execute(sql)))
            if self.answers is not None:
                self.answers[key] = held
        return held

    def write_compiled(self, sql: str, path: Any, *, arrow: bool = False) -> int:
        """Write the rows of ``sql``, compiled from an expression over these (DuckDB) tables,
        to ``path``: Parquet, or Arrow IPC with ``arrow`` (``defdip.store.compiled_panels``)."""
        from defdip.store.compiled_panels import write_query

        return write_query(self.backend.con, sql, path, arrow=arrow)



def year_range(start: int, end: int) -> ir.Table:
    """The years ``start``..``end`` as a one-column int64 table ``year``.

    Generated by the engine (``UNNEST(RANGE(…))`` on DuckDB, ``EXPLODE(SEQUENCE(…))`` on
    Spark), so no in-memory table has to be converted and registered before a query runs.
    """
    bounds = ibis.literal(start, "int64"), ibis.literal(end + 1, "int64")
    return ibis.range(*bounds).unnest().name("year").as_table()



def spell_years(spells: ir.Table, years: ir.Table, start: ir.Value, end: ir.Value) -> ir.Table:
    """Expand spells to one row per covered year: ``spells`` joined to ``years`` in [start, end].

    ``start``/``end`` are integer expressions over ``spells``; they are materialised as columns
    first so the join stays a simple range predicate on every backend.
    """
    s = spells.mutate(__start=start, __end=end)
    y = years.select(__year=years.year).view()
    joined = s.join(y, [y.__year >= s.__start, y.__year <= s.__end])
    return joined.mutate(year=joined.__year).drop("__start", "__end", "__year")



def year_span(tables: Tables, table: ir.Table, column: str = "year") -> tuple[int, int]:
    """The first and last year a table covers (its data's years, not the panel's);
    ``(0, -1)`` for an empty table, a span that holds no year."""
    lo, hi = tables.probe(table.aggregate(lo=table[column].min(), hi=table[column].max()))
    return (int(lo), int(hi)) if lo is not None and lo == lo else (0, -1)


def to_frame(expr: ir.Table) -> Any:
    """A query's rows as a pandas DataFrame, integer columns that hold NULLs as pandas'
    nullable ``Int64`` (as the store's own reads give them) rather than floats."""
    frame = expr.execute()
    for name, dtype in expr.schema().items():
        if dtype.is_integer() and frame[name].dtype.kind == "f":
            frame[name] = frame[name].astype("Int64")
    return frame
