"""Writing the entered record in PostgreSQL: create, update, delete (soft), restore, approve —
each one version more — and reading a record, its history and what it said on a date.

Every write names the version it was based on and changes the row only ``WHERE version =``
that one: of two editors who read version 3, the first makes version 4 and the second gets
:class:`~defdip.errors.StaleVersion` with version 4 in hand (HTTP 412), so no write is lost
silently. PostgreSQL itself keeps the rest (``pg_schema``, migration 4): the actors table, a
new row of ``engagement_versions`` closing the last one, an audit row, the writer's role on a
desk that covers the record, and — through row-level security — that the writer's nation
owns the record and the writer may see it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from defdip.errors import DefdipError, Forbidden, RecordExists, RecordNotFound, StaleVersion
from defdip.store.markings import Principal
from defdip.store.migrations import RECORD_TABLES

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import pandas as pd
    import psycopg

__all__ = ["WRITABLE", "RecordsMixin"]

#: The columns a write sets (besides ``actors``); id, origin and the workflow columns are
#: the database's to keep.
WRITABLE: tuple[str, ...] = tuple(c for c in RECORD_TABLES["engagements"][1]
                                  if c not in ("id", "origin"))
_TABLE = "defdip.engagements"


class RecordsMixin:
    """Record writes and reads of :class:`~defdip.store.postgres.PostgresStore`."""

    principal: Principal

    def transaction(self, principal: Principal | None = None, *, read_only: bool = False
                    ) -> AbstractContextManager[psycopg.Connection]:
        raise NotImplementedError

    # ---- writes --------------------------------------------------------------------------
    def create_record(self, record_id: str, record: Mapping[str, Any],
                      actors: Sequence[Mapping[str, Any]], *,
                      principal: Principal | None = None) -> dict[str, Any]:
        """Insert a new record (a draft, version 1). :class:`RecordExists` if a record of the
        same kind and natural key that the writer may see is stored."""
        from psycopg.types.json import Jsonb

        who = principal or self.principal
        with self.transaction(who) as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                         [f"{record['kind']}|{record['natural_key']}"])
            same = conn.execute(f"SELECT id FROM {_TABLE} WHERE kind = %s AND natural_key = %s "
                                "AND deleted_at IS NULL", [record["kind"], record["natural_key"]]
                                ).fetchone()
            if same is not None:
                raise RecordExists(same[0])
            columns = ["id", *WRITABLE, "actors"]
            values = [record_id, *(record.get(c) for c in WRITABLE), Jsonb(list(actors))]
            conn.execute(f"INSERT INTO {_TABLE} ({', '.join(_quoted(columns))}) VALUES "
                         f"({', '.join(['%s'] * len(columns))})", values)
            return _current(conn, record_id)

    def update_record(self, record_id: str, expected: int, record: Mapping[str, Any],
                      actors: Sequence[Mapping[str, Any]], *,
                      principal: Principal | None = None) -> dict[str, Any]:
        """Replace what the record says (it becomes a draft again), if it is still at
        version ``expected``."""
        from psycopg.types.json import Jsonb

        sets = ", ".join(f"{c} = %s" for c in _quoted([*WRITABLE, "actors"]))
        values = [*(record.get(c) for c in WRITABLE), Jsonb(list(actors))]
        return self._transition(record_id, expected, sets, values, "deleted_at IS NULL",
                                principal)

    def delete_record(self, record_id: str, expected: int, *,
                      principal: Principal | None = None) -> dict[str, Any]:
        """Mark the record deleted (it leaves every list and figure; it can be restored)."""
        return self._transition(record_id, expected, "deleted_at = now()", [],
                                "deleted_at IS NULL", principal)

    def restore_record(self, record_id: str, expected: int, *,
                       principal: Principal | None = None) -> dict[str, Any]:
        """Undo a deletion."""
        return self._transition(record_id, expected, "deleted_at = NULL", [],
                                "deleted_at IS NOT NULL", principal)

    def approve_record(self, record_id: str, expected: int, *,
                       principal: Principal | None = None) -> dict[str, Any]:
        """Approve a draft (an approver of a desk that covers it): it enters the figures."""
        return self._transition(record_id, expected, "status = 'approved'", [],
                                "status = 'draft' AND deleted_at IS NULL", principal)

    def _transition(self, record_id: str, expected: int, sets: str, values: list[Any],
                    state: str, principal: Principal | None) -> dict[str, Any]:
        who = principal or self.principal
        with self.transaction(who) as conn:
            changed = conn.execute(
                f"UPDATE {_TABLE} SET {sets}, version = version + 1 WHERE id = %s AND "
                f"version = %s AND {state} RETURNING id", [*values, record_id, expected]
            ).fetchone()
            if changed is None:
                _explain(conn, who, record_id, expected, state)
            return _current(conn, record_id)

    def upsert_records(self, engagements: pd.DataFrame, actors: pd.DataFrame, *,
                       principal: Principal | None = None) -> dict[str, Any]:
        """Validated records (``validate_records`` frames) in one transaction: each updates
        the record of the same kind and natural key the writer may see, or becomes a new
        draft with a random id. All or nothing."""
        import secrets

        from psycopg.types.json import Jsonb

        from defdip.plain import plain

        who = principal or self.principal
        grouped: dict[str, list[dict[str, Any]]] = {}
        for actor in actors.itertuples(index=False):
            grouped.setdefault(actor.engagement_id, []).append(
                {"iso3": actor.iso3, "ccode": plain(actor.ccode), "label": plain(actor.label),
                 "role": actor.role})
        added, updated, ids = 0, 0, []
        with self.transaction(who) as conn:
            for record in engagements.to_dict("records"):
                row = {c: _value(c, record[c]) for c in WRITABLE}
                people = Jsonb(grouped.get(record["id"], []))
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                             [f"{row['kind']}|{row['natural_key']}"])
                same = conn.execute(f"SELECT id, version FROM {_TABLE} WHERE kind = %s AND "
                                    "natural_key = %s AND deleted_at IS NULL FOR UPDATE",
                                    [row["kind"], row["natural_key"]]).fetchone()
                if same is None:
                    record_id = secrets.token_hex(8)
                    columns = ["id", *WRITABLE, "actors"]
                    conn.execute(f"INSERT INTO {_TABLE} ({', '.join(_quoted(columns))}) "
                                 f"VALUES ({', '.join(['%s'] * len(columns))})",
                                 [record_id, *row.values(), people])
                    added += 1
                else:
                    record_id = same[0]
                    sets = ", ".join(f"{c} = %s" for c in _quoted([*WRITABLE, "actors"]))
                    done = conn.execute(f"UPDATE {_TABLE} SET {sets}, version = version + 1 "
                                        "WHERE id = %s", [*row.values(), people, record_id])
                    if done.rowcount != 1:
                        _explain(conn, who, record_id, same[1], "deleted_at IS NULL")
                    updated += 1
                ids.append(record_id)
        return {"records": len(ids), "added": added, "updated": updated, "ids": ids}

    # ---- reads ---------------------------------------------------------------------------
    def get_record(self, record_id: str, *, principal: Principal | None = None
                   ) -> dict[str, Any]:
        """The record as it is now (deleted ones included, flagged), if the reader may see
        it; :class:`RecordNotFound` otherwise."""
        with self.transaction(principal, read_only=True) as conn:
            return _current(conn, record_id)

    def find_record(self, kind: str, natural_key: str, *,
                    principal: Principal | None = None) -> dict[str, Any] | None:
        """The undeleted record of that kind and natural key the reader may see, if any."""
        with self.transaction(principal, read_only=True) as conn:
            row = conn.execute(f"SELECT id FROM {_TABLE} WHERE kind = %s AND natural_key = %s "
                               "AND deleted_at IS NULL", [kind, natural_key]).fetchone()
            return _current(conn, row[0]) if row else None

    def record_history(self, record_id: str, *, principal: Principal | None = None
                       ) -> list[dict[str, Any]]:
        """Every version of the record the reader may see (each under its own marking),
        oldest first, with when it was written and by whom."""
        with self.transaction(principal, read_only=True) as conn:
            rows = _dicts(conn, "SELECT v.version, v.valid_from, v.valid_to, v.status, "
                          "v.deleted, v.written_by, u.name AS written_by_name, v.record "
                          "FROM defdip.engagement_versions v LEFT JOIN defdip.users u "
                          "ON u.id = v.written_by WHERE v.id = %s ORDER BY v.version",
                          [record_id])
        if not rows:
            raise RecordNotFound(record_id)
        return rows

    def record_as_of(self, record_id: str, when: datetime, *,
                     principal: Principal | None = None) -> dict[str, Any]:
        """What the record said at ``when`` (the version valid then)."""
        with self.transaction(principal, read_only=True) as conn:
            rows = _dicts(conn, "SELECT version, valid_from, valid_to, status, deleted, record "
                          "FROM defdip.engagement_versions WHERE id = %s AND valid_from <= %s "
                          "AND (valid_to IS NULL OR valid_to > %s)",
                          [record_id, when, when])
        if not rows:
            raise RecordNotFound(record_id)
        return rows[0]

    def record_rows(self, *, status: str | None = None, include_deleted: bool = False,
                    principal: Principal | None = None) -> list[dict[str, Any]]:
        """Entered records the reader may see, whatever their state (the workflow's lists:
        drafts to approve, the deleted to restore)."""
        where = ["true"]
        params: list[Any] = []
        if status is not None:
            where.append("status = %s")
            params.append(status)
        if not include_deleted:
            where.append("deleted_at IS NULL")
        with self.transaction(principal, read_only=True) as conn:
            return _dicts(conn, f"SELECT * FROM {_TABLE} WHERE {' AND '.join(where)} "
                          "ORDER BY start NULLS LAST, id", params)


def _value(column: str, value: Any) -> Any:
    """A validated frame's cell as PostgreSQL takes it (dates as dates, NA as NULL)."""
    from defdip.plain import plain

    if column == "releasable_to":
        return list(value)
    if column in ("start", "end", "retrieved"):
        return None if value is None or value != value else value.date()
    return plain(value)


