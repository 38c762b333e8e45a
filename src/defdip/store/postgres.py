"""PostgreSQL: the multi-user store of the engagement record (entered records, users,
history, audit), chosen by ``DEFDIP_DATABASE_URL=postgresql://…``.

The embedded DuckDB store keeps the loaded sources, the records derived from them and the
curated records (all public); PostgreSQL keeps what users enter, with markings, every version
and the audit log. A reader's record is the union of the two, narrowed to what they may see:
:meth:`PostgresStore.visible_records` asks PostgreSQL — whose row-level security decides —
through the Ibis PostgreSQL backend, and :mod:`defdip.store.scope` puts the rows beside the
DuckDB store's, so panels, measures, briefs and lists run the same query layer as ever.

The application connects as ``defdip_app`` (owns no table; see :mod:`~defdip.store.pg_schema`)
and states who asks at the start of every transaction (:meth:`PostgresStore.transaction`).
``init_database`` (as a superuser or the database owner) creates the roles and the schema and
applies the numbered migrations.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from defdip.errors import DefdipError, Forbidden
from defdip.store.markings import ANONYMOUS, Principal
from defdip.store.migrations import RECORD_TABLES
from defdip.store.pg_accounts import AccountsMixin
from defdip.store.pg_audit import AuditMixin
from defdip.store.pg_records import RecordsMixin
from defdip.store.pg_schema import APP_ROLE, OWNER_ROLE, PG_MIGRATIONS, SCHEMA
from defdip.store.scope import EnteredRecords

if TYPE_CHECKING:
    import pandas as pd
    import psycopg

    from defdip.countries import Vocabulary

__all__ = ["PostgresStore", "database_url", "init_database", "migrate", "redact", "settings"]

MODEL_COLUMNS: tuple[str, ...] = RECORD_TABLES["engagements"][1]
ACTOR_COLUMNS: tuple[str, ...] = RECORD_TABLES["engagement_actors"][1]
_POOLS: dict[str, Any] = {}
_POOLS_LOCK = threading.Lock()
_FRAMES: OrderedDict[tuple[str, str, str], EnteredRecords] = OrderedDict()
_FRAMES_LOCK = threading.Lock()


def database_url() -> str | None:
    """``$DEFDIP_DATABASE_URL`` if set: the PostgreSQL record store to use."""
    return os.environ.get("DEFDIP_DATABASE_URL") or None


def redact(url: str) -> str:
    """The URL without its password (for messages and provenance)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


def settings(who: Principal) -> dict[str, str]:
    """The transaction settings the policies read (``pg_schema``'s module doc)."""
    return {
        "defdip.user_id": str(who.user_id) if who.user_id is not None else "",
        "defdip.clearance": str(who.rank),
        "defdip.nation": who.nationality or "",
        "defdip.audience": "{" + ",".join(who.audience()) + "}",
        "defdip.admin": "on" if who.has_role("admin") else "off",
    }


def _connect_error(url: str, exc: Exception) -> DefdipError:
    return DefdipError(f"Cannot reach PostgreSQL at {redact(url)!r}: {exc}. Start the server "
                       "(README: 'Many users: PostgreSQL') or fix $DEFDIP_DATABASE_URL.")


