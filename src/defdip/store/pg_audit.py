"""The audit log in PostgreSQL: reading it, and the application's part of writing it.

Every write to a record or an account is logged by a trigger inside the writing transaction
(who, when, what, the row before and after), so a write and its audit row commit together or
not at all. Reads and exports are logged here, by the application, after they ran. The log is
append-only for every role (a trigger refuses UPDATE, DELETE and TRUNCATE); only admins read
it, and each row only if they may see the record as it was before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from defdip.store.markings import Principal

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import psycopg

__all__ = ["ACCESS_ACTIONS", "AuditMixin"]

#: What the application logs itself (the triggers log every write).
ACCESS_ACTIONS: tuple[str, ...] = ("read", "export", "login", "login_failed", "logout")


class AuditMixin:
    """The audit log of :class:`~defdip.store.postgres.PostgresStore`."""

    principal: Principal

    def transaction(self, principal: Principal | None = None, *, read_only: bool = False
                    ) -> AbstractContextManager[psycopg.Connection]:
        raise NotImplementedError

    def log_access(self, action: str, target: str, detail: Mapping[str, Any], *,
                   principal: Principal | None = None) -> None:
        """Log a read, an export or a login (``action`` of :data:`ACCESS_ACTIONS`); a
        ``detail`` naming one record (``id``) files the row under that record."""
        from psycopg.types.json import Jsonb

        who = principal or self.principal
        record_id = detail.get("id") if isinstance(detail.get("id"), str) else None
        with self.transaction(who) as conn:
            conn.execute("INSERT INTO defdip.audit (user_id, user_name, action, target, "
                         "record_id, detail) VALUES (%s, %s, %s, %s, %s, %s)",
                         [who.user_id, who.name if who.user_id is not None else None, action,
                          target, record_id, Jsonb(dict(detail))])

    def audit_rows(self, *, record_id: str | None = None, user: str | None = None,
                   action: str | None = None, since: datetime | None = None, limit: int = 200,
                   principal: Principal | None = None) -> list[dict[str, Any]]:
        """The newest ``limit`` audit rows the reader may see (admins only; rows about records
        they may not see are left out by the database)."""
        from psycopg.rows import dict_row

        where, params = ["true"], []
        for column, value in (("record_id", record_id), ("user_name", user),
                              ("action", action)):
            if value is not None:
                where.append(f"{column} = %s")
                params.append(value)
        if since is not None:
            where.append("at >= %s")
            params.append(since)
        with self.transaction(principal, read_only=True) as conn, \
                conn.cursor(row_factory=dict_row) as cursor:
            return list(cursor.execute(
                "SELECT seq, at, user_id, user_name, action, target, record_id, version, "
                f"before, after, detail FROM defdip.audit WHERE {' AND '.join(where)} "
                "ORDER BY seq DESC LIMIT %s", [*params, limit]).fetchall())
