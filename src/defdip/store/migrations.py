"""Numbered schema migrations. Append a new one; never edit one that has shipped.

Each migration runs once, inside a transaction, and is recorded in ``_migrations``.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "RECORD_TABLES"]

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

MIGRATIONS += (
    (2, "the military-diplomacy record: engagements and their actors (owner: engagements)", """
        CREATE TABLE IF NOT EXISTS engagements (
            id VARCHAR NOT NULL,            -- hash of kind + natural key (deterministic)
            kind VARCHAR NOT NULL,          -- exercise, arms_transfer, membership, ...
            subtype VARCHAR,
            name VARCHAR,
            series VARCHAR,
            start DATE, start_precision VARCHAR,   -- day | month | year
            "end" DATE, end_precision VARCHAR,
            domain VARCHAR,                 -- land | air | naval | joint | cyber | space
            location VARCHAR,
            personnel BIGINT, units BIGINT, tiv DOUBLE, countries BIGINT,
            legal_basis VARCHAR,            -- id of a defence_agreement record
            source VARCHAR,                 -- source name, 'curated' or 'entered'
            citation VARCHAR, url VARCHAR, retrieved DATE,
            confidence VARCHAR,             -- high | medium | low
            conflict JSON,                  -- disagreeing claims, each kept
            releasability VARCHAR DEFAULT 'PUBLIC',
            notes VARCHAR,
            origin VARCHAR NOT NULL,        -- derived | curated | entered
            natural_key VARCHAR NOT NULL    -- what the id hashes (with the kind)
        );
        CREATE TABLE IF NOT EXISTS engagement_actors (
            engagement_id VARCHAR NOT NULL,
            iso3 VARCHAR NOT NULL,          -- ISO3, or the source's label for non-state actors
            ccode BIGINT,
            label VARCHAR,
            role VARCHAR NOT NULL
        );
    """),
)

#: The engagement record's tables as migration 2 made them: description and columns (the
#: engagement model, ``defdip.engagements.model``, keeps the same column lists; a test checks).
RECORD_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "engagements": (
        "military-diplomacy record: one row per engagement (derived, curated, entered)",
        ("id", "kind", "subtype", "name", "series", "start", "start_precision", "end",
         "end_precision", "domain", "location", "personnel", "units", "tiv", "countries",
         "legal_basis", "source", "citation", "url", "retrieved", "confidence", "conflict",
         "releasability", "notes", "origin", "natural_key")),
    "engagement_actors": ("actors of each engagement with their role",
                          ("engagement_id", "iso3", "ccode", "label", "role")),
}
