"""Coverage is data: which years, and which states, each instrument's data observe.

A count of 0 means "observed, none recorded" only where a source looks; elsewhere the value
is unknown (NULL). Each instrument's coverage is a list of :class:`Segment` — one per source
that feeds it — with the years that source's data span and the states it covers: every state
for the public datasets (MME, SIPRI, IPI, DCAD …), only the focal states for the curated
record and for records users enter (``data/curated/coverage.yaml``). Two scopes use it:

- ``"global"``: only all-state segments. Cross-national outputs (the engagement index,
  network standing, ``effects ALL``) use this, so curated facts about one state never stand in
  for data about the world.
- ``"all"``: all-state segments plus focal segments for dyads with a focal state (a panel,
  a focal state's brief). Curated facts count, and a dyad outside every segment is NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import ibis
import ibis.expr.types as ir
import yaml

from defdip.errors import InvalidArgument
from defdip.queries.record import active
from defdip.queries.tables import Tables

__all__ = [
    "FOCAL_ORIGINS",
    "SCOPES",
    "Coverage",
    "Segment",
    "check_scope",
    "focal_states",
    "record_coverage",
    "table_coverage",
]

SCOPES = ("all", "global")
#: Origins of records that cover only the focal states.
FOCAL_ORIGINS = ("curated", "entered")


@lru_cache(maxsize=1)
def focal_states() -> tuple[str, ...]:
    """ISO3 codes of the states the curated record was curated for."""
    text = (resources.files("defdip") / "data" / "curated" / "coverage.yaml").read_text(
        encoding="utf-8")
    return tuple(yaml.safe_load(text)["focal_states"])


def check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise InvalidArgument(f"scope {scope!r} is not one of {', '.join(SCOPES)}: 'global' "
                              "uses only data that cover every state; 'all' adds the curated "
                              "record for its focal states.")
    return scope


@dataclass(frozen=True)
class Segment:
    """One source's part of an instrument: its years and the states it covers."""

    source: str
    first: int
    last: int
    states: tuple[str, ...] | None = None  # ISO3 codes; None = every state
    ccodes: tuple[int, ...] = ()  # the COW codes of ``states`` (for panels keyed by ccode)

    @property
    def is_global(self) -> bool:
        return self.states is None

    def describe(self) -> str:
        who = "all states" if self.states is None else ", ".join(self.states) + " only"
        return f"{self.source} {self.first}–{self.last} ({who})"


@dataclass(frozen=True)
class Coverage:
    """Where an instrument is observed."""

    instrument: str
    segments: tuple[Segment, ...]

    def chosen(self, scope: str) -> tuple[Segment, ...]:
        check_scope(scope)
        return tuple(s for s in self.segments if scope == "all" or s.is_global)

    def global_years(self) -> tuple[int, int] | None:
        """First and last year any all-state source covers (None: no such source)."""
        spans = [(s.first, s.last) for s in self.segments if s.is_global]
        return (min(a for a, _ in spans), max(b for _, b in spans)) if spans else None

    def years(self, scope: str = "global") -> list[int]:
        """Every year some segment of ``scope`` covers."""
        return sorted({y for s in self.chosen(scope) for y in range(s.first, s.last + 1)})

    def sources(self, scope: str) -> list[str]:
        return sorted({s.source for s in self.chosen(scope)})

    def describe(self) -> str:
        return "; ".join(s.describe() for s in self.segments) or "no data loaded"

    def observed(self, year: ir.IntegerValue, ccodes: list[ir.IntegerValue], scope: str
                 ) -> ir.BooleanValue:
        """Whether a row (its year, and the COW codes of its states) is observed."""
        test = ibis.literal(False)
        for segment in self.chosen(scope):
            inside = year.between(segment.first, segment.last)
            if segment.states is not None:
                codes = list(segment.ccodes) or [-1]
                inside &= ibis.or_(*[code.isin(codes) for code in ccodes])
            test |= inside
        return test

    def to_dict(self) -> dict[str, object]:
        return {"instrument": self.instrument, "text": self.describe(),
                "segments": [{"source": s.source, "first": s.first, "last": s.last,
                              "states": list(s.states) if s.states else "all"}
                             for s in self.segments]}


def _source_states(source: str) -> tuple[str, ...] | None:
    from defdip import sources

    try:
        info = sources.get(source).INFO
    except LookupError:
        return None
    return getattr(info, "covers_states", None)


def record_coverage(tables: Tables, kind: str, instrument: str | None = None) -> Coverage:
    """The coverage of the record's ``kind``: one segment per source, over the years its
    records are active (open records to their start year or the latest year seen)."""
    if not tables.has("engagements"):
        return Coverage(instrument or kind, ())
    records = active(tables).filter(lambda t: t.kind == kind)
    last = ibis.greatest(records.first_year, records.last_year.fill_null(records.first_year))
    spans = records.group_by(["source", "origin"]).aggregate(
        first=records.first_year.min(), last=last.max()).order_by(["source", "origin"])
    segments = []
    for source, origin, first, final in tables.rows(spans):
        states = focal_states() if origin in FOCAL_ORIGINS else _source_states(source)
        name = origin if origin in FOCAL_ORIGINS else source
        segments.append(Segment(name, int(first), int(final), states,
                                _ccodes(tables, states)))
    return Coverage(instrument or kind, _merged(segments))


def _ccodes(tables: Tables, states: tuple[str, ...] | None) -> tuple[int, ...]:
    """The COW codes the record's actor rows give ``states`` (ISO3)."""
    if not states:
        return ()
    actors = tables.table("engagement_actors")
    found = actors.filter(actors.iso3.isin(list(states)) & actors.ccode.notnull()).select(
        ccode=actors.ccode.cast("int64")).distinct().order_by("ccode")
    return tuple(int(row[0]) for row in tables.rows(found))


def table_coverage(tables: Tables, instrument: str, table: str, source: str,
                   column: str = "year") -> Coverage:
    """The coverage of an instrument read from one all-state table: its years."""
    if not tables.has(table):
        return Coverage(instrument, ())
    t = tables.table(table)
    lo, hi = tables.probe(t.aggregate(lo=t[column].min(), hi=t[column].max()))
    if lo is None:
        return Coverage(instrument, ())
    states = _source_states(source)
    return Coverage(instrument, (Segment(source, int(lo), int(hi), states,
                                         _ccodes(tables, states)),))


def _merged(segments: list[Segment]) -> tuple[Segment, ...]:
    """One segment per (source, states): curated and entered rows of one source merge."""
    out: dict[tuple[str, tuple[str, ...] | None], Segment] = {}
    for s in segments:
        key = (s.source, s.states)
        held = out.get(key)
        out[key] = s if held is None else Segment(s.source, min(held.first, s.first),
                                                  max(held.last, s.last), s.states, s.ccodes)
    return tuple(out.values())
