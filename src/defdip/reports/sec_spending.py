"""Section "Military spending": SIPRI military expenditure, the state beside its peers."""

from __future__ import annotations

import pandas as pd

from defdip.queries import state_facts
from defdip.reports import charts, choose
from defdip.reports.facts import BriefContext
from defdip.reports.model import KeyNumber, Section

__all__ = ["spending_number", "spending_section"]


def spending_number(ctx: BriefContext) -> KeyNumber | None:
    """Spending in the last year SIPRI reports for the state, with its world rank."""
    def compute() -> KeyNumber | None:
        last = ctx.last("sipri_milex")
        if last is None:
            return None
        frame = state_facts.milex_in(ctx.tables, last)
        frame["rank"] = frame["milex"].rank(ascending=False, method="min").astype("int64")
        row = frame[frame["iso3"] == ctx.focal.iso3]
        if row.empty:
            return KeyNumber("milex", f"military spending {last}", None, "US$ bn",
                             "SIPRI gives no figure for this year", section="spending")
        r = row.iloc[0]
        gdp = f", {r['gdp']:.1f}% of GDP" if pd.notna(r["gdp"]) else ""
        return KeyNumber("milex", f"military spending {last}", round(float(r["milex"]) / 1000,
                                                                        1),
                         "US$ bn", f"rank {int(r['rank'])} of {len(frame)}{gdp}; constant "
                         "2023 prices",
                         int(r["rank"]), "spending")
    return ctx.memo("milex_number", compute)


def spending_section(ctx: BriefContext) -> Section:
    section = Section("spending", "Military spending")
    span = ctx.since("sipri_milex")
    number = spending_number(ctx)
    if span is None or number is None or number.value is None:
        section.omitted = (f"SIPRI's military-expenditure data give no recent figure for "
                           f"{ctx.focal.name}." if span else
                           "SIPRI's military-expenditure data are not loaded.")
        return section
    section.numbers.append(number)
    peers = choose.peers(ctx)
    codes = [ctx.focal.iso3, *peers["iso3"]]
    frame = state_facts.milex_series(ctx.tables, codes, *span)
    series = [{"name": ctx.name(iso3), "x": part["year"].tolist(), "y": part["milex"].tolist()}
              for iso3 in codes for part in [frame[frame["iso3"] == iso3]] if len(part)]
    section.figures.append(charts.lines(
        f"Military spending of {ctx.focal.name} and its peers, {span[0]}–{span[1]}", series,
        y_label="US$ billions, constant 2023 prices",
        note="Source: SIPRI Military Expenditure Database. Gaps are years SIPRI gives no "
             "figure for (not zero)."))
    own = frame[frame["iso3"] == ctx.focal.iso3].dropna(subset=["milex"])
    first, last = own.iloc[0], own.iloc[-1]
    change = (last["milex"] / first["milex"] - 1) if first["milex"] else float("nan")
    gdp = f" ({last['gdp']:.1f}% of GDP)" if pd.notna(last["gdp"]) else ""
    latest = frame.dropna(subset=["milex"]).sort_values("year").groupby("iso3").tail(1)
    above = latest[(latest["iso3"] != ctx.focal.iso3) & (latest["milex"] > last["milex"])]
    among = (f"; {len(above)} of its {len(latest) - 1} peers "
             f"{'spends' if len(above) == 1 else 'spend'} more ("
             + ", ".join(above.sort_values("milex", ascending=False)["iso3"].map(ctx.name))
             + ")" if len(above) else f"; it outspends all {len(latest) - 1} of its peers"
             ) if len(latest) > 1 else ""
    section.find(f"Military spending was US${last['milex']:,.1f} bn in {int(last['year'])}"
                 f"{gdp}, {number.note.split(',')[0]} in the world; "
                 f"{'up' if change >= 0 else 'down'} {abs(change):.0%} in real terms since "
                 f"{int(first['year'])}{among}.", "strong", rank=25)
    section.tables[f"{ctx.focal.name} and its peers, latest year SIPRI reports"] = \
        pd.DataFrame({"state": latest["iso3"].map(ctx.name), "year": latest["year"],
                      "US$ bn (2023 prices)": latest["milex"].round(1),
                      "% of GDP": latest["gdp"].round(1),
                      "why a peer": latest["iso3"].map(
                          dict(zip(peers["iso3"], peers["why"], strict=True))).fillna("—")})
    return section
