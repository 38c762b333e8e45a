"""Section "Arms and defence industry": exports and imports with world rank, main partners,
drones (UAVs), licensed production — all from SIPRI's arms-transfer data.

Volumes are SIPRI trend-indicator values (TIV), summed from per-year deliveries as SIPRI's own
fact sheets do (``measures.arms_ranking``/``arms_partners``: one definition, so the brief's
rank is the one ``defdip arms ranking`` prints).
"""

from __future__ import annotations

import pandas as pd

from defdip.measures import arms_partners, arms_ranking
from defdip.queries import state_record
from defdip.reports import charts
from defdip.reports.facts import BriefContext
from defdip.reports.model import KeyNumber, Section

__all__ = ["TIV_WORDS", "UAV_PATTERN", "arms_numbers", "arms_section"]

#: what a TIV is, said once in the brief (SIPRI's definition)
TIV_WORDS = ("TIV = SIPRI trend-indicator value, in millions: a common unit for the volume of "
             "major arms delivered, based on production cost — not a price paid.")
#: a SIPRI weapon description that names an uncrewed aircraft (UAV, armed UAV, one-way attack
#: drone, maritime patrol UAV)
UAV_PATTERN = r"(?i)\bUAV\b|drone|unmanned"


def arms_numbers(ctx: BriefContext) -> dict[str, KeyNumber]:
    """Exports and imports over SIPRI's last five years, with world rank (None: no data)."""
    def compute() -> dict[str, KeyNumber]:
        window = ctx.window("sipri_deliveries")
        out: dict[str, KeyNumber] = {}
        if window is None:
            return out
        a, b = window
        for key, role, label in (("arms_exports", "supplier", "arms exports"),
                                 ("arms_imports", "recipient", "arms imports")):
            ranking = arms_ranking(ctx.store, role, a, b)
            row = ranking[ranking["country"] == ctx.focal.iso3]
            value = float(row["tiv"].iloc[0]) if len(row) else 0.0
            rank = int(row["rank"].iloc[0]) if len(row) else None
            share = float(row["share"].iloc[0]) if len(row) else 0.0
            note = ((f"{share:.1f}%" if share >= 0.05 else "<0.1%") + " of the world "
                    f"total, rank {rank} of {len(ranking)}") if rank else \
                "none recorded (SIPRI covers every state)"
            out[key] = KeyNumber(key, f"{label} {a}–{b}", round(value, 1), "TIV m", note,
                                 rank, "arms")
        return out
    return ctx.memo("arms_numbers", compute)


def _yearly(ctx: BriefContext, first: int, last: int) -> pd.DataFrame:
    return state_record.arms_by_year(ctx.tables, ctx.focal.iso3, first, last)


def arms_section(ctx: BriefContext) -> Section:
    section = Section("arms", "Arms and defence industry")
    span = ctx.since("sipri_deliveries")
    if span is None:
        section.omitted = "SIPRI's arms-transfer data are not loaded."
        return section
    numbers = arms_numbers(ctx)
    section.numbers += list(numbers.values())
    a, b = ctx.window("sipri_deliveries") or span
    yearly = _yearly(ctx, *span).set_index("year").reindex(range(span[0], span[1] + 1))
    yearly = yearly.fillna(0.0).reset_index()  # SIPRI covers every state: no record = none
    if yearly[["exports", "imports"]].to_numpy().sum() == 0:
        section.omitted = (f"SIPRI records no major-arms delivery to or from "
                           f"{ctx.focal.name} in {span[0]}–{span[1]}.")
        return section
    section.figures.append(charts.lines(
        f"Major arms delivered by and to {ctx.focal.name}, {span[0]}–{span[1]}",
        [{"name": "exports", "x": yearly["year"].tolist(), "y": yearly["exports"].tolist()},
         {"name": "imports", "x": yearly["year"].tolist(), "y": yearly["imports"].tolist()}],
        y_label="TIV, millions", note="Source: SIPRI Arms Transfers Database (deliveries)."))
    ex, im = numbers["arms_exports"], numbers["arms_imports"]
    section.find(f"In {a}–{b} {ctx.focal.name} delivered {ex.shown()} of major arms ("
                 f"{ex.note}) and received {im.shown()} ({im.note}).", "strong", rank=20)
    for role, title in (("supplier", "Main customers"), ("recipient", "Main suppliers")):
        partners = arms_partners(ctx.store, ctx.focal.iso3, role, a, b).head(8)
        if len(partners):
            section.tables[f"{title} {a}–{b}"] = pd.DataFrame({
                "partner": partners["name"], "TIV m": partners["tiv"].round(1),
                f"share of {ctx.focal.name}'s total": partners["partner_share"].map(
                    lambda v: f"{v:.0f}%")})
            ctx.cache[f"arms_top_{role}"] = [i for i in partners["country"]
                                             if isinstance(i, str) and len(i) == 3]
    _uavs(ctx, section, a, b)
    _licensed(ctx, section, a, b)
    return section


def _uavs(ctx: BriefContext, section: Section, a: int, b: int) -> None:
    """Drones: register deals whose description names a UAV, and their share of TIV."""
    if not ctx.store.has("sipri_transfers"):
        return
    deals = state_record.uav_deals(ctx.tables, ctx.focal.iso3, UAV_PATTERN)
    uav, total = state_record.uav_share(ctx.tables, ctx.focal.iso3, UAV_PATTERN, a, b)
    if deals.empty:
        section.text.append(f"SIPRI lists no drone (UAV) export by {ctx.focal.name}.")
        return
    share = float(uav) / float(total) if total and uav == uav and uav is not None else 0.0
    text = (f"Drones: SIPRI lists {len(deals)} export deals of uncrewed aircraft (UAVs) "
            f"by {ctx.focal.name} to {deals['recipient'].nunique()} recipients; drones were "
            f"{share:.0%} of the TIV it delivered in {a}–{b}.")
    section.find(text, "strong", rank=15 if share >= 0.1 else 60)
    section.tables["Drone (UAV) exports, SIPRI register"] = pd.DataFrame({
        "recipient": deals["recipient"], "weapon": deals["weapon"],
        "description": deals["description"], "ordered": deals["order_year"].astype("Int64"),
        "delivered (number)": deals["number_delivered"].astype("Int64"),
        "delivery years": deals["delivery_years"]})


def _licensed(ctx: BriefContext, section: Section, a: int, b: int) -> None:
    """Licensed production: the state producing others' designs, or licensing its own."""
    if not ctx.store.has("sipri_transfers"):
        return
    deals = state_record.licensed_production(ctx.tables, ctx.focal.iso3)
    if deals.empty:
        section.text.append("SIPRI lists no licensed production involving "
                            f"{ctx.focal.name}.")
        return
    built = deals[~deals["licensor"]]
    sold = deals[deals["licensor"]]
    recent = deals[deals["order_year"] >= a - 10]
    section.text.append(
        f"Licensed production (technology transfer): {len(built)} deals in which "
        f"{ctx.focal.name} builds a foreign design, {len(sold)} in which others build its "
        f"designs; {len(recent)} were ordered since {a - 10}.")
    section.tables["Licensed production, newest first (SIPRI register)"] = pd.DataFrame({
        "licensor": deals["supplier"], "producer": deals["recipient"],
        "weapon": deals["weapon"], "description": deals["description"],
        "ordered": deals["order_year"].astype("Int64"),
        "delivery years": deals["delivery_years"]})
