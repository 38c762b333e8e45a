"""Compile a query-layer read to a SQL template once, so later runs need no Ibis.

:data:`READS` names the reads the everyday commands ask (each an Ibis expression defined
once in this layer). :func:`compile_read` builds one with placeholder values in place of the
parameters, compiles it for the store's engine, cuts the SQL at each placeholder into a
:class:`~defdip.store.compiled.Template`, and checks the template: filled with the real
values it must give exactly the SQL Ibis compiles from the real values, or it is not used.
``defdip.store.compiled`` keeps and re-runs templates; ``defdip.service.quick`` asks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import ibis.expr.types as ir

from defdip.queries import everyday, record
from defdip.queries.tables import Tables
from defdip.store import compiled
from defdip.store.compiled import Template, holes, literal, schemas

__all__ = ["READS", "compile_expr", "compile_read", "compiled_frame"]

#: The first placeholder integer; placeholders are this plus the hole's number.
_INT_BASE = 7_391_048_000


def _records(tables: Tables, **params: Any) -> ir.Table:
    return record.select(tables, **params)[0]


def _actors(tables: Tables, **params: Any) -> ir.Table:
    return record.select(tables, **params)[1]


#: Reads by name: each builds an Ibis expression over :class:`Tables` from keyword arguments.
READS: dict[str, Callable[..., ir.Table]] = {
    "arms_volumes": everyday.arms_volumes,
    "standing_year": everyday.standing_year,
    "state_names": everyday.state_names,
    "stored_alignment": everyday.stored_alignment,
    "profile": everyday.profile,
    "record_rows": _records,
    "record_actors": _actors,
}


def _placeholders(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Values of the same shape with a unique placeholder in each hole, and the SQL literal
    of each placeholder → the hole it stands for."""
    stand_in: dict[str, Any] = {}
    found: dict[str, str] = {}
    number = 0

    def one(hole: str, value: Any) -> Any:
        nonlocal number
        number += 1
        fake: Any = _INT_BASE + number if isinstance(value, int) else f"defdip_hole_{number}_q"
        found[literal(fake)] = hole
        return fake

    for name, value in values.items():
        if isinstance(value, list | tuple):
            stand_in[name] = [one(f"{name}.{i}", v) for i, v in enumerate(value)]
        elif value is None:
            stand_in[name] = None
        else:
            stand_in[name] = one(name, value)
    return stand_in, found


def _numeric(dtype: Any) -> bool:
    """Printed right-aligned, as the table printer does for pandas' numeric columns."""
    return bool(dtype.is_integer() or dtype.is_floating())


def compile_read(store: Any, read: str, fixed: Mapping[str, Any], values: Mapping[str, Any]
                 ) -> Template | None:
    """The SQL template of ``READS[read]`` built with ``fixed`` arguments (they shape the
    expression) and ``values`` (ints, text, lists of them, or None: they go in holes);
    None when the store's engine is not DuckDB or the template does not reproduce Ibis' SQL
    for ``values`` (then the caller runs the read through Ibis)."""
    return compile_expr(store, READS[read], fixed, values)


def compile_expr(store: Any, build: Callable[..., ir.Table], fixed: Mapping[str, Any],
                 values: Mapping[str, Any]) -> Template | None:
    """:func:`compile_read` for any builder ``build(tables, **fixed, **values)`` of this
    layer or above (the focal panel of ``analysis.effects``)."""
    tables = Tables.from_store(store)
    if tables.engine != "duckdb":
        return None
    stand_in, found = _placeholders(values)
    expr = build(tables, **fixed, **stand_in)
    text = str(tables.backend.compile(expr))
    pattern = re.compile("|".join(re.escape(k) + (r"(?![\w.])" if k[0] != "'" else "")
                                  for k in sorted(found, key=len, reverse=True)) or "$^")
    pieces: list[str] = []
    names: list[str] = []
    at = 0
    for match in pattern.finditer(text):
        if match.start() and (text[match.start() - 1].isalnum() or
                              text[match.start() - 1] in "._"):
            continue
        pieces.append(text[at:match.start()])
        names.append(found[match.group(0)])
        at = match.end()
    pieces.append(text[at:])
    schema = expr.schema()
    template = Template(pieces, names, list(schema.names),
                        [_numeric(t) for t in schema.types],
                        schemas(store, [n for n, present in tables.checked.items() if present]),
                        [str(t) for t in schema.types])
    real = str(tables.backend.compile(build(Tables.from_store(store), **fixed, **values)))
    return template if template.sql(holes(values)) == real else None


def compiled_frame(store: Any, read: str, build: Callable[..., ir.Table],
                   fixed: Mapping[str, Any], values: Mapping[str, Any]) -> Any:
    """The rows of ``build(tables, **fixed, **values)`` as the DataFrame Ibis' ``execute``
    gives, from the template kept for the store's vintage (compiled and kept when there is
    none), so a later run with other ``values`` needs no Ibis expression or compilation.
    None when no template can be made (the caller runs the expression through Ibis)."""
    import ibis
    import pandas as pd
    import pyarrow.types as pat
    from ibis.backends.duckdb.converter import DuckDBPandasData
    from ibis.formats.pandas import PandasData

    key = compiled.template_key(read, {"fixed": dict(fixed), "shape": compiled.shape(values)})
    template = compiled.lookup(store, key)
    if template is None or template.types is None:
        template = compile_expr(store, build, fixed, values)
        if template is None:
            return None
        compiled.save(store, key, template)
    table = compiled.arrow(store, template, holes(values))
    assert template.types is not None
    schema = ibis.schema(dict(zip(template.columns, template.types, strict=True)))
    # as ibis.backends.duckdb.Backend.execute converts a result, step for step
    frame = pd.DataFrame({
        name: (column.to_pylist() if (pat.is_nested(column.type) or
                                      pat.is_dictionary(column.type) or column.null_count)
               else column.to_pandas())
        for name, column in zip(table.column_names, table.columns, strict=True)})
    frame = DuckDBPandasData.convert_table(frame, schema)
    return PandasData.convert_table(frame, schema)
