"""Releasability markings and who may see a record: the rule, stated once per engine.

Every record carries a **marking**: a classification level (``PUBLIC < RESTRICTED <
CONFIDENTIAL < SECRET``), the nation that owns it (ISO3; none for records derived from public
datasets) and a releasable-to list of ISO3 codes and named groups (``NATO``, ``EU`` …). The
token ``ALL`` releases a record to everyone; an empty list releases it to nobody but its owner
nation — it never means "all".

Every reader is a :class:`Principal`: a nationality, a clearance and the groups they belong to.
**The rule:** a principal sees a record when

    rank(record.classification) <= rank(principal.clearance)
    and (record.owner_nation == principal.nationality
         or record.releasable_to ∩ ({principal.nationality, ALL} ∪ principal.groups) ≠ ∅)

It is stated three times, for three engines, and tests hold them equal: in PostgreSQL as
row-level-security policies (``pg_schema``), here in Ibis (:func:`visible`, which
:mod:`defdip.store.scope` compiles into the DuckDB reading views) and here in Python
(:func:`may_see`, for single records the service checks before a write).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ALL",
    "ANONYMOUS",
    "CLASSIFICATIONS",
    "GROUPS",
    "ROLES",
    "Grant",
    "Principal",
    "may_see",
    "parse_releasable",
    "rank",
    "visible",
]

CLASSIFICATIONS: tuple[str, ...] = ("PUBLIC", "RESTRICTED", "CONFIDENTIAL", "SECRET")
#: The token that releases a record to every reader.
ALL = "ALL"
#: Named groups a record can be released to and a user can belong to (coalitions and
#: organisations whose members share marked information). ISO3 codes need no declaring.
GROUPS: tuple[str, ...] = ("NATO", "EU", "FVEY", "AU", "ASEAN", "GCC", "OSCE", "UN", "CSTO",
                           "SCO", "OTS")
#: Roles, weakest first; a role includes every weaker one on the same desk.
ROLES: tuple[str, ...] = ("viewer", "editor", "approver", "admin")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def rank(level: str) -> int:
    """0 for PUBLIC … 3 for SECRET; ``ValueError`` (naming the levels) for anything else."""
    try:
        return CLASSIFICATIONS.index(level)
    except ValueError:
        raise ValueError(f"classification {level!r} is not one of "
                         f"{', '.join(CLASSIFICATIONS)}") from None


def parse_releasable(value: object) -> tuple[str, ...]:
    """A releasable-to list from a list or from text (``"NATO; USA"``, ``"NATO,USA"``; ``"[]"``
    is the empty list):
    upper-cased tokens, sorted, without repeats. ``None`` → ``()`` (the caller decides the
    default); ``ValueError`` for a token that is neither ALL, a group of :data:`GROUPS` nor an
    ISO3-shaped code (the validator checks the code against the vocabulary)."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: Iterable[Any] = () if value.strip() == "[]" else re.split(r"[;,]", value)
    elif isinstance(value, Iterable):
        items = value
    else:
        raise ValueError(f"{value!r} is not a list of ISO3 codes and groups")
    tokens = sorted({str(item).strip().upper() for item in items if str(item).strip()})
    for token in tokens:
        if token != ALL and token not in GROUPS and not _ISO3.match(token):
            raise ValueError(f"{token!r} is neither ALL, a group ({', '.join(GROUPS)}) nor an "
                             "ISO3 country code")
    return tuple(tokens)


@dataclass(frozen=True)
class Grant:
    """A role on a desk (a named group of countries; ``*`` is every country)."""

    role: str
    desk: str
    countries: tuple[str, ...] | None = None  # None: every country (desk '*')

    def covers(self, countries: Iterable[str]) -> bool:
        """Whether the desk takes in any of ``countries`` (every desk covers '*')."""
        return self.countries is None or bool(set(self.countries) & set(countries))


@dataclass(frozen=True)
class Principal:
    """Who reads or writes: nationality (ISO3), clearance, groups and desk-scoped roles.

    ``user_id`` is None for the anonymous reader (:data:`ANONYMOUS`), who sees what is PUBLIC
    and released to ALL.
    """

    name: str
    nationality: str | None
    clearance: str = "PUBLIC"
    groups: tuple[str, ...] = ()
    user_id: int | None = None
    grants: tuple[Grant, ...] = field(default=())

    def __post_init__(self) -> None:
        rank(self.clearance)
        for group in self.groups:
            if group not in GROUPS:
                raise ValueError(f"group {group!r} is not one of {', '.join(GROUPS)}")

    @property
    def rank(self) -> int:
        return rank(self.clearance)

    def audience(self) -> tuple[str, ...]:
        """The releasable-to tokens that reach this principal: nation, groups and ALL."""
        own = (self.nationality,) if self.nationality else ()
        return tuple(sorted({*own, *self.groups, ALL}))

    def key(self) -> str:
        """What decides what this principal sees (two principals with one key see the same
        records): nationality, clearance and groups — not the name or the roles."""
        return f"{self.nationality or '-'}|{self.clearance}|{','.join(sorted(self.groups))}"

    def has_role(self, role: str, countries: Iterable[str] | None = None) -> bool:
        """Whether a grant of ``role`` (or a stronger one) covers any of ``countries``
        (``None``: a grant on the every-country desk '*')."""
        wanted = ROLES.index(role)
        chosen = list(countries) if countries is not None else None
        for grant in self.grants:
            if ROLES.index(grant.role) < wanted:
                continue
            if chosen is None and grant.countries is None:
                return True
            if chosen is not None and grant.covers(chosen):
                return True
        return False


#: The reader nobody logged in as: PUBLIC records released to ALL, nothing else.
ANONYMOUS = Principal(name="anonymous", nationality=None)


def may_see(who: Principal, classification: str, owner_nation: str | None,
            releasable_to: Iterable[str]) -> bool:
    """The rule in Python, for one record (see the module doc)."""
    if classification not in CLASSIFICATIONS or rank(classification) > who.rank:
        return False
    if owner_nation is not None and owner_nation == who.nationality:
        return True
    return bool(set(releasable_to or ()) & set(who.audience()))


def visible(table: Any, who: Principal) -> Any:
    """The rule in Ibis: a boolean expression over a table with ``classification``,
    ``owner_nation`` and ``releasable_to`` (an array of strings). NULL markings fail closed."""
    import ibis

    cleared = table.classification.isin([c for c in CLASSIFICATIONS if rank(c) <= who.rank])
    shared = ibis.or_(*[table.releasable_to.contains(token) for token in who.audience()])
    test = shared.fill_null(False)
    if who.nationality:
        test = (table.owner_nation == who.nationality).fill_null(False) | test
    return cleared.fill_null(False) & test
