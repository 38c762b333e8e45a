"""UN peacekeeping deployments for every contributor: spells per contributor and mission.

Read from the one peacekeeping series 1990-2025 (``defdip.queries.series.peacekeeping``: IPI
to 2014, the UN's monthly reports from 2015).

- **Spells.** One ``peacekeeping_deployment`` per contributor, mission and spell (key
  ``pk|<contributor>|<mission>|<first month>``, subtype ``un_mission``): a run of months in
  which the contributor had personnel in the mission. A spell ends when a month whose data
  split by mission shows the contributor absent; months with no mission-level data (the gap
  2014-04 to 2014-12, five UN months without a report, the UN reports of 2018-03 to 2019-08
  and 2023-09) neither end nor extend it — a contributor there before and after such a gap
  stays in one spell, one gone after it ends at its last month seen. start/end are those
  months, ``personnel`` the spell's peak monthly total (all personnel types); the mission's
  country (``ipi_mission_month``, where known) is ``host``. A spell drawn only from IPI
  months cites IPI, one reaching into the UN reports cites the UN (and IPI in its notes).
- **Before the mission split** (IPI's contributor totals, 1990-11 to 2009-10): one record
  per contributor and year (key ``ipi|<contributor>|ALL|<year>``, subtype ``all_missions``),
  as IPI has no mission breakdown there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from defdip.engagements.derive_common import (
    Derived,
    actor_rows,
    finish,
    provenance,
    skipped,
)
from defdip.engagements.model import engagement_ids
from defdip.queries import derivations, series
from defdip.queries.tables import Tables
from defdip.store import Store

__all__ = ["derive_peacekeeping", "spells"]

def spells(months: pd.DataFrame, split_months: pd.Series) -> pd.DataFrame:
    """Spells from ``months`` (actor, mission, month, personnel, origin: one row per month
    with personnel) given every month whose data split by mission (``split_months``).

    Consecutive months of an actor and mission belong to one spell unless a split month
    lies between them (the actor was absent in a month that would have shown it). Returns
    actor, mission, start, end, personnel (peak), months, origins ('+'-joined).
    """
    order = np.sort(pd.to_datetime(pd.Series(split_months).unique()).to_numpy())
    frame = months.assign(month=pd.to_datetime(months["month"])).sort_values(
        ["actor", "mission", "month"], kind="stable")
    rank = np.searchsorted(order, frame["month"].to_numpy())
    same = (frame["actor"].eq(frame["actor"].shift()) & frame["mission"].eq(
        frame["mission"].shift()))
    step = pd.Series(rank, index=frame.index).diff().ne(1)
    frame["spell"] = (~same | step).cumsum()
    grouped = frame.groupby("spell", sort=True)
    return pd.DataFrame({
        "actor": grouped["actor"].first(), "mission": grouped["mission"].first(),
        "start": grouped["month"].min(), "end": grouped["month"].max(),
        "personnel": grouped["personnel"].max(), "months": grouped["month"].size(),
        "origins": grouped["origin"].agg(lambda o: "+".join(sorted(set(o)))),
    }).reset_index(drop=True)


def _hosts(store: Store) -> pd.DataFrame:
    if not store.has("ipi_mission_month"):
        return pd.DataFrame(columns=["mission", "host_iso3", "host_label", "host_ccode"])
    return derivations.mission_hosts(Tables.from_store(store))


def _deployments(store: Store, rows: pd.DataFrame, split: pd.Series) -> Derived:
    per_month = rows.groupby(["actor", "mission", "month"], as_index=False).agg(
        personnel=("personnel", "sum"), origin=("origin", "first"))
    found = spells(per_month, split)
    who = rows.groupby("actor").agg(iso3=("iso3", "first"), label=("contributor_label",
                                                                   "first"),
                                    ccode=("ccode", "first"))
    found = found.join(who, on="actor").merge(_hosts(store), on="mission", how="left")
    start = found["start"].dt.strftime("%Y-%m")
    base = pd.DataFrame({
        "natural_key": "pk|" + found["actor"] + "|" + found["mission"] + "|" + start,
        "name": found["mission"], "series": found["mission"], "subtype": "un_mission",
        "start": found["start"], "start_precision": "month", "end": found["end"],
        "end_precision": "month", "personnel": found["personnel"],
        "location": found["host_label"],
        "notes": found["months"].astype(str) + " months with personnel ("
                 + found["origins"].str.replace("un_monthly", "UN monthly reports").str
                 .replace("ipi", "IPI") + "); personnel = peak monthly total, all types",
    })
    base["id"] = engagement_ids("peacekeeping_deployment", base["natural_key"])
    parts = []
    only_ipi = found["origins"] == "ipi"
    for chosen, source in ((only_ipi, "ipi_peacekeeping"), (~only_ipi, "un_peacekeeping_monthly")):
        if chosen.any():
            parts.append(finish(store, base[chosen], source, kind="peacekeeping_deployment"))
    engagements = pd.concat(parts, ignore_index=True)
    both = engagements["id"].isin(base.loc[found["origins"] == "ipi+un_monthly", "id"])
    if both.any():  # a spell across the seam rests on both datasets: cite both
        ipi = provenance(store, "ipi_peacekeeping")["citation"]
        engagements.loc[both, "citation"] = ipi + "; " + engagements.loc[both, "citation"]
    ids = base["id"]
    actors = pd.concat([actor_rows(ids, found["iso3"], found["label"], found["ccode"],
                                   "contributor"),
                        actor_rows(ids, found["host_iso3"], found["host_label"],
                                   found["host_ccode"], "host")], ignore_index=True)
    return Derived(engagements, actors, [
        f"peacekeeping: {len(found)} contributor-mission spells "
        f"({int((found['origins'] != 'ipi').sum())} reaching into the UN monthly reports)"])


def _totals(store: Store, rows: pd.DataFrame, first_split: pd.Timestamp) -> Derived:
    early = rows[rows["mission"].isna() & (rows["month"] < first_split)]
    early = early.assign(year=early["month"].dt.year)
    per_month = early.groupby(["actor", "year", "month"], as_index=False).agg(
        personnel=("personnel", "sum"), iso3=("iso3", "first"),
        label=("contributor_label", "first"), ccode=("ccode", "first"))
    totals = per_month.groupby(["actor", "year"], as_index=False).agg(
        start=("month", "min"), end=("month", "max"), personnel=("personnel", "max"),
        months=("month", "size"), iso3=("iso3", "first"), label=("label", "first"),
        ccode=("ccode", "first"))
    year = totals["year"].astype(str)
    base = pd.DataFrame({
        "natural_key": "ipi|" + totals["actor"] + "|ALL|" + year,
        "name": "UN peacekeeping, all missions (" + year + ")",
        "series": "UN peacekeeping", "subtype": "all_missions",
        "start": totals["start"], "start_precision": "month", "end": totals["end"],
        "end_precision": "month", "personnel": totals["personnel"],
        "notes": totals["months"].astype(str) + " months with personnel; no mission split "
                 "in IPI's data before 2009-11; personnel = peak monthly total",
    })
    ids = base["id"] = engagement_ids("peacekeeping_deployment", base["natural_key"])
    engagements = finish(store, base, "ipi_peacekeeping", kind="peacekeeping_deployment")
    actors = actor_rows(ids, totals["iso3"], totals["label"], totals["ccode"], "contributor")
    return Derived(engagements, actors, [f"peacekeeping: {len(totals)} contributor-years "
                                         "without a mission split (IPI, before 2009-11)"])


def derive_peacekeeping(store: Store) -> Derived:
    """Peacekeeping deployments of every contributor from the series 1990-2025."""
    if not (store.has("ipi_contributor_month") or store.has("un_pko_monthly")):
        return skipped("ipi_peacekeeping", ["ipi_contributor_month", "un_pko_monthly"])
    rows = series.peacekeeping(Tables.from_store(store)).execute()
    rows["month"] = pd.to_datetime(rows["month"])
    rows["actor"] = rows["iso3"].astype("string").fillna(rows["contributor_label"].astype(
        "string"))
    rows["ccode"] = rows["ccode"].astype("Int64")
    split = rows.loc[rows["mission"].notna(), "month"]
    results = []
    if len(split):
        results.append(_deployments(store, rows[rows["mission"].notna()], split))
    first_split = split.min() if len(split) else pd.Timestamp("2999-01-01")
    results.append(_totals(store, rows, first_split))
    return Derived.combined(results)
