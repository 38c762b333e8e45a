"""Regions for case studies: a documented mapping, and a regional case study of one state.

Regions come from three places. Geographic ones are read from the ``country_codes``
concordance (World Bank regions, UN regions/subregions, continents), so they follow a
published scheme. NATO is the one NATO list of the query layer
(:func:`defdip.queries.memberships.membership`: nato.int's member countries, by the year each
joined). Political groupings that no concordance holds — the Turkic states, the Balkans, the
South Caucasus — are written out here as lists, with the public basis named beside each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.analysis.period import Period, analysis_period
from defdip.errors import InvalidArgument
from defdip.plain import records
from defdip.queries.memberships import membership
from defdip.queries.series import peacekeeping
from defdip.queries.tables import Tables, to_frame, year_span
from defdip.queries.yearly import partner_totals, yearly_counts
from defdip.store import Store

__all__ = [
    "REGIONS",
    "REGION_INPUTS",
    "RegionCase",
    "region_case",
    "region_members",
]

#: region key → (description, concordance column or None, values or ISO3 list)
REGIONS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "nato": ("NATO allies, by accession year (nato.int)", None, membership("NATO").iso3s()),
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
    _, column, values = REGIONS[key]
    if key == "nato" and year is not None:
        values = membership("NATO").iso3s(year)
    codes = Tables.from_store(store).table("country_codes")
    codes = codes.filter(codes.ccode.notnull() & codes[column or "iso3"].isin(list(values)))
    members = codes.select("iso3", ccode=codes.ccode.cast("int64"), name=codes["name"])
    return to_frame(members).sort_values("iso3").reset_index(drop=True)


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
    #: which sources and years the record-based columns (exercises) rest on
    coverage: list[dict[str, Any]] = field(default_factory=list)
    #: the years asked for, clipped to what the inputs cover (None: built by hand)
    period: Period | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"focal": self.focal.to_dict(), "region": self.region,
                "description": self.description, "years": list(self.years),
                "members": records(self.members),
                "engagement": records(self.engagement),
                "alignment": records(self.alignment),
                "top_partners": records(self.top_partners),
                "peacekeeping": records(self.peacekeeping), "notes": self.notes,
                "coverage": self.coverage,
                "period": self.period.to_dict() if self.period else None}


def _codes(members: pd.DataFrame) -> list[int]:
    """The members' COW codes (a code no state has when there are none: ``IN ()`` is not
    valid SQL everywhere)."""
    return [int(c) for c in members["ccode"]] or [-1]


def _arms(tables: Tables, f: int, ids: list[int], start: int, end: int) -> ir.Table:
    """SIPRI deliveries in the years between the focal state and the members, either way,
    with ``partner`` the member."""
    d = tables.table("sipri_deliveries")
    d = d.filter(d.year.between(start, end)
                 & (((d.supplier_ccode == f) & d.recipient_ccode.isin(ids))
                    | ((d.recipient_ccode == f) & d.supplier_ccode.isin(ids))))
    return d.mutate(partner=ibis.ifelse(d.supplier_ccode == f, d.recipient_ccode,
                                        d.supplier_ccode))


def _yearly_parts(tables: Tables, f: int, ids: list[int], start: int, end: int
                  ) -> dict[str, ir.Table]:
    """The region's yearly columns, per table they come from."""
    parts: dict[str, ir.Table] = {}
    if tables.has("sipri_deliveries"):
        d = _arms(tables, f, ids, start, end)
        parts["sipri_deliveries"] = d.group_by("year").aggregate(
            arms_out_tiv=d.tiv.sum(where=d.supplier_ccode == f),
            arms_in_tiv=d.tiv.sum(where=d.recipient_ccode == f))
    if tables.has("lowy_posts"):
        p = tables.table("lowy_posts")
        p = p.filter((p.sender_ccode == f) & p.host_ccode.isin(ids)
                     & (p.post_type == "embassy") & p.year.between(start, end))
        parts["lowy_posts"] = p.group_by("year").aggregate(embassies=p.host_ccode.nunique())
    if tables.has("unga_ideal_points"):
        m = tables.table("unga_ideal_points")
        t = m.view()
        t = t.filter(t.ccode == f).select(t_year=t.year, t_point=t.ideal_point)
        m = m.filter(m.ccode.isin(ids) & m.year.between(start, end))
        j = m.join(t, m.year == t.t_year)
        parts["unga_ideal_points"] = j.group_by("year").aggregate(
            idealpoint_dist_mean=(j.ideal_point - j.t_point).abs().mean(),
            ideal_point_focal=j.t_point.min(), ideal_point_region=j.ideal_point.mean())
    return parts


