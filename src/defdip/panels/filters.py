"""``filter_*``: the only verbs that drop rows from a panel."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from defdip.errors import InvalidArgument
from defdip.panels.core import Panel

__all__ = ["filter_country", "filter_prd", "filter_years"]


def filter_years(panel: Panel, *, start: int, end: int) -> Panel:
    """Keep the rows with ``start <= year <= end`` (the tags narrow to match)."""
    if start > end:
        raise InvalidArgument(f"start {start!r} is after end {end!r}; give start <= end.")
    expr = panel.expr.filter(panel.expr.year.between(start, end))
    return replace(panel.evolve(expr), start=max(start, panel.start), end=min(end, panel.end))


def _code(country: Any, system: str, store: Any = None) -> int:
    """The state's code in the panel's system: COW (``ccode``) or Gleditsch-Ward (``gwcode``),
    through the one resolver (:func:`defdip.queries.names.resolve_state`) with the store's
    vocabulary."""
    if isinstance(country, int) and not isinstance(country, bool):
        return country
    from defdip.queries.names import resolve_state, vocabulary

    code = "gwcode" if system == "gw" else "ccode"
    found = resolve_state(str(country), vocabulary(store), "country", code=code)
    return int(getattr(found, code))


def filter_country(panel: Panel, country: Any, *, side: str = "either") -> Panel:
    """Keep the rows of one state (ISO3, name, or the code of the panel's system).

    On dyad-years ``side`` picks ``"1"`` (the state is ``ccode_1``), ``"2"`` or ``"either"``.
    """
    code = _code(country, panel.system, panel.tables.store)
    expr = panel.expr
    if panel.unit == "state_year":
        return panel.evolve(expr.filter(expr[panel.code] == code))
    first, second = expr[f"{panel.code}_1"], expr[f"{panel.code}_2"]
    sides = {"1": first == code, "2": second == code, "either": (first == code) | (second == code)}
    if side not in sides:
        raise InvalidArgument(f"side {side!r} is not one of {sorted(sides)}.")
    return panel.evolve(expr.filter(sides[side]))


def filter_prd(panel: Panel) -> Panel:
    """Keep politically relevant dyads: contiguous (``conttype`` 1-5) or either a major power.

    Needs ``add_contiguity`` and ``add_cow_majors`` first, as peacesciencer's ``filter_prd``.
    """
    panel.require_unit("filter_prd", "dyad_year")
    missing = [c for c in ("conttype", "cowmaj_1", "cowmaj_2") if c not in panel.columns]
    if missing:
        raise InvalidArgument(f"filter_prd() needs the columns {missing}; run add_contiguity() "
                              "and add_cow_majors() first.")
    expr = panel.expr
    keep = expr.conttype.between(1, 5) | (expr.cowmaj_1 == 1) | (expr.cowmaj_2 == 1)
    return panel.evolve(expr.filter(keep.fill_null(False)))
