"""Relational building blocks shared by the ``add_*`` modules (portable Ibis only).

Every ``add_*`` goes through :func:`join_columns`: the right-hand table is first reduced to one
row per join key (the caller aggregates), then left-joined, so the panel's row count cannot
change. Fill rules (``0`` where the source covers the year, NULL elsewhere) are applied here too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ibis
import ibis.expr.types as ir

from defdip.panels.core import Panel, Tables, packed
from defdip.queries.tables import spell_years, year_range, year_span

__all__ = [
    "DAY_FIRST",
    "DAY_LAST",
    "add_monadic",
    "fill",
    "join_columns",
    "join_dyad",
    "join_stored_dyad",
    "is_directed",
    "join_monadic",
    "pair_states",
    "panel_years",
    "spell_years",
    "symmetric",
    "undirected_lookup",
    "year_range",
    "year_span",
]

_R = "__r_"
#: Columns of a state-year table: the first and last day of the year (day-of-year numbers)
#: the state was a member; :func:`pair_states` pairs only states whose days overlap.
DAY_FIRST = "__day_first"
DAY_LAST = "__day_last"


def join_columns(expr: ir.Table, right: ir.Table, on: Mapping[str, str],
                 take: Mapping[str, str]) -> ir.Table:
    """Left-join ``right`` (one row per key) on ``on`` (panel column → right column).

    ``take`` maps right columns to the names they get in the panel. Right columns are renamed
    first, so nothing in the panel is ever shadowed or suffixed. When the keys are a year and
    COW codes, they are packed into one integer (:func:`_packed`); right-hand codes outside
    0..999 cannot be COW codes and are dropped first, so no match is lost or invented.
    """
    codes = [k for k in on if k != "year"]
    if "year" in on and codes and all(k.startswith(("ccode", "__lo", "__hi")) for k in codes):
        order = ["year", *codes]
        valid = [right[on[k]].between(0, 999) for k in codes]
        kept = right.filter(valid)
        r = kept.select(__r_key=packed([kept[on[k]] for k in order]),
                        **{f"{_R}{c}": kept[c] for c in take}).view()
        joined = expr.left_join(r, packed([expr[k] for k in order]) == r.__r_key)
    else:
        needed = list(dict.fromkeys([*on.values(), *take]))
        r = right.select(**{f"{_R}{c}": right[c] for c in needed}).view()
        predicates = [expr[left] == r[f"{_R}{col}"] for left, col in on.items()]
        joined = expr.left_join(r, predicates)
    return joined.select(*[joined[c] for c in expr.columns],
                         **{new: joined[f"{_R}{old}"] for old, new in take.items()})


def join_monadic(panel: Panel, right: ir.Table, take: Sequence[str] | Mapping[str, str],
                 *, key: str = "ccode") -> ir.Table:
    """Join a state-year table: once on a state-year panel, twice (``_1``, ``_2``) on dyads."""
    names = dict(take) if isinstance(take, Mapping) else {c: c for c in take}
    expr = panel.expr
    if panel.unit == "state_year":
        return join_columns(expr, right, {"ccode": key, "year": "year"}, names)
    for side in ("1", "2"):
        expr = join_columns(expr, right, {f"ccode_{side}": key, "year": "year"},
                            {old: f"{new}_{side}" for old, new in names.items()})
    return expr


def pair_states(states: ir.Table, directed: bool, columns: Sequence[str], *,
                code: str = "ccode") -> ir.Table:
    """Dyad-years from state-years: every pair of distinct states of a year (``c1 < c2`` when
    not directed); each state-year column ``x`` becomes ``x_1`` and ``x_2``. ``columns`` gives
    the output columns and their order.

    When ``states`` carries the days of the year each state was a member (:data:`DAY_FIRST`,
    :data:`DAY_LAST`), only states whose memberships overlap on a day of the year are paired.
    """
    days = DAY_FIRST in states.columns and DAY_LAST in states.columns
    extra = [c for c in states.columns if c not in (code, "year")]
    a = states.select(**{f"{code}_1": states[code]}, year=states.year,
                      **{f"{c}_1": states[c] for c in extra})
    b = states.select(**{f"{code}_2": states[code]}, year_b=states.year,
                      **{f"{c}_2": states[c] for c in extra})
    c1, c2 = a[f"{code}_1"], b[f"{code}_2"]
    predicates = [a.year == b.year_b, c1 != c2 if directed else c1 < c2]
    if days:
        predicates += [a[f"{DAY_FIRST}_1"] <= b[f"{DAY_LAST}_2"],
                       b[f"{DAY_FIRST}_2"] <= a[f"{DAY_LAST}_1"]]
    return a.join(b, predicates).select(*columns)


def add_monadic(panel: Panel, right: ir.Table, take: Sequence[str] | Mapping[str, str],
                *sources: str, key: str = "ccode", fill_value: int | None = None,
                fill_years: tuple[int, int] | None = None) -> Panel:
    """:func:`join_monadic` (NULL filled with ``fill_value`` if given, only within
    ``fill_years`` when those are given) as a new panel.

    While a dyad panel is still the bare pairing of its state-years, the columns are joined to
    those state-years (thousands of rows) and the pairs rebuilt, instead of two joins over
    every dyad-year; the rows and values are the same.
    """
    names = dict(take) if isinstance(take, Mapping) else {c: c for c in take}
    new = list(names.values())
    if panel.unit == "dyad_year" and panel.states is not None:
        states = join_columns(panel.states, right, {"ccode": key, "year": "year"}, names)
        if fill_value is not None:
            states = fill(states, new, fill_value, fill_years)
        columns = [*panel.columns, *(f"{n}_{s}" for s in ("1", "2") for n in new)]
        return panel.evolve(pair_states(states, panel.directed, columns), *sources,
                            states=states)
    expr = join_monadic(panel, right, names, key=key)
    if fill_value is not None:
        added = new if panel.unit == "state_year" else \
            [f"{n}_{s}" for s in ("1", "2") for n in new]
        expr = fill(expr, added, fill_value, fill_years)
    return panel.evolve(expr, *sources)


def join_dyad(panel: Panel, right: ir.Table, take: Mapping[str, str], *,
              keys: tuple[str, str, str] = ("ccode1", "ccode2", "year")) -> ir.Table:
    """Join a directed dyad-year table (one row per ordered pair and year) as it stands."""
    a, b, y = keys
    return join_columns(panel.expr, right, {"ccode_1": a, "ccode_2": b, "year": y}, take)


def undirected_lookup(panel: Panel, right: ir.Table, take: Mapping[str, str], *,
                      keys: tuple[str, str, str] = ("ccode1", "ccode2", "year")) -> ir.Table:
    """Join a non-directed table (``ccode1 < ccode2``) to either panel orientation."""
    a, b, y = keys
    expr = panel.expr
    lo = ibis.least(expr.ccode_1, expr.ccode_2).name("__lo")
    hi = ibis.greatest(expr.ccode_1, expr.ccode_2).name("__hi")
    widened = expr.mutate(__lo=lo, __hi=hi)
    joined = join_columns(widened, right, {"__lo": a, "__hi": b, "year": y}, take)
    return joined.drop("__lo", "__hi")


def join_stored_dyad(panel: Panel, right: ir.Table, take: Mapping[str, str], *,
                     keys: tuple[str, str, str] = ("ccode1", "ccode2", "year")) -> ir.Table:
    """Join a stored dyad-year table in whichever layout it has: as it stands when it holds
    both orientations (:func:`is_directed` asks the data), else as non-directed."""
    if is_directed(panel.tables, right, *keys[:2]):
        return join_dyad(panel, right, take, keys=keys)
    return undirected_lookup(panel, right, take, keys=keys)


def fill(expr: ir.Table, columns: Sequence[str], value: int | float = 0,
         years: tuple[int, int] | None = None) -> ir.Table:
    """Replace NULL by ``value`` in ``columns`` (only within ``years`` when given)."""
    changes = {}
    for column in columns:
        col = expr[column]
        if years is None:
            changes[column] = col.fill_null(value)
        else:
            inside = expr.year.between(*years)
            changes[column] = ibis.ifelse(col.isnull() & inside, value, col)
    return expr.mutate(**changes)



def panel_years(panel: Panel) -> ir.Table:
    """The years ``start``..``end`` of the panel as a one-column table ``year``.

    Built from the tags, not from the panel's rows, so expanding a lookup's spells never
    re-evaluates the joins already made.
    """
    return year_range(panel.start, panel.end)



def is_directed(tables: Tables, table: ir.Table, a: str = "ccode1", b: str = "ccode2") -> bool:
    """Whether a dyadic table holds rows with ``a > b`` (so both orientations are stored)."""
    found = table.filter(table[a] > table[b]).limit(1)
    return bool(tables.probe(found.aggregate(n=found.count()))[0] > 0)



def symmetric(table: ir.Table, a: str = "ccode1", b: str = "ccode2") -> ir.Table:
    """Both orientations of a non-directed dyadic table (a and b swapped, rows appended)."""
    swapped = table.mutate(**{a: table[b], b: table[a]}).select(*table.columns)
    return table.union(swapped)
