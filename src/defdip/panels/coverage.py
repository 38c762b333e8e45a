"""Each panel column's coverage — its years, and all states or only the focal states — as the
coverage model (:mod:`defdip.queries.coverage`) gives it, for ``defdip panel columns``.

Nothing here is written per column. A column's coverage is its family's (the ``add`` name in
the catalogue), found where the family's ``add_*`` function finds it:

- the instruments (arms, exercises, agreements, peacekeeping, diplomacy) from
  :func:`defdip.queries.instruments.coverage` — where the curated record adds focal-only
  segments (Türkiye's exercises after 2010), they show as such;
- families read from one table with a ``year`` column (NMC, minimum distance, territorial
  threat, the stored UN alignment and engagement index) from
  :func:`defdip.queries.coverage.table_coverage`, the years the loaded table spans; those
  read from dated spells (COW majors, capitals) from the spells' first and last years
  (``add_cow.spells_span``, which ``add_cow_majors`` fills 0 within);
- families whose ``add_*`` puts 0 inside fixed years and NULL outside (ATOP, COW IGO, MIDs,
  wars, rivalries, contiguity) from the very constants those functions use, and NATO from the
  one NATO list's last complete year.

A family whose data are not loaded has no segments ("not loaded"). The keys (``ccode``,
``year`` …) have none: they make the rows.
"""

from __future__ import annotations

from collections.abc import Callable

from defdip.errors import DefdipError
from defdip.panels.add_alliances import ATOP_YEARS, IGO_YEARS, un_years
from defdip.panels.add_conflict import MID_YEARS, TD_YEARS, TSS_YEARS, WAR_YEARS
from defdip.panels.add_cow import CONTIGUITY_YEARS, spells_span
from defdip.panels.columns import CATALOGUE
from defdip.plain import year_runs, years_text
from defdip.queries import instruments, series
from defdip.queries.coverage import Coverage, Segment, table_coverage
from defdip.queries.memberships import membership
from defdip.queries.tables import Tables

__all__ = ["FINDERS", "column_coverage", "describe_sources", "describe_states", "describe_years"]

Finder = Callable[[Tables, str], Coverage]


def _fixed(years: tuple[int, int], source: str) -> Finder:
    def find(tables: Tables, name: str) -> Coverage:
        return Coverage(name, (Segment(source, years[0], years[1]),))
    return find


def _instrument(instrument: str) -> Finder:
    return lambda tables, name: Coverage(name, instruments.coverage(tables, instrument).segments)


def _table(table: str, source: str) -> Finder:
    return lambda tables, name: Coverage(name, table_coverage(tables, name, table,
                                                              source).segments)


def _spells(table: str, source: str) -> Finder:
    """A table of dated spells: from the first spell's start to the last one's end."""
    def find(tables: Tables, name: str) -> Coverage:
        if not tables.has(table):
            return Coverage(name, ())
        lo, hi = spells_span(tables, table)
        return Coverage(name, (Segment(source, lo, hi),) if hi >= lo else ())
    return find


def _nato(tables: Tables, name: str) -> Coverage:
    return Coverage(name, (Segment("nato_members", IGO_YEARS[0],
                                   membership("NATO").complete_through),))


def _un(tables: Tables, name: str) -> Coverage:
    lo, hi = un_years(tables)
    return Coverage(name, (Segment("unga_votes", lo, hi),) if hi >= lo else ())


def _peacekeeping_personnel(tables: Tables, name: str) -> Coverage:
    """Every month the peacekeeping series reports, split by mission or not (the state-year
    head-count averages them; the mission counts need the split), one segment per source."""
    rows = series.peacekeeping(tables)
    spans = rows.group_by("origin").aggregate(lo=rows.year.min(), hi=rows.year.max())
    return Coverage(name, tuple(
        Segment(PK_ORIGINS[origin], int(lo), int(hi))
        for origin, lo, hi in sorted(tables.rows(spans), key=lambda r: r[1])))


