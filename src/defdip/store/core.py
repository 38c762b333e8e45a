"""The :class:`Store`: connections, migrations, atomic table replacement, provenance."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from defdip.errors import DefdipError, NoStore, NotLoaded
from defdip.paths import default_store_path
from defdip.store.compiled_panels import CompiledPanelQueries
from defdip.store.migrations import MIGRATIONS

if TYPE_CHECKING:  # frames come from DuckDB (.df()); a job that writes files needs no pandas
    import pandas as pd

    from defdip.countries import Vocabulary
    from defdip.store.scope import Scope

__all__ = ["LoadResult", "Store", "open_store"]

@dataclass(frozen=True)
class LoadResult:
    source: str
    status: str  # "loaded" or "unchanged"
    rows: int
    tables: dict[str, int]
    seconds: float


class Store(CompiledPanelQueries):
    """One DuckDB file (or ``:memory:``) with defdip's tables and their provenance."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False,
                 scope: Scope | None = None) -> None:
        self.path = Path(path) if path not in (None, ":memory:") else path
        if self.path is None:
            self.path = default_store_path()
        self.read_only = read_only
        #: Who reads (``defdip.store.scope``): the record is narrowed to what they may see.
        self.scope = scope
        self._con: duckdb.DuckDBPyConnection | None = None
        self._vocabulary: Vocabulary | None = None
        self._atomic = False
        self._tables: list[str] | None = None
        self._ibis: Any = None
        #: Ibis tables by name, kept for a read-only store (its tables cannot change)
        self.ibis_tables: dict[str, Any] | None = {} if read_only else None
        #: and the answers of small reads by expression (``queries.tables.Tables.rows``)
        self.ibis_answers: dict[Any, Any] | None = {} if read_only else None

    # ---- connection ----------------------------------------------------------------------
    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            if isinstance(self.path, Path):
                if self.read_only and not self.path.is_file():
                    raise NoStore(self.path)
                self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._con = _connect(str(self.path), self.read_only)
            except duckdb.Error as exc:
                raise DefdipError(f"Cannot open the store at {self.path}: {exc}. Close other "
                                  "defdip processes or point $DEFDIP_HOME elsewhere.") from exc
            if not self.read_only:
                self.migrate()
            if self.scope is not None:  # a server's reads: no progress bars on its output
                self._con.execute("SET enable_progress_bar = false")
                try:
                    self.scope.install(self._con)
                except BaseException:
                    self.close()
                    raise
        return self._con

    def close(self) -> None:
        self._tables = None
        self._ibis = None
        if self.read_only:
            self.ibis_tables, self.ibis_answers = {}, {}
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
            # an interrupted query has already aborted the transaction: nothing to roll back
            with contextlib.suppress(duckdb.TransactionException):
                con.execute("ROLLBACK")
            raise
        finally:
            self._atomic = False

    def ibis(self) -> Any:
        """An Ibis backend over this store's connection (for portable relational code); one
        per open connection."""
        if self._ibis is None:
            import ibis

            self._ibis = ibis.duckdb.from_connection(self.con)
        return self._ibis

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
        if self._tables is not None:
            return self._tables
        rows = self.con.execute("SELECT DISTINCT table_name FROM information_schema.tables "
                                "WHERE table_schema = 'main' ORDER BY 1").fetchall()
        names = [r[0] for r in rows]
        if self.read_only:  # a read-only session's tables cannot change under it
            self._tables = names
        return names

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
        """One row per loaded source (the store's own internal rows, named ``_…``, left out)."""
        return self.sql("SELECT * FROM _sources WHERE NOT starts_with(name, '_') ORDER BY name")

    def vintage(self) -> str:
        """A short digest of what the store holds: each source's fingerprint and load time,
        each table's row count and the record's writes. Two stores (or one store at two
        moments) with the same vintage give the same answers; a load, a record build or an
        entered record (even one replacing a record of the same id) changes it. A scoped
        store (``defdip.store.scope``) adds what its reader is shown, so two readers who see
        different records never share a vintage."""
        stored = self.stored_vintage()
        if self.scope is None:
            return stored
        self.con  # noqa: B018 - installs the scope
        return hashlib.sha256(f"{stored}|{self.scope.key()}".encode()).hexdigest()[:16]

    def stored_vintage(self) -> str:
        """The vintage of what the file holds, whoever reads it."""
        if not self.has("_sources"):
            return "empty"
        parts = self.rows("SELECT name, fingerprint, CAST(loaded_at AS VARCHAR) AS at "
                          "FROM _sources ORDER BY name")
        parts += self.rows("SELECT name, rows FROM _tables ORDER BY name")
        if self.has("_record_writes"):  # a record replaced in place keeps the row counts
            parts += self.rows("SELECT count(*) AS writes, CAST(max(written_at) AS VARCHAR) "
                               "AS last FROM _record_writes")
        return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]

    def rows(self, query: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
        """A query's rows as dicts, without pandas (for the fast, everyday commands)."""
        cursor = self.con.execute(query, params) if params else self.con.execute(query)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def vocabulary(self) -> Vocabulary:
        """The country vocabulary the loaded data were parsed with, rebuilt from the reference
        rows the load kept in the store: no mirror, no network, no cache file to trust."""
        if self._vocabulary is None:
            from defdip.countries import build_vocabulary

            missing = [t for t in VOCABULARY_TABLES.values() if not self.has(t)]
            if missing:
                raise NotLoaded(missing[0])  # a store loaded before the vocabulary was kept
            key = (str(self.path), self.stored_vintage())
            if key not in _VOCABULARIES:  # one build per store and vintage in a process
                _VOCABULARIES.clear()
                _VOCABULARIES[key] = build_vocabulary(
                    self.rows(f'SELECT * FROM "{VOCABULARY_TABLES["codelist"]}"'),
                    self.rows(f'SELECT * FROM "{VOCABULARY_TABLES["cow_states"]}"'))
            self._vocabulary = _VOCABULARIES[key]
        return self._vocabulary

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

    def replace_records(self, engagements: pd.DataFrame, actors: pd.DataFrame
                        ) -> dict[str, int]:
        """Replace every derived and curated record (entered records stay), all or nothing."""
        return self._write_records(engagements, actors, "origin <> 'entered'", [])

    def upsert_records(self, engagements: pd.DataFrame, actors: pd.DataFrame
                       ) -> dict[str, int]:
        """Insert these records, replacing stored ones with the same id, all or nothing."""
        return self._write_records(engagements, actors, "list_contains(?, id)",
                                   [list(engagements["id"])])

    def _write_records(self, engagements: pd.DataFrame, actors: pd.DataFrame, where: str,
                       params: list[Any]) -> dict[str, int]:
        from defdip.store.migrations import RECORD_TABLES

        con = self.con
        with self.atomic():
            con.execute("DELETE FROM engagement_actors WHERE engagement_id IN "
                        f"(SELECT id FROM engagements WHERE {where})", params)
            con.execute(f"DELETE FROM engagements WHERE {where}", params)
            for table, frame in (("engagements", engagements), ("engagement_actors", actors)):
                columns = RECORD_TABLES[table][1]
                con.register("_incoming", frame[list(columns)])
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
                con.unregister("_incoming")
            counts = {}
            for table, (description, columns) in RECORD_TABLES.items():
                counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                con.execute("INSERT OR REPLACE INTO _tables VALUES (?, ?, ?, ?, ?)",
                            [table, "engagements", description, counts[table],
                             json.dumps(list(columns))])
            con.execute("INSERT INTO _record_writes VALUES (?, ?)",
                        [datetime.now(UTC).replace(tzinfo=None), len(engagements)])
        return counts

    def replace_tables_from_queries(self, queries: Mapping[str, str], *, owner: str,
                                    descriptions: Mapping[str, str] | None = None
                                    ) -> dict[str, int]:
        """Replace tables with the rows of queries over this store, all in one transaction.

        DuckDB computes each table where the data are (``CREATE TABLE … AS``), in the query's
        row order, without a copy through Python: for derived tables of millions of rows.
        """
        con = self.con
        counts: dict[str, int] = {}
        with self.atomic():
            for name, query in queries.items():
                con.execute(f'CREATE OR REPLACE TABLE "{name}" AS {query}')
                counts[name] = int(con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
                types = con.execute("SELECT column_name, data_type FROM information_schema."
                                    "columns WHERE table_name = ? AND table_schema = "
                                    "current_schema() ORDER BY ordinal_position",
                                    [name]).fetchall()
                con.execute("INSERT OR REPLACE INTO _tables VALUES (?, ?, ?, ?, ?)",
                            [name, owner, (descriptions or {}).get(name, ""), counts[name],
                             json.dumps(dict(types))])
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
        from defdip.store.loading import load_source

        return load_source(self, name, mirror=mirror, transport=transport, force=force,
                           vocab=vocab, accept_shrink=accept_shrink, on_step=on_step)

    def ensure_vocabulary(self) -> Vocabulary:
        """The stored vocabulary; a store that holds none yet (``record add`` before any load)
        keeps one from the mirror or the reference-file cache first."""
        if not self.has(VOCABULARY_TABLES["codelist"]):
            self.keep_vocabulary()
        return self.vocabulary()

    def keep_vocabulary(self, mirror: Path | None = None) -> None:
        """Store the vocabulary's reference rows (once, and again when they change), so every
        reading command rebuilds the same vocabulary from the store alone. Loads call it; a
        write into a store that holds no loaded source (``record add`` first) calls it too."""
        import pandas as pd

        from defdip.countries import load_reference_rows

        rows = load_reference_rows(mirror)
        digest = hashlib.sha256(json.dumps(rows, sort_keys=True, default=str).encode()
                                ).hexdigest()
        if self.has("_vocabulary_codelist") and self.fingerprint_of("_vocabulary") == digest:
            return
        frames = {VOCABULARY_TABLES[key]: pd.DataFrame(value) for key, value in rows.items()}
        frames[VOCABULARY_TABLES["codelist"]] = frames[VOCABULARY_TABLES["codelist"]].astype(
            "string")
        self.replace_tables(frames, owner="_vocabulary", provenance={
            "name": "_vocabulary", "title": "the country vocabulary's reference rows",
            "fingerprint": digest, "loaded_at": datetime.now(UTC).replace(tzinfo=None)})
        self._vocabulary = None


def _connect(path: str, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open ``path``. DuckDB shares one database per file within a process and refuses a
    read-only connection beside a read-write one *in the same process* (a library user who
    wrote a store and then runs a reading command on it, as the tests do); such a reader
    joins the process's database instead. Across processes read-only stands (no file lock
    is taken for writing)."""
    try:
        con = duckdb.connect(path, read_only=read_only)
    except duckdb.ConnectionException as exc:
        if not read_only or "different configuration" not in str(exc):
            raise
        con = duckdb.connect(path)
    con.execute("SET enable_progress_bar = false")  # a command's output is its answer alone
    return con


_VOCABULARIES: dict[tuple[str, str], Vocabulary] = {}
#: The sources whose raw files are the vocabulary's reference files: loading them refreshes
#: the stored reference rows.
VOCABULARY_SOURCES = ("country_codes", "cow_states")
#: The tables that keep the vocabulary's reference rows, by reference-file key.
VOCABULARY_TABLES = {"codelist": "_vocabulary_codelist", "cow_states": "_vocabulary_cow_states"}


def open_store(path: Path | str | None = None, *, read_only: bool = False) -> Store:
    """Open the store at ``path`` (default ``$DEFDIP_HOME/defdip.duckdb``)."""
    return Store(path, read_only=read_only)
