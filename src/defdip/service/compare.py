"""Two to five states side by side in one year: a cross-national output, so every compared
row reads only data that cover every state.

Like network standing and ``effects ALL`` (issue 9), the comparison uses the *global* scope of
:mod:`defdip.queries.coverage`: partners by instrument come from the stored engagement index
(all-state sources only), arms from SIPRI (which covers every state: a state absent from its
deliveries in covered years exported or imported nothing, a 0; outside SIPRI's years the
value is unknown, blank), UN agreement from the roll calls. The curated record, which covers
only the focal states (``data/curated/coverage.yaml``), is shown in rows of its own, marked
as such and blank for every other state: it never stands in for data about the world.

Each row says what it covers (``covers``). Left out, the year is the last year the headline
measures (SIPRI deliveries, UN votes, network standing) all cover, as the analyses default to
the last year their data cover (``analysis.period``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from defdip.errors import InvalidArgument
from defdip.service.cache import memo, vintage, vocabulary
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = ["ALIGNMENT_PARTNERS", "compare", "compare_year"]

#: The UN-agreement partners compared by default: ``defdip alignment``'s default partners.
ALIGNMENT_PARTNERS = ("USA", "RUS", "CHN")
#: The measures whose last common year is the default year.
HEADLINE = ("arms", "un_votes")


def _span_words(first: int, last: int) -> str:
    return f"{first}–{last}" if first != last else str(first)


def _standing_years(tables: Any) -> tuple[int, int] | None:
    for name in ("network_standing", "engagement_index"):
        if tables.has(name):
            t = tables.table(name)
            lo, hi = tables.probe(t.aggregate(lo=t.year.min(), hi=t.year.max()))
            return (int(lo), int(hi)) if lo is not None else None
    return None


def compare_year(store: Any) -> tuple[int, str]:
    """The default year of a comparison and why: the last year SIPRI deliveries, the UN
    votes and network standing all cover (global sources only)."""
    from defdip.analysis.period import input_coverage
    from defdip.queries.tables import Tables

    tables = Tables.from_store(store)
    spans = {name: input_coverage(tables, name).global_years() for name in HEADLINE}
    spans["network standing"] = _standing_years(tables)
    known = {k: v for k, v in spans.items() if v is not None}
    if not known:
        raise InvalidArgument("No data to compare: SIPRI deliveries, the UN votes and the "
                              "measures are not loaded; run `defdip load` and `defdip "
                              "measures build`, or pass year=.")
    year = min(last for _, last in known.values())
    words = ", ".join(f"{k} {_span_words(*v)}" for k, v in known.items())
    return year, f"year {year}: the last year the compared measures all cover ({words})"


def compare(ctx: Context, countries: Sequence[str], *, year: int | None = None,
            partners: Sequence[str] = ALIGNMENT_PARTNERS) -> Result:
    """Two to five states side by side in ``year`` (None: :func:`compare_year`): partners by
    instrument (all-state sources), arms delivered and received over the five years to
    ``year`` (SIPRI TIV; 0 inside SIPRI's years for a state that delivered nothing), UN
    agreement with ``partners``, network standing, then the curated record's facts (focal
    states only, marked). Rows are measures, ``covers`` says what each row's data cover,
    then one column per state; a blank cell is a value no source gives (not a zero)."""
    if not 2 <= len(countries) <= 5:
        raise InvalidArgument(f"country: compare 2 to 5 states, not {len(countries)}; "
                              "repeat the parameter (country=TUR&country=GRC).")
    states = [vocabulary(ctx).resolve(c, context="the country parameter") for c in countries]
    if len({s.iso3 for s in states}) != len(states):
        raise InvalidArgument("country: the same state is named twice; name each state once.")

    def compute() -> Result:
        with ctx.reading() as store:
            notes: list[str] = []
            if year is None:
                chosen, why = compare_year(store)
                notes.append(why)
            else:
                chosen = year
            rows = compared_rows(store, states, chosen, partners, vocabulary(ctx))
        # the states beside their measure, what the row covers after them
        table = pd.DataFrame([{"measure": k, **{s.iso3: v.get(s.iso3) for s in states},
                               "covers": covers}
                              for k, (covers, v) in rows.items()], dtype=object)
        return Result(f"{', '.join(s.name for s in states)} in {chosen}", table=table,
                      coverage=f"{chosen}; data that cover every state only (the curated "
                               "record's rows are marked and cover its focal states only); "
                               "each row's sources and years in 'covers'",
                      notes=tuple(notes), vintage=vintage(ctx), detail={"year": chosen})

    return memo(ctx, "compare", (tuple(s.iso3 for s in states), year, tuple(partners)),
                compute)


Rows = dict[str, tuple[str, dict[str, Any]]]


def compared_rows(store: Any, states: list[Any], year: int, partners: Sequence[str],
                  vocab: Any) -> Rows:
    """The comparison's rows: measure → (what it covers, {ISO3: value})."""
    from defdip.queries.tables import Tables

    tables = Tables.from_store(store)
    rows: Rows = {}
    _instrument_rows(rows, store, tables, states, year)
    _arms_rows(rows, store, tables, states, year)
    _alignment_rows(rows, store, states, year, partners, vocab)
    _standing_rows(rows, store, tables, states, year)
    _curated_rows(rows, tables, states, year)
    return rows


