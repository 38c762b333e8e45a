"""The store's read fast path: compiled SQL of the query layer's reads, cached and re-run.

An everyday command (``arms ranking``, ``record list``, ``profile``, ``alignment``,
``standing``) asks one of the query layer's Ibis expressions. Importing Ibis, sqlglot and
pandas to build, compile and execute it costs about a second in a fresh process, far more
than DuckDB takes to answer. So the expression is compiled once per *shape* (which filters
are given, how many values a list holds) with placeholder values, and the SQL is kept as a
:class:`Template`: text with numbered holes where the values go. A later run fills the holes
with the values as SQL literals (ints as digits, text quoted; DuckDB would import pandas to
inspect bound parameters) and runs the statement on the store's read-only connection,
fetching plain Python rows.

Where templates live and when they are used: ``<defdip home>/cache/queries/<vintage>/``, one
JSON file per read and shape. The vintage (:meth:`Store.vintage`: every source's fingerprint
and load time, every table's row count) changes with every load, record build and entered
record, so after a write no template of the old data is ever looked at; the file name hashes
the read, its shape, the code of the query layer and of this module, and the versions of
Ibis, sqlglot and DuckDB. Before a template is used, the schemas of the tables it reads are
read again and must be those it was compiled against. A cache that cannot be read or written
is simply not used (the command compiles again, and answers the same).

Values a read computes from the data but that are not rows (the years each instrument is
observed) are kept the same way, keyed by the vintage: :func:`remember`.
"""

from __future__ import annotations

import hashlib
import json
import re
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defdip.paths import replacing

if TYPE_CHECKING:
    from defdip.store.core import Store

__all__ = [
    "FORMAT",
    "Rows",
    "Template",
    "arrow",
    "cache_dir",
    "code_digest",
    "holes",
    "literal",
    "lookup",
    "remember",
    "run",
    "save",
    "shape",
    "template_key",
]

#: Bump when the entry layout or the rules for reuse change.
FORMAT = 1


@dataclass(frozen=True)
class Template:
    """A compiled read: SQL ``pieces`` with a hole between each two (``holes[i]`` names the
    parameter that fills the hole after ``pieces[i]``), the result's ``columns`` and which of
    them are numeric (for printing), and the ``schema`` ([table, column, type]) it was
    compiled against."""

    pieces: list[str]
    holes: list[str]
    columns: list[str]
    numeric: list[bool]
    schema: list[list[str]]
    #: the result's Ibis types (``str(dtype)``), for reads answered as a DataFrame exactly as
    #: Ibis would convert them (``queries.compile.compiled_frame``); None: rows only
    types: list[str] | None = None

    def sql(self, values: Mapping[str, Any]) -> str:
        """The statement with ``values`` written into its holes as SQL literals."""
        parts = [self.pieces[0]]
        for name, piece in zip(self.holes, self.pieces[1:], strict=True):
            parts.append(literal(values[name]))
            parts.append(piece)
        return "".join(parts)


@dataclass(frozen=True)
class Rows:
    """A read's answer without pandas: column names, numeric flags and row tuples."""

    columns: list[str]
    numeric: list[bool]
    rows: list[tuple[Any, ...]]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


_INT = re.compile(r"-?\d{1,18}")


def literal(value: Any) -> str:
    """``value`` as a DuckDB SQL literal: an int's digits or quoted text (``'`` doubled).

    Anything else (floats, bytes, text with a NUL) is refused with :class:`ValueError`; the
    reads' parameters are codes, labels, kinds and years."""
    if isinstance(value, bool):
        raise ValueError(f"no SQL literal for {value!r}")
    if isinstance(value, int):
        text = str(value)
        if not _INT.fullmatch(text):
            raise ValueError(f"integer {value!r} is out of range for a SQL literal")
        return text
    if isinstance(value, str) and "\x00" not in value:
        return "'" + value.replace("'", "''") + "'"
    raise ValueError(f"no SQL literal for {value!r}")


