"""Reads of one state's place among all states, from the loaded sources: codes and names,
military spending, rivalries, neighbours, great powers, alliances, organisations, diplomatic
posts, UN voting with chosen partners, network standing, capitals and map shapes.

What the country brief (``defdip.reports``) and the web pages show of a state, written once
here in Ibis over :class:`~defdip.queries.tables.Tables`, so it runs on every backend the
query layer runs on. Each function returns a pandas DataFrame (or a number) with the columns
its docstring names; rows come in the order a caller relies on (``ORDER BY`` where stated).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ibis

from defdip.queries.tables import Tables

__all__ = [
    "alliances_in_force",
    "alliance_members",
    "capitals",
    "country_codes",
    "great_powers",
    "igo_memberships",
    "iso3_by_ccode",
    "last_year",
    "map_features",
    "milex_in",
    "milex_series",
    "near_states",
    "network_sizes",
    "network_standing",
    "north_cyprus_posts",
    "posts_in",
    "rivalries",
    "un_agreement_with",
]


def last_year(tables: Tables, table: str, column: str = "year") -> Any:
    """The largest value of ``column`` in ``table`` (None for an empty table)."""
    t = tables.table(table)
    (value,) = tables.rows(t.aggregate(y=t[column].max()))[0]
    return value


def iso3_by_ccode(tables: Tables) -> Any:
    """(ccode, iso3): one ISO3 per COW code, from the store's concordance."""
    c = tables.table("country_codes")
    c = c.filter(c.ccode.notnull() & c.iso3.notnull())
    return c.group_by("ccode").aggregate(iso3=c.iso3.arbitrary()).execute()


def country_codes(tables: Tables) -> Any:
    """(iso3, ccode, name, continent, region_wb, un_subregion) of every row with an ISO3."""
    c = tables.table("country_codes")
    return c.filter(c.iso3.notnull()).select(
        "iso3", "ccode", "name", "continent", "region_wb", "un_subregion").execute()


def north_cyprus_posts(tables: Tables, iso3: str) -> int:
    """How many of the state's Lowy posts the Lowy Index places in 'Northern Cyprus'."""
    p = tables.table("lowy_posts")
    p = p.filter((p.sender_iso3 == iso3) & p.host_label.ilike("Northern Cyprus%"))
    return int(tables.rows(p.aggregate(n=p.count()))[0][0])


def posts_in(tables: Tables, iso3: str, year: int) -> tuple[int, Any]:
    """The state's Lowy posts in ``year`` and its best overall rank (None without one)."""
    p = tables.table("lowy_posts")
    p = p.filter((p.sender_iso3 == iso3) & (p.year == year))
    n, rank = tables.rows(p.aggregate(n=p.count(), rank=p.overall_rank.min()))[0]
    return int(n), rank


def milex_in(tables: Tables, year: int) -> Any:
    """(iso3, year, milex, gdp): every state's military spending in ``year`` (constant 2023
    US$ m) and its share of GDP, where SIPRI gives a figure."""
    m = tables.table("sipri_milex")
    m = m.filter((m.year == year) & m.iso3.notnull() & m.milex_constant_2023_usd_m.notnull())
    return m.select("iso3", "year", milex=m.milex_constant_2023_usd_m,
                    gdp=m.milex_share_gdp).execute()


def milex_series(tables: Tables, codes: Sequence[str], first: int, last: int) -> Any:
    """(iso3, year, milex, gdp) of the states ``codes`` in ``first``..``last``, spending in
    US$ billions (constant 2023 prices), ordered by state and year."""
    m = tables.table("sipri_milex")
    m = m.filter(m.iso3.isin(list(codes)) & m.year.between(first, last))
    return m.select("iso3", "year", milex=m.milex_constant_2023_usd_m / 1000,
                    gdp=m.milex_share_gdp).order_by(["iso3", "year"]).execute()


def rivalries(tables: Tables, table: str, ccode: int, label: str, first: str, last: str) -> Any:
    """(ccode, rivalry, first, last, data_end): the rivals of ``ccode`` in a rivalry table
    that holds each pair once (ccode1, ccode2), with the table's last year."""
    r = tables.table(table)
    end = r.aggregate(data_end=r[last].max())
    mine = r.filter((r.ccode1 == ccode) | (r.ccode2 == ccode))
    mine = mine.select(ccode=ibis.cases((mine.ccode1 == ccode, mine.ccode2),
                                        else_=mine.ccode1),
                       rivalry=mine[label], first=mine[first], last=mine[last])
    return mine.cross_join(end).execute()


