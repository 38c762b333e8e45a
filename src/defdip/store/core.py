"""The :class:`Store`: connections, migrations, atomic table replacement, provenance."""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import duckdb

from defdip.errors import DefdipError, NotLoaded
from defdip.paths import default_store_path
from defdip.store.migrations import MIGRATIONS

if TYPE_CHECKING:  # frames come from DuckDB (.df()); a job that writes files needs no pandas
    import pandas as pd

__all__ = ["LoadResult", "Store", "open_store"]

PARSER_VERSION = "1"


def parser_fingerprint(module: Any) -> str:
    """A digest of the code that turns raw files into tables: the source module, every defdip
    module it draws on (shared helpers such as ``_base``, ``_checks`` and ``_peacesciencer``,
    another source it reuses, the country vocabulary), and the alias files. A change to any
    of them means a reload."""
    import inspect

    from defdip.countries import alias_files

    digest = hashlib.sha256(PARSER_VERSION.encode())
    for part in _defdip_dependencies(module):
        digest.update(part.__name__.encode())
        digest.update(inspect.getsource(part).encode())
    for item in alias_files():
        digest.update(item.read_bytes())
    return digest.hexdigest()


def _defdip_dependencies(module: ModuleType) -> list[ModuleType]:
    """``module`` and the ``defdip.*`` modules it reaches through its globals (modules,
    functions, classes and instances it imported), transitively, sorted by name."""
    seen: dict[str, ModuleType] = {}
    todo = [module]
    while todo:
        current = todo.pop()
        if current.__name__ in seen:
            continue
        seen[current.__name__] = current
        for value in vars(current).values():
            name = value.__name__ if isinstance(value, ModuleType) else \
                getattr(value, "__module__", None)
            if isinstance(name, str) and name.startswith("defdip.") and name not in seen \
                    and name in sys.modules:
                todo.append(sys.modules[name])
    return [seen[name] for name in sorted(seen)]


@dataclass(frozen=True)
class LoadResult:
    source: str
    status: str  # "loaded" or "unchanged"
    rows: int
    tables: dict[str, int]
    seconds: float


