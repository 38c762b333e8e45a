"""The column catalogue: every column a panel can carry, with meaning, unit, source, citation.

``defdip panel columns`` prints it; ``docs/panels.md`` summarises it. Dyadic columns follow
one suffix scheme: ``_1`` is the state in ``ccode_1``, ``_2`` the state in ``ccode_2``; a
monadic attribute (``cinc``) appears as ``cinc`` on state-years and ``cinc_1``/``cinc_2`` on
dyad-years. The citation is the source's BibTeX key (``defdip cite SOURCE`` prints it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

if TYPE_CHECKING:
    from defdip.queries.coverage import Coverage

__all__ = ["CATALOGUE", "Column", "catalogue", "citation_of"]


@dataclass(frozen=True)
class Column:
    name: str
    unit_of_analysis: str  # "state_year", "dyad_year" or "both" (monadic: suffixed on dyads)
    meaning: str
    unit: str
    source: str
    add: str  # the CLI name of the add_* family that makes it ("" for the keys)


# (name, unit_of_analysis, meaning, unit, source, add)
_ROWS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("ccode", "state_year", "COW state code", "code", "cow_states", ""),
    ("ccode_1", "dyad_year", "COW code of the first state (the sender in directed dyads)",
     "code", "cow_states", ""),
    ("ccode_2", "dyad_year", "COW code of the second state", "code", "cow_states", ""),
    ("gwcode", "state_year", "Gleditsch-Ward state code (system='gw' panels)", "code",
     "gw_states", ""),
    ("gwcode_1", "dyad_year", "Gleditsch-Ward code of the first state (system='gw')", "code",
     "gw_states", ""),
    ("gwcode_2", "dyad_year", "Gleditsch-Ward code of the second state (system='gw')", "code",
     "gw_states", ""),
    ("microstate", "both", "a G&W micro-state (population under 250,000; system='gw')", "0/1",
     "gw_states", ""),
    ("year", "both", "calendar year (a state is a member in every year it is a member on any "
     "day); after 2016 the COW members of 31 December 2016 are carried forward", "year",
     "cow_states", ""),
    ("atop_defense", "dyad_year", "an ATOP defence pledge is in force (1→2 on directed dyads)",
     "0/1", "atop", "atop"),
    ("atop_offense", "dyad_year", "an ATOP offence pledge is in force", "0/1", "atop", "atop"),
    ("atop_neutral", "dyad_year", "an ATOP neutrality pledge is in force", "0/1", "atop",
     "atop"),
    ("atop_nonagg", "dyad_year", "an ATOP non-aggression pledge is in force", "0/1", "atop",
     "atop"),
    ("atop_consul", "dyad_year", "an ATOP consultation pledge is in force", "0/1", "atop",
     "atop"),
    ("cowmaj", "both", "COW major power in the year (NULL after the last year of COW's "
     "major-power spells, 2016)", "0/1", "cow_majors", "majors"),
    ("milex", "both", "military expenditure (COW NMC)", "thousands of current USD (GBP before "
     "1914)", "cow_nmc", "nmc"),
    ("milper", "both", "military personnel (COW NMC)", "thousands", "cow_nmc", "nmc"),
    ("irst", "both", "iron and steel production (COW NMC)", "thousands of tons", "cow_nmc",
     "nmc"),
    ("pec", "both", "primary energy consumption (COW NMC)", "thousands of coal-ton "
     "equivalents", "cow_nmc", "nmc"),
    ("tpop", "both", "total population (COW NMC)", "thousands", "cow_nmc", "nmc"),
    ("upop", "both", "urban population (COW NMC)", "thousands", "cow_nmc", "nmc"),
    ("cinc", "both", "composite index of national capability (share of the system)",
     "share 0-1", "cow_nmc", "nmc"),
    ("dyadigos", "dyad_year", "IGOs in which both states are full members", "count",
     "cow_igo", "igo"),
    ("nato_both", "dyad_year", "both states are NATO members (nato.int's member list; NULL "
     "after the year it is complete through)", "0/1", "nato_members", "igo"),
    ("oic_both", "dyad_year", "both states are full OIC members", "0/1", "cow_igo", "igo"),
    ("un_both", "dyad_year", "both states are UN members (voted in the GA or have an ideal "
     "point that year)", "0/1", "unga_votes", "igo"),
    ("sum_igo_full", "state_year", "IGOs with the state as full member", "count", "cow_igo",
     "igo"),
    ("sum_igo_associate", "state_year", "IGOs with the state as associate member", "count",
     "cow_igo", "igo"),
    ("sum_igo_observer", "state_year", "IGOs with the state as observer", "count", "cow_igo",
     "igo"),
    ("sum_igo_anytype", "state_year", "IGOs with the state in any status", "count", "cow_igo",
     "igo"),
    ("nato", "state_year", "NATO member (nato.int's member list; NULL after the year it is "
     "complete through)", "0/1", "nato_members", "igo"),
    ("oic", "state_year", "full OIC member", "0/1", "cow_igo", "igo"),
    ("un", "state_year", "UN member (voted in the GA or has an ideal point that year)", "0/1",
     "unga_votes", "igo"),
    ("conttype", "dyad_year", "COW direct contiguity: 1 land/river, 2-5 separated by up to 12, "
     "24, 150, 400 miles of water, 0 none; the type in force at the start of the year "
     "(rule='first', peacesciencer's default)", "category 0-5", "cow_contiguity", "contiguity"),
    ("land", "state_year", "states bordered by land or river (COW contiguity type 1)", "count",
     "cow_contiguity", "contiguity"),
    ("sea", "state_year", "states across up to 400 miles of water (COW contiguity types 2-5)",
     "count", "cow_contiguity", "contiguity"),
    ("capdist", "dyad_year", "great-circle distance between the capitals held on 1 January",
     "km", "cow_capitals", "capdist"),
    ("mincapdist", "state_year", "distance to the nearest other member's capital", "km",
     "cow_capitals", "capdist"),
    ("mindist", "dyad_year", "minimum distance between the two states' borders", "km",
     "cow_mindist", "mindist"),
    ("minmindist", "state_year", "smallest border distance to any other state", "km",
     "cow_mindist", "mindist"),
    ("cowmidonset", "dyad_year", "a COW militarised interstate dispute begins", "0/1",
     "cow_mids", "mids"),
    ("cowmidongoing", "dyad_year", "a COW militarised interstate dispute is ongoing", "0/1",
     "cow_mids", "mids"),
    ("cowinteronset", "dyad_year", "a COW inter-state war begins", "0/1", "cow_wars", "wars"),
    ("cowinterongoing", "dyad_year", "a COW inter-state war is ongoing", "0/1", "cow_wars",
     "wars"),
    ("tdrival", "dyad_year", "a Thompson-Dreyer strategic rivalry is ongoing", "0/1",
     "td_rivalries", "rivalries"),
    ("tssr_rivalry", "dyad_year", "a Thompson-Sakuwa-Suhas strategic rivalry is ongoing", "0/1",
     "tss_rivalries", "rivalries"),
    ("tssr_positional", "dyad_year", "an ongoing strategic rivalry is positional", "0/1",
     "tss_rivalries", "rivalries"),
    ("tssr_spatial", "dyad_year", "an ongoing strategic rivalry is spatial", "0/1",
     "tss_rivalries", "rivalries"),
    ("tssr_ideological", "dyad_year", "an ongoing strategic rivalry is ideological", "0/1",
     "tss_rivalries", "rivalries"),
    ("tssr_interventionary", "dyad_year", "an ongoing strategic rivalry is interventionary",
     "0/1", "tss_rivalries", "rivalries"),
    ("lterrthreat", "both", "latent external territorial threat (posterior mean)", "latent "
     "scale", "terr_threat", "terr_threat"),
    ("tiv_1to2", "dyad_year", "arms delivered by state 1 to state 2 in the year", "SIPRI TIV "
     "millions", "sipri_deliveries", "arms"),
    ("tiv_2to1", "dyad_year", "arms delivered by state 2 to state 1 in the year", "SIPRI TIV "
     "millions", "sipri_deliveries", "arms"),
    ("tiv_exports", "state_year", "arms the state delivered in the year", "SIPRI TIV millions",
     "sipri_deliveries", "arms"),
    ("tiv_imports", "state_year", "arms delivered to the state in the year", "SIPRI TIV "
     "millions", "sipri_deliveries", "arms"),
    ("exercises_joint", "dyad_year", "exercises both states took part in (observers excluded)",
     "count", "engagements", "exercises"),
    ("pk_codeploy", "dyad_year", "UN missions both states contributed personnel to (IPI "
     "2009-2014, UN monthly reports 2015-2025)", "count", "un_peacekeeping_monthly",
     "peacekeeping"),
    ("pk_personnel", "state_year", "uniformed personnel in UN operations, mean month-end "
     "head-count over the year's reported months (1990-2025)", "persons",
     "un_peacekeeping_monthly", "peacekeeping"),
    ("pk_missions", "state_year", "UN missions with the state's personnel in the year "
     "(2009-2025)", "count", "un_peacekeeping_monthly", "peacekeeping"),
    ("embassy_1in2", "dyad_year", "state 1 has an embassy in state 2 (Lowy edition years)",
     "0/1", "lowy_gdi", "diplomacy"),
    ("embassy_2in1", "dyad_year", "state 2 has an embassy in state 1 (Lowy edition years)",
     "0/1", "lowy_gdi", "diplomacy"),
    ("posts_1in2", "dyad_year", "diplomatic posts of any type state 1 keeps in state 2",
     "count", "lowy_gdi", "diplomacy"),
    ("agreements_in_force", "dyad_year", "recorded defence agreements in force between both",
     "count", "engagements", "agreements"),
    ("un_nvotes", "dyad_year", "UNGA roll calls both states voted in", "count", "unga_votes",
     "un_alignment"),
    ("un_agree", "dyad_year", "share of joint UNGA votes that were identical", "share 0-1",
     "unga_votes", "un_alignment"),
    ("un_sscore", "dyad_year", "Signorino-Ritter S-score of UNGA votes", "-1..1",
     "unga_votes", "un_alignment"),
    ("un_kappa", "dyad_year", "Cohen's kappa of UNGA votes (Häge 2011)", "-1..1",
     "unga_votes", "un_alignment"),
    ("idealpoint_dist", "dyad_year", "absolute distance between UNGA ideal points",
     "ideal-point scale", "unga_ideal_points", "un_alignment"),
    ("engagement_index", "dyad_year", "composite defence-engagement index (see "
     "docs/measures.md)", "0-1", "engagements", "engagement"),
    ("engagement_instruments", "dyad_year", "instruments with a recorded engagement in the "
     "dyad-year", "count", "engagements", "engagement"),
    ("ev_n", "dyad_year", "interstate events from state 1 to state 2 (government or military "
     "actors; loaded ICEWS/GDELT/POLECAT files, see docs/events.md)", "count", "events",
     "events"),
    ("ev_verbal_coop", "dyad_year", "events 1 to 2 in QuadClass 1, verbal cooperation",
     "count", "events", "events"),
    ("ev_material_coop", "dyad_year", "events 1 to 2 in QuadClass 2, material cooperation",
     "count", "events", "events"),
    ("ev_verbal_conflict", "dyad_year", "events 1 to 2 in QuadClass 3, verbal conflict",
     "count", "events", "events"),
    ("ev_material_conflict", "dyad_year", "events 1 to 2 in QuadClass 4, material conflict",
     "count", "events", "events"),
    ("ev_goldstein_sum", "dyad_year", "sum of the events' Goldstein intensities",
     "Goldstein -10..10, summed", "events", "events"),
    ("ev_goldstein_mean", "dyad_year", "mean Goldstein intensity (NULL without events)",
     "-10..10", "events", "events"),
    ("ev_net_coop", "dyad_year", "cooperative minus conflictual events (QuadClass 1+2 - 3+4)",
     "count", "events", "events"),
    ("ev_months", "dyad_year", "months of the year the loaded event files cover (NULL: none, "
     "and every ev_ column is NULL)", "months 1-12", "events", "events"),
)

CATALOGUE: dict[str, Column] = {row[0]: Column(*row) for row in _ROWS}

_DERIVED_CITATION = "defdip engagement record (each record cites its own public source)"
_EVENTS_CITATION = ("event files loaded with `defdip events load`: cite each publisher (ICEWS "
                    "doi:10.7910/DVN/28075; GDELT 2.0, gdeltproject.org; POLECAT "
                    "doi:10.7910/DVN/AJGVIT); `defdip events status` lists the files")


def citation_of(source: str) -> str:
    """The BibTeX key and title of a registered source (``defdip cite SOURCE`` for BibTeX)."""
    from defdip import sources

    try:
        info = sources.get(source).INFO
    except LookupError:
        if source == "nato_members":  # the query layer's one NATO list (curated, cited)
            from defdip.queries.memberships import membership

            return membership("NATO").citation()
        return {"engagements": _DERIVED_CITATION, "events": _EVENTS_CITATION}.get(source,
                                                                                  source)
    return f"{info.citation_key}: {info.title}"


def catalogue(unit_of_analysis: str | None = None,
              coverage: Mapping[str, Coverage] | None = None) -> pd.DataFrame:
    """The catalogue as a table (optionally only the columns of one unit of analysis).

    With ``coverage`` (``panels.coverage.column_coverage`` over a store) each row also says
    the ``years`` its data cover and the ``states``: all, or only the curated record's focal
    states; a column without coverage reads "not loaded".
    """
    rows = []
    for column in CATALOGUE.values():
        if unit_of_analysis and column.unit_of_analysis not in (unit_of_analysis, "both"):
            continue
        row = {"column": column.name, "panel": column.unit_of_analysis,
               "add": column.add, "meaning": column.meaning, "unit": column.unit,
               "source": column.source, "citation": citation_of(column.source)}
        if coverage is not None:
            from defdip.panels.coverage import (
                describe_sources,
                describe_states,
                describe_years,
            )

            found = coverage.get(column.name)
            keys = column.add == ""  # the keys make the rows: no coverage of their own
            row["years"] = describe_years(found) if found is not None else (
                "" if keys else "not loaded")
            row["states"] = describe_states(found) if found is not None else ""
            row["covered_by"] = describe_sources(found) if found is not None else ""
        rows.append(row)
    return pd.DataFrame(rows)