#: The inputs of a regional case study (``analysis.period.INPUTS``).
REGION_INPUTS = ("arms", "exercises", "embassies", "ideal_points", "peacekeeping")


def region_case(store: Store, country: str | int, region: str, *, start: int | None = None,
                end: int | None = None) -> RegionCase:
    """The focal state's engagement with one region, year by year, and who its partners are.

    Instruments: arms delivered each way (SIPRI TIV), joint exercises (the engagement record:
    records the focal state and a member both take part in, active in the year, in the years
    a source observes the focal state — MME and JME to 2010 for every state, the curated
    record for its focal states; other years blank, and ``coverage`` says which), embassies
    (Lowy, 2016–2023 editions), UN peacekeeping personnel in the region's missions (by
    mission: IPI 2009–2014, the UN's monthly reports 2015–2025). Alignment: mean UNGA
    ideal-point distance to the region's members
    (Bailey et al.; to the last UN session loaded). A missing table leaves its column out and
    says so in ``notes``. ``start`` defaults to 1995, ``end`` to the last year any input
    covers for the state; later years are clipped, with a note.
    Example: ``region_case(store, "TUR", "middle_east", start=1995)``.
    """
    if start is not None and end is not None:
        check_years(start, end)
    focal = resolve_focal(store, country)
    members = region_members(store, region)
    tables = Tables.from_store(store)
    period = analysis_period(tables, REGION_INPUTS, start, end, default_start=1995,
                             iso3=focal.iso3)
    start, end = period.start, period.end
    key = _region_key(region)
    members = members[members["ccode"] != focal.ccode].reset_index(drop=True)
    ids, f = _codes(members), focal.ccode
    notes: list[str] = [*period.notes, f"sample: {focal.name} and {len(members)} members of "
                        f"the region, {period.describe()}"]
    coverage: list[dict[str, Any]] = []
    engagement = pd.DataFrame({"year": range(start, end + 1)})
    parts = _yearly_parts(tables, f, ids, start, end)
    for table in ("sipri_deliveries", "engagements", "lowy_posts", "unga_ideal_points"):
        if table == "engagements" and tables.has(table):
            counts, seen = yearly_counts(tables, "exercises", f, focal.iso3, start, end,
                                         partners=ids)
            engagement["exercises_joint"] = engagement["year"].map(counts).astype("float64")
            notes.append(f"exercises from the engagement record: {seen.describe()}; other "
                         "years are blank (no source observes them)")
            coverage.append(seen.to_dict())
        elif table in parts:
            engagement = engagement.merge(to_frame(parts[table]), on="year", how="left")
        else:
            notes.append(f"{table} is not loaded: its columns are left out")
    align_cols = [c for c in ("idealpoint_dist_mean", "ideal_point_focal", "ideal_point_region")
                  if c in engagement.columns]
    alignment = engagement[["year", *align_cols]].dropna(subset=align_cols[:1] or None)
    engagement = engagement.drop(columns=align_cols)
    if tables.has("sipri_deliveries"):  # 0 only in the years SIPRI covers; blank beyond
        lo, hi = year_span(tables, tables.table("sipri_deliveries"))
        inside = engagement["year"].between(lo, hi)
        for col in ("arms_out_tiv", "arms_in_tiv"):
            if col in engagement.columns:
                engagement[col] = engagement[col].where(~inside, engagement[col].fillna(0))
    top = _top_partners(tables, focal, members, start, end)
    pk = _peacekeeping(tables, focal, members, start, end, notes)
    return RegionCase(focal, key, REGIONS[key][0], (start, end), members, engagement,
                      alignment.reset_index(drop=True), top, pk, notes, coverage, period)