def _events(tables: Tables, name: str) -> Coverage:
    from defdip.store.events import EventStore

    if tables.store is None:
        return Coverage(name, ())
    years = sorted({int(month[:4]) for month in EventStore.beside(tables.store).months()})
    return Coverage(name, tuple(Segment("events", a, b) for a, b in year_runs(years)))


#: The peacekeeping series' origins → the sources they cite.
PK_ORIGINS = {"ipi": "ipi_peacekeeping", "un_monthly": "un_peacekeeping_monthly"}
#: (family, column) or (family, column source) or family → how its coverage is found: the
#: family's rule unless its ``add_*`` treats some of its columns otherwise.
FINDERS: dict[str | tuple[str, str], Finder] = {
    "atop": _fixed(ATOP_YEARS, "atop"),
    "majors": _spells("cow_majors", "cow_majors"),
    "nmc": _table("cow_nmc", "cow_nmc"),
    ("igo", "cow_igo"): _fixed(IGO_YEARS, "cow_igo"),
    ("igo", "nato_members"): _nato,
    ("igo", "unga_votes"): _un,
    "contiguity": _fixed(CONTIGUITY_YEARS, "cow_contiguity"),
    "capdist": _spells("cow_capitals", "cow_capitals"),
    "mindist": _table("cow_mindist", "cow_mindist"),
    "mids": _fixed(MID_YEARS, "cow_mids"),
    "wars": _fixed(WAR_YEARS, "cow_wars"),
    ("rivalries", "td_rivalries"): _fixed(TD_YEARS, "td_rivalries"),
    ("rivalries", "tss_rivalries"): _fixed(TSS_YEARS, "tss_rivalries"),
    "terr_threat": _table("terr_threat", "terr_threat"),
    "arms": _instrument("arms"),
    "exercises": _instrument("exercises"),
    "agreements": _instrument("agreements"),
    "peacekeeping": _instrument("peacekeeping"),
    ("peacekeeping", "pk_personnel"): _peacekeeping_personnel,
    "diplomacy": _instrument("diplomatic"),
    "un_alignment": _table("un_alignment", "unga_votes"),
    "engagement": _table("engagement_index", "engagements"),
    "events": _events,
}


def column_coverage(tables: Tables) -> dict[str, Coverage]:
    """Every catalogue column's coverage over the data ``tables`` hold (a column whose family
    has no finder, such as the Gleditsch-Ward codes, is left out). Each family is asked once."""
    found: dict[str | tuple[str, str], Coverage] = {}
    out = {}
    for column in CATALOGUE.values():
        keys = ((column.add, column.name), (column.add, column.source), column.add)
        key = next((k for k in keys if k in FINDERS), None)
        if key is None:
            continue
        if key not in found:
            try:
                found[key] = FINDERS[key](tables, column.add or column.source)
            except DefdipError:  # a source not loaded, a record not built
                found[key] = Coverage(column.add or column.source, ())
        out[column.name] = found[key]
    return out


def describe_years(coverage: Coverage) -> str:
    """The years some segment covers, as runs: '1980–2010, 2012–2024'; 'not loaded'."""
    return years_text({y for s in coverage.segments for y in range(s.first, s.last + 1)},
                      "not loaded")


def describe_states(coverage: Coverage) -> str:
    """'all' (every state), 'focal only (TUR)' (the curated record's states), or both with
    the years of each: 'all 1980–2010; focal only (TUR) 1995–2024'."""
    if not coverage.segments:
        return ""
    every = Coverage(coverage.instrument, tuple(s for s in coverage.segments if s.is_global))
    focal = tuple(s for s in coverage.segments if not s.is_global)
    if not focal:
        return "all"
    states = ", ".join(sorted({state for s in focal for state in s.states or ()}))
    focal_text = f"focal only ({states})"
    if not every.segments:
        return focal_text
    return (f"all {describe_years(every)}; {focal_text} "
            f"{describe_years(Coverage(coverage.instrument, focal))}")


def describe_sources(coverage: Coverage) -> str:
    """The sources behind the coverage, in order of their first year."""
    ordered = sorted(coverage.segments, key=lambda s: (s.first, s.source))
    return ", ".join(dict.fromkeys(s.source for s in ordered))
