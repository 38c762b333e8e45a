"""``build_measures``: compute every derived measure table from what the store holds.

Why one entry point: ``defdip load`` ends by calling it, so the alignment, engagement and
standing tables are always rebuilt from the same loaded sources, atomically, in one
transaction (``Store.replace_tables``), and a missing source skips only what depends on it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from defdip.measures.alignment import partner_agreement, un_alignment
from defdip.measures.engagement_index import (
    EngagementWeights,
    engagement_index,
    instrument_sources,
)
from defdip.measures.standing import diplomatic_reach, network_standing
from defdip.store import Store

__all__ = ["DESCRIPTIONS", "build_measures"]

DESCRIPTIONS = {
    "un_alignment": "UNGA alignment per directed dyad-year (both orders): ccode_1, ccode_2, "
                    "year, un_nvotes, un_agree, un_sscore (Signorino-Ritter), un_kappa "
                    "(Cohen/Häge, absolute distance), un_kappa_nominal, idealpoint_dist",
    "un_partner_agreement": "per state-year UNGA alignment with the USA, Russia and China: "
                            "nvotes_*, agree_*, sscore_*, kappa_*, idealpoint_dist_*",
    "engagement_index": "engagement per directed dyad-year: instrument columns and the "
                        "weighted engagement_index in [0, 1]",
    "network_standing": "per country-year centrality in the engagement graph (strength, "
                        "eigenvector, pagerank, rank) and the soft-power proxy",
}


def build_measures(store: Store, *, weights: EngagementWeights | None = None,
                   start: int = 1946, end: int | None = None,
                   on_note: Callable[[str], None] | None = None) -> dict[str, int]:
    """Compute and store the measure tables; return rows written per table.

    The engagement index and standing cover ``start``..``end`` (default 1946 on: the UN era,
    where more than alliances is recorded); the UN alignment covers every roll-call year.
    ``on_note`` receives one line per table skipped or instrument missing.
    """
    note = on_note or (lambda _m: None)
    tables: dict[str, pd.DataFrame] = {}
    if store.has("unga_votes") and store.has("unga_roll_calls"):
        aligned = un_alignment(store)
        tables["un_alignment"] = aligned
        tables["un_partner_agreement"] = partner_agreement(aligned)
        if not store.has("unga_ideal_points"):
            note("unga_ideal_points not loaded: idealpoint_dist is null")
    else:
        note("unga_votes not loaded: skipped un_alignment and un_partner_agreement")
    sources = instrument_sources(store)
    missing = sorted(c for c, t in sources.items() if t is None)
    if len(missing) == len(sources):
        note("no engagement instrument loaded: skipped engagement_index and network_standing")
    else:
        if missing:
            note(f"engagement instruments without data (null, no weight): {', '.join(missing)}")
        index = engagement_index(store, weights, start=start, end=end, sources=sources)
        tables["engagement_index"] = index
        tables["network_standing"] = network_standing(index, diplomatic_reach(store))
    if not tables:
        return {}
    return store.replace_tables(tables, owner="measures",
                                descriptions={k: DESCRIPTIONS[k] for k in tables})
