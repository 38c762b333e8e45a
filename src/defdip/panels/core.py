"""The :class:`Panel` and :class:`Tables`: a panel is an Ibis expression plus its tags.

A panel never holds rows. It holds a lazy Ibis table expression over the input tables, so the
same relational code runs on DuckDB (the embedded store) and on PySpark; rows are produced only
by ``to_pandas``, ``to_parquet``, ``to_csv`` and ``count``. The tags say what one row is
(``state_year`` or ``dyad_year``), whether dyads are directed, which state system and years
were asked for, and which sources contributed columns (for citations).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from defdip.errors import InvalidArgument
from defdip.panels.sqlcache import ARROW_SUFFIXES, MEMTABLE
from defdip.paths import writing_output
from defdip.queries.tables import DERIVED_TABLES, Tables, not_loaded

__all__ = ["DERIVED_TABLES", "Panel", "Tables", "as_tables", "not_loaded", "packed"]

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
    def code(self) -> str:
        """The state code column's stem: ``ccode`` (COW) or ``gwcode`` (Gleditsch-Ward)."""
        return "gwcode" if self.system == "gw" else "ccode"

    @property
    def keys(self) -> tuple[str, ...]:
        """The columns that identify a row: (ccode, year) or (ccode_1, ccode_2, year); gwcode
        in place of ccode on a Gleditsch-Ward panel."""
        code = self.code
        return (f"{code}_1", f"{code}_2", "year") if self.unit == "dyad_year" else (code, "year")

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
        """Refuse a panel of another unit, or a Gleditsch-Ward panel: every ``add_*`` joins
        sources keyed by COW codes, which a G&W panel (gwcode) does not have."""
        if self.system != "cow":
            raise InvalidArgument(f"{function}() joins on COW codes (ccode), which a "
                                  f"{self.system!r} panel (keyed by {self.code}) does not "
                                  "have. Build the panel with system='cow'.")
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

    def to_feather(self, path: Path | str, *, ordered: bool = True, force: bool = False
                   ) -> Path:
        """Write the panel as an Arrow IPC file (Feather v2, LZ4): the fastest hand-off to
        pandas (``read_feather``), polars, R's arrow or DuckDB; larger than Parquet."""
        self.copy_to_file(path, ordered=ordered, force=force)
        return Path(path)

    def copy_to_parquet(self, path: Path | str, *, ordered: bool = True,
                        force: bool = False) -> str | None:
        """Write Parquet as :meth:`to_parquet` does; return the DuckDB query it ran (else None).

        The returned SQL is what ``panels.sqlcache`` stores for the job.
        """
        return self.copy_to_file(path, ordered=ordered, force=force)

    def copy_to_file(self, path: Path | str, *, ordered: bool = True,
                     force: bool = False) -> str | None:
        """Write Parquet, or Arrow IPC when ``path`` ends in ``.arrow``/``.feather``; return
        the DuckDB query that produced the rows (None when it cannot be reused). A file defdip
        did not write is replaced only with ``force`` (``paths.check_output``)."""
        expr = self.ordered() if ordered else self.expr
        arrow = Path(path).suffix.lower() in ARROW_SUFFIXES
        with writing_output(path, force=force) as partial:  # whole file or none
            sql = str(self.tables.backend.compile(expr)) if self.tables.engine == "duckdb" \
                else None
            if sql is not None and MEMTABLE not in sql:
                self.tables.write_compiled(sql, partial, arrow=arrow)
                return sql
            # Ibis registers its in-memory tables per query (or this is not DuckDB): let it run
            if arrow:
                import pyarrow.feather as feather

                feather.write_feather(expr.to_pyarrow(), str(partial), compression="lz4")
            elif sql is not None:
                self.tables.backend.to_parquet(expr, partial, compression="snappy")
            else:
                self.to_pandas().to_parquet(partial, index=False)
        return None

    def _write(self, path: Path, fmt: str, ordered: bool, force: bool) -> Path:
        if fmt == "parquet":
            self.copy_to_file(path, ordered=ordered, force=force)
            return path
        with writing_output(path, force=force) as partial:
            if self.tables.engine == "duckdb":  # DuckDB writes the file itself (COPY … TO)
                expr = self.ordered() if ordered else self.expr
                self.tables.backend.to_csv(expr, partial, header=True)
            else:
                self.to_pandas().to_csv(partial, index=False)
        return path
