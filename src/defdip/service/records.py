"""The record, one page or one engagement at a time, and the country vocabulary for faces.

Pages are keyset pages (``queries.record.page``): the cursor is the last row's key, so a
page deep in the list costs what the first one does and rows added meanwhile never shift a
page. Cursors are opaque to clients (URL-safe base64 of the key).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from defdip.errors import InvalidArgument
from defdip.service.cache import memo, vintage, vocabulary
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = [
    "MAX_PAGE",
    "RecordNotFound",
    "decode_cursor",
    "encode_cursor",
    "instrument_map",
    "record",
    "record_page",
    "resolve_country",
    "search_countries",
]

#: The largest page a face may ask for.
MAX_PAGE = 500


def encode_cursor(key: Sequence[str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode().rstrip("=")


def decode_cursor(text: str, parameter: str = "after") -> list[str]:
    """A cursor back into its key; anything else is :class:`InvalidArgument`."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        key = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not (isinstance(key, list) and len(key) == 4 and all(isinstance(k, str) for k in key)):
        raise InvalidArgument(f"{parameter} {text[:80]!r} is not a cursor this service "
                              "wrote: pass the 'next' link of the previous page as it is, or "
                              "leave it out for the first page.")
    return key


def resolve_country(ctx: Context, value: str | int, parameter: str = "country") -> dict:
    """One state (or declared non-state actor): iso3/key, ccode and name; an unknown value
    raises :class:`UnknownCountry` naming the closest matches."""
    from defdip.countries import Country

    actor = vocabulary(ctx).resolve_actor(value, context=f"the {parameter} parameter")
    if isinstance(actor, Country):
        return {"key": actor.iso3, "iso3": actor.iso3, "ccode": actor.ccode,
                "name": actor.name, "kind": "state"}
    return {"key": actor.label, "iso3": None, "ccode": None, "name": actor.label,
            "kind": actor.kind}


def search_countries(ctx: Context, query: str, *, limit: int = 20) -> Result:
    """States whose name, ISO3 or COW code matches ``query`` (exact code first, then names
    starting with it, then names containing it, then the vocabulary's closest spellings)."""
    from defdip.countries import normalise

    vocab = vocabulary(ctx)
    text = query.strip()
    if not text:
        raise InvalidArgument("q '' is empty: type part of a name or a code, e.g. q=Turk.")
    key = normalise(text)
    scored: dict[str, tuple[int, str]] = {}
    exact = vocab.try_resolve(text)
    if exact is not None and getattr(exact, "iso3", None):
        scored[exact.iso3] = (0, exact.name)
    for name, iso3 in vocab.names.items():
        if iso3 not in vocab.countries:
            continue
        rank = 1 if name.startswith(key) else 2 if key in name else None
        if rank is not None and scored.get(iso3, (9,))[0] > rank:
            scored[iso3] = (rank, vocab.countries[iso3].name)
    if not scored:
        for label in vocab.candidates(text, n=limit):
            iso3 = label.rsplit("(", 1)[-1].rstrip(")")
            if iso3 in vocab.countries:
                scored.setdefault(iso3, (3, vocab.countries[iso3].name))
    rows = [{"iso3": iso3, "ccode": vocab.countries[iso3].ccode, "name": name,
             "match": ("code", "starts", "contains", "similar")[rank]}
            for iso3, (rank, name) in sorted(scored.items(), key=lambda kv: (kv[1], kv[0]))]
    import pandas as pd

    table = pd.DataFrame(rows[:limit], columns=["iso3", "ccode", "name", "match"])
    table["ccode"] = table["ccode"].astype("Int64")
    return Result(f"countries matching {text!r}", table=table, vintage=vintage(ctx))


def record_page(ctx: Context, *, country: str | None = None, partner: str | None = None,
                kind: Sequence[str] = (), year_from: int | None = None,
                year_to: int | None = None, origin: str | None = None,
                after: str | None = None, limit: int = 100, total: bool = False) -> Result:
    """One keyset page of the records ``record list`` returns for the same filters.

    ``document``: ``{"next": cursor or None, "total": count or None}``; ``table``: the rows."""
    from defdip.engagements.query import count_records, list_records
    from defdip.queries.record import page_key

    if not 1 <= limit <= MAX_PAGE:
        raise InvalidArgument(f"limit {limit!r} must be between 1 and {MAX_PAGE}.")
    key = decode_cursor(after) if after else None
    filters: dict[str, Any] = dict(country=country, partner=partner, kind=list(kind),
                                   year_from=year_from, year_to=year_to, origin=origin)
    with ctx.reading() as store:
        frame = list_records(store, **filters, after=key, limit=limit + 1,
                             vocab=vocabulary(ctx))
        count = None
        if total:
            count = memo(ctx, "record_count", json.dumps(filters, sort_keys=True),
                         lambda: count_records(store, **filters, vocab=vocabulary(ctx)))
        more = len(frame) > limit
        frame = frame.head(limit)
        cursor = encode_cursor(page_key(frame.iloc[-1].to_dict())) if more else None
        return Result("engagement records", table=frame, vintage=store.vintage(),
                      document={"next": cursor, "total": count})