def _quoted(columns: Sequence[str]) -> list[str]:
    return [f'"{c}"' for c in columns]


def _dicts(conn: psycopg.Connection, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    from psycopg.rows import dict_row

    with conn.cursor(row_factory=dict_row) as cursor:
        return list(cursor.execute(query, params).fetchall())  # type: ignore[arg-type]


def _current(conn: psycopg.Connection, record_id: str) -> dict[str, Any]:
    rows = _dicts(conn, f"SELECT * FROM {_TABLE} WHERE id = %s", [record_id])
    if not rows:
        raise RecordNotFound(record_id)
    return rows[0]


def _explain(conn: psycopg.Connection, who: Principal, record_id: str, expected: int,
             state: str) -> None:
    """Why a write changed no row: not visible, stale, another nation's, or wrong state."""
    current = _current(conn, record_id)
    if current["version"] != expected:
        raise StaleVersion(record_id, expected, current)
    if current["owner_nation"] != who.nationality:
        raise Forbidden(f"Record {record_id!r} is owned by {current['owner_nation']!r}; only "
                        "users of its owner nation change it.")
    wanted = {"deleted_at IS NULL": "it is deleted: restore it first",
              "deleted_at IS NOT NULL": "it is not deleted",
              "status = 'draft' AND deleted_at IS NULL": "it is not a draft awaiting approval"}
    raise DefdipError(f"Record {record_id!r} cannot be changed so: "
                      f"{wanted.get(state, 'its state does not allow it')}.")
