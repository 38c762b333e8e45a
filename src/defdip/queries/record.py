"""The engagement record as queries: the one rule for "active in a year", and the reads built
on it (records matching filters, the years each record is active, pairs of states sharing
records). ``record list``, the profile, the completeness report, the panels' instrument
columns, the engagement index and the brief all ask these functions, so they cannot disagree.

**Active in year Y** (the one rule; docs/record.md):

- A record's first year is the year of its ``start``; a record with no start is in no year.
- Its last year is the year of its ``end``. With no end, a record of a kind that stays in
  force until it is ended (:data:`ONGOING_KINDS`: memberships, defence agreements, base
  presence) is *open*: in force every year from its start to the last year its source
  observes (the latest start year among that source's records — DCAD 2010, ATOP 2018, the
  curated record its latest entry). Past that nobody has looked, so it is unknown, not "still
  in force". Any other kind without an end is active in its start year only.
- Date precision never moves a year: a month- or year-precise date still names its year.
- A record is active in the years ``from``..``to`` when first ≤ ``to`` and last ≥ ``from``.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from defdip.queries.tables import Tables, spell_years, year_range

__all__ = [
    "ONGOING_KINDS",
    "PARTY_ROLES",
    "active",
    "actor_years",
    "page",
    "page_key",
    "pair_counts",
    "select",
    "spans",
]

#: Kinds that stay in force until an end is recorded (an empty end means "still in force").
ONGOING_KINDS: tuple[str, ...] = ("membership", "defence_agreement", "base_presence")
#: Roles that count as taking part, by kind (observers of an exercise do not); kinds not named
#: count every role.
PARTY_ROLES: dict[str, tuple[str, ...]] = {
    "exercise": ("host", "participant", "organiser"),
    "defence_agreement": ("party",),
}


def spans(tables: Tables) -> ir.Table:
    """``engagements`` with ``first_year`` and ``last_year`` (both NULL for a record without
    a start); an open record's last year is its source's last observed year."""
    e = tables.table("engagements")
    first = e.start.year().cast("int64")
    observed = first.max().over(ibis.window(group_by=e.source))
    still = e.kind.isin(list(ONGOING_KINDS)) & e["end"].isnull()
    last = ibis.ifelse(still, ibis.greatest(observed, first),
                       e["end"].year().cast("int64").fill_null(first))
    return e.mutate(first_year=first, last_year=last)


def active(tables: Tables, year_from: int | None = None, year_to: int | None = None
           ) -> ir.Table:
    """Records active in any year of ``year_from``..``year_to`` (either end may be open).
    With no bound at all, every record, those without a start included."""
    s = spans(tables)
    if year_from is None and year_to is None:
        return s
    keep = s.first_year.notnull()
    if year_to is not None:
        keep &= s.first_year <= int(year_to)
    if year_from is not None:
        keep &= s.last_year.isnull() | (s.last_year >= int(year_from))
    return s.filter(keep)


def select(tables: Tables, *, country: str | None = None, partner: str | None = None,
           kinds: Sequence[str] = (), year_from: int | None = None, year_to: int | None = None,
           origin: str | None = None, sources: Sequence[str] = (), ids: Sequence[str] = (),
           after: Sequence[str] | None = None, limit: int | None = None
           ) -> tuple[ir.Table, ir.Table]:
    """The records (with ``first_year``/``last_year``) that involve ``country`` (and
    ``partner``: actor keys, ISO3 or a declared label), of ``kinds``, active in the years, of
    ``origin``, ``sources`` and ``ids``; and their actor rows. Both ordered for stable output.

    With ``limit`` (or ``after``) the records come one keyset page at a time (:func:`page`)."""
    records = active(tables, year_from, year_to)
    if ids:
        records = records.filter(records.id.isin(list(ids)))
    actors = tables.table("engagement_actors")
    for code in (country, partner):
        if code is not None:
            ids = actors.filter(actors.iso3 == code).select(actors.engagement_id)
            records = records.filter(records.id.isin(ids.engagement_id))
    if kinds:
        records = records.filter(records.kind.isin(list(kinds)))
    if origin:
        records = records.filter(records.origin == origin)
    if sources:
        records = records.filter(records.source.isin(list(sources)))
    # one order for the whole list and its keyset pages (no start last, no name first), so
    # `record list` and /api/v1/records list the same records in the same order
    records = page(records, after, limit)
    chosen = actors.filter(actors.engagement_id.isin(records.id))
    return records, chosen.order_by([chosen.engagement_id, chosen.role, chosen.iso3])


#: A record's place in keyset pages: (start, kind, name, id), with no start last and no name
#: first, so the order is total and every key is a string (``page_key`` writes one).
NO_START, NO_NAME = "9999-12-31", ""


def page_key(row: dict) -> list[str]:
    """The keyset key of a record row (what ``after`` takes to continue after it)."""
    start = row.get("start")
    return [str(start)[:10] if start is not None and str(start) not in ("NaT", "None")
            else NO_START, str(row["kind"]), str(row.get("name") or NO_NAME), str(row["id"])]


def page(records: ir.Table, after: Sequence[str] | None, limit: int | None) -> ir.Table:
    """Records ordered by their keyset key, those after ``after`` (a :func:`page_key`) only,
    at most ``limit`` of them: each page is one indexed range scan, however deep."""
    start = records.start.cast("string").fill_null(NO_START)
    name = records["name"].fill_null(NO_NAME)
    keys = [start, records.kind, name, records.id]
    if after is not None:
        later = ibis.literal(False)
        for i in reversed(range(len(keys))):
            same = ibis.literal(True)
            for key, value in zip(keys[:i], after[:i], strict=True):
                same &= key == value
            later = (same & (keys[i] > after[i])) | later
        records = records.filter(later)
    records = records.order_by(keys)
    return records.limit(limit) if limit is not None else records


def actor_years(tables: Tables, kind: str, start: int, end: int, *,
                sources: Sequence[str] | None = None) -> ir.Table:
    """(engagement_id, source, origin, ccode, year): each state taking part (:data:`PARTY_ROLES`) in
    a record of ``kind``, for every year ``start``..``end`` the record is active. Open records
    run to ``end``. ``sources`` limits the records to those sources."""
    records = active(tables, start, end).filter(lambda t: t.kind == kind)
    if sources is not None:
        records = records.filter(records.source.isin(list(sources)))
    actors = tables.table("engagement_actors")
    keep = actors.ccode.notnull()
    if kind in PARTY_ROLES:
        keep &= actors.role.isin(list(PARTY_ROLES[kind]))
    who = actors.filter(keep).select(engagement_id=actors.engagement_id,
                                     ccode=actors.ccode.cast("int64")).distinct()
    spells = records.select(engagement_id=records.id, source=records.source,
                            origin=records.origin, first=records.first_year,
                            last=records.last_year.fill_null(ibis.literal(end, "int64")))
    joined = spells.join(who, "engagement_id")
    years = spell_years(joined, year_range(start, end), joined["first"], joined["last"])
    return years.select("engagement_id", "source", "origin", "ccode", "year")


def pair_counts(per_year: ir.Table, name: str) -> ir.Table:
    """Directed (ccode1, ccode2, year, ``name``): distinct engagements both states share in
    the year, from rows of (engagement_id, ccode, year)."""
    a = per_year.select(eid=per_year.engagement_id, ccode1=per_year.ccode, year=per_year.year)
    b = per_year.select(eid_b=per_year.engagement_id, ccode2=per_year.ccode,
                        year_b=per_year.year).view()
    pairs = a.join(b, [a.eid == b.eid_b, a.year == b.year_b, a.ccode1 != b.ccode2])
    return pairs.group_by(["ccode1", "ccode2", "year"]).aggregate(
        **{name: pairs.eid.nunique().cast("int64")})
