"""Numbered schema migrations. Append a new one; never edit one that has shipped.

Each migration runs once, inside a transaction, and is recorded in ``_migrations``.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS"]

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "provenance of loaded sources and the tables they own", """
        CREATE TABLE IF NOT EXISTS _sources (
            name VARCHAR PRIMARY KEY,
            title VARCHAR, publisher VARCHAR, version VARCHAR, coverage VARCHAR,
            url VARCHAR, licence VARCHAR, citation VARCHAR, transformations VARCHAR,
            files JSON,             -- [{key, origin, sha256, retrieved}]
            fingerprint VARCHAR,    -- sha256 over the files' sha256 and the parser version
            rows BIGINT, loaded_at TIMESTAMP
        );
        CREATE TABLE IF NOT EXISTS _tables (
            name VARCHAR PRIMARY KEY, source VARCHAR, description VARCHAR,
            rows BIGINT, columns JSON
        );
    """),
)
