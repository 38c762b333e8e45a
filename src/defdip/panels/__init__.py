"""Panels: units of analysis (``create_*``), columns (``add_*``) and row filters (``filter_*``).

The verbs follow peacesciencer: ``create_*`` makes a tagged unit of analysis, ``add_*`` only
left-joins columns (the row count never changes), ``filter_*`` is the only thing that drops
rows. All relational work is Ibis, so a panel runs on the DuckDB store or on PySpark.

Example::

    from defdip.store import open_store
    from defdip.panels import create_dyad_years, add_atop_alliance, add_cow_majors

    store = open_store()
    panel = add_cow_majors(add_atop_alliance(create_dyad_years(store, start=1950, end=2016)))
    panel.to_parquet("dyads.parquet")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what the names below resolve to, for readers and type checkers
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
    from defdip.panels.adders import ADDERS
    from defdip.panels.build import NAMES, PanelSummary, build_panel, parse_adders, write_panel
    from defdip.panels.columns import CATALOGUE, catalogue
    from defdip.panels.core import Panel, Tables
    from defdip.panels.event_columns import add_events
    from defdip.panels.filters import filter_country, filter_prd, filter_years
    from defdip.panels.units import create_dyad_years, create_state_years

__all__ = [
    "ADDERS",
    "CATALOGUE",
    "NAMES",
    "Panel",
    "PanelSummary",
    "Tables",
    "add_agreements",
    "add_arms_transfers",
    "add_atop_alliance",
    "add_capital_distance",
    "add_contiguity",
    "add_cow_majors",
    "add_diplomacy",
    "add_engagement",
    "add_events",
    "add_exercises",
    "add_igos",
    "add_mids",
    "add_minimum_distance",
    "add_nmc",
    "add_peacekeeping",
    "add_rivalries",
    "add_terr_threat",
    "add_un_alignment",
    "add_wars",
    "build_panel",
    "catalogue",
    "create_dyad_years",
    "create_state_years",
    "filter_country",
    "filter_prd",
    "filter_years",
    "parse_adders",
    "write_panel",
]

# Each public name loads its module on first use (PEP 562), so ``from defdip.panels import
# build_panel`` does not import Ibis: a cached Parquet job runs on DuckDB alone (build.py).
_HOME = {
    **dict.fromkeys(["add_atop_alliance", "add_igos"], "add_alliances"),
    **dict.fromkeys(["add_mids", "add_rivalries", "add_terr_threat", "add_wars"],
                    "add_conflict"),
    **dict.fromkeys(["add_capital_distance", "add_contiguity", "add_cow_majors",
                     "add_minimum_distance", "add_nmc"], "add_cow"),
    **dict.fromkeys(["add_agreements", "add_arms_transfers", "add_diplomacy", "add_engagement",
                     "add_exercises", "add_peacekeeping", "add_un_alignment"],
                    "add_instruments"),
    "add_events": "event_columns",
    "ADDERS": "adders",
    **dict.fromkeys(["NAMES", "PanelSummary", "build_panel", "parse_adders", "write_panel"],
                    "build"),
    **dict.fromkeys(["CATALOGUE", "catalogue"], "columns"),
    **dict.fromkeys(["Panel", "Tables"], "core"),
    **dict.fromkeys(["filter_country", "filter_prd", "filter_years"], "filters"),
    **dict.fromkeys(["create_dyad_years", "create_state_years"], "units"),
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
