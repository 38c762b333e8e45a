"""SIPRI deals as engagements: ``arms_transfer``, or ``technology_transfer`` for licensed
production.

One record per deal of ``sipri_transfers`` (key ``sipri_transfers|<deal_id>``): supplier with
role ``supplier``, recipient ``recipient``; start = order year, end = last delivery year
(both year precision); units = number ordered; tiv = TIV of the weapons delivered (SIPRI's
volume measure, millions). Per-year TIV comes from ``sipri_deliveries``, never from spreading
a deal's total over its years, so :func:`defdip.engagements.profile` reads that table for it.
"""

from __future__ import annotations

import pandas as pd

from defdip.engagements.derive_common import (
    Derived,
    actor_rows,
    finish,
    missing_tables,
    precision,
    skipped,
    year_dates,
)
from defdip.engagements.model import engagement_ids
from defdip.store import Store

__all__ = ["derive_sipri"]


def _last_delivery_year(years: pd.Series) -> pd.Series:
    found = years.astype("string").str.extractall(r"(\d{4})")[0].astype(int)
    last = found.groupby(level=0).max()
    return pd.Series(last, index=years.index).reindex(years.index).astype("Int64")


def derive_sipri(store: Store) -> Derived:
    """SIPRI deals: supplier → recipient, with order and delivery years, units and TIV."""
    missing = missing_tables(store, "sipri_transfers")
    if missing:
        return skipped("sipri_transfers", missing)
    deals = store.table("sipri_transfers")
    licensed = deals["licensed_production"].fillna(False).astype(bool)
    kind = licensed.map({True: "technology_transfer", False: "arms_transfer"})
    last = _last_delivery_year(deals["delivery_years"])
    order = deals["order_year"].astype("Int64")
    last = last.where(last.isna() | order.isna() | (last >= order))
    designation = deals["weapon_designation"].astype("string")
    description = deals["weapon_description"].astype("string")
    name = designation.str.cat(" (" + description + ")", na_rep="").str.strip()
    notes = ("status: " + deals["status"].astype("string").fillna("unknown")).str.cat(
        deals["comments"].astype("string"), sep="; ", na_rep="").str.rstrip("; ")
    base = pd.DataFrame({
        "natural_key": "sipri_transfers|" + deals["deal_id"].astype(str),
        "name": name.where(name.ne(""), pd.NA), "series": designation,
        "subtype": licensed.map({True: "licensed_production", False: pd.NA}),
        "start": year_dates(order), "start_precision": precision(order, "year"),
        "end": year_dates(last), "end_precision": precision(last, "year"),
        "units": deals["number_ordered"], "tiv": deals["tiv_delivered"], "notes": notes,
    })
    confidence = deals["order_year_uncertain"].fillna(False).astype(bool).map(
        {True: "medium", False: "high"})
    ids = base["id"] = engagement_ids(kind, base["natural_key"])
    engagements = finish(store, base, "sipri_transfers", kind=kind, confidence=confidence)
    actors = pd.concat([
        actor_rows(ids, deals["supplier_iso3"], deals["supplier_label"], deals["supplier_ccode"],
                   "supplier"),
        actor_rows(ids, deals["recipient_iso3"], deals["recipient_label"],
                   deals["recipient_ccode"], "recipient"),
    ], ignore_index=True)
    return Derived(engagements, actors, [
        f"sipri_transfers: {int((~licensed).sum())} arms transfers, {int(licensed.sum())} "
        "technology transfers (licensed production)"])
