"""Measures over the store: UN alignment, engagement index, network standing, arms queries.

``build_measures(store)`` computes and stores the derived tables (``un_alignment``,
``un_partner_agreement``, ``engagement_index``, ``network_standing``); the query functions
read them back for the CLI and the reports. Definitions and citations: ``docs/measures.md``.
"""

from defdip.measures.alignment import (
    PARTNERS,
    alignment,
    dyad_alignment,
    partner_agreement,
    un_alignment,
)
from defdip.measures.arms import arms_deals, arms_partners, arms_ranking
from defdip.measures.build import build_measures
from defdip.measures.engagement_index import EngagementWeights, engagement_index
from defdip.measures.standing import network_standing, standing

__all__ = [
    "PARTNERS",
    "EngagementWeights",
    "alignment",
    "arms_deals",
    "arms_partners",
    "arms_ranking",
    "build_measures",
    "dyad_alignment",
    "engagement_index",
    "network_standing",
    "partner_agreement",
    "standing",
    "un_alignment",
]