def init_database(admin_url: str, *, app_password: str | None = None) -> list[int]:
    """Create the owner and application roles and the ``defdip`` schema (idempotent), then
    apply the pending migrations; return their numbers. ``admin_url`` connects as a superuser
    or as the database's owner with CREATEROLE."""
    import psycopg
    from psycopg import sql

    try:
        conn = psycopg.connect(admin_url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise _connect_error(admin_url, exc) from exc
    with conn:
        conn.execute(f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
                CREATE ROLE {OWNER_ROLE} NOLOGIN; END IF;
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} LOGIN NOINHERIT; END IF; END $$""")
        if app_password is not None:
            conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                sql.Identifier(APP_ROLE), sql.Literal(app_password)))
        superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
                                 ).fetchone()
        if not (superuser and superuser[0]):
            conn.execute(f"GRANT {OWNER_ROLE} TO CURRENT_USER")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA} AUTHORIZATION {OWNER_ROLE}")
        conn.execute(f"REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC")
        conn.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {APP_ROLE}")
    return migrate(admin_url)


def migrate(admin_url: str) -> list[int]:
    """Apply every migration of :data:`~defdip.store.pg_schema.PG_MIGRATIONS` not yet
    recorded, as the owner role, all pending ones in one transaction (all or none) under an
    advisory lock; return the numbers applied."""
    import psycopg

    try:
        conn = psycopg.connect(admin_url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise _connect_error(admin_url, exc) from exc
    applied: list[int] = []
    with conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('defdip.migrate'))")
        conn.execute(f"SET LOCAL ROLE {OWNER_ROLE}")
        conn.execute(f"""CREATE TABLE IF NOT EXISTS {SCHEMA}.migrations (
            number integer PRIMARY KEY, description text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now())""")
        conn.execute(f"GRANT SELECT ON {SCHEMA}.migrations TO {APP_ROLE}")
        done = {row[0] for row in conn.execute(f"SELECT number FROM {SCHEMA}.migrations")}
        for number, description, statements in PG_MIGRATIONS:
            if number in done:
                continue
            conn.execute(statements)  # type: ignore[arg-type]  # migration text, no params
            conn.execute(f"INSERT INTO {SCHEMA}.migrations (number, description) "
                         "VALUES (%s, %s)", [number, description])
            applied.append(number)
    return applied


class PostgresStore(RecordsMixin, AccountsMixin, AuditMixin):
    """The record side of :class:`~defdip.store.base.StoreLike` on PostgreSQL, read and
    written as ``principal`` (the anonymous reader when None).

    Handles for different principals share one connection pool per URL and process.
    """

    read_only = False

    def __init__(self, url: str, *, principal: Principal | None = None,
                 pool_size: int | None = None) -> None:
        if not url.startswith(("postgresql://", "postgres://")):
            raise DefdipError(f"DEFDIP_DATABASE_URL {redact(url)!r} is not a postgresql:// URL "
                              "(e.g. postgresql://defdip_app@localhost/defdip).")
        self.url = url
        self.path = redact(url)
        self.principal = principal or ANONYMOUS
        #: connections per process and database ($DEFDIP_DATABASE_POOL, default 10)
        self._pool_size = pool_size or int(os.environ.get("DEFDIP_DATABASE_POOL", "10"))
        self._held: Any = None  # a connection held in a read transaction for ibis()

    def as_user(self, principal: Principal | None) -> PostgresStore:
        """A handle on the same database for another principal."""
        return PostgresStore(self.url, principal=principal, pool_size=self._pool_size)

    # ---- connections ---------------------------------------------------------------------
    def _pool(self) -> Any:
        with _POOLS_LOCK:
            pool = _POOLS.get(self.url)
            if pool is None:
                from psycopg_pool import ConnectionPool

                pool = ConnectionPool(self.url, min_size=1, max_size=self._pool_size,
                                      kwargs={"autocommit": True}, open=False,
                                      name="defdip")
                try:
                    pool.open(wait=True, timeout=10)
                except Exception as exc:
                    pool.close()
                    raise _connect_error(self.url, exc) from exc
                _POOLS[self.url] = pool
            return pool

    @contextmanager
    def transaction(self, principal: Principal | None = None, *, read_only: bool = False
                    ) -> Iterator[psycopg.Connection]:
        """One transaction on a pooled connection, as ``principal`` (default: the handle's):
        committed if the block finishes, rolled back otherwise. Reads see one snapshot."""
        who = principal or self.principal
        with self._pool().connection() as conn, _translated(), conn.transaction():
            if read_only:
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            values = settings(who)
            conn.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in values),
                         [v for pair in values.items() for v in pair])
            yield conn

    @staticmethod
    def close_pools() -> None:
        """Close every pool this process opened (tests, and servers shutting down)."""
        with _POOLS_LOCK:
            for pool in _POOLS.values():
                pool.close()
            _POOLS.clear()

    def migrations(self) -> list[dict[str, Any]]:
        """The migrations applied to this database, in order."""
        with self.transaction(read_only=True) as conn:
            rows = conn.execute(f"SELECT number, description, applied_at::text FROM "
                                f"{SCHEMA}.migrations ORDER BY number").fetchall()
        return [{"number": n, "description": d, "applied_at": a} for n, d, a in rows]

    # ---- the reader's view ---------------------------------------------------------------
    def visible_records(self, principal: Principal) -> EnteredRecords:
        """The approved, undeleted entered records ``principal`` may see (PostgreSQL's
        row-level security decides), with their actors, as Arrow tables — read through the
        Ibis PostgreSQL backend in one snapshot. Cached per visibility class and content."""
        import ibis

        with self.transaction(principal, read_only=True) as conn:
            ids = conn.execute(f"SELECT id, version FROM {SCHEMA}.record_current ORDER BY id"
                               ).fetchall()
            digest = hashlib.sha256(json.dumps(ids).encode()).hexdigest()[:16]
            key = (self.url, principal.key(), digest)
            with _FRAMES_LOCK:
                if key in _FRAMES:
                    _FRAMES.move_to_end(key)
                    return _FRAMES[key]
            backend = ibis.postgres.from_connection(conn)
            current = backend.table("record_current", database=SCHEMA)
            actors = backend.table("engagement_actors", database=SCHEMA)
            frames = EnteredRecords(
                current.select(*MODEL_COLUMNS).to_pyarrow(),
                actors.filter(actors.engagement_id.isin(current.id)).select(
                    *ACTOR_COLUMNS).to_pyarrow(), digest)
        with _FRAMES_LOCK:
            _FRAMES[key] = frames
            while len(_FRAMES) > 64:
                _FRAMES.popitem(last=False)
        return frames

    # ---- StoreLike: reading --------------------------------------------------------------
    def ibis(self) -> Any:
        """An Ibis PostgreSQL backend that reads as this handle's principal (one held
        read-only transaction, released by :meth:`close`)."""
        import ibis

        if self._held is None:
            pool = self._pool()
            conn = pool.getconn()
            try:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                values = settings(self.principal)
                conn.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in values),
                             [v for pair in values.items() for v in pair])
            except Exception:
                pool.putconn(conn)
                raise
            self._held = conn
        return ibis.postgres.from_connection(self._held)

    def tables(self) -> list[str]:
        return ["engagement_actors", "engagement_versions", "engagements"]

    def has(self, table: str) -> bool:
        return table in self.tables()

    def table(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """A record table as this principal sees it."""
        if not self.has(name):
            held = ", ".join(self.tables())
            raise DefdipError(f"PostgreSQL holds the engagement record only ({held}), not "
                              f"{name!r}; sources live in the DuckDB store.")
        expr = self.ibis().table(name, database=SCHEMA)
        return (expr.select(*columns) if columns else expr).to_pandas()

    def provenance(self) -> pd.DataFrame:
        import pandas as pd

        with self.transaction(read_only=True) as conn:
            rows = conn.execute(f"SELECT count(*) FROM {SCHEMA}.record_current").fetchone()
        return pd.DataFrame([{"name": "entered", "title": "records entered by users",
                              "publisher": "this installation's users", "url": self.path,
                              "rows": rows[0] if rows else 0}])

    def vintage(self) -> str:
        """What this principal sees of the record (their visibility class and the ids and
        versions of the entered records they may see)."""
        frames = self.visible_records(self.principal)
        return hashlib.sha256(f"{self.principal.key()}|{frames.digest}".encode()
                              ).hexdigest()[:16]

    def vocabulary(self) -> Vocabulary:
        from defdip.countries import load_vocabulary

        return load_vocabulary()

    # ---- StoreLike: writing --------------------------------------------------------------
    def replace_tables(self, tables: Mapping[str, pd.DataFrame], *, owner: str,
                       descriptions: Mapping[str, str] | None = None,
                       provenance: Mapping[str, Any] | None = None) -> dict[str, int]:
        raise DefdipError("PostgreSQL holds the engagement record only: load sources into the "
                          "DuckDB store (`defdip load`).")

    def replace_records(self, engagements: pd.DataFrame, actors: pd.DataFrame
                        ) -> dict[str, int]:
        raise DefdipError("Derived and curated records live in the DuckDB store "
                          "(`defdip record build`); PostgreSQL keeps the entered records.")

    def close(self) -> None:
        if self._held is not None:
            conn, self._held = self._held, None
            try:
                conn.rollback()
            finally:
                self._pool().putconn(conn)


@contextmanager
def _translated() -> Iterator[None]:
    """PostgreSQL's refusals as defdip errors that say what to do."""
    import psycopg
    from psycopg import errors

    try:
        yield
    except errors.InsufficientPrivilege as exc:
        raise Forbidden(_pg_message(exc) + ". Ask an admin for the role on a desk that covers "
                        "the record, or write only records your nation owns and you may "
                        "see.") from exc
    except errors.RaiseException as exc:
        raise DefdipError(_pg_message(exc)) from exc
    except (errors.CheckViolation, errors.NotNullViolation, errors.ForeignKeyViolation) as exc:
        raise DefdipError(f"PostgreSQL refused the write: {_pg_message(exc)}") from exc
    except psycopg.OperationalError as exc:
        raise DefdipError(f"PostgreSQL connection failed: {exc}") from exc


def _pg_message(exc: Exception) -> str:
    diag = getattr(exc, "diag", None)
    text = getattr(diag, "message_primary", None) or str(exc)
    return text.removeprefix("defdip: ")
