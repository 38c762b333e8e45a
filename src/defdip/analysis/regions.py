"""Regions for case studies: a documented mapping, and a regional case study of one state.

Regions come from two places. Geographic ones are read from the ``country_codes``
concordance (World Bank regions, UN regions/subregions, continents), so they follow a
published scheme. Political groupings that no concordance holds — NATO by accession year,
the Turkic states, the Balkans, the South Caucasus — are written out here as lists, with the
public basis named beside each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.errors import InvalidArgument
from defdip.plain import records
from defdip.store import Store

__all__ = [
    "NATO_ACCESSION",
    "REGIONS",
    "RegionCase",
    "nato_members",
    "nato_members_by_year",
    "region_case",
    "region_members",
]

#: NATO members and the year each joined (nato.int "Member countries"; France stayed a member
#: when it left the integrated command in 1966). Germany joined in 1955 as West Germany (COW
#: 260), continued by unified Germany (COW 255) from 1990.
NATO_ACCESSION: dict[str, int] = {
    "BEL": 1949, "CAN": 1949, "DNK": 1949, "FRA": 1949, "ISL": 1949, "ITA": 1949,
    "LUX": 1949, "NLD": 1949, "NOR": 1949, "PRT": 1949, "GBR": 1949, "USA": 1949,
    "GRC": 1952, "TUR": 1952, "DEU": 1955, "ESP": 1982, "CZE": 1999, "HUN": 1999,
    "POL": 1999, "BGR": 2004, "EST": 2004, "LVA": 2004, "LTU": 2004, "ROU": 2004,
    "SVK": 2004, "SVN": 2004, "ALB": 2009, "HRV": 2009, "MNE": 2017, "MKD": 2020,
    "FIN": 2023, "SWE": 2024,
}

#: region key → (description, concordance column or None, values or ISO3 list)
REGIONS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "nato": ("NATO allies, by accession year (nato.int)", None, tuple(NATO_ACCESSION)),
    "middle_east": ("Middle East & North Africa (World Bank region)", "region_wb",
                    ("Middle East & North Africa",)),
    "africa": ("Africa (continent)", "continent", ("Africa",)),
    "sub_saharan_africa": ("Sub-Saharan Africa (World Bank region)", "region_wb",
                           ("Sub-Saharan Africa",)),
    "europe": ("Europe (continent)", "continent", ("Europe",)),
    "asia": ("Asia (continent)", "continent", ("Asia",)),
    "americas": ("Americas (continent)", "continent", ("Americas",)),
    "oceania": ("Oceania (continent)", "continent", ("Oceania",)),
    "central_asia": ("Central Asia (UN subregion)", "un_subregion", ("Central Asia",)),
    "south_asia": ("South Asia (World Bank region)", "region_wb", ("South Asia",)),
    "east_asia_pacific": ("East Asia & Pacific (World Bank region)", "region_wb",
                          ("East Asia & Pacific",)),
    "turkic_states": ("Organization of Turkic States members and observers other than "
                      "Türkiye (turkicstates.org)", None,
                      ("AZE", "KAZ", "KGZ", "UZB", "TKM", "HUN")),
    "balkans": ("Western Balkans and south-east European neighbours (list)", None,
                ("ALB", "BIH", "BGR", "HRV", "GRC", "MKD", "MNE", "ROU", "SRB", "SVN", "XKX")),
    "south_caucasus": ("South Caucasus (list)", None, ("ARM", "AZE", "GEO")),
}


def _known() -> str:
    return ", ".join(sorted(REGIONS))


def _region_key(region: str) -> str:
    """'Black Sea', 'black-sea' → 'black_sea' (the keys of :data:`REGIONS`)."""
    return region.strip().lower().replace(" ", "_").replace("-", "_")


def region_members(store: Store, region: str, year: int | None = None) -> pd.DataFrame:
    """Members (iso3, ccode, name) of ``region``; NATO as of ``year`` when one is given."""
    key = _region_key(region)
    if key not in REGIONS:
        raise InvalidArgument(f"Unknown region {region!r}. Valid regions: {_known()}.")
    store.require("country_codes")
    _, column, values = REGIONS[key]
    codes = store.sql("SELECT iso3, ccode, name, region_wb, continent, un_subregion "
                      "FROM country_codes WHERE ccode IS NOT NULL")
    if column is None:
        members = codes[codes["iso3"].isin(values)].copy()
    else:
        members = codes[codes[column].isin(values)].copy()
    if key == "nato":
        members["joined"] = members["iso3"].map(NATO_ACCESSION)
        if year is not None:
            members = members[members["joined"] <= year]
    return members[["iso3", "ccode", "name"]].assign(ccode=lambda f: f["ccode"].astype("int64")) \
        .sort_values("iso3").reset_index(drop=True)


def nato_members(store: Store, year: int) -> set[int]:
    """COW codes of NATO members in ``year`` (West Germany 260 to 1990, Germany 255 after)."""
    return nato_members_by_year(store, [year])[year]


def nato_members_by_year(store: Store, years: Iterable[int]) -> dict[int, set[int]]:
    """:func:`nato_members` for each of ``years``, from one read of the member list."""
    members = region_members(store, "nato")
    joined = members["iso3"].map(NATO_ACCESSION)
    out = {}
    for year in years:
        codes = set(members.loc[joined <= year, "ccode"].astype(int))
        if 1955 <= year <= 1990 and 255 in codes:
            codes = (codes - {255}) | {260}
        out[year] = codes
    return out


@dataclass
class RegionCase:
    """A regional case study: instruments, alignment, partners, peacekeeping."""

    focal: Focal
    region: str
    description: str
    years: tuple[int, int]
    members: pd.DataFrame
    engagement: pd.DataFrame
    alignment: pd.DataFrame
    top_partners: pd.DataFrame
    peacekeeping: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"focal": self.focal.to_dict(), "region": self.region,
                "description": self.description, "years": list(self.years),
                "members": records(self.members),
                "engagement": records(self.engagement),
                "alignment": records(self.alignment),
                "top_partners": records(self.top_partners),
                "peacekeeping": records(self.peacekeeping), "notes": self.notes}


def _in_list(values: pd.Series) -> str:
    return ", ".join(str(int(v)) for v in values) or "NULL"


def _yearly(store: Store, table: str, query: str) -> pd.DataFrame | None:
    return store.sql(query) if store.has(table) else None


def region_case(store: Store, country: str | int, region: str, *, start: int = 1995,
                end: int = 2019) -> RegionCase:
    """The focal state's engagement with one region, year by year, and who its partners are.

    Instruments: arms delivered each way (SIPRI TIV), joint exercises (MME participants,
    to 2010), embassies (Lowy, 2016–2023 editions), UN peacekeeping personnel in the region's
    missions (IPI by mission, 2009–2014). Alignment: mean UNGA ideal-point distance to the
    region's members (Bailey et al.; to the last UN session loaded). A missing table leaves
    its column out and says so in ``notes``.
    Example: ``region_case(store, "TUR", "middle_east", start=1995, end=2019)``.
    """
    check_years(start, end)
    focal = resolve_focal(store, country)
    members = region_members(store, region)
    key = _region_key(region)
    members = members[members["ccode"] != focal.ccode].reset_index(drop=True)
    ids, f = _in_list(members["ccode"]), focal.ccode
    years = pd.DataFrame({"year": range(start, end + 1)})
    notes: list[str] = []
    parts = {
        "sipri_deliveries": f"""SELECT year, sum(CASE WHEN supplier_ccode = {f} THEN tiv END)
            AS arms_out_tiv, sum(CASE WHEN recipient_ccode = {f} THEN tiv END) AS arms_in_tiv
            FROM sipri_deliveries WHERE year BETWEEN {start} AND {end} AND
            ((supplier_ccode = {f} AND recipient_ccode IN ({ids})) OR
             (recipient_ccode = {f} AND supplier_ccode IN ({ids}))) GROUP BY year""",
        "mme_participants": f"""SELECT a.year, count(DISTINCT a.mme_id) AS exercises_joint
            FROM mme_participants a JOIN mme_participants b ON a.mme_id = b.mme_id
            WHERE a.ccode = {f} AND b.ccode IN ({ids}) AND a.year BETWEEN {start} AND {end}
            GROUP BY a.year""",
        "lowy_posts": f"""SELECT year, count(DISTINCT host_ccode) AS embassies
            FROM lowy_posts WHERE sender_ccode = {f} AND host_ccode IN ({ids})
            AND post_type = 'embassy' AND year BETWEEN {start} AND {end} GROUP BY year""",
        "unga_ideal_points": f"""SELECT m.year, avg(abs(m.ideal_point - t.ideal_point))
            AS idealpoint_dist_mean, any_value(t.ideal_point) AS ideal_point_focal,
            avg(m.ideal_point) AS ideal_point_region FROM unga_ideal_points m
            JOIN unga_ideal_points t ON t.year = m.year AND t.ccode = {f}
            WHERE m.ccode IN ({ids}) AND m.year BETWEEN {start} AND {end} GROUP BY m.year""",
    }
    engagement = years.copy()
    for table, query in parts.items():
        got = _yearly(store, table, query)
        if got is None:
            notes.append(f"{table} is not loaded: its columns are left out")
            continue
        engagement = engagement.merge(got, on="year", how="left")
    align_cols = [c for c in ("idealpoint_dist_mean", "ideal_point_focal", "ideal_point_region")
                  if c in engagement.columns]
    alignment = engagement[["year", *align_cols]].dropna(subset=align_cols[:1] or None)
    engagement = engagement.drop(columns=align_cols)
    for col in ("arms_out_tiv", "arms_in_tiv", "exercises_joint"):
        if col in engagement.columns:
            engagement[col] = engagement[col].fillna(0)
    if "exercises_joint" in engagement.columns:
        last = int(store.sql("SELECT max(year) AS y FROM mme_participants")["y"].iloc[0])
        engagement.loc[engagement["year"] > last, "exercises_joint"] = float("nan")
        if end > last:
            notes.append(f"exercises come from MME, which ends in {last}: later years are blank")
    top = _top_partners(store, focal, members, start, end)
    pk = _peacekeeping(store, focal, members, start, end, notes)
    return RegionCase(focal, key, REGIONS[key][0], (start, end), members, engagement,
                      alignment.reset_index(drop=True), top, pk, notes)


def _top_partners(store: Store, focal: Focal, members: pd.DataFrame, start: int,
                  end: int, n: int = 10) -> pd.DataFrame:
    """Members ranked by arms TIV both ways plus joint exercises over the years."""
    out = members.copy()
    ids, f = _in_list(members["ccode"]), focal.ccode
    if store.has("sipri_deliveries"):
        arms = store.sql(f"""SELECT CASE WHEN supplier_ccode = {f} THEN recipient_ccode
            ELSE supplier_ccode END AS ccode, sum(tiv) AS arms_tiv FROM sipri_deliveries
            WHERE year BETWEEN {start} AND {end} AND ((supplier_ccode = {f} AND recipient_ccode
            IN ({ids})) OR (recipient_ccode = {f} AND supplier_ccode IN ({ids}))) GROUP BY 1""")
        out = out.merge(arms, on="ccode", how="left")
    if store.has("mme_participants"):
        ex = store.sql(f"""SELECT b.ccode, count(DISTINCT a.mme_id) AS exercises_joint
            FROM mme_participants a JOIN mme_participants b ON a.mme_id = b.mme_id
            WHERE a.ccode = {f} AND b.ccode IN ({ids}) AND a.year BETWEEN {start} AND {end}
            GROUP BY 1""")
        out = out.merge(ex, on="ccode", how="left")
    value_cols = [c for c in ("arms_tiv", "exercises_joint") if c in out.columns]
    out[value_cols] = out[value_cols].fillna(0)
    ranks = out[value_cols].rank(pct=True).mean(axis=1) if value_cols else 0
    out = out.assign(score=ranks).sort_values(["score", *value_cols], ascending=False)
    out = out[out[value_cols].sum(axis=1) > 0] if value_cols else out.iloc[:0]
    return out.drop(columns="score").head(n).reset_index(drop=True)


def _peacekeeping(store: Store, focal: Focal, members: pd.DataFrame, start: int, end: int,
                  notes: list[str]) -> pd.DataFrame:
    """Mean monthly UN personnel the focal state had in missions located in the region."""
    if not (store.has("ipi_contributor_mission_month") and store.has("ipi_mission_month")):
        notes.append("ipi_contributor_mission_month is not loaded: no peacekeeping")
        return pd.DataFrame(columns=["mission", "year", "personnel_mean"])
    isos = ", ".join(f"'{i}'" for i in members["iso3"]) or "NULL"
    frame = store.sql(f"""SELECT c.mission, year(c.date) AS year, avg(c.total) AS personnel_mean,
        max(c.total) AS personnel_max FROM ipi_contributor_mission_month c
        JOIN (SELECT DISTINCT mission, mission_country_iso3 FROM ipi_mission_month) m
        ON m.mission = c.mission WHERE c.ccode = ? AND m.mission_country_iso3 IN ({isos})
        AND year(c.date) BETWEEN {start} AND {end} GROUP BY 1, 2 ORDER BY 2, 1""",
                      [focal.ccode])
    notes.append("peacekeeping by mission covers 2009–2014 only (IPI mission breakdown)")
    return frame
