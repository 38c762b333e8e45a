"""The registry of data sources: one module per dataset, each with the same contract.

Built-in sources are listed in ``BUILTIN``; outside packages add theirs with
:func:`register` or through the ``defdip.sources`` entry-point group.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from defdip.errors import UnknownSource
from defdip.sources._base import SourceInfo, SourceModule, Whole, attach_codes, fetch_source
from defdip.sources._whole import parse_whole

__all__ = [
    "BUILTIN",
    "SourceInfo",
    "SourceModule",
    "Whole",
    "all_sources",
    "attach_codes",
    "fetch_source",
    "get",
    "parse_whole",
    "register",
]

# Load order matters only for the reference tables, which come first.
BUILTIN: tuple[str, ...] = (
    "country_codes", "cow_states", "gw_states",
    "sipri_transfers", "sipri_deliveries", "sipri_milex",
    "cow_nmc", "cow_majors", "cow_contiguity", "cow_capitals", "cow_mindist", "cow_mids",
    "cow_wars", "td_rivalries", "tss_rivalries", "terr_threat", "ucdp_acd", "maoz_powers",
    "atop", "cow_igo", "dcad_agreements",
    "mme_exercises", "jme_exercises", "us_defense_visits", "ipi_peacekeeping",
    "un_peacekeeping_monthly", "unga_votes", "unga_votes_dgacm", "unga_ideal_points",
    "lowy_gdi", "icews_sample", "cameo_codebook", "plover_codebook", "natural_earth",
    "us_troops",
)

_REGISTRY: dict[str, SourceModule] = {}
_BUILTIN_LOADED: list[bool] = []  # set once the built-ins and entry points are registered


def register(module: SourceModule) -> SourceModule:
    """Add a source module (anything with ``INFO``, ``fetch`` and ``parse``)."""
    for attribute in ("INFO", "fetch", "parse"):
        if not hasattr(module, attribute):
            raise TypeError(f"source module {module!r} lacks {attribute!r}")
    _REGISTRY[module.INFO.name] = module
    return module


def _load_builtin() -> None:
    """Register the built-ins and the entry points once; sources registered earlier by hand
    keep their place after them (a hand-registered source may replace a built-in by name)."""
    if _BUILTIN_LOADED:
        return
    _BUILTIN_LOADED.append(True)
    early = dict(_REGISTRY)
    _REGISTRY.clear()
    for name in BUILTIN:
        register(importlib.import_module(f"defdip.sources.{name}"))  # type: ignore[arg-type]
    for entry in entry_points(group="defdip.sources"):
        register(entry.load())
    _REGISTRY.update(early)


def all_sources() -> dict[str, SourceModule]:
    """Every registered source by name, built-ins first in load order."""
    _load_builtin()
    return dict(_REGISTRY)


def get(name: str) -> SourceModule:
    """The source called ``name``; :class:`UnknownSource` lists the close matches.

    A built-in source is imported alone (``defdip cite atop`` does not import the other 31)."""
    if name in _REGISTRY:
        return _REGISTRY[name]
    if not _BUILTIN_LOADED and name in BUILTIN:
        return importlib.import_module(f"defdip.sources.{name}")  # type: ignore[return-value]
    registry = all_sources()
    if name not in registry:
        raise UnknownSource(name, sorted(registry))
    return registry[name]
