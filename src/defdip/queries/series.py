"""Series that run across two sources — an older dataset continued by a newer one — written
once, so the record, the panels and the measures read the same rows.

**UN General Assembly roll calls, 1946-2026.** Voeten's roll calls (``unga_votes``, sessions
1-74, to 2020-01-14) and the UN's own recorded votes (``unga_votes_dgacm``, sessions 74-80,
2019-10 to 2026-06). Every Voeten roll call is kept; a DGACM resolution is added only when
its symbol is not a Voeten roll call's resolution symbol, so the 90 resolutions of session 74
that both hold are counted once (from Voeten). ``origin`` says which dataset each roll call
comes from. The two are not alike: DGACM holds plenary recorded votes on *adopted
resolutions* only, Voeten also votes on amendments, paragraphs, motions and failed drafts
(docs/un-votes.md). ``resolutions_only=True`` gives one roll call per adopted resolution over
the whole span: Voeten's roll calls with a resolution symbol, not flagged as a vote on an
amendment or a paragraph, the last one per symbol (the vote on the whole text comes after
those on its parts), plus every DGACM vote.

**UN peacekeeping, 1990-2025.** IPI's data (``ipi_peacekeeping``: contributor x mission
2009-11 to 2014-02, contributor totals 1990-11 to 2014-03) and the UN's monthly reports
(``un_peacekeeping_monthly``, 2015-01 to 2025-07), one row per month x contributor x mission
x personnel type. A month the UN reports cover is read from them; IPI gives the months
before. ``mission`` is NULL in a month whose data have no mission split (IPI before 2009-11
and in 2014-03, the UN reports of 2018-03 to 2019-08 and 2023-09): those rows are the
contributor's totals. Months no source reports (2014-04 to 2014-12, and five UN months) have
no rows at all: :func:`peacekeeping_months` lists every month with its status, so a gap shows
as a gap, never as a zero.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import pandas as pd

from defdip.errors import NotLoaded
from defdip.queries.tables import Tables

__all__ = [
    "DGACM_OFFSET",
    "PK_SOURCES",
    "ROLL_CALL_SOURCES",
    "peacekeepers_by_year",
    "peacekeeping",
    "peacekeeping_months",
    "roll_call_votes",
    "roll_calls",
]

#: DGACM roll calls are numbered from here (in adoption-date order), after Voeten's rcids.
DGACM_OFFSET = 1_000_000
ROLL_CALL_SOURCES = ("unga_votes", "unga_votes_dgacm")
PK_SOURCES = ("ipi_peacekeeping", "un_peacekeeping_monthly")
_IPI_TYPES = ("troops", "police", "experts")


def _symbol(value: ir.StringValue) -> ir.StringValue:
    """A resolution symbol compared without spaces or case ('A/RES/74/7')."""
    return value.upper().replace(" ", "")


def _voeten(tables: Tables, resolutions_only: bool) -> ir.Table:
    calls = tables.table("unga_roll_calls")
    out = calls.select(call_id=calls.rcid.cast("int64"), origin=ibis.literal("voeten"),
                       session=calls.session.cast("int64"),
                       session_label=calls.session.cast("string"), date=calls.date,
                       year=calls.year.cast("int64"), symbol=calls.unres,
                       amend=calls.amend.fill_null(False), para=calls.para.fill_null(False))
    whole = out.symbol.notnull() & ~out.amend & ~out.para
    if resolutions_only:
        out = out.filter(whole)
        last = ibis.row_number().over(group_by=_symbol(out.symbol),
                                      order_by=[out.date.desc(), out.call_id.desc()])
        out = out.mutate(rank=last).filter(lambda t: t.rank == 0).drop("rank")
    return out.mutate(resolution_vote=whole).drop("amend", "para")


def _dgacm(tables: Tables) -> ir.Table:
    res = tables.table("dgacm_resolutions")
    recorded = res.filter(res.recorded_vote)
    number = ibis.row_number().over(order_by=[recorded.date, recorded.symbol])
    return recorded.select(call_id=(number + DGACM_OFFSET + 1).cast("int64"),
                           origin=ibis.literal("dgacm"), session=recorded.session.cast("int64"),
                           session_label=recorded.session_label, date=recorded.date,
                           year=recorded.year.cast("int64"), symbol=recorded.symbol,
                           resolution_vote=ibis.literal(True))


def roll_calls(tables: Tables, *, resolutions_only: bool = False) -> ir.Table:
    """One row per roll call 1946-2026: call_id (Voeten's rcid; DGACM from
    :data:`DGACM_OFFSET`), origin ('voeten' or 'dgacm'), session, session_label, date, year,
    symbol, resolution_vote. Either source alone gives its own roll calls."""
    have = [t for t in ("unga_roll_calls", "dgacm_resolutions") if tables.has(t)]
    if not have:
        raise NotLoaded("unga_roll_calls", "unga_votes")
    if "dgacm_resolutions" not in have:
        return _voeten(tables, resolutions_only)
    dgacm = _dgacm(tables)
    if "unga_roll_calls" not in have:
        return dgacm
    voeten = _voeten(tables, resolutions_only)
    known = tables.table("unga_roll_calls")
    known = known.filter(known.unres.notnull()).select(key=_symbol(known.unres))
    fresh = dgacm.filter(~_symbol(dgacm.symbol).isin(known.key))
    return voeten.union(fresh.select(*voeten.columns), distinct=False)


def roll_call_votes(tables: Tables, *, resolutions_only: bool = False) -> ir.Table:
    """Every yes/abstain/no vote of the roll calls of :func:`roll_calls`: call_id, ccode,
    iso3, vote (1 yes, 2 abstain, 3 no), year, origin. Votes without a COW code (none in
    either source today) are left out."""
    calls = roll_calls(tables, resolutions_only=resolutions_only)
    parts = []
    if tables.has("unga_votes") and tables.has("unga_roll_calls"):
        v = tables.table("unga_votes")
        mine = calls.filter(calls.origin == "voeten")
        joined = v.join(mine, v.rcid.cast("int64") == mine.call_id)
        parts.append(joined.select(call_id=mine.call_id, ccode=v.ccode.cast("int64"),
                                   iso3=v.iso3, vote=v.vote.cast("int64"), year=mine.year,
                                   origin=mine.origin))
    if tables.has("dgacm_votes") and tables.has("dgacm_resolutions"):
        d = tables.table("dgacm_votes")
        theirs = calls.filter(calls.origin == "dgacm")
        joined = d.join(theirs, d.symbol == theirs.symbol)
        parts.append(joined.select(call_id=theirs.call_id, ccode=d.ccode.cast("int64"),
                                   iso3=d.iso3, vote=d.vote.cast("int64"), year=theirs.year,
                                   origin=theirs.origin))
    if not parts:
        raise NotLoaded("unga_votes", "unga_votes")
    out = parts[0] if len(parts) == 1 else parts[0].union(parts[1], distinct=False)
    return out.filter(out.ccode.notnull())


def _ipi(tables: Tables) -> ir.Table | None:
    """IPI as the series' long rows: contributor x mission months where IPI splits by
    mission, contributor totals (mission NULL) in its other months."""
    parts = []
    split_months = None
    if tables.has("ipi_contributor_mission_month"):
        m = tables.table("ipi_contributor_mission_month")
        m = m.mutate(month=m.date.truncate("M").cast("date"))
        split_months = m.select("month").distinct()
        parts.append(m)
    if tables.has("ipi_contributor_month"):
        c = tables.table("ipi_contributor_month")
        c = c.mutate(month=c.date.truncate("M").cast("date"), mission=ibis.null("string"))
        if split_months is not None:
            c = c.filter(~c.month.isin(split_months.month))
        parts.append(c)
    rows = []
    for part in parts:
        for kind in _IPI_TYPES:
            rows.append(part.select(
                month=part.month, origin=ibis.literal("ipi"),
                contributor_label=part.contributor_label, iso3=part.iso3,
                ccode=part.ccode.cast("int64"), mission=part.mission.cast("string"),
                personnel_type=ibis.literal(kind), personnel=part[kind].cast("int64"),
                female=ibis.null("int64")))
    if not rows:
        return None
    out = rows[0]
    for more in rows[1:]:
        out = out.union(more, distinct=False)
    return out.filter(out.personnel > 0)


def peacekeeping(tables: Tables) -> ir.Table:
    """Uniformed personnel per month x contributor x mission x type, 1990-2025: month (first
    day), year, origin ('ipi' or 'un_monthly'), contributor_label, iso3, ccode, mission (NULL
    where the month has no mission split), personnel_type, personnel, female (UN reports
    only). Only non-zero rows; a month without rows for a contributor is zero only where the
    month is reported (:func:`peacekeeping_months`)."""
    ipi = _ipi(tables)
    if not tables.has("un_pko_monthly"):
        if ipi is None:
            raise NotLoaded("un_pko_monthly", "un_peacekeeping_monthly")
        return ipi.mutate(year=ipi.month.year().cast("int64"))
    u = tables.table("un_pko_monthly")
    un = u.select(month=u.month.cast("date"), origin=ibis.literal("un_monthly"),
                  contributor_label=u.contributor_label, iso3=u.iso3,
                  ccode=u.ccode.cast("int64"), mission=u.mission,
                  personnel_type=u.personnel_type, personnel=u.total.cast("int64"),
                  female=u.female.cast("int64"))
    un = un.filter(un.personnel > 0)
    if ipi is not None:
        ipi = ipi.filter(~ipi.month.isin(un.select("month").distinct().month))
        un = ipi.union(un, distinct=False)
    return un.mutate(year=un.month.year().cast("int64"))


def peacekeepers_by_year(tables: Tables, ccode: int) -> ir.Table:
    """(year, peacekeepers): the state's uniformed UN personnel in a year, the mean over the
    months some source reports (:func:`peacekeeping`) — a reported month without the state's
    rows counts 0; a year no source reports has no row (unknown, not 0). The one definition
    the trends, the brief's outlook and its timeline read."""
    rows = peacekeeping(tables)
    months = rows.select("year", "month").distinct()
    reported = months.group_by("year").aggregate(months=months.month.count())
    mine = rows.filter(rows.ccode == ccode)
    total = mine.group_by("year").aggregate(personnel=mine.personnel.sum())
    joined = reported.left_join(total, reported.year == total.year)
    return joined.select(year=reported.year.cast("int64"),
                         peacekeepers=joined.personnel.fill_null(0) / joined.months)


def peacekeeping_months(tables: Tables) -> pd.DataFrame:
    """Every month from the series' first to its last: origin (NULL = no source reports the
    month), mission_split (NULL where unreported), personnel (the world total) and
    contributors. The months with ``origin`` NULL are the gaps."""
    rows = peacekeeping(tables)
    per_month = rows.group_by(["month", "origin"]).aggregate(
        mission_split=rows.mission.notnull().any(), personnel=rows.personnel.sum(),
        contributors=rows.contributor_label.nunique())
    frame = per_month.order_by("month").execute()
    frame["month"] = pd.to_datetime(frame["month"])
    calendar = pd.date_range(frame["month"].min(), frame["month"].max(), freq="MS")
    out = frame.set_index("month").reindex(calendar).rename_axis("month").reset_index()
    out["month"] = out["month"].dt.date
    out["year"] = [m.year for m in out["month"]]
    out["origin"] = out["origin"].astype("string")
    out["mission_split"] = out["mission_split"].astype("boolean")
    for column in ("personnel", "contributors"):
        out[column] = out[column].astype("Int64")
    return out[["month", "year", "origin", "mission_split", "personnel", "contributors"]]
