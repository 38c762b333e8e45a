"""The service context: which store, read or written how, who asks, and the vocabulary.

One context serves one face: the CLI makes one per command, the web server one per request
(``ctx.as_user(principal)`` after it has authenticated the request). Reads open the store
read-only for the duration of one call; writes go through
:func:`defdip.store.session.writing` (a staged copy swapped in whole).

Who asks decides what is read. With ``DEFDIP_DATABASE_URL`` set, the entered record lives in
PostgreSQL and every read is scoped (:mod:`defdip.store.scope`) to the context's ``user`` —
the anonymous reader (PUBLIC, released to ALL) when no one logged in. In the embedded DuckDB
mode (one user, who owns the file) reads are scoped only when a ``user`` is given.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defdip.store.session import reading, store_path, writing

if TYPE_CHECKING:
    from defdip.countries import Vocabulary
    from defdip.store import Store
    from defdip.store.markings import Principal
    from defdip.store.postgres import PostgresStore
    from defdip.store.scope import Scope

__all__ = ["Context"]


def _env_url() -> str | None:
    from defdip.store.postgres import database_url

    return database_url()


@dataclass
class Context:
    """Where the store is (``None``: ``$DEFDIP_HOME/defdip.duckdb``), the PostgreSQL record
    store (default ``$DEFDIP_DATABASE_URL``) and who asks (``None``: nobody logged in)."""

    store: Path | str | None = None
    user: Principal | None = None
    database_url: str | None = field(default_factory=_env_url)
    #: Keep one read-only connection per thread between calls (``store.pool``): for
    #: long-running servers; a command line opens and closes the store per call. A read
    #: scoped to a reader (``scope()``) always opens its own connection: the scope's views
    #: live on the connection.
    pooled: bool = False

    @property
    def path(self) -> Path:
        return store_path(self.store)

    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def multi_user(self) -> bool:
        """Whether the record lives in PostgreSQL (many users) rather than in the file."""
        return self.database_url is not None

    def as_user(self, user: Principal | None) -> Context:
        """The same stores, asked by ``user``."""
        return replace(self, user=user)

    def principal(self) -> Principal:
        """Who asks: the user, or the anonymous reader."""
        from defdip.store.markings import ANONYMOUS

        return self.user or ANONYMOUS

    def record_store(self) -> PostgresStore:
        """The PostgreSQL record store, as the context's principal."""
        from defdip.errors import DefdipError
        from defdip.store.postgres import PostgresStore

        if self.database_url is None:
            raise DefdipError("This needs the multi-user record: set DEFDIP_DATABASE_URL to a "
                              "PostgreSQL database prepared with `defdip db init` (README: "
                              "'Many users: PostgreSQL').")
        return PostgresStore(self.database_url, principal=self.principal())

    def scope(self) -> Scope | None:
        """How reads are narrowed: always in PostgreSQL mode, for a given user otherwise."""
        from defdip.store.scope import Scope

        if self.database_url is not None:
            return Scope(self.principal(), self.record_store())
        return Scope(self.user) if self.user is not None else None

    def exists_for_reading(self) -> bool:
        """A DuckDB store to read, or (PostgreSQL mode) a record to read without one."""
        return self.exists() or self.multi_user

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The store, read-only and scoped to who asks, for one call (its vocabulary is built
        once per data vintage in a process, so a long-running server rebuilds it only after a
        load)."""
        scope = self.scope()
        if self.pooled and scope is None:
            from defdip.store.pool import pooled

            with pooled(self.path) as handle:
                yield handle
            return
        with reading(self.store, scope=scope) as handle:
            yield handle

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """A staged copy of the store that replaces it only if the block finishes."""
        with writing(self.store) as handle:
            yield handle

    def vocabulary(self) -> Vocabulary:
        """The store's vocabulary (the mirror's or the cached reference files' without one)."""
        if not self.exists():
            from defdip.countries import load_vocabulary

            return load_vocabulary()
        with reading(self.store) as handle:
            return handle.vocabulary()

    def log(self, action: str, target: str, detail: Mapping[str, Any]) -> None:
        """Log a read or an export in PostgreSQL's audit log (nothing in the embedded mode,
        where the one user is the file's owner)."""
        if self.database_url is not None:
            self.record_store().log_access(action, target, detail)