def record(ctx: Context, record_id: str) -> Result:
    """One engagement: every field, its actors, the source's citation, the conflicting
    claims recorded for it, and where its kind is covered (``queries.coverage``)."""
    from defdip import sources as registry
    from defdip.engagements.query import list_records
    from defdip.errors import DefdipError
    from defdip.plain import records
    from defdip.queries.coverage import record_coverage
    from defdip.queries.tables import Tables

    with ctx.reading() as store:
        frame = list_records(store, ids=[record_id], vocab=vocabulary(ctx))
        if frame.empty:
            raise RecordNotFound(record_id)
        row = records(frame)[0]
        coverage = record_coverage(Tables.from_store(store), row["kind"]).to_dict()
        try:
            info = registry.get(row["source"]).INFO
            source = {"name": info.name, "title": info.title, "publisher": info.publisher,
                      "url": info.url, "licence": info.licence, "citation": info.citation}
        except (DefdipError, LookupError):
            source = {"name": row["source"], "citation": row.get("citation"),
                      "url": row.get("url")}
        names = {a["country"]: _name(ctx, a["country"]) for a in row["actors"]}
        for actor in row["actors"]:
            actor["name"] = names[actor["country"]]
        return Result(f"{row['kind'].replace('_', ' ')}: {row.get('name') or record_id}",
                      document={"record": row, "source": source, "coverage": coverage,
                                "claims": row.get("conflict") or []},
                      coverage=coverage["text"], vintage=store.vintage())


def _name(ctx: Context, key: str | None) -> str | None:
    if key is None:
        return None
    country = vocabulary(ctx).countries.get(key)
    return country.name if country is not None else key


class RecordNotFound(InvalidArgument, LookupError):
    """No record has the id asked for."""

    status = 404

    def __init__(self, record_id: str) -> None:
        self.record_id = record_id
        super().__init__(f"No engagement record has id {record_id[:80]!r}. Ids are 16 "
                         "hexadecimal characters; find one with GET /api/v1/records or "
                         "`defdip record list --json`.")


def instrument_map(ctx: Context, kind: str, year: int | None = None) -> Result:
    """How many records of ``kind`` active in ``year`` each state takes part in (the one
    rule), from the sources that cover every state only: a map of the world, so the curated
    record (its focal states only) never makes those states stand out. ``year`` None: the
    last year those sources cover (said in the notes); outside their years the table is
    empty and the coverage says no source looks there (blank, not zero). Cached by (kind,
    year, vintage); ``detail`` holds the year used."""
    import pandas as pd

    from defdip.engagements.query import select_records
    from defdip.queries.coverage import FOCAL_ORIGINS, record_coverage
    from defdip.queries.tables import Tables

    def compute() -> Result:
        with ctx.reading() as store:
            cov = record_coverage(Tables.from_store(store), kind)
            span = cov.global_years()
            if year is None and span is None:
                raise InvalidArgument(f"kind {kind!r}: no source that covers every state has "
                                      "its records; pass year= to map the curated record's.")
            chosen = int(year) if year is not None else span[1]  # type: ignore[index]
            records, actors = select_records(store, kind=[kind], year_from=chosen,
                                             year_to=chosen, vocab=vocabulary(ctx))
        world = records.loc[~records["origin"].isin(FOCAL_ORIGINS), "id"]
        states = actors[actors["iso3"].notna() & actors["ccode"].notna()
                        & actors["engagement_id"].isin(world)]
        counts = states.groupby("iso3")["engagement_id"].nunique()
        names = vocabulary(ctx).countries
        table = pd.DataFrame({"iso3": counts.index, "records": counts.values.astype("int64")})
        table["name"] = [names[i].name if i in names else i for i in table["iso3"]]
        table = table.sort_values(["records", "iso3"], ascending=[False, True],
                                  ignore_index=True)
        sources = "; ".join(f"{s.source} {s.first}–{s.last}" for s in cov.chosen("global"))
        inside = span is not None and span[0] <= chosen <= span[1]
        coverage = (f"records active in {chosen} (the one rule of queries.record) from the "
                    f"sources that cover every state ({sources or 'none'}); the curated "
                    "record (focal states only) is left out; a state not listed took part "
                    "in none" if inside else
                    f"no source that covers every state records {kind} in {chosen} "
                    f"({sources or 'none loaded'}): unknown, not zero")
        notes = () if year is not None else (
            f"year {chosen}: the last year the all-state sources of {kind} cover",)
        return Result(f"{kind.replace('_', ' ')} records active in {chosen}, by state",
                      table=table[["iso3", "name", "records"]], vintage=vintage(ctx),
                      coverage=coverage, notes=notes, detail={"year": chosen})

    return memo(ctx, "instrument_map", (kind, year), compute)

