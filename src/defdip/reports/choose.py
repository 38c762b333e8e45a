"""Who a brief compares the state with, chosen from the data for that state.

Nothing here names a country. Peers are the state's rivals (rivalry datasets, active in
their last year), the biggest military spenders near it (COW minimum distance), and the
states whose military spending is closest to its own; tension partners come from rivalries
and militarized disputes; the regions are those its recorded engagements actually reach; the
alignment partners are its peers, its main arms partners and the global powers.
"""

from __future__ import annotations

import pandas as pd

from defdip.queries import state_facts
from defdip.reports.facts import BriefContext

__all__ = ["alignment_partners", "engaged_regions", "peers", "rivals", "tension_partners"]

NEAR_KM = 1000  # "near": capitals' region within this minimum distance (COW, km)


def rivals(ctx: BriefContext) -> pd.DataFrame:
    """Rivals (iso3, name, rivalry, source, first, last) active in the last year each
    rivalry dataset covers, strategic rivalries (Thompson, Sakuwa & Suhas) first."""
    def read() -> pd.DataFrame:
        f = ctx.focal.ccode
        rows = []
        for table, label, lo, hi, source in (
                ("tss_rivalries", "rivalry", "start", "end", "strategic rivalry (TSS 2021)"),
                ("td_rivalries", "rivalryname", "styear", "endyear", "rivalry (TD 2012)")):
            if not ctx.store.has(table) or f is None:
                continue
            frame = state_facts.rivalries(ctx.tables, table, f, label, lo, hi)
            frame = frame[frame["last"] >= frame["data_end"]]
            rows.append(frame.assign(source=source))
        out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
            columns=["ccode", "rivalry", "first", "last", "data_end", "source"])
        out["iso3"] = out["ccode"].map(lambda c: ctx.iso3_of.get(int(c)))
        out = out.dropna(subset=["iso3"]).drop_duplicates("iso3")
        out["name"] = out["iso3"].map(ctx.name)
        return out[["iso3", "name", "rivalry", "source", "first", "last"]].reset_index(
            drop=True)
    return ctx.memo("rivals", read)


def _milex(ctx: BriefContext) -> pd.DataFrame:
    """Military spending (constant 2023 US$ m) of every state in the last year with data."""
    def read() -> pd.DataFrame:
        last = ctx.last("sipri_milex")
        if last is None:
            return pd.DataFrame(columns=["iso3", "milex"])
        return state_facts.milex_in(ctx.tables, last)[["iso3", "milex"]]
    return ctx.memo("milex_last", read)


def _near(ctx: BriefContext) -> set[str]:
    if not ctx.store.has("cow_mindist") or ctx.focal.ccode is None:
        return set()
    near = state_facts.near_states(ctx.tables, ctx.focal.ccode, NEAR_KM)
    return {ctx.iso3_of[c] for c in near if c in ctx.iso3_of}


def peers(ctx: BriefContext, n: int = 8) -> pd.DataFrame:
    """Peers (iso3, name, why): rivals, the biggest spenders within :data:`NEAR_KM`, and the
    two states spending closest to the focal state — at most ``n``, each with its reason."""
    def choose() -> pd.DataFrame:
        focal = ctx.focal.iso3
        picked: dict[str, list[str]] = {}
        for row in rivals(ctx).itertuples():
            picked.setdefault(row.iso3, []).append(str(row.source).split(" (")[0])
        spend = _milex(ctx)
        near = _near(ctx) - {focal}
        big = spend[spend["iso3"].isin(near)].sort_values("milex", ascending=False)
        for iso3 in big["iso3"].head(4):
            picked.setdefault(iso3, []).append("large military spender nearby")
        own = spend.loc[spend["iso3"] == focal, "milex"]
        if len(own):
            others = spend[spend["iso3"] != focal].assign(
                gap=lambda f: (f["milex"] / float(own.iloc[0])).map(lambda r: abs(r - 1)))
            for iso3 in others.sort_values("gap")["iso3"].head(2):
                picked.setdefault(iso3, []).append("similar military spending")
        rows = [{"iso3": k, "name": ctx.name(k), "why": "; ".join(dict.fromkeys(v))}
                for k, v in picked.items() if k != focal]
        return pd.DataFrame(rows, columns=["iso3", "name", "why"]).head(n)
    return ctx.memo("peers", choose)


def tension_partners(ctx: BriefContext, tension: pd.DataFrame, n: int = 6) -> pd.DataFrame:
    """Partners ranked by tension: rivalry first, then militarized-dispute onsets, then years
    with any tension signal. ``tension`` is :meth:`TensionResult.partners`."""
    if tension.empty:
        return tension
    frame = tension.copy()
    frame["rivalry"] = frame[["rival", "strategic_rival"]].fillna(0).max(axis=1)
    frame = frame.sort_values(["rivalry", "mid_onsets", "years_tension"],
                              ascending=False)
    return frame.head(n).reset_index(drop=True)


def engaged_regions(ctx: BriefContext, counts: pd.DataFrame, share: float = 0.1
                    ) -> pd.DataFrame:
    """World Bank regions holding at least ``share`` of the state's partner states (posts,
    memberships and observer or third-party roles left out), most partners first."""
    work = counts[~counts["kind"].isin(["diplomatic_post", "membership", "exercise_observer",
                                         "third_party"])]
    work = work.merge(ctx.codes[["iso3", "region_wb"]], on="iso3", how="left")
    by = work.groupby("region_wb").agg(partners=("iso3", "nunique"),
                                       records=("records", "sum")).reset_index()
    total = by["partners"].sum()
    by["share"] = by["partners"] / total if total else 0.0
    by = by.sort_values(["partners", "records"], ascending=False)
    return by[by["share"] >= share].reset_index(drop=True)


def alignment_partners(ctx: BriefContext, arms: list[str], n: int = 6) -> list[str]:
    """ISO3 of the partners whose UN alignment matters to the state: the global powers
    (COW major powers in the last year of the list), its main arms partners, its peers."""
    powers: list[str] = []
    if ctx.store.has("cow_majors"):
        powers = [ctx.iso3_of[c] for c in state_facts.great_powers(ctx.tables)
                  if c in ctx.iso3_of]
    spend = _milex(ctx).set_index("iso3")["milex"]
    powers = sorted(powers, key=lambda i: -float(spend.get(i, 0.0)))[:3]
    chosen: list[str] = []
    for iso3 in [*powers, *arms[:2], *peers(ctx)["iso3"].head(3)]:
        if iso3 != ctx.focal.iso3 and iso3 not in chosen:
            chosen.append(iso3)
    return chosen[:n]