def _top_partners(tables: Tables, focal: Focal, members: pd.DataFrame, start: int,
                  end: int, n: int = 10) -> pd.DataFrame:
    """Members ranked by arms TIV both ways plus joint exercises over the years (the
    exercises of the years a source observes the focal state)."""
    out = members.copy()
    ids, f = _codes(members), focal.ccode
    if tables.has("sipri_deliveries"):
        d = _arms(tables, f, ids, start, end)
        arms = d.group_by(ccode=d.partner).aggregate(arms_tiv=d.tiv.sum())
        out = out.merge(to_frame(arms), on="ccode", how="left")
    if tables.has("engagements"):
        shared, _ = partner_totals(tables, "exercises", f, focal.iso3, ids, start, end)
        out["exercises_joint"] = out["ccode"].map(shared).fillna(0).astype("int64")
    value_cols = [c for c in ("arms_tiv", "exercises_joint") if c in out.columns]
    out[value_cols] = out[value_cols].fillna(0)
    ranks = out[value_cols].rank(pct=True).mean(axis=1) if value_cols else 0
    out = out.assign(score=ranks).sort_values(["score", *value_cols], ascending=False)
    out = out[out[value_cols].sum(axis=1) > 0] if value_cols else out.iloc[:0]
    return out.drop(columns="score").head(n).reset_index(drop=True)


def _peacekeeping(tables: Tables, focal: Focal, members: pd.DataFrame, start: int, end: int,
                  notes: list[str]) -> pd.DataFrame:
    """Mean monthly UN personnel the focal state had in missions located in the region: the
    series by mission (IPI 2009-2014, the UN's monthly reports 2015-2025;
    ``queries.series.peacekeeping``), a mission placed where IPI's mission table locates it."""
    empty = pd.DataFrame(columns=["mission", "year", "personnel_mean", "personnel_max"])
    if not tables.has("ipi_mission_month") or not any(
            tables.has(t) for t in ("ipi_contributor_mission_month", "un_pko_monthly")):
        notes.append("peacekeeping by mission or IPI's mission locations are not loaded: no "
                     "peacekeeping")
        return empty
    m = tables.table("ipi_mission_month")
    known = m.select(k_mission=m.mission.upper()).distinct()
    inside = m.filter(m.mission_country_iso3.isin(list(members["iso3"]) or [""]))
    inside = inside.select(r_mission=inside.mission.upper()).distinct()
    rows = peacekeeping(tables)
    mine = rows.filter((rows.ccode == focal.ccode) & rows.mission.notnull()
                       & rows.year.between(start, end))
    monthly = mine.group_by(["mission", "year", "month"]).aggregate(total=mine.personnel.sum())
    unplaced = monthly.filter(~monthly.mission.upper().isin(known.k_mission))
    missing = sorted({str(r[0]) for r in tables.rows(unplaced.select("mission").distinct())})
    here = monthly.filter(monthly.mission.upper().isin(inside.r_mission))
    frame = here.group_by(["mission", "year"]).aggregate(
        personnel_mean=here.total.mean(), personnel_max=here.total.max()).order_by(
        ["year", "mission"])
    notes.append("peacekeeping by mission: IPI 2009–2014, the UN's monthly reports 2015–2025; "
                 "months without a mission split are left out; missions placed by IPI's "
                 "mission table" + (f" ({', '.join(missing)}: no location there, left out)"
                                    if missing else ""))
    return to_frame(frame)
