"""The military-diplomacy record: every engagement, derived, curated or entered.

One model (``engagements`` + ``engagement_actors``, see :mod:`defdip.engagements.model`)
for attaché and diplomatic posts, exercises, arms and technology transfers, agreements,
training, peacekeeping, operations, visits, port calls, bases and memberships.

    >>> summary = build_record(store, vocab)          # derive + curated, keep entered
    >>> add_records(store, vocab, "my_records.yaml")  # validated, all or nothing
    >>> list_records(store, country="TUR", kind="exercise", year_from=2015)
    >>> profile(store, "TUR", 2022)
"""

from defdip.engagements.build import DERIVATIONS, add_records, build_record, derive_all
from defdip.engagements.completeness import Completeness, completeness
from defdip.engagements.curated import curated_files, load_curated
from defdip.engagements.derive_common import Derived
from defdip.engagements.fileio import read_records, write_records
from defdip.engagements.model import (
    CONFIDENCE,
    DOMAINS,
    KINDS,
    RECOMMENDED,
    ROLES,
    engagement_id,
)
from defdip.engagements.query import export_records, list_records, profile, select_records
from defdip.engagements.validate import RULES, validate_records

__all__ = [
    "CONFIDENCE",
    "DERIVATIONS",
    "DOMAINS",
    "KINDS",
    "RECOMMENDED",
    "ROLES",
    "RULES",
    "Completeness",
    "Derived",
    "add_records",
    "build_record",
    "completeness",
    "curated_files",
    "derive_all",
    "engagement_id",
    "export_records",
    "list_records",
    "load_curated",
    "profile",
    "read_records",
    "select_records",
    "validate_records",
    "write_records",
]