def near_states(tables: Tables, ccode: int, km: float) -> list[int]:
    """COW codes of the states within ``km`` of ``ccode`` (COW minimum distance) in the last
    year the table gives for it; the table may hold each pair once, so both directions."""
    d = tables.table("cow_mindist")
    mine = d.filter((d.ccode1 == ccode) | (d.ccode2 == ccode))
    (year,) = tables.rows(mine.aggregate(y=mine.year.max()))[0]
    if year is None:
        return []
    near = mine.filter((mine.mindist <= km) & (mine.year == year))
    near = near.select(ccode=ibis.cases((near.ccode1 == ccode, near.ccode2),
                                        else_=near.ccode1))
    return [int(c) for (c,) in tables.rows(near)]


def great_powers(tables: Tables) -> list[int]:
    """COW codes of the major powers in the last period ``cow_majors`` gives."""
    m = tables.table("cow_majors")
    (end,) = tables.rows(m.aggregate(e=m["end"].max()))[0]
    return [int(c) for (c,) in tables.rows(m.filter(m["end"] == end).select("ccode")
                                           .distinct())]


def _in_force(m: Any, year: int) -> Any:
    return (m.yrent <= year) & ((m.yrexit == 0) | m.yrexit.isnull() | (m.yrexit >= year))


def alliances_in_force(tables: Tables, ccode: int, year: int) -> Any:
    """(atopid, since, defense, offense, neutral, nonagg, consul) of the ATOP alliances
    ``ccode`` is a member of in ``year``, by first year (ATOP's obligations 0/1)."""
    m = tables.table("atop_members")
    mine = m.filter((m.ccode == ccode) & _in_force(m, year)).select("atopid").distinct()
    a = tables.table("atop_alliances")
    a = a.filter(a.atopid.isin(mine.atopid))
    return a.group_by("atopid").aggregate(
        since=a.begyr.min(), defense=a.defense.max(), offense=a.offense.max(),
        neutral=a.neutral.max(), nonagg=a.nonagg.max(), consul=a.consul.max()
    ).order_by(["since", "atopid"]).execute()


def alliance_members(tables: Tables, atopids: Sequence[int], year: int) -> dict[int, list[int]]:
    """The members (COW codes, ascending) of each alliance in ``year``."""
    m = tables.table("atop_members")
    m = m.filter(m.atopid.isin([int(i) for i in atopids]) & _in_force(m, year))
    out: dict[int, list[int]] = {}
    for atopid, code in tables.rows(m.select("atopid", "ccode").distinct()
                                    .order_by(["atopid", "ccode"])):
        out.setdefault(int(atopid), []).append(int(code))
    return out


def igo_memberships(tables: Tables, year: int) -> Any:
    """(ccode, n): full memberships in intergovernmental organisations in ``year`` (COW)."""
    i = tables.table("cow_igo_state_year")
    i = i.filter((i.year == year) & i.sum_igo_full.notnull())
    return i.select("ccode", n=i.sum_igo_full).execute()


def un_agreement_with(tables: Tables, ccode: int, codes: Sequence[int], first: int,
                      last: int, min_votes: int = 10) -> Any:
    """(year, ccode_2, un_agree, un_nvotes): the share of UN roll calls ``ccode`` voted like
    each of ``codes``, years with at least ``min_votes`` joint votes, by year and partner."""
    u = tables.table("un_alignment")
    u = u.filter((u.ccode_1 == ccode) & u.year.between(first, last)
                 & (u.un_nvotes >= min_votes) & u.ccode_2.isin([int(c) for c in codes]))
    return u.select("year", "ccode_2", "un_agree", "un_nvotes") \
        .order_by(["year", "ccode_2"]).execute()


def network_standing(tables: Tables, ccode: int) -> Any:
    """(year, rank, partners) of the state in the engagement network, by year."""
    n = tables.table("network_standing")
    return n.filter(n.ccode == ccode).select("year", "rank", "partners") \
        .order_by("year").execute()


def network_sizes(tables: Tables) -> Any:
    """(year, states): how many states the engagement network ranks in each year."""
    n = tables.table("network_standing")
    return n.group_by("year").aggregate(states=n.count()).execute()


def capitals(tables: Tables, year: int) -> Any:
    """(key, lat, lon): each state's latest capital that was its capital by ``year``, by
    key."""
    k = tables.table("cow_capitals")
    c = tables.table("country_codes")
    joined = k.join(c, k.ccode == c.ccode).filter(k.start.year() <= year)
    ranked = joined.select(key=c.iso3, lat=k.lat, lon=k.lng, start=k.start).mutate(
        n=ibis.row_number().over(group_by="key", order_by=ibis.desc("start")))
    return ranked.filter(ranked.n == 0).select("key", "lat", "lon").order_by("key").execute()


def map_features(tables: Tables) -> Any:
    """(iso3, name, geometry): the Natural Earth country shapes as GeoJSON text."""
    return tables.table("natural_earth_countries").select("iso3", "name", "geometry").execute()
