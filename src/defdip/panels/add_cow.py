"""``add_*`` for Correlates of War state attributes and geography.

Each follows peacesciencer's function of the same meaning (same rows, same values, same fill
rules) so panels built here can replace ones built in R: ``add_cow_majors``, ``add_nmc``,
``add_contiguity``, ``add_capital_distance``, ``add_minimum_distance``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from defdip.errors import InvalidArgument
from defdip.panels._ops import (
    add_monadic,
    fill,
    is_directed,
    join_columns,
    join_dyad,
    join_monadic,
    panel_years,
    spell_years,
    symmetric,
    undirected_lookup,
)
from defdip.panels.core import Panel, Tables

__all__ = [
    "CONTIGUITY_RULES",
    "CONTIGUITY_YEARS",
    "EARTH_RADIUS_M",
    "NMC_COLUMNS",
    "add_capital_distance",
    "add_contiguity",
    "add_cow_majors",
    "add_minimum_distance",
    "add_nmc",
    "contiguity_years",
    "spells_span",
    "vincenty_sphere_km",
]

NMC_COLUMNS = ("milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
#: geosphere's default radius (WGS84 semi-major axis), which peacesciencer's capdist uses.
EARTH_RADIUS_M = 6378137.0
#: Packs two capital-point numbers into one join key (one-to-one below a million points).
PAIR_BASE = 1_000_000


def _suffixed(panel: Panel, names: tuple[str, ...]) -> list[str]:
    if panel.unit == "state_year":
        return list(names)
    return [f"{n}_{s}" for n in names for s in ("1", "2")]


def add_cow_majors(panel: Panel) -> Panel:
    """COW major-power status: ``cowmaj`` (state-years) or ``cowmaj_1``, ``cowmaj_2`` (1/0).

    A state is a major power in every calendar year its major-power spell touches (the rule of
    peacesciencer's ``add_cow_majors``); every other state-year in the years the spells cover
    (1816-2016, :func:`spells_span`) is 0, and NULL after them: not known, not "no".
    """
    panel.require_unit("add_cow_majors", "state_year", "dyad_year")
    names = _suffixed(panel, ("cowmaj",))
    panel.require_new("add_cow_majors", names)
    majors = panel.tables.table("cow_majors")
    spells = majors.select(ccode=majors.ccode.cast("int64"),
                           first=majors["start"].year().cast("int64"),
                           last=majors["end"].year().cast("int64"))
    years = spell_years(spells, panel_years(panel), spells["first"], spells["last"])
    flags = years.select("ccode", "year").distinct().mutate(cowmaj=ibis.literal(1, "int64"))
    return add_monadic(panel, flags, ["cowmaj"], "cow_majors", fill_value=0,
                       fill_years=spells_span(panel.tables, "cow_majors"))


def spells_span(tables: Tables, table: str) -> tuple[int, int]:
    """The years a table of dated spells (``start``, ``end``) covers: the first spell's start
    year to the last spell's end year."""
    spells = tables.table(table)
    years = spells.select(first=spells["start"].year().cast("int64"),
                          last=spells["end"].year().cast("int64"))
    lo, hi = tables.probe(years.aggregate(lo=years["first"].min(), hi=years["last"].max()))
    return (int(lo), int(hi)) if lo is not None else (0, -1)


def add_nmc(panel: Panel) -> Panel:
    """COW National Material Capabilities v7: milex, milper, irst, pec, tpop, upop, cinc.

    NULL where NMC has no row for the state-year (as in the source; nothing is imputed).
    """
    panel.require_unit("add_nmc", "state_year", "dyad_year")
    panel.require_new("add_nmc", _suffixed(panel, NMC_COLUMNS))
    nmc = panel.tables.table("cow_nmc")
    nmc = nmc.select(ccode=nmc.ccode.cast("int64"), year=nmc.year.cast("int64"),
                     **{c: nmc[c].cast("float64") for c in NMC_COLUMNS})
    return add_monadic(panel, nmc, list(NMC_COLUMNS), "cow_nmc")


#: How a dyad-year whose contiguity changed within the year is coded (``add_contiguity``).
CONTIGUITY_RULES = ("first", "last", "lowest", "highest")
#: The years COW's contiguity data observe (0 inside where not contiguous, NULL outside).
CONTIGUITY_YEARS = (1816, 2016)


def contiguity_years(panel: Panel, rule: str = "first") -> ir.Table:
    """(ccode1, ccode2, year, conttype): one contiguity type per directed dyad-year with a
    record in COW's contiguity spells, chosen by ``rule`` (see :func:`add_contiguity`).

    The spells are month-precise (peacesciencer's ``cow_contdir`` dates are the first of the
    month); a spell ending in the month the next one starts covers that month too, as
    peacesciencer's month-by-month expansion does.
    """
    if rule not in CONTIGUITY_RULES:
        raise InvalidArgument(f"rule {rule!r} is not one of {list(CONTIGUITY_RULES)}: 'first' "
                              "(the type in force at the start of the year, peacesciencer's "
                              "default), 'last', 'lowest' or 'highest'.")
    cont = panel.tables.table("cow_contiguity")
    spells = cont.select(ccode1=cont.ccode1.cast("int64"), ccode2=cont.ccode2.cast("int64"),
                         conttype=cont.conttype.cast("int64"), since=cont["start"],
                         until=cont["end"], first=cont["start"].year().cast("int64"),
                         last=cont["end"].year().cast("int64"))
    years = spell_years(spells, panel_years(panel), spells["first"], spells["last"])
    key = [years.ccode1, years.ccode2, years.year]
    if rule in ("lowest", "highest"):  # over the types 1-5; a "none" (0) spell never wins
        typed = years.filter(years.conttype > 0)
        pick = typed.conttype.min() if rule == "lowest" else typed.conttype.max()
        found = typed.group_by(["ccode1", "ccode2", "year"]).aggregate(conttype=pick)
        none = years.select("ccode1", "ccode2", "year").distinct()
        return join_columns(none, found, {c: c for c in ("ccode1", "ccode2", "year")},
                            {"conttype": "conttype"}).mutate(
            conttype=ibis._.conttype.fill_null(0))
    # first: the earliest month of the year a spell covers, earlier spell on a tie (the one
    # ending that month); last: the latest month, later spell on a tie (the one starting).
    begins = ibis.ifelse(years.since.year() == years.year, years.since.month(), 1)
    ends = ibis.ifelse(years.until.year() == years.year, years.until.month(), 12)
    order = [begins, years.since] if rule == "first" else [ends.desc(), years.since.desc()]
    rank = ibis.row_number().over(group_by=key, order_by=order)
    ranked = years.mutate(__rank=rank)
    return ranked.filter(ranked.__rank == 0).select("ccode1", "ccode2", "year", "conttype")


def add_contiguity(panel: Panel, *, rule: str = "first") -> Panel:
    """COW direct contiguity v3.2 from peacesciencer's ``cow_contdir`` spells.

    On dyad-years ``conttype``: 1 land or river, 2-5 separated by up to 12, 24, 150 or 400
    miles of water, 0 not contiguous. On state-years ``land`` and ``sea``: how many states
    the state borders by land (type 1) and by sea (types 2-5) in the year, counted over the
    dyads of COW's records, as peacesciencer counts them.

    When a dyad's type changed within the year, ``rule`` picks one, as peacesciencer's
    ``add_contiguity(slice = )`` does:

    - ``"first"`` (default, peacesciencer's default): the type in force at the start of the
      year, i.e. in the earliest month the dyad has a record;
    - ``"last"``: the type in force at the end of the year (the latest month);
    - ``"lowest"``: the closest type recorded in the year (1 before 5), peacesciencer's rule
      before version 1.2; a "none" spell never wins over a contiguity spell;
    - ``"highest"``: the most distant type (1-5) recorded in the year.

    A dyad-year without any record is 0 in 1816-2016 (COW's coverage) and NULL after, where
    COW has recorded nothing (peacesciencer's ``mry = FALSE``).
    """
    panel.require_unit("add_contiguity", "state_year", "dyad_year")
    chosen = contiguity_years(panel, rule)
    if panel.unit == "dyad_year":
        panel.require_new("add_contiguity", ["conttype"])
        expr = join_dyad(panel, chosen, {"conttype": "conttype"})
        return panel.evolve(fill(expr, ["conttype"], 0, CONTIGUITY_YEARS), "cow_contiguity")
    panel.require_new("add_contiguity", ["land", "sea"])
    counts = chosen.group_by(ccode=chosen.ccode1, year=chosen.year).aggregate(
        land=(chosen.conttype == 1).cast("int64").sum(),
        sea=(chosen.conttype > 1).cast("int64").sum())
    expr = join_columns(panel.expr, counts, {"ccode": "ccode", "year": "year"},
                        {"land": "land", "sea": "sea"})
    return panel.evolve(fill(expr, ["land", "sea"], 0, CONTIGUITY_YEARS), "cow_contiguity")


def vincenty_sphere_km(lat1: ir.FloatingValue, lng1: ir.FloatingValue,
                       lat2: ir.FloatingValue, lng2: ir.FloatingValue) -> ir.FloatingValue:
    """Great-circle distance in km (Vincenty's formula on a sphere, geosphere's radius)."""
    p1, p2 = lat1.radians(), lat2.radians()
    dl = (lng2 - lng1).radians()
    x = (p2.cos() * dl.sin()) ** 2 + (p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos()) ** 2
    y = p1.sin() * p2.sin() + p1.cos() * p2.cos() * dl.cos()
    return x.sqrt().atan2(y) * (EARTH_RADIUS_M / 1000.0)


def _capital_years(panel: Panel) -> ir.Table:
    """(ccode, year, lat, lng): the capital held on 1 January when a state moved in the year."""
    caps = panel.tables.table("cow_capitals")
    spells = caps.select(ccode=caps.ccode.cast("int64"), lat=caps.lat.cast("float64"),
                         lng=caps.lng.cast("float64"), since=caps["start"],
                         first=caps["start"].year().cast("int64"),
                         last=caps["end"].year().cast("int64"))
    years = spell_years(spells, panel_years(panel), spells["first"], spells["last"])
    rank = ibis.row_number().over(group_by=[years.ccode, years.year], order_by=years.since)
    ranked = years.mutate(__rank=rank)
    return ranked.filter(ranked.__rank == 0).select("ccode", "year", "lat", "lng")


def _capital_pairs(capitals: ir.Table) -> tuple[ir.Table, ir.Table]:
    """(ccode, year, point) and (point_1 * PAIR_BASE + point_2 → km) over the distinct capitals.

    There are a few hundred distinct capital coordinates, so the distance is computed once per
    ordered pair of points (tens of thousands of rows) instead of once per dyad-year; the same
    formula on the same inputs gives the same doubles.
    """
    points = capitals.select("lat", "lng").distinct()
    points = points.mutate(point=ibis.dense_rank().over(order_by=[points.lat, points.lng])
                           .cast("int64"))
    located = capitals.join(points, ["lat", "lng"]).select("ccode", "year", "point")
    a = points.select(p1=points.point, lat1=points.lat, lng1=points.lng)
    b = points.select(p2=points.point, lat2=points.lat, lng2=points.lng)
    pairs = a.cross_join(b)
    pairs = pairs.select(pair=pairs.p1 * PAIR_BASE + pairs.p2,
                         capdist=vincenty_sphere_km(pairs.lat1, pairs.lng1, pairs.lat2,
                                                    pairs.lng2))
    return located, pairs


def add_capital_distance(panel: Panel) -> Panel:
    """``capdist``: km between the two capitals (dyads) or ``mincapdist`` to the nearest other
    member's capital (state-years), from ``cow_capitals`` as valid on 1 January of the year.
    """
    panel.require_unit("add_capital_distance", "state_year", "dyad_year")
    capitals = _capital_years(panel)
    if panel.unit == "dyad_year":
        panel.require_new("add_capital_distance", ["capdist"])
        located, pairs = _capital_pairs(capitals)
        expr = add_monadic(panel, located, {"point": "__point"}).expr
        expr = expr.mutate(__pair=expr.__point_1 * PAIR_BASE + expr.__point_2)
        expr = join_columns(expr, pairs, {"__pair": "pair"}, {"capdist": "capdist"})
        expr = expr.drop("__point_1", "__point_2", "__pair")
        return panel.evolve(expr, "cow_capitals")
    panel.require_new("add_capital_distance", ["mincapdist"])
    from defdip.panels.units import create_dyad_years

    dyads = create_dyad_years(panel.tables, start=panel.start, end=panel.end)
    with_caps = join_monadic(dyads, capitals, {"lat": "lat", "lng": "lng"})
    dist = vincenty_sphere_km(with_caps.lat_1, with_caps.lng_1, with_caps.lat_2, with_caps.lng_2)
    nearest = with_caps.mutate(d=dist).group_by(ccode=with_caps.ccode_1, year=with_caps.year)
    nearest = nearest.aggregate(mincapdist=ibis._.d.min())
    expr = join_columns(panel.expr, nearest, {"ccode": "ccode", "year": "year"},
                        {"mincapdist": "mincapdist"})
    return panel.evolve(expr, "cow_capitals")


def add_minimum_distance(panel: Panel) -> Panel:
    """``mindist``: km between the two states' borders (0 = touching), CShapes-based, 1886-2019;
    on state-years ``minmindist``, the state's smallest distance to any other state.
    """
    panel.require_unit("add_minimum_distance", "state_year", "dyad_year")
    dist = panel.tables.table("cow_mindist")
    dist = dist.select(ccode1=dist.ccode1.cast("int64"), ccode2=dist.ccode2.cast("int64"),
                       year=dist.year.cast("int64"), mindist=dist.mindist.cast("float64"))
    directed = is_directed(panel.tables, dist)
    if panel.unit == "dyad_year":
        panel.require_new("add_minimum_distance", ["mindist"])
        take = {"mindist": "mindist"}
        expr = join_dyad(panel, dist, take) if directed else \
            undirected_lookup(panel, dist, take)
        return panel.evolve(expr, "cow_mindist")
    panel.require_new("add_minimum_distance", ["minmindist"])
    both = dist if directed else symmetric(dist)
    smallest = both.group_by(ccode=both.ccode1, year=both.year).aggregate(
        minmindist=both.mindist.min())
    expr = join_columns(panel.expr, smallest, {"ccode": "ccode", "year": "year"},
                        {"minmindist": "minmindist"})
    return panel.evolve(expr, "cow_mindist")
