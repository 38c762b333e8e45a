"""Accounts in PostgreSQL: users (nationality, clearance, groups), desks, role grants, API
tokens and web sessions — the rows only. Password hashing, token making and the checks of who
may manage whom are the service layer's (:mod:`defdip.service.accounts`); every change here is
written to the audit log by a trigger, attributed to the principal the transaction runs as.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from defdip.errors import DefdipError
from defdip.store.markings import Grant, Principal

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    import psycopg

__all__ = ["AccountsMixin"]

_USER_COLUMNS = ("name", "display_name", "nationality", "clearance", "groups", "active",
                 "password_hash")


class AccountsMixin:
    """Account rows of :class:`~defdip.store.postgres.PostgresStore`."""

    principal: Principal

    def transaction(self, principal: Principal | None = None, *, read_only: bool = False
                    ) -> AbstractContextManager[psycopg.Connection]:
        raise NotImplementedError

    # ---- users ---------------------------------------------------------------------------
    def count_users(self) -> int:
        with self.transaction(read_only=True) as conn:
            row = conn.execute("SELECT count(*) FROM defdip.users").fetchone()
            return int(row[0]) if row else 0

    def add_user(self, name: str, *, nationality: str, clearance: str,
                 groups: Sequence[str] = (), password_hash: str | None = None,
                 display_name: str | None = None, principal: Principal | None = None) -> int:
        from psycopg import errors

        with self.transaction(principal) as conn:
            try:
                row = conn.execute(
                    "INSERT INTO defdip.users (name, display_name, nationality, clearance, "
                    "groups, password_hash) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
                    [name, display_name, nationality, clearance, list(groups), password_hash]
                ).fetchone()
            except errors.UniqueViolation:
                raise DefdipError(f"A user named {name!r} exists already; choose another name "
                                  "or change that user with `defdip users set`.") from None
            assert row is not None
            return int(row[0])

    def update_user(self, name: str, *, principal: Principal | None = None,
                    **changes: Any) -> None:
        """Set any of display_name, nationality, clearance, groups, active, password_hash."""
        unknown = set(changes) - set(_USER_COLUMNS)
        if unknown:
            raise DefdipError(f"cannot set {sorted(unknown)!r} on a user")
        if not changes:
            return
        sets = ", ".join(f"{column} = %s" for column in changes)
        with self.transaction(principal) as conn:
            done = conn.execute(f"UPDATE defdip.users SET {sets} WHERE name = %s",
                                [*changes.values(), name])
            if done.rowcount == 0:
                raise _no_user(name)

    def user_row(self, name: str) -> dict[str, Any] | None:
        """A user's row, password hash included (for logging in)."""
        with self.transaction(read_only=True) as conn:
            rows = _dicts(conn, "SELECT * FROM defdip.users WHERE name = %s", [name])
        return rows[0] if rows else None

    def users(self) -> list[dict[str, Any]]:
        """Every user (no hashes) with their grants as 'role@desk'."""
        with self.transaction(read_only=True) as conn:
            return _dicts(conn, """
                SELECT u.id, u.name, u.display_name, u.nationality, u.clearance, u.groups,
                       u.active, u.created_at,
                       coalesce(array_agg(g.role || '@' || g.desk ORDER BY g.desk, g.role)
                                FILTER (WHERE g.role IS NOT NULL), '{}') AS grants
                FROM defdip.users u LEFT JOIN defdip.grants g ON g.user_id = u.id
                GROUP BY u.id ORDER BY u.name""", [])

    def principal_of(self, user_id: int) -> Principal | None:
        """The principal of an active user: nationality, clearance, groups and grants."""
        with self.transaction(read_only=True) as conn:
            users = _dicts(conn, "SELECT * FROM defdip.users WHERE id = %s AND active",
                           [user_id])
            if not users:
                return None
            grants = conn.execute(
                "SELECT g.role, g.desk, d.countries FROM defdip.grants g JOIN defdip.desks d "
                "ON d.name = g.desk WHERE g.user_id = %s ORDER BY g.desk, g.role", [user_id]
            ).fetchall()
        user = users[0]
        return Principal(name=user["name"], nationality=user["nationality"],
                         clearance=user["clearance"], groups=tuple(user["groups"]),
                         user_id=int(user["id"]),
                         grants=tuple(Grant(r, d, tuple(c) if c is not None else None)
                                      for r, d, c in grants))

    # ---- desks and grants ----------------------------------------------------------------
    def set_desk(self, name: str, countries: Sequence[str], description: str | None = None,
                 *, principal: Principal | None = None) -> None:
        with self.transaction(principal) as conn:
            conn.execute("INSERT INTO defdip.desks (name, countries, description) VALUES "
                         "(%s, %s, %s) ON CONFLICT (name) DO UPDATE SET countries = "
                         "excluded.countries, description = excluded.description",
                         [name, sorted(set(countries)), description])

    def desks(self) -> list[dict[str, Any]]:
        with self.transaction(read_only=True) as conn:
            return _dicts(conn, "SELECT * FROM defdip.desks ORDER BY name", [])

    def set_grant(self, name: str, role: str, desk: str, *, granted: bool = True,
                  principal: Principal | None = None) -> None:
        """Give (or take back, ``granted=False``) ``role`` on ``desk`` to user ``name``."""
        from psycopg import errors

        with self.transaction(principal) as conn:
            user = conn.execute("SELECT id FROM defdip.users WHERE name = %s", [name]
                                ).fetchone()
            if user is None:
                raise _no_user(name)
            if not granted:
                conn.execute("DELETE FROM defdip.grants WHERE user_id = %s AND role = %s AND "
                             "desk = %s", [user[0], role, desk])
                return
            try:
                conn.execute("INSERT INTO defdip.grants VALUES (%s, %s, %s) ON CONFLICT DO "
                             "NOTHING", [user[0], role, desk])
            except errors.ForeignKeyViolation:
                raise DefdipError(f"There is no desk {desk!r}: create it with `defdip users "
                                  "desk NAME --countries TUR,GRC` or use '*' (every country)."
                                  ) from None

    # ---- API tokens and web sessions -------------------------------------------------------
    def add_token(self, user_id: int, label: str, token_hash: str,
                  expires_at: datetime | None, *, principal: Principal | None = None) -> int:
        with self.transaction(principal) as conn:
            row = conn.execute("INSERT INTO defdip.api_tokens (user_id, label, token_hash, "
                               "expires_at) VALUES (%s, %s, %s, %s) RETURNING id",
                               [user_id, label, token_hash, expires_at]).fetchone()
            assert row is not None
            return int(row[0])

    def token_user(self, token_hash: str) -> int | None:
        """The user of a valid (unrevoked, unexpired) token; notes its use (to the minute,
        so that a busy client does not write on every request)."""
        with self.transaction() as conn:
            row = conn.execute("SELECT id, user_id, last_used_at IS NULL OR last_used_at < "
                               "now() - interval '1 minute' FROM defdip.api_tokens WHERE "
                               "token_hash = %s AND revoked_at IS NULL AND (expires_at IS NULL "
                               "OR expires_at > now())", [token_hash]).fetchone()
            if row is None:
                return None
            if row[2]:
                conn.execute("UPDATE defdip.api_tokens SET last_used_at = now() WHERE id = %s",
                             [row[0]])
            return int(row[1])

    def revoke_tokens(self, user_id: int, label: str | None = None, *,
                      principal: Principal | None = None) -> int:
        """Revoke a user's token(s) named ``label`` (all when None); return how many."""
        with self.transaction(principal) as conn:
            done = conn.execute("UPDATE defdip.api_tokens SET revoked_at = now() WHERE "
                                "user_id = %s AND revoked_at IS NULL AND (%s::text IS NULL OR "
                                "label = %s)", [user_id, label, label])
            return done.rowcount

    def add_session(self, user_id: int, id_hash: str, csrf_hash: str, expires_at: datetime
                    ) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT INTO defdip.web_sessions (id_hash, user_id, csrf_hash, "
                         "expires_at) VALUES (%s, %s, %s, %s)",
                         [id_hash, user_id, csrf_hash, expires_at])

    def session_row(self, id_hash: str) -> dict[str, Any] | None:
        """A live (unrevoked, unexpired) web session."""
        with self.transaction(read_only=True) as conn:
            rows = _dicts(conn, "SELECT * FROM defdip.web_sessions WHERE id_hash = %s AND "
                          "revoked_at IS NULL AND expires_at > now()", [id_hash])
        return rows[0] if rows else None

    def end_session(self, id_hash: str) -> None:
        with self.transaction() as conn:
            conn.execute("UPDATE defdip.web_sessions SET revoked_at = now() WHERE id_hash = %s "
                         "AND revoked_at IS NULL", [id_hash])


def _no_user(name: str) -> DefdipError:
    return DefdipError(f"There is no user {name!r}; `defdip users list` shows them.")


def _dicts(conn: psycopg.Connection, query: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    from psycopg.rows import dict_row

    with conn.cursor(row_factory=dict_row) as cursor:
        return list(cursor.execute(query, params).fetchall())  # type: ignore[arg-type]
