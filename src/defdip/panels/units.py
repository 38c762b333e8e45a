"""``create_*``: the units of analysis, built from the COW state system (``cow_system``).

State-years are the COW system members of each year. COW's list (v2016) ends in 2016; when a
panel asks for later years, the states that were members at the end of 2016 are carried
forward unchanged (COW has recorded no membership change since South Sudan in 2011), as the
mirror's state-system README advises. Dyad-years pair every two distinct members of a year:
every ordered pair when directed, the pairs with ``ccode_1 < ccode_2`` when not.
"""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from defdip.errors import InvalidArgument
from defdip.panels._ops import pair_states, year_range
from defdip.panels.core import Panel, Tables, as_tables

__all__ = ["COW_FIRST_YEAR", "COW_LAST_YEAR", "create_dyad_years", "create_state_years"]

COW_FIRST_YEAR = 1816
COW_LAST_YEAR = 2016
SYSTEMS = ("cow",)


def _check(start: int, end: int, system: str) -> None:
    if system not in SYSTEMS:
        raise InvalidArgument(f"system {system!r} is not supported; use one of {list(SYSTEMS)} "
                              "(Gleditsch-Ward panels are not built yet).")
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"{name} must be a year (int), got {value!r}.")
    if start > end:
        raise InvalidArgument(f"start {start!r} is after end {end!r}; give start <= end.")
    if start < COW_FIRST_YEAR:
        raise InvalidArgument(f"start {start!r} is before the COW state system begins "
                              f"({COW_FIRST_YEAR}); use start >= {COW_FIRST_YEAR}.")


def _system_years(tables: Tables, start: int, end: int) -> ir.Table:
    """(ccode, year) of COW members, carried forward past 2016 when ``end`` asks for it."""
    system = tables.table("cow_system")
    members = system.select(ccode=system.ccode.cast("int64"), year=system.year.cast("int64"))
    inside = members.filter(members.year.between(start, min(end, COW_LAST_YEAR)))
    if end <= COW_LAST_YEAR:
        return inside
    later = year_range(max(start, COW_LAST_YEAR + 1), end)
    last = members.filter(members.year == COW_LAST_YEAR).select("ccode")
    carried = last.cross_join(later).select("ccode", "year")
    return inside.union(carried) if start <= COW_LAST_YEAR else carried


def create_state_years(store: Any, *, start: int, end: int, system: str = "cow") -> Panel:
    """Every COW system member in every year from ``start`` to ``end`` (keys ccode, year).

    Example: ``create_state_years(store, start=1950, end=2016).count()`` → 8,640 rows.
    """
    _check(start, end, system)
    tables = as_tables(store)
    expr = _system_years(tables, start, end)
    return Panel(expr, tables, "state_year", False, system, start, end, ("cow_states",))


def create_dyad_years(store: Any, *, start: int, end: int, directed: bool = True,
                      system: str = "cow") -> Panel:
    """Every pair of distinct COW members in every year (keys ccode_1, ccode_2, year).

    Directed panels hold both (a, b) and (b, a); non-directed hold only ``ccode_1 < ccode_2``.
    Example: ``create_dyad_years(store, start=1816, end=2016)`` has 1,912,022 rows.
    """
    _check(start, end, system)
    tables = as_tables(store)
    states = _system_years(tables, start, end)
    expr = pair_states(states, directed, ["ccode_1", "ccode_2", "year"])
    return Panel(expr, tables, "dyad_year", directed, system, start, end, ("cow_states",),
                 states)
