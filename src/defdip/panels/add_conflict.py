"""``add_*`` for conflict: COW MIDs and inter-state wars, rivalries, territorial threat."""

from __future__ import annotations

import ibis

from defdip.panels._ops import (
    fill,
    join_columns,
    join_dyad,
    join_monadic,
    panel_years,
    spell_years,
    undirected_lookup,
)
from defdip.panels.core import Panel

__all__ = [
    "MID_YEARS",
    "TSSR_TYPES",
    "WAR_YEARS",
    "add_mids",
    "add_rivalries",
    "add_terr_threat",
    "add_wars",
]

MID_YEARS = (1816, 2014)
WAR_YEARS = (1816, 2007)
#: The years each rivalry dataset observes (0 inside where no rivalry, NULL outside).
TD_YEARS = (1816, 2010)
TSS_YEARS = (1816, 2020)
TSSR_TYPES = ("positional", "spatial", "ideological", "interventionary")


def add_mids(panel: Panel) -> Panel:
    """``cowmidonset``, ``cowmidongoing``: COW MID 5.0 dispute onset / ongoing in the dyad-year.

    Reads ``cow_mid_dyadic``, peacesciencer's ``cow_mid_ddydisps`` (dispute-years already
    whittled to one row per directed dyad-year), and fills 0 for 1816-2014 as
    peacesciencer's ``add_cow_mids`` does. The table is directed, so a non-directed panel
    reads the row of its own orientation, as peacesciencer does.
    """
    return _max_flags(panel, "add_mids", "cow_mid_dyadic", ["cowmidonset", "cowmidongoing"],
                      MID_YEARS, "cow_mids")


def add_wars(panel: Panel) -> Panel:
    """``cowinteronset``, ``cowinterongoing``: COW inter-state war v4.0 in the dyad-year.

    The directed war-dyad-years are reduced to one row per dyad-year by taking the maximum
    (1 if any war begins / is ongoing), then filled with 0 for 1816-2007.
    """
    return _max_flags(panel, "add_wars", "cow_war_inter", ["cowinteronset", "cowinterongoing"],
                      WAR_YEARS, "cow_wars")


def _max_flags(panel: Panel, verb: str, table: str, names: list[str],
               years: tuple[int, int], source: str) -> Panel:
    """Directed dyad-year 0/1 flags from ``table``: the maximum per dyad-year (1 if any
    dispute or war begins / is ongoing), joined by orientation, 0 inside ``years``."""
    panel.require_unit(verb, "dyad_year")
    panel.require_new(verb, names)
    rows = panel.tables.table(table)
    one = rows.group_by(ccode1=rows.ccode1.cast("int64"), ccode2=rows.ccode2.cast("int64"),
                        year=rows.year.cast("int64")).aggregate(
        **{n: rows[n].max().cast("int64") for n in names})
    expr = join_dyad(panel, one, {n: n for n in names})
    return panel.evolve(fill(expr, names, 0, years), source)


def add_rivalries(panel: Panel) -> Panel:
    """Rivalries in the dyad-year, either orientation.

    ``tdrival``: a Thompson-Dreyer strategic rivalry is ongoing (1/0, years 1816-2010);
    ``tssr_rivalry`` and ``tssr_positional``, ``tssr_spatial``, ``tssr_ideological``,
    ``tssr_interventionary``: a Thompson-Sakuwa-Suhas strategic rivalry (of that type) is
    ongoing (1/0, years 1816-2020).
    """
    panel.require_unit("add_rivalries", "dyad_year")
    names = ["tdrival", "tssr_rivalry", *[f"tssr_{t}" for t in TSSR_TYPES]]
    panel.require_new("add_rivalries", names)
    years = panel_years(panel)
    td = panel.tables.table("td_rivalries")
    td = td.select(ccode1=ibis.least(td.ccode1, td.ccode2).cast("int64"),
                   ccode2=ibis.greatest(td.ccode1, td.ccode2).cast("int64"),
                   first=td.styear.cast("int64"), last=td.endyear.cast("int64"))
    td_years = spell_years(td, years, td["first"], td["last"])
    td_flag = td_years.select("ccode1", "ccode2", "year").distinct().mutate(
        tdrival=ibis.literal(1, "int64"))
    expr = undirected_lookup(panel, td_flag, {"tdrival": "tdrival"})
    ts = panel.tables.table("tss_rivalries")
    ts = ts.select(ccode1=ibis.least(ts.ccode1, ts.ccode2).cast("int64"),
                   ccode2=ibis.greatest(ts.ccode1, ts.ccode2).cast("int64"),
                   first=ts.start.cast("int64"), last=ts.end.cast("int64"),
                   **{t: ts[t].fill_null(0).cast("int64") for t in TSSR_TYPES})
    ts_years = spell_years(ts, years, ts["first"], ts["last"])
    ts_flag = ts_years.group_by(["ccode1", "ccode2", "year"]).aggregate(
        tssr_rivalry=ts_years.count().cast("int64").clip(upper=1),
        **{f"tssr_{t}": ts_years[t].max() for t in TSSR_TYPES})
    expr = undirected_lookup(panel.evolve(expr), ts_flag,
                             {n: n for n in names if n.startswith("tssr_")})
    expr = fill(expr, ["tdrival"], 0, TD_YEARS)
    expr = fill(expr, [n for n in names if n.startswith("tssr_")], 0, TSS_YEARS)
    return panel.evolve(expr, "td_rivalries", "tss_rivalries")


def add_terr_threat(panel: Panel) -> Panel:
    """``lterrthreat`` (state-years): Miller's latent territorial threat estimate (NULL where
    not estimated); on dyad-years ``lterrthreat_1``, ``lterrthreat_2``.
    """
    panel.require_unit("add_terr_threat", "state_year", "dyad_year")
    threat = panel.tables.table("terr_threat")
    threat = threat.select(ccode=threat.ccode.cast("int64"), year=threat.year.cast("int64"),
                           lterrthreat=threat.lterrthreat.cast("float64"))
    if panel.unit == "state_year":
        panel.require_new("add_terr_threat", ["lterrthreat"])
        expr = join_columns(panel.expr, threat, {"ccode": "ccode", "year": "year"},
                            {"lterrthreat": "lterrthreat"})
        return panel.evolve(expr, "terr_threat")
    panel.require_new("add_terr_threat", ["lterrthreat_1", "lterrthreat_2"])
    return panel.evolve(join_monadic(panel, threat, ["lterrthreat"]), "terr_threat")