def _instrument_rows(rows: Rows, store: Any, tables: Any, states: list[Any], year: int
                     ) -> None:
    """Partners by instrument in the year from the engagement index (global scope): a count
    (0 included) in the years the instrument's all-state sources cover, blank outside."""
    from defdip.measures.engagement_index import INSTRUMENT_GROUPS, engagement_index
    from defdip.queries import instruments
    from defdip.queries.tables import to_frame

    codes = [int(s.ccode) for s in states if s.ccode is not None]
    if tables.has("engagement_index"):
        t = tables.table("engagement_index")
        frame = to_frame(t.filter((t.year == year) & t.ccode_1.isin(codes or [-1])))
    else:
        frame = engagement_index(store, start=year, end=year)
        frame = frame[frame["ccode_1"].isin(codes)]
    for name, columns in INSTRUMENT_GROUPS.items():
        cov = instruments.coverage(tables, name)
        segments = cov.chosen("global")
        covered = any(s.first <= year <= s.last for s in segments)
        words = "; ".join(f"{s.source} {_span_words(s.first, s.last)}" for s in segments)
        cells: dict[str, Any] = {}
        for state in states:
            if not covered or state.ccode is None:
                cells[state.iso3] = None
                continue
            own = frame[frame["ccode_1"] == int(state.ccode)]
            used = (own[list(columns)].astype("float64").fillna(0.0) > 0).any(axis=1)
            cells[state.iso3] = int(own.loc[used, "ccode_2"].nunique())
        rows[f"partners: {name}"] = (f"{words or 'no source loaded'} (all states)", cells)


def _arms_rows(rows: Rows, store: Any, tables: Any, states: list[Any], year: int) -> None:
    """TIV delivered over the five years to ``year``, clipped to SIPRI's years as ``arms
    ranking``'s (``service.arms.sipri_years``): a state not in SIPRI's ranking delivered
    (received) nothing — 0 — while the years lie inside; blank when none does."""
    from defdip.analysis.period import input_coverage
    from defdip.measures import arms_ranking
    from defdip.service.arms import WINDOW, sipri_years

    span = input_coverage(tables, "arms").global_years()
    # the five years to the compared year: the window `defdip arms` takes by default
    lo, hi, inside = year - WINDOW + 1, year, False
    if span is not None:
        try:
            years = sipri_years(store, lo, hi)
        except InvalidArgument:  # wholly outside SIPRI's years: blank, not 0
            pass
        else:
            lo, hi, inside = years.start, years.end, True
    for role, label in (("supplier", "arms exported"), ("recipient", "arms imported")):
        table = (arms_ranking(store, role, lo, hi).set_index("country") if inside
                 else pd.DataFrame())
        cells = {s.iso3: (float(table.loc[s.iso3, "tiv"]) if s.iso3 in table.index else 0.0)
                 if inside else None for s in states}
        covers = (f"sipri_deliveries {_span_words(*span)} (all states; none delivered = 0)"
                  if span else "sipri_deliveries not loaded")
        rows[f"{label}, TIV {_span_words(lo, hi)}"] = (covers, cells)


