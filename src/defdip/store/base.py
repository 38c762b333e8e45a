"""The store interface: what the layers above may ask of any store.

:class:`defdip.store.core.Store` (DuckDB, the embedded default) implements it; a PostgreSQL
store for the multi-user engagement record is a second class with the same methods, chosen by
``DEFDIP_DATABASE_URL``. Code above ``store/`` reads through :meth:`StoreLike.ibis` (Ibis
expressions, via ``defdip.queries.tables.Tables``) and writes only through the write methods;
it never opens a connection or runs DDL itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

    from defdip.countries import Vocabulary

__all__ = ["StoreLike"]


@runtime_checkable
class StoreLike(Protocol):
    """A defdip store: tables to read as Ibis expressions, atomic writes, provenance."""

    path: Path | str
    read_only: bool

    # ---- reading ------------------------------------------------------------------------
    def ibis(self) -> Any:
        """An Ibis backend over the store (every read above ``store/`` goes through it)."""

    def tables(self) -> list[str]:
        """The names of the tables the store holds."""

    def has(self, table: str) -> bool: ...

    def table(self, name: str, columns: Iterable[str] | None = None) -> pd.DataFrame:
        """A whole table as a DataFrame (:class:`~defdip.errors.NotLoaded` if absent)."""

    def provenance(self) -> pd.DataFrame:
        """One row per loaded source: publisher, version, files with sha256, load time."""

    def vintage(self) -> str:
        """A digest of what the store holds (same vintage, same answers)."""

    def vocabulary(self) -> Vocabulary:
        """The country vocabulary the stored data were parsed with."""

    # ---- writing ------------------------------------------------------------------------
    def replace_tables(self, tables: Mapping[str, pd.DataFrame], *, owner: str,
                       descriptions: Mapping[str, str] | None = None,
                       provenance: Mapping[str, Any] | None = None) -> dict[str, int]:
        """Replace whole tables and record them, all in one transaction."""

    def replace_records(self, engagements: pd.DataFrame, actors: pd.DataFrame
                        ) -> dict[str, int]:
        """Replace every derived and curated engagement record (users' entered records stay)
        with these, and their actors, in one transaction."""

    def upsert_records(self, engagements: pd.DataFrame, actors: pd.DataFrame
                       ) -> dict[str, int]:
        """Insert these records, replacing stored ones with the same id, in one transaction."""

    def close(self) -> None: ...
