"""``create_*``: the units of analysis, built from the state system's membership spells.

A state is a member in a year when it is a member on any day of that year (peacesciencer's
rule, applied to the day-precise spells of ``cow_states`` or ``gw_states``). Dyad-years pair
two members of a year only when their memberships overlap on at least one day of it: West
Germany (260, until 2 October 1990) and united Germany (255, from 3 October 1990) are both
members in 1990 but never a dyad. That one rule removes exactly peacesciencer's
``false_cow_dyads`` (60 directed dyad-years, checked by a test) and its ``false_gw_dyads``.

Systems: ``"cow"`` (Correlates of War v2016, codes ``ccode``) and ``"gw"`` (Gleditsch & Ward
with its micro-states, codes ``gwcode`` and a ``microstate`` flag, as peacesciencer 1.2.9).
COW's list ends on 31 December 2016; when a panel asks for later years, the states that were
members on that day are carried forward (COW has recorded no change since South Sudan in
2011). G&W spells that are still open run to the panel's end. Directed dyads hold every
ordered pair; non-directed ones the pairs with ``code_1 < code_2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import ibis
import ibis.expr.types as ir

from defdip.errors import InvalidArgument
from defdip.panels._ops import DAY_FIRST, DAY_LAST, pair_states, spell_years, year_range
from defdip.panels.core import Panel, Tables, as_tables

__all__ = ["COW_FIRST_YEAR", "COW_LAST_YEAR", "SYSTEMS", "create_dyad_years",
           "create_state_years", "system_states"]

COW_FIRST_YEAR = 1816
COW_LAST_YEAR = 2016
#: A day-of-year number past any year's last day: a membership that runs to 31 December.
YEAR_END = 366


@dataclass(frozen=True)
class _System:
    table: str  # the spells' table (also the source to cite)
    code: str  # the state code column
    extra: tuple[str, ...]  # state attributes every unit carries (peacesciencer's columns)


SYSTEMS: dict[str, _System] = {
    "cow": _System("cow_states", "ccode", ()),
    "gw": _System("gw_states", "gwcode", ("microstate",)),
}


def _check(start: int, end: int, system: str) -> None:
    if system not in SYSTEMS:
        raise InvalidArgument(f"system {system!r} is not supported; use one of "
                              f"{list(SYSTEMS)} (Correlates of War or Gleditsch-Ward).")
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{name} must be a year (int), got {value!r}.")
    if start > end:
        raise InvalidArgument(f"start {start!r} is after end {end!r}; give start <= end.")
    if start < COW_FIRST_YEAR:
        raise InvalidArgument(f"start {start!r} is before the state system begins "
                              f"({COW_FIRST_YEAR}); use start >= {COW_FIRST_YEAR}.")


def _spells(tables: Tables, system: str, end: int) -> ir.Table:
    """(code, since, until, extras): membership spells, ``until`` carried to 31 December of
    ``end`` for the spells that are still running when the list stops."""
    spec = SYSTEMS[system]
    raw = tables.table(spec.table)
    last = ibis.literal(date(max(end, COW_LAST_YEAR), 12, 31), "date")
    until = raw["end"].cast("date")
    if system == "cow":
        until = ibis.ifelse(until == ibis.literal(date(COW_LAST_YEAR, 12, 31), "date"),
                            last, until)
    else:
        until = until.fill_null(last)
    extras = {c: raw[c].cast("int64") for c in spec.extra}
    return raw.select(**{spec.code: raw[spec.code].cast("int64")},
                      since=raw["start"].cast("date"), until=until, **extras)


def system_states(tables: Tables, system: str, start: int, end: int) -> ir.Table:
    """One row per member and year from ``start`` to ``end``: (code, year, extras, and the
    first and last day of the year the state was a member, as day-of-year numbers).

    The day bounds let :func:`~defdip.panels._ops.pair_states` pair only states whose
    memberships overlap within the year. Neither list has a state that leaves and returns
    within one calendar year (a test checks), so a state-year's days are one interval.
    """
    spec = SYSTEMS[system]
    spells = _spells(tables, system, end)
    years = spell_years(spells, year_range(start, end), spells.since.year().cast("int64"),
                        spells.until.year().cast("int64"))
    first = ibis.ifelse(years.since.year() == years.year, years.since.day_of_year(), 1)
    last = ibis.ifelse(years.until.year() == years.year, years.until.day_of_year(), YEAR_END)
    days = years.mutate(**{DAY_FIRST: first.cast("int64"), DAY_LAST: last.cast("int64")})
    return days.group_by([spec.code, "year"]).aggregate(
        **{c: days[c].max() for c in spec.extra},
        **{DAY_FIRST: days[DAY_FIRST].min(), DAY_LAST: days[DAY_LAST].max()})


def create_state_years(store: Any, *, start: int, end: int, system: str = "cow") -> Panel:
    """Every system member in every year from ``start`` to ``end`` (keys ccode, year; on
    ``system="gw"`` gwcode, year and the ``microstate`` flag).

    Example: ``create_state_years(store, start=1950, end=2016).count()`` → 8,640 rows.
    """
    _check(start, end, system)
    tables = as_tables(store)
    spec = SYSTEMS[system]
    states = system_states(tables, system, start, end)
    expr = states.select(spec.code, "year", *spec.extra)
    return Panel(expr, tables, "state_year", False, system, start, end, (spec.table,))


def create_dyad_years(store: Any, *, start: int, end: int, directed: bool = True,
                      system: str = "cow") -> Panel:
    """Every pair of members that shared a day of membership in the year (keys ccode_1,
    ccode_2, year; gwcode_1, gwcode_2, year and microstate_1, microstate_2 on G&W).

    Directed panels hold both (a, b) and (b, a); non-directed hold only ``code_1 < code_2``.
    Example: ``create_dyad_years(store, start=1816, end=2016)`` has 1,912,290 rows, as
    peacesciencer's ``create_dyadyears(mry = FALSE)``.
    """
    _check(start, end, system)
    tables = as_tables(store)
    spec = SYSTEMS[system]
    states = system_states(tables, system, start, end)
    columns = [f"{spec.code}_1", f"{spec.code}_2", "year",
               *(f"{c}_{s}" for s in ("1", "2") for c in spec.extra)]
    expr = pair_states(states, directed, columns, code=spec.code)
    return Panel(expr, tables, "dyad_year", directed, system, start, end, (spec.table,),
                 states)