def _alignment_rows(rows: Rows, store: Any, states: list[Any], year: int,
                    partners: Sequence[str], vocab: Any) -> None:
    """UN agreement with each partner in the year (``measures.alignment``)."""
    from defdip.analysis.period import input_coverage
    from defdip.measures import alignment
    from defdip.queries.tables import Tables

    span = input_coverage(Tables.from_store(store), "un_votes").global_years()
    covers = (f"UN roll calls {_span_words(*span)} (all states)" if span
              else "UN votes not loaded")
    for other in partners:
        rows.setdefault(f"UN agreement with {other} ({year})", (covers, {}))
    for state in states:
        others = tuple(p for p in partners if p != state.iso3)
        if not others:
            continue
        agree = alignment(store, state.iso3, partners=others, start=year, end=year, vocab=vocab)
        for row in agree.to_dict("records"):
            other = row.get("partner_iso3") or row.get("partner")
            rows.setdefault(f"UN agreement with {other} ({year})", (covers, {}))[1][
                state.iso3] = row.get("un_agree")


def _standing_rows(rows: Rows, store: Any, tables: Any, states: list[Any], year: int
                   ) -> None:
    """Rank by PageRank and partners in the engagement graph (``measures.standing``); a
    state outside the year's graph has no partners (0) and no rank (blank)."""
    from defdip.measures import standing

    span = _standing_years(tables)
    if span is None or not span[0] <= year <= span[1]:
        stand = None
    else:
        stand = standing(store, year).set_index("iso3")
    covers = (f"engagement index {_span_words(*span)} (all-state sources only)" if span
              else "measures not built")
    rank: dict[str, Any] = {}
    count: dict[str, Any] = {}
    for state in states:
        inside = stand is not None and state.iso3 in stand.index
        rank[state.iso3] = int(stand.loc[state.iso3, "rank"]) if inside else None
        count[state.iso3] = (int(stand.loc[state.iso3, "partners"]) if inside
                             else (0 if stand is not None else None))
    rows["network rank (PageRank)"] = (covers, rank)
    rows["partners in the engagement graph"] = (covers, count)


def _curated_rows(rows: Rows, tables: Any, states: list[Any], year: int) -> None:
    """The curated record's facts, marked: records active in the year and their partners,
    for the focal states only (blank for the rest: the curated record does not cover them)."""
    from defdip.queries.coverage import FOCAL_ORIGINS, focal_states
    from defdip.queries.record import select
    from defdip.queries.tables import to_frame

    focal = focal_states()
    label = f"curated record ({', '.join(focal)} only; not comparable across states)"
    if not tables.has("engagements"):
        return
    counts: dict[str, Any] = {}
    partners: dict[str, Any] = {}
    for state in states:
        if state.iso3 not in focal:
            counts[state.iso3] = partners[state.iso3] = None
            continue
        records, actors = select(tables, country=state.iso3, year_from=year, year_to=year)
        records = records.filter(records.origin.isin(list(FOCAL_ORIGINS)))
        ids = to_frame(records.select("id"))["id"]
        found = to_frame(actors.select("engagement_id", "iso3"))
        found = found[found["engagement_id"].isin(ids) & found["iso3"].notna()
                      & (found["iso3"] != state.iso3)]
        counts[state.iso3] = int(len(ids))
        partners[state.iso3] = int(found["iso3"].nunique())
    rows["curated: records active"] = (label, counts)
    rows["curated: partner states"] = (label, partners)
