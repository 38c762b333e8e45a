"""Membership of an organisation in a year: one definition, read by every command.

NATO membership used to have three sources of truth (an accession dict in the regions, COW
IGO spells in the panels, curated membership records). It now has one: the Alliance's own
member list, ``data/curated/nato_members.yaml`` (NATO, "NATO member countries", nato.int),
with each member's COW code and the year it joined. :func:`membership` reads it; the regions
(``region nato``), the tension monitor's NATO co-membership and the panels' ``nato`` and
``nato_both`` columns all ask it.

**The rule.** A state is a member in year Y when it joined in or before Y and had not left
before Y (a state that joined on any day of a year is a member in that year, as the record's
one rule reads a record active in a year). **Coverage:** the list is complete through its
``complete_through`` year; membership is known (nobody before the founding year) up to that
year and unknown (NULL, None) after it.

COW IGO v3's NATO spells, which the panels used before, agree with the list in every state
and year 1816–2014 but one: in 1990 COW IGO has unified Germany (255) only and the list both
German codes (the Federal Republic was a member until 2 October 1990). COW IGO ends in 2014;
the list reaches ``complete_through``. The curated ``membership`` records (Türkiye's NATO
accession) are records of engagement, not this definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import ibis
import ibis.expr.types as ir
import yaml

from defdip.errors import InvalidArgument, InvalidRecord
from defdip.queries.coverage import Coverage, Segment

__all__ = ["ORGANISATIONS", "MemberSpell", "Membership", "membership"]

#: organisation → the curated file that lists its members
ORGANISATIONS: dict[str, str] = {"NATO": "nato_members.yaml"}


@dataclass(frozen=True)
class MemberSpell:
    """One state's membership under one COW code: the years it joined and left (None: still
    a member at the end of the list)."""

    iso3: str
    ccode: int
    joined: int
    left: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Membership:
    """An organisation's members, from one documented list."""

    organisation: str
    title: str
    founded: int
    complete_through: int
    source: dict[str, str]
    spells: tuple[MemberSpell, ...]

    # ---- plain answers ---------------------------------------------------------------------
    def covers(self, year: int) -> bool:
        """Whether membership in ``year`` is known (the list is complete through it)."""
        return year <= self.complete_through

    def codes(self, year: int) -> frozenset[int] | None:
        """COW codes of the members in ``year``; None where the list does not reach."""
        if not self.covers(year):
            return None
        return frozenset(s.ccode for s in self.spells if _inside(s, year))

    def iso3s(self, year: int | None = None) -> tuple[str, ...]:
        """ISO3 codes of the members in ``year`` (every state ever a member when None),
        sorted."""
        if year is not None and not self.covers(year):
            return ()
        return tuple(sorted({s.iso3 for s in self.spells if year is None or _inside(s, year)}))

    def joined(self) -> dict[str, int]:
        """ISO3 → the first year the state was a member."""
        first: dict[str, int] = {}
        for s in self.spells:
            first[s.iso3] = min(first.get(s.iso3, s.joined), s.joined)
        return first

    # ---- as an expression ------------------------------------------------------------------
    def is_member(self, ccode: ir.IntegerValue, year: ir.IntegerValue) -> ir.BooleanValue:
        """Whether the state ``ccode`` is a member in ``year``, as an Ibis expression over
        any table's columns (literals only: it compiles on every backend). NULL after
        ``complete_through``."""
        first = ccode.cases(*[(s.ccode, s.joined) for s in self.spells], else_=None)
        last = ccode.cases(*[(s.ccode, s.left if s.left is not None else 9999)
                             for s in self.spells], else_=None)
        inside = first.notnull() & (year >= first) & (year <= last)
        return ibis.ifelse(year <= self.complete_through, inside.fill_null(False),
                           ibis.null("boolean"))

    # ---- what it covers --------------------------------------------------------------------
    def coverage(self) -> Coverage:
        """Every state, from the founding year to ``complete_through``."""
        return Coverage(self.organisation, (Segment(self.citation(), self.founded,
                                                    self.complete_through),))

    def citation(self) -> str:
        return f"{self.source['publisher']}, \"{self.source['title']}\" ({self.source['url']})"

    def to_dict(self) -> dict[str, Any]:
        return {"organisation": self.organisation, "source": self.citation(),
                "years": [self.founded, self.complete_through],
                "text": f"{self.organisation} members from {self.citation()}, complete "
                        f"through {self.complete_through}"}


def _inside(spell: MemberSpell, year: int) -> bool:
    return spell.joined <= year and (spell.left is None or year <= spell.left)


@cache
def membership(organisation: str = "NATO") -> Membership:
    """The members of ``organisation`` (only ``"NATO"`` has a list), validated."""
    key = organisation.strip().upper()
    if key not in ORGANISATIONS:
        raise InvalidArgument(f"organisation {organisation!r} has no member list; known: "
                              f"{', '.join(sorted(ORGANISATIONS))}.")
    name = f"curated/{ORGANISATIONS[key]}"
    data = yaml.safe_load((resources.files("defdip.data") / name).read_text(encoding="utf-8"))
    spells, problems = [], []
    for i, row in enumerate(data.get("members") or [], start=1):
        try:
            spell = MemberSpell(str(row["country"]), int(row["ccode"]), int(row["joined"]),
                                None if row.get("left") is None else int(row["left"]),
                                str(row.get("note", "")))
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"member #{i}: {exc!r}; each member needs country, ccode, joined")
            continue
        if spell.joined < int(data["founded"]) or spell.joined > int(data["complete_through"]):
            problems.append(f"member #{i} ({spell.iso3}): joined {spell.joined} is outside "
                            f"{data['founded']}–{data['complete_through']}")
        spells.append(spell)
    codes = [s.ccode for s in spells]
    problems += [f"COW code {c} is listed twice" for c in sorted(set(codes))
                 if codes.count(c) > 1]
    if problems:
        raise InvalidRecord(problems, name)
    return Membership(key, str(data["title"]), int(data["founded"]),
                      int(data["complete_through"]), dict(data["source"]), tuple(spells))
