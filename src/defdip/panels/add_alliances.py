"""``add_*`` for alliances and international organisations: ATOP pledges, COW IGO
co-membership, and NATO, OIC and UN membership flags.

NATO membership is the query layer's one definition
(:func:`defdip.queries.memberships.membership`: nato.int's member list, complete through its
``complete_through`` year), the same list the regions and the tension monitor read; OIC
membership comes from COW IGO's spells.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from defdip.panels._ops import (
    add_monadic,
    fill,
    is_directed,
    join_columns,
    join_dyad,
    join_monadic,
    join_stored_dyad,
    panel_years,
    spell_years,
    undirected_lookup,
    year_span,
)
from defdip.panels.core import Panel, Tables
from defdip.queries import series
from defdip.queries.memberships import membership

__all__ = [
    "ATOP_COLUMNS",
    "ATOP_YEARS",
    "IGO_SUMS",
    "IGO_YEARS",
    "add_atop_alliance",
    "add_igos",
    "un_member_years",
    "un_years",
]

ATOP_COLUMNS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")
ATOP_YEARS = (1815, 2018)
IGO_SUMS = ("sum_igo_full", "sum_igo_associate", "sum_igo_observer", "sum_igo_anytype")
IGO_YEARS = (1816, 2014)
#: IGO abbreviations (as in cow_igo_spells.igo) flagged by add_igos from COW IGO's spells,
#: and the column stems. NATO is flagged from the one NATO list (``NATO_STEM``).
FLAGGED_IGOS = {"OIC": "oic"}
NATO_STEM = "nato"


def add_atop_alliance(panel: Panel) -> Panel:
    """ATOP v5.1 pledges in force in the dyad-year: defense, offense, neutral, nonagg, consul.

    1 = at least one such pledge is active, 0 = none (years 1815-2018), NULL outside ATOP's
    years — peacesciencer's ``add_atop_alliance``. ATOP is directed (a state can pledge to
    defend another without the reverse); a directed panel takes the pledge of ``ccode_1`` to
    ``ccode_2`` as stored, a non-directed panel the highest value in either direction
    (peacesciencer's default ``ndir = TRUE``).
    """
    panel.require_unit("add_atop_alliance", "dyad_year")
    panel.require_new("add_atop_alliance", ATOP_COLUMNS)
    atop = panel.tables.table("atop_dyad_year")
    atop = atop.select(ccode1=atop.ccode1.cast("int64"), ccode2=atop.ccode2.cast("int64"),
                       year=atop.year.cast("int64"),
                       **{c: atop[c].cast("int64") for c in ATOP_COLUMNS})
    take = {c: c for c in ATOP_COLUMNS}
    if is_directed(panel.tables, atop):
        if panel.directed:
            expr = join_dyad(panel, atop, take)
        else:
            lo = ibis.least(atop.ccode1, atop.ccode2)
            hi = ibis.greatest(atop.ccode1, atop.ccode2)
            either = atop.group_by(ccode1=lo, ccode2=hi, year=atop.year).aggregate(
                **{c: atop[c].max() for c in ATOP_COLUMNS})
            expr = undirected_lookup(panel, either, take)
    else:
        expr = undirected_lookup(panel, atop, take)
    return panel.evolve(fill(expr, ATOP_COLUMNS, 0, ATOP_YEARS), "atop")


def un_member_years(panel: Panel) -> ir.Table:
    """(ccode, year) of UN members, derived from UNGA data (the COW IGO copy lacks the UN).

    Rule: a state is a member in a year when it cast a recorded vote in a General Assembly
    roll call dated that year, or has an ideal-point estimate for the session that opened that
    year. States that were members but cast no recorded vote all year (e.g. South Africa while
    excluded, 1974-1993) therefore count as non-members.
    """
    tables = panel.tables
    # the roll-call series 1946-2026 (Voeten, then the UN's DGACM votes): queries.series
    votes, ideal = series.roll_call_votes(tables), tables.table("unga_ideal_points")
    voted = votes.select(ccode=votes.ccode, year=votes.year)
    estimated = ideal.filter(ideal.ccode.notnull()).select(
        ccode=ideal.ccode.cast("int64"), year=ideal.year.cast("int64"))
    return voted.union(estimated).distinct()


def _member_flags(panel: Panel) -> tuple[ir.Table, dict[str, tuple[int, int]]]:
    """(ccode, year, oic, un) member flags, and each flag's years of coverage (with NATO's,
    whose flag :func:`_nato` computes on the panel's own rows)."""
    spells = panel.tables.table("cow_igo_spells")
    chosen = spells.filter(spells.igo.isin(list(FLAGGED_IGOS)) & spells.ccode.notnull())
    chosen = chosen.select(ccode=chosen.ccode.cast("int64"), igo=chosen.igo,
                           first=chosen.start_year.cast("int64"),
                           last=chosen.end_year.cast("int64"))
    years = spell_years(chosen, panel_years(panel), chosen["first"], chosen["last"])
    flags = years.group_by(["ccode", "year"]).aggregate(**{
        stem: (years.igo == abbrev).any().cast("int64") for abbrev, stem in FLAGGED_IGOS.items()})
    un = un_member_years(panel).mutate(un=ibis.literal(1, "int64"))
    keys = flags.select("ccode", "year").union(un.select("ccode", "year")).distinct()
    merged = join_columns(keys, flags, {"ccode": "ccode", "year": "year"},
                          {stem: stem for stem in FLAGGED_IGOS.values()})
    merged = join_columns(merged, un, {"ccode": "ccode", "year": "year"}, {"un": "un"})
    first_un, last_un = un_years(panel.tables)
    coverage = {stem: IGO_YEARS for stem in FLAGGED_IGOS.values()} | {"un": (first_un, last_un)}
    coverage[NATO_STEM] = (IGO_YEARS[0], membership("NATO").complete_through)
    return merged, coverage


def _nato(ccode: ir.IntegerValue, year: ir.IntegerValue) -> ir.IntegerValue:
    """1 if the state is a NATO member in the year, 0 if not; NULL after the list's last
    complete year (the one NATO list, :mod:`defdip.queries.memberships`)."""
    return membership("NATO").is_member(ccode, year).cast("int64")


def un_years(tables: Tables) -> tuple[int, int]:
    """First and last year the UNGA data cover (roll calls and ideal points), in one query:
    the years the ``un``/``un_both`` flags observe."""
    calls = series.roll_calls(tables)
    ideal = tables.table("unga_ideal_points")
    years = calls.select(year=calls.year.cast("int64")).union(
        ideal.select(year=ideal.year.cast("int64")))
    return year_span(tables, years)


def add_igos(panel: Panel) -> Panel:
    """COW IGO v3 co-membership and NATO/OIC/UN membership.

    Dyad-years: ``dyadigos`` (IGOs in which both are full members, as peacesciencer's
    ``add_igos``; NULL where COW IGO has no row), ``nato_both``, ``oic_both``, ``un_both``
    (1 both members, 0 not, NULL outside the data's years). State-years: ``sum_igo_full``,
    ``sum_igo_associate``, ``sum_igo_observer``, ``sum_igo_anytype``, ``nato``, ``oic``, ``un``.
    NATO comes from the one NATO list (nato.int, 1816 to the list's ``complete_through``
    year: nobody before 1949), OIC from COW IGO's full-membership spells (1816-2014); UN
    membership follows :func:`un_member_years`.
    """
    panel.require_unit("add_igos", "state_year", "dyad_year")
    flags, coverage = _member_flags(panel)
    spelled = [*FLAGGED_IGOS.values(), "un"]
    stems = [NATO_STEM, *spelled]
    if panel.unit == "state_year":
        panel.require_new("add_igos", [*IGO_SUMS, *stems])
        sums = panel.tables.table("cow_igo_state_year")
        sums = sums.select(ccode=sums.ccode.cast("int64"), year=sums.year.cast("int64"),
                           **{c: sums[c].cast("int64") for c in IGO_SUMS})
        expr = join_monadic(panel, sums, list(IGO_SUMS))
        expr = expr.mutate(**{NATO_STEM: _nato(expr.ccode, expr.year)})
        expr = join_columns(expr, flags, {"ccode": "ccode", "year": "year"},
                            {s: s for s in spelled})
        for stem in spelled:
            expr = fill(expr, [stem], 0, coverage[stem])
        return panel.evolve(expr, "cow_igo", "unga_votes", "unga_ideal_points")
    names = [f"{s}_both" for s in stems]
    panel.require_new("add_igos", ["dyadigos", *names])
    dyad = panel.tables.table("cow_igo_dyad_year")
    dyad = dyad.select(ccode1=dyad.ccode1.cast("int64"), ccode2=dyad.ccode2.cast("int64"),
                       year=dyad.year.cast("int64"), dyadigos=dyad.dyadigos.cast("int64"))
    take = {"dyadigos": "dyadigos"}
    # the flags first: on bare dyad-years they are attached to the state-years before pairing
    flagged = add_monadic(panel, flags, {s: f"__{s}" for s in spelled})
    expr = join_stored_dyad(flagged, dyad, take)
    both = {f"{NATO_STEM}_both": _nato(expr.ccode_1, expr.year) * _nato(expr.ccode_2, expr.year)}
    for stem in spelled:
        a, b = expr[f"__{stem}_1"].fill_null(0), expr[f"__{stem}_2"].fill_null(0)
        inside = expr.year.between(*coverage[stem])
        both[f"{stem}_both"] = ibis.ifelse(inside, (a * b).cast("int64"), ibis.null("int64"))
    expr = expr.mutate(**both).select(*panel.columns, "dyadigos", *names)
    return panel.evolve(expr, "cow_igo", "unga_votes", "unga_ideal_points")
