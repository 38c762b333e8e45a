"""What one reader may see: the engagement record narrowed to a principal, at the connection.

A :class:`Scope` is installed on a DuckDB connection when a :class:`~defdip.store.Store` opens
(``Store(path, read_only=True, scope=...)``). It defines two temporary views, ``engagements``
and ``engagement_actors``, that shadow the stored tables of the same names for that
connection only. Every read — the Ibis query layer, the panels, the measures, the brief's SQL,
an export — names those tables unqualified and so reads the views: no face and no query can
forget the rule, because no reader of a scoped connection can reach the unfiltered tables by
name (they are only reachable fully qualified as ``<database>.main.engagements``, which no
code above the store writes; ``tests/test_access_rule.py`` checks).

The views hold:

- the stored records (derived, curated, and — in the embedded DuckDB mode — entered) that the
  rule of :mod:`defdip.store.markings` lets the principal see, compiled from its Ibis form;
- in PostgreSQL mode, the approved, undeleted entered records PostgreSQL returns to the
  principal (row-level security decides there), copied into temporary tables. An entered
  record replaces a stored one with the same id.

The scope's :meth:`Scope.key` joins the store's vintage, so a cache or an ETag made for one
principal never serves another who sees different records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from defdip.errors import DefdipError
from defdip.store.markings import Principal, visible

__all__ = ["EnteredRecords", "RecordSource", "Scope", "hides_records"]

_ENTERED = "_scope_entered"
_ENTERED_ACTORS = "_scope_entered_actors"
_VISIBLE = "_scope_visible_stored"


@dataclass(frozen=True)
class EnteredRecords:
    """The entered records a principal may see (Arrow tables with the model's columns) and a
    digest of their ids and versions."""

    engagements: Any
    actors: Any
    digest: str


class RecordSource(Protocol):
    """Where entered records live outside the DuckDB file (the PostgreSQL record store)."""

    def visible_records(self, principal: Principal) -> EnteredRecords: ...


@dataclass
class Scope:
    """A principal, and (PostgreSQL mode) the record store that holds the entered records."""

    principal: Principal
    record: RecordSource | None = None
    _key: str | None = field(default=None, init=False, repr=False)

    def key(self) -> str:
        """Who reads (what decides visibility) and which entered records they were shown."""
        if self._key is None:
            raise DefdipError("The scope is not installed yet: open the store first.")
        return self._key

    def install(self, con: Any) -> None:
        """Define the temporary views on ``con`` (one DuckDB connection)."""
        database = con.execute("SELECT current_database()").fetchone()[0]
        stored = _stored_columns(con, database)
        entered = self.record.visible_records(self.principal) if self.record else None
        if entered is not None:
            _materialise(con, entered, stored or _ENTERED_TYPES)
        if stored is not None:
            rule = _compiled_rule(con, database, self.principal, tuple(stored))
            skip = f" WHERE id NOT IN (SELECT id FROM {_ENTERED})" if entered else ""
            con.execute(f"CREATE OR REPLACE TEMP VIEW {_VISIBLE} AS "
                        f"SELECT * FROM ({rule}){skip}")
            records = f"SELECT * FROM {_VISIBLE}"
            actors = (f'SELECT a.* FROM "{database}".main.engagement_actors a '
                      f"WHERE a.engagement_id IN (SELECT id FROM {_VISIBLE})")
        if entered is not None:
            more = f"SELECT * FROM {_ENTERED}"
            more_actors = f"SELECT * FROM {_ENTERED_ACTORS}"
            records = more if stored is None else f"{records} UNION ALL BY NAME {more}"
            actors = more_actors if stored is None else \
                f"{actors} UNION ALL BY NAME {more_actors}"
        elif stored is None:
            raise DefdipError("The store holds no engagement record to read (no "
                              "`engagements` table): run `defdip record build` first.")
        con.execute(f"CREATE OR REPLACE TEMP VIEW engagements AS {records}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW engagement_actors AS {actors}")
        digest = entered.digest if entered is not None else "-"
        self._key = hashlib.sha256(f"{self.principal.key()}|{digest}".encode()).hexdigest()[:16]


#: The stored types of the record's columns (migrations 2 and 3), for a scope over a store
#: that has no ``engagements`` table of its own (PostgreSQL mode, no DuckDB store yet).
_ENTERED_TYPES: dict[str, str] = {
    "id": "VARCHAR", "kind": "VARCHAR", "subtype": "VARCHAR", "name": "VARCHAR",
    "series": "VARCHAR", "start": "DATE", "start_precision": "VARCHAR", "end": "DATE",
    "end_precision": "VARCHAR", "domain": "VARCHAR", "location": "VARCHAR",
    "personnel": "BIGINT", "units": "BIGINT", "tiv": "DOUBLE", "countries": "BIGINT",
    "legal_basis": "VARCHAR", "source": "VARCHAR", "citation": "VARCHAR", "url": "VARCHAR",
    "retrieved": "DATE", "confidence": "VARCHAR", "conflict": "JSON", "notes": "VARCHAR",
    "origin": "VARCHAR", "natural_key": "VARCHAR", "classification": "VARCHAR",
    "owner_nation": "VARCHAR", "releasable_to": "VARCHAR[]",
}


def _materialise(con: Any, entered: EnteredRecords, columns: dict[str, str]) -> None:
    """Copy the entered rows into temporary tables of the stored types (DuckDB cannot push
    every join filter into a scan of a registered Arrow table)."""
    typed = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in columns.items())
    for name, table, select in (
            (_ENTERED, entered.engagements, typed),
            (_ENTERED_ACTORS, entered.actors,
             "engagement_id, iso3, CAST(ccode AS BIGINT) AS ccode, label, role")):
        con.register("_scope_arrow", table)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT {select} "
                        "FROM _scope_arrow")
        finally:
            con.unregister("_scope_arrow")


def _stored_columns(con: Any, database: str) -> dict[str, str] | None:
    """The stored ``engagements`` columns and types (None: the store has no such table);
    a store from before markings must be migrated first."""
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = ? "
        "AND table_schema = 'main' AND table_name = 'engagements' ORDER BY ordinal_position",
        [database]).fetchall()
    if not rows:
        return None
    columns = dict(rows)
    if "classification" not in columns:
        raise DefdipError("The store predates releasability markings, so no reader can be "
                          "scoped to what they may see. Open it once for writing (e.g. "
                          "`defdip record build`) to migrate it.")
    return columns


_RULES: dict[tuple[str, str, tuple[str, ...]], str] = {}


def _compiled_rule(con: Any, database: str, principal: Principal,
                   columns: tuple[str, ...] = ()) -> str:
    """The stored records the principal may see, as DuckDB SQL compiled from the Ibis rule
    (once per database, visibility class and column set in a process)."""
    key = (database, principal.key(), columns)
    if key not in _RULES:
        import ibis

        backend = ibis.duckdb.from_connection(con)
        table = backend.table("engagements", database=(database, "main"))
        if len(_RULES) > 256:
            _RULES.clear()
        _RULES[key] = str(backend.compile(table.filter(visible(table, principal))))
    return _RULES[key]


def hides_records(store: Any, who: Principal) -> bool:
    """Whether the file's record holds any record the rule hides from ``who`` (a record
    marked above PUBLIC or not released to ALL, for the anonymous reader). When it holds none,
    narrowing reads to ``who`` changes no answer, and a server may read unscoped (pooled,
    cached); when it holds one, reads must be scoped."""
    if not store.has("engagements"):
        return False
    table = store.ibis().table("engagements")
    if "classification" not in table.columns:
        return False
    return bool(table.filter(~visible(table, who)).count().execute())
