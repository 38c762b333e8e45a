"""One state's yearly counts of records from the engagement record, and the years they are
observed in: what trends, breakpoints and region studies plot and test.

The counts follow the record's one rule (:mod:`defdip.queries.record`: a record counts in
every year it is active; observers of an exercise do not take part) and read every source
the record holds for the kind — for exercises MME and JME (all states, 1974–2010) and the
curated record (its focal states, to the latest curated year). Coverage is data
(:mod:`defdip.queries.coverage`): a year counts as observed for a state only where a source
covers that state — an all-state source, or a focal-only source whose focal states include
it. In an observed year a state without records has 0; outside, the count is unknown and the
year is left out. :class:`StateCoverage` says which sources and years were used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir

from defdip.plain import year_runs, years_text
from defdip.queries.coverage import FOCAL_ORIGINS, Coverage, Segment, check_scope
from defdip.queries.instruments import INSTRUMENTS, coverage
from defdip.queries.record import actor_years
from defdip.queries.tables import Tables

__all__ = ["StateCoverage", "partner_totals", "state_coverage", "yearly_counts"]


@dataclass(frozen=True)
class StateCoverage:
    """Which sources observe an instrument for one state, and the years they give."""

    instrument: str
    iso3: str
    segments: tuple[Segment, ...]
    years: tuple[int, ...]

    def sources_in(self, year: int) -> tuple[str, ...]:
        """The sources that observe the state in ``year`` (none: not observed)."""
        return tuple(sorted(s.source for s in self.segments if s.first <= year <= s.last))

    def source_change(self, first: int, last: int) -> str | None:
        """Where the sources observing the state change within ``first``..``last`` (a
        change of source can look like a change of behaviour), in words; None if none."""
        seen = [(y, self.sources_in(y)) for y in range(first, last + 1) if y in self.years]
        changes = [f"{', '.join(a) or 'none'} to {y - 1}, {', '.join(b) or 'none'} from {y}"
                   for (_, a), (y, b) in zip(seen, seen[1:], strict=False) if a != b]
        return "; ".join(changes) or None

    def describe(self) -> str:
        if not self.years:
            return f"{self.instrument}: no source observes {self.iso3} in the years asked"
        sources = "; ".join(s.describe() for s in self.segments)
        return (f"{self.instrument} for {self.iso3}: observed {years_text(self.years)} "
                f"from {sources}")

    def to_dict(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "iso3": self.iso3,
                "years": [[a, b] for a, b in year_runs(self.years)],
                "sources": [{"source": s.source, "first": s.first, "last": s.last,
                             "states": list(s.states) if s.states else "all"}
                            for s in self.segments],
                "text": self.describe()}


def state_coverage(cov: Coverage, iso3: str, start: int, end: int, scope: str = "all"
                   ) -> StateCoverage:
    """The segments of ``cov`` (of ``scope``) that observe the state ``iso3``, and the years
    of ``start``..``end`` they cover."""
    chosen = tuple(s for s in cov.chosen(scope) if s.states is None or iso3 in s.states)
    years = sorted({y for s in chosen for y in range(max(s.first, start), min(s.last, end) + 1)})
    return StateCoverage(cov.instrument, iso3, chosen, tuple(years))


def _taking_part(tables: Tables, kind: str, start: int, end: int, scope: str) -> ir.Table:
    per_year = actor_years(tables, kind, start, end)
    if check_scope(scope) == "global":
        per_year = per_year.filter(~per_year.origin.isin(list(FOCAL_ORIGINS)))
    return per_year


def _shared(per_year: ir.Table, ccode: int, partners: Sequence[int] | None) -> ir.Table:
    """(engagement_id, year[, partner]): the state's records, those shared with a partner
    when ``partners`` is given."""
    own = per_year.filter(per_year.ccode == ccode).select("engagement_id", "year")
    if partners is None:
        return own
    codes = [int(c) for c in partners if int(c) != ccode] or [-1]
    other = per_year.filter(per_year.ccode.isin(codes))
    other = other.select(eid=other.engagement_id, y=other.year, partner=other.ccode)
    joined = own.join(other, [own.engagement_id == other.eid, own.year == other.y])
    return joined.select("engagement_id", "year", "partner")


def yearly_counts(tables: Tables, instrument: str, ccode: int, iso3: str, start: int,
                  end: int, *, partners: Sequence[int] | None = None, scope: str = "all"
                  ) -> tuple[dict[int, int], StateCoverage]:
    """Records of ``instrument`` (``exercises`` or ``agreements``) the state takes part in,
    per observed year of ``start``..``end`` (0 where observed and none; unobserved years
    absent). With ``partners``, only records one of them takes part in too."""
    kind = INSTRUMENTS[instrument][0]
    seen = state_coverage(coverage(tables, instrument), iso3, start, end, scope)
    if not seen.years:
        return {}, seen
    rows = _shared(_taking_part(tables, kind, start, end, scope), ccode, partners)
    counts = rows.group_by("year").aggregate(n=rows.engagement_id.nunique())
    found = {int(y): int(n) for y, n in tables.rows(counts)}
    return {y: found.get(y, 0) for y in seen.years}, seen


def partner_totals(tables: Tables, instrument: str, ccode: int, iso3: str,
                   partners: Sequence[int], start: int, end: int, *, scope: str = "all"
                   ) -> tuple[dict[int, int], StateCoverage]:
    """Distinct records of ``instrument`` the state shares with each of ``partners`` over
    the observed years of ``start``..``end`` (partners without any are absent)."""
    kind = INSTRUMENTS[instrument][0]
    seen = state_coverage(coverage(tables, instrument), iso3, start, end, scope)
    if not seen.years:
        return {}, seen
    rows = _shared(_taking_part(tables, kind, start, end, scope), ccode, partners)
    rows = rows.filter(rows.year.isin([ibis.literal(y, "int64") for y in seen.years]))
    totals = rows.group_by("partner").aggregate(n=rows.engagement_id.nunique())
    return {int(p): int(n) for p, n in tables.rows(totals)}, seen
