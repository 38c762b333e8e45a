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

MIGRATIONS += (
    (3, "releasability markings on every record: classification, owner nation, releasable-to", """
        -- rebuilt rather than altered: DuckDB refuses to commit two ADD COLUMNs and a DROP
        -- COLUMN on one table in one transaction
        CREATE TABLE engagements_marked (
            id VARCHAR NOT NULL, kind VARCHAR NOT NULL, subtype VARCHAR, name VARCHAR,
            series VARCHAR, start DATE, start_precision VARCHAR, "end" DATE,
            end_precision VARCHAR, domain VARCHAR, location VARCHAR, personnel BIGINT,
            units BIGINT, tiv DOUBLE, countries BIGINT, legal_basis VARCHAR, source VARCHAR,
            citation VARCHAR, url VARCHAR, retrieved DATE, confidence VARCHAR, conflict JSON,
            notes VARCHAR, origin VARCHAR NOT NULL, natural_key VARCHAR NOT NULL,
            classification VARCHAR NOT NULL DEFAULT 'PUBLIC',  -- PUBLIC … SECRET
            owner_nation VARCHAR,                               -- ISO3; NULL: no owner
            releasable_to VARCHAR[] NOT NULL DEFAULT ['ALL']    -- ISO3, groups, ALL
        );
        -- the old free-text releasability: a level keeps its level, released to ALL as it was
        -- read before; anything else fails closed (SECRET, released to nobody)
        INSERT INTO engagements_marked SELECT * EXCLUDE (releasability),
            CASE WHEN upper(trim(coalesce(releasability, 'PUBLIC'))) IN
                ('PUBLIC', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')
                THEN upper(trim(coalesce(releasability, 'PUBLIC'))) ELSE 'SECRET' END,
            NULL,
            CASE WHEN upper(trim(coalesce(releasability, 'PUBLIC'))) IN
                ('PUBLIC', 'RESTRICTED', 'CONFIDENTIAL', 'SECRET')
                THEN ['ALL'] ELSE [] END
        FROM engagements;
        DROP TABLE engagements;
        ALTER TABLE engagements_marked RENAME TO engagements;
    """),
)

MIGRATIONS += (
    (4, "a row per write of the record, so the store's vintage changes when a record is "
        "replaced by one of the same id (the row counts alone stay the same)", """
        CREATE TABLE IF NOT EXISTS _record_writes (
            written_at TIMESTAMP NOT NULL,  -- when the write committed (UTC)
            records BIGINT NOT NULL         -- records written (inserted or replaced)
        );
    """),
)

#: The engagement record's tables as migrations 2 and 3 made them: description and columns
#: (the engagement model, ``defdip.engagements.model``, keeps the same column lists; a test
#: checks).
RECORD_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "engagements": (
        "military-diplomacy record: one row per engagement (derived, curated, entered)",
        ("id", "kind", "subtype", "name", "series", "start", "start_precision", "end",
         "end_precision", "domain", "location", "personnel", "units", "tiv", "countries",
         "legal_basis", "source", "citation", "url", "retrieved", "confidence", "conflict",
         "notes", "origin", "natural_key", "classification", "owner_nation", "releasable_to")),
    "engagement_actors": ("actors of each engagement with their role",
                          ("engagement_id", "iso3", "ccode", "label", "role")),
}
