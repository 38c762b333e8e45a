"""The column families by the short names the command line uses, and applying several at once.

``build_panel`` imports this module only when it has to build a panel's expression; a job
whose compiled SQL is cached never does, so it never imports Ibis (see ``build.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from defdip.panels.add_alliances import add_atop_alliance, add_igos
from defdip.panels.add_conflict import add_mids, add_rivalries, add_terr_threat, add_wars
from defdip.panels.add_cow import (
    add_capital_distance,
    add_contiguity,
    add_cow_majors,
    add_minimum_distance,
    add_nmc,
)
from defdip.panels.add_instruments import (
    add_agreements,
    add_arms_transfers,
    add_diplomacy,
    add_engagement,
    add_exercises,
    add_peacekeeping,
    add_un_alignment,
)
from defdip.panels.core import Panel
from defdip.panels.event_columns import add_events

__all__ = ["ADDERS", "MONADIC_FIRST", "add_all"]

ADDERS: dict[str, Callable[[Panel], Panel]] = {
    "atop": add_atop_alliance,
    "majors": add_cow_majors,
    "nmc": add_nmc,
    "igo": add_igos,
    "contiguity": add_contiguity,
    "capdist": add_capital_distance,
    "mindist": add_minimum_distance,
    "mids": add_mids,
    "wars": add_wars,
    "rivalries": add_rivalries,
    "arms": add_arms_transfers,
    "exercises": add_exercises,
    "peacekeeping": add_peacekeeping,
    "diplomacy": add_diplomacy,
    "agreements": add_agreements,
    "un_alignment": add_un_alignment,
    "engagement": add_engagement,
    "terr_threat": add_terr_threat,
    "events": add_events,
}
#: Families whose first step is a monadic join; applied first (see :func:`add_all`).
MONADIC_FIRST = ("majors", "nmc", "igo")


def add_all(panel: Panel, names: list[str]) -> Panel:
    """Apply the families; those that start with a monadic join go first (while the dyads are
    still the bare pairing, their columns are attached to the state-years before pairing), then
    columns and sources are put back in the order asked for. Every ``add_*`` only left-joins
    its own columns, so the order of application changes no value."""
    order = [n for n in MONADIC_FIRST if n in names] + [n for n in names if n not in
                                                         MONADIC_FIRST]
    base_columns, base_sources = panel.columns, panel.sources
    added: dict[str, list[str]] = {}
    cited: dict[str, tuple[str, ...]] = {}
    for name in order:
        before = panel.columns
        applied = ADDERS[name](replace(panel, sources=()))
        added[name] = [c for c in applied.columns if c not in before]
        cited[name] = applied.sources
        panel = replace(applied, sources=tuple(dict.fromkeys((*panel.sources, *cited[name]))))
    if order == names:
        return panel
    columns = [*base_columns, *(c for n in names for c in added[n])]
    sources = tuple(dict.fromkeys((*base_sources, *(s for n in names for s in cited[n]))))
    return replace(panel, expr=panel.expr.select(*columns), sources=sources, states=None)