def holes(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a template's holes take: scalars by name, list items as ``name.i``."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            out.update({f"{name}.{i}": item for i, item in enumerate(value)})
        elif value is not None:
            out[name] = value
    return out


def shape(values: Mapping[str, Any]) -> dict[str, Any]:
    """What a template depends on besides the values in its holes: which values are given
    (None is no filter), their types, and how many items each list holds."""
    def kind(value: Any) -> str:
        return "int" if isinstance(value, int) and not isinstance(value, bool) else \
            type(value).__name__
    return {name: None if value is None else
            [kind(v) for v in value] if isinstance(value, list | tuple) else kind(value)
            for name, value in values.items()}


def cache_dir() -> Path:
    """``<defdip home>/cache/queries`` (``$DEFDIP_HOME`` moves it with the store)."""
    from defdip.paths import default_home

    return default_home() / "cache" / "queries"


def code_digest(prefix: str, paths: Sequence[Path]) -> str:
    """A digest of the code that shapes cached SQL: ``prefix`` (a cache's format), the
    versions of the libraries that shape the SQL (read from their metadata: checking a cache
    must not import Ibis) and each file's folder, name and text. The templates here and the
    panels' job cache and stored base (``panels.sqlcache``) each name their files."""
    from importlib.metadata import version

    libraries = "|".join(version(name) for name in ("ibis-framework", "sqlglot", "duckdb"))
    digest = hashlib.sha256(f"{prefix}|{libraries}".encode())
    for path in paths:
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _code_version() -> str:
    """:func:`code_digest` of the query layer, the panels, this module and the code whose
    answers :func:`remember` keeps or whose reads are templates (the vocabulary, the
    catalog's resolution, the instruments' coverage, the brief's source years, the focal
    panel), and the curated data."""
    package = Path(__file__).parent.parent
    kept = [package / "countries.py", package / "service" / "quick.py",
            package / "service" / "catalog.py", package / "measures" / "engagement_index.py",
            package / "reports" / "facts.py", package / "analysis" / "effects.py"]
    return code_digest(str(FORMAT), [
        *sorted((package / "queries").glob("*.py")), *sorted((package / "panels").glob("*.py")),
        Path(__file__), *kept, *sorted((package / "data" / "curated").glob("*.yaml"))])


def template_key(read: str, shape: Mapping[str, Any]) -> str:
    """A file name for the read and its shape: a hash of both and of the code version."""
    text = json.dumps({"read": read, "shape": dict(shape)}, sort_keys=True) + _code_version()
    label = read if re.fullmatch(r"[a-z_]+", read) else "value"
    return f"{label}-{hashlib.sha256(text.encode()).hexdigest()[:24]}"


_VINTAGES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _folder(store: Store) -> Path:
    """The folder of the store's vintage (asked once per read-only store object: a reader
    sees one version of the store for as long as it is open)."""
    vintage = _VINTAGES.get(store) if store.read_only else None
    if vintage is None:
        vintage = store.vintage()
        if store.read_only:
            _VINTAGES[store] = vintage
    return cache_dir() / vintage


def schemas(store: Store, tables: Sequence[str]) -> list[list[str]]:
    """[table, column, type] of ``tables`` in the store (absent tables: no rows)."""
    names = sorted(set(tables))
    if not names:
        return []
    quoted = ", ".join(literal(name) for name in names)
    rows = store.con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_catalog = current_database() "
        f"AND table_name IN ({quoted}) ORDER BY table_name, ordinal_position").fetchall()
    return [list(row) for row in rows]


def lookup(store: Store, key: str) -> Template | None:
    """The template saved under ``key`` for the store's vintage, if the tables it reads still
    have the schemas it was compiled against; None otherwise (compile it again)."""
    try:
        entry = Template(**json.loads((_folder(store) / f"{key}.json").read_text()))
    except (OSError, ValueError, TypeError):
        return None
    if schemas(store, [row[0] for row in entry.schema]) != entry.schema:
        return None
    return entry


def save(store: Store, key: str, template: Template) -> bool:
    """Keep ``template`` for the store's vintage; False (nothing written) if it cannot be."""
    try:
        text = json.dumps(asdict(template))
        folder = _folder(store)
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            _prune(folder)
        with replacing(folder / f"{key}.json") as partial:
            partial.write_text(text)
    except (OSError, TypeError, ValueError):
        return False
    return True


#: A vintage's templates unused this long are removed when another vintage's are first kept.
STALE_SECONDS = 30 * 24 * 3600


def _prune(current: Path) -> None:
    """Remove the folders of other vintages not touched for :data:`STALE_SECONDS` (a home
    may serve several stores, so recent ones stay)."""
    import shutil
    import time

    for folder in current.parent.iterdir():
        try:
            if folder != current and folder.is_dir() and \
                    time.time() - folder.stat().st_mtime > STALE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def run(store: Store, template: Template, values: Mapping[str, Any]) -> Rows:
    """The template's rows for ``values``, fetched as tuples on the store's connection."""
    rows = store.con.execute(template.sql(values)).fetchall()
    return Rows(list(template.columns), list(template.numeric), rows)


def arrow(store: Store, template: Template, values: Mapping[str, Any]) -> Any:
    """The template's rows for ``values`` as a pyarrow Table (as Ibis fetches a result)."""
    return store.con.sql(template.sql(values)).to_arrow_table()


def remember(store: Store, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``'s JSON-ready value, computed once per store vintage and code version."""
    path = _folder(store) / f"{template_key(name, {'value': True})}.value.json"
    try:
        return json.loads(path.read_text())["value"]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    value = compute()
    try:
        if not path.parent.is_dir():
            path.parent.mkdir(parents=True, exist_ok=True)
            _prune(path.parent)
        with replacing(path) as partial:
            partial.write_text(json.dumps({"value": value}))
    except (OSError, TypeError, ValueError):
        pass
    return json.loads(json.dumps(value))