class Store:
    """One DuckDB file (or ``:memory:``) with defdip's tables and their provenance."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path not in (None, ":memory:") else path
        if self.path is None:
            self.path = default_store_path()
        self.read_only = read_only
        self._con: duckdb.DuckDBPyConnection | None = None
        self._atomic = False

    # ---- connection ----------------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            if isinstance(self.path, Path):
                if self.read_only and not self.path.exists():
                    raise NotLoaded("(any)")
                self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._con = duckdb.connect(str(self.path), read_only=self.read_only)
            except duckdb.Error as exc:
                raise DefdipError(f"Cannot open the store at {self.path}: {exc}. Close other "
                                  "defdip processes or point $DEFDIP_HOME elsewhere.") from exc
            if not self.read_only:
                self.migrate()
        return self._con

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[Store]:
        """One transaction around every write in the block (loads, the record, the measures):
        they are committed together or, if anything fails or is interrupted, not at all.
        Writes inside the block join it instead of committing on their own."""
        if self._atomic:
            yield self
            return
        con = self.con
        con.execute("BEGIN TRANSACTION")
        self._atomic = True
        try:
            yield self
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            self._atomic = False

    def ibis(self) -> Any:
        """An Ibis backend over this store's connection (for portable relational code)."""
        import ibis

        return ibis.duckdb.from_connection(self.con)

    # ---- schema --------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply every migration not yet recorded; return the numbers applied."""
        con = self._con
        assert con is not None
        con.execute("CREATE TABLE IF NOT EXISTS _migrations (number INTEGER PRIMARY KEY, "
                    "description VARCHAR, applied_at TIMESTAMP)")
        done = {row[0] for row in con.execute("SELECT number FROM _migrations").fetchall()}
        applied = []
        for number, description, sql in MIGRATIONS:
            if number in done:
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(sql)
                con.execute("INSERT INTO _migrations VALUES (?, ?, ?)",
                            [number, description, datetime.now(UTC).replace(tzinfo=None)])
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
            applied.append(number)
        return applied

    # ---- reading -------------------------------------------------------------------------
    def tables(self) -> list[str]:
        rows = self.con.execute("SELECT table_name FROM information_schema.tables "
                                "WHERE table_schema = 'main' ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def has(self, table: str) -> bool:
        return table in self.tables()

    def table(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """A whole table as a DataFrame; :class:`NotLoaded` names the source to load."""
        self.require(name)
        cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
        return self.con.execute(f'SELECT {cols} FROM "{name}"').df()

    def require(self, *names: str) -> None:
        present = set(self.tables())
        for name in names:
            if name not in present:
                raise NotLoaded(name, self.owner_hint(name))

    def owner_hint(self, table: str) -> str | None:
        from defdip import sources

        for source in sources.all_sources().values():
            if table in source.INFO.tables:
                return source.INFO.name
        return None

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(query, params or []).df()

    def provenance(self) -> pd.DataFrame:
        return self.sql("SELECT * FROM _sources ORDER BY name")

    # ---- writing -------------------------------------------------------------------------
    def replace_tables(self, tables: Mapping[str, pd.DataFrame], *, owner: str,
                       descriptions: Mapping[str, str] | None = None,
                       provenance: Mapping[str, Any] | None = None) -> dict[str, int]:
        """Replace ``tables`` and record them, all in one transaction (all or nothing)."""
        con = self.con
        counts: dict[str, int] = {}
        with self.atomic():
            for name, frame in tables.items():
                con.register("_incoming", frame)
                con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
                con.unregister("_incoming")
                counts[name] = len(frame)
                columns = json.dumps({c: str(t) for c, t in frame.dtypes.items()})
                con.execute("INSERT OR REPLACE INTO _tables VALUES (?, ?, ?, ?, ?)",
                            [name, owner, (descriptions or {}).get(name, ""), len(frame),
                             columns])
            if provenance is not None:
                record = dict(provenance)
                record["rows"] = sum(counts.values())
                placeholders = ", ".join("?" for _ in record)
                con.execute(f"INSERT OR REPLACE INTO _sources ({', '.join(record)}) "
                            f"VALUES ({placeholders})", list(record.values()))
        return counts

    def fingerprint_of(self, source: str) -> str | None:
        row = self.con.execute("SELECT fingerprint FROM _sources WHERE name = ?",
                               [source]).fetchone()
        return row[0] if row else None

    def load_source(self, name: str, *, mirror: Path | None = None, transport: Any = None,
                    force: bool = False, vocab: Any = None, accept_shrink: bool = False,
                    on_step: Callable[[str], None] | None = None) -> LoadResult:
        """Fetch, parse and store one source atomically; skip it when nothing changed.

        A file that is not whole (:func:`defdip.sources.parse_whole`) is refused and the
        stored tables stay; ``accept_shrink`` lets a deliberately smaller vintage replace
        a larger one."""
        import time

        from defdip import sources
        from defdip.countries import load_vocabulary

        start = time.perf_counter()
        module = sources.get(name)
        info = module.INFO
        step = on_step or (lambda _m: None)
        step(f"fetching {name}")
        fetched = module.fetch(mirror=mirror, transport=transport)
        digest = hashlib.sha256(parser_fingerprint(module).encode())
        for key in sorted(fetched):
            digest.update(f"{key}:{fetched[key].sha256}".encode())
        fingerprint = digest.hexdigest()
        if not force and self.fingerprint_of(name) == fingerprint and all(
                self.has(t) for t in info.tables):
            counts = {t: int(self.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                      for t in info.tables}
            return LoadResult(name, "unchanged", sum(counts.values()), counts,
                              time.perf_counter() - start)
        step(f"parsing {name}")
        vocab = vocab if vocab is not None else load_vocabulary(mirror)
        previous = dict(self.con.execute("SELECT name, rows FROM _tables WHERE source = ?",
                                         [name]).fetchall())
        tables = sources.parse_whole(module, {k: f.path for k, f in fetched.items()}, vocab,
                                     previous=previous, accept_shrink=accept_shrink)
        unexpected = set(tables) ^ set(info.tables)
        if unexpected:
            raise DefdipError(f"source {name!r} produced tables {sorted(tables)} but declares "
                              f"{sorted(info.tables)}; fix its INFO.tables.")
        step(f"storing {name}")
        provenance = {
            "name": info.name, "title": info.title, "publisher": info.publisher,
            "version": info.version, "coverage": info.coverage, "url": info.url,
            "licence": info.licence, "citation": info.citation,
            "transformations": "; ".join(info.transformations),
            "files": json.dumps([{"key": f.key, "origin": f.origin, "sha256": f.sha256,
                                  "retrieved": f.retrieved} for f in fetched.values()]),
            "fingerprint": fingerprint,
            "loaded_at": datetime.now(UTC).replace(tzinfo=None),
        }
        counts = self.replace_tables(tables, owner=name, descriptions=info.tables,
                                     provenance=provenance)
        return LoadResult(name, "loaded", sum(counts.values()), counts,
                          time.perf_counter() - start)


def open_store(path: Path | str | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``path`` (default ``$DEFDIP_HOME/defdip.duckdb``)."""
    return Store(path, read_only=read_only)
