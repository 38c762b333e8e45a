"""The everyday reads without pandas or Ibis: compiled SQL, plain rows.

``arms ranking``, ``record list``, ``profile``, ``alignment`` and ``standing`` are asked
interactively, so their answer must come in well under a second. Each function here asks the
same query-layer expression as the library function of :mod:`defdip.service.reads` (the
first time per data vintage and query shape it is compiled by Ibis, after that it runs from
the template ``defdip.store.compiled`` keeps) and returns :class:`~defdip.store.compiled.Rows`
holding the same rows, columns and values as the library's DataFrame.

A function returns None when the question is not a plain one (a bad argument, a store
without the stored table or vocabulary, an option the stored table does not answer; a read
of the record with it in PostgreSQL, where the read is scoped and logged there): the
caller then asks :mod:`defdip.service.reads`, which gives the answer or the one error
message. tests/test_quick_reads.py checks that both give the same rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from defdip.errors import DefdipError
from defdip.store.compiled import Rows

if TYPE_CHECKING:
    from defdip.service.context import Context
    from defdip.store import Store

__all__ = ["MIN_JOINT_VOTES", "alignment", "arms_ranking", "list_records", "profile",
           "sipri_span",
           "resolve_countries", "standing"]

#: ``defdip.measures.alignment.MIN_JOINT_VOTES`` (the stored table's minimum), kept here so
#: that the fast path does not import the alignment code; a test keeps the two in step.
MIN_JOINT_VOTES = 10
_ROLES = ("supplier", "recipient")


def _compiled(store: Store, read: str, fixed: Mapping[str, Any], values: Mapping[str, Any]
              ) -> Rows | None:
    """The rows of query-layer read ``read`` (``defdip.queries.compile.READS``): from its
    kept template, else compiled now and kept; None if it cannot be compiled to a template."""
    from defdip.store import compiled

    key = compiled.template_key(read, {"fixed": dict(fixed), "shape": compiled.shape(values)})
    template = compiled.lookup(store, key)
    if template is None:
        from defdip.queries.compile import compile_read

        template = compile_read(store, read, fixed, values)
        if template is None:
            return None
        compiled.save(store, key, template)
    return compiled.run(store, template, compiled.holes(values))


def _vocabulary(store: Store) -> Any:
    from defdip.queries.names import stored_vocabulary

    return stored_vocabulary(store)


def _resolved(store: Store, what: str, compute: Any) -> Any:
    """What the vocabulary makes of the arguments (``compute(vocab)``), kept per data vintage
    (the vocabulary is rebuilt from the stored tables, so the vintage decides it): building
    the vocabulary costs more than answering. None when the store keeps no vocabulary or the
    vocabulary refuses an argument (the library then raises its error)."""
    from defdip.store.compiled import remember

    def run() -> Any:
        vocab = _vocabulary(store)
        if vocab is None:
            return None
        try:
            return compute(vocab)
        except DefdipError:
            return None

    return remember(store, f"resolved {what}", run)


def arms_ranking(ctx: Context, role: str, start: int, end: int, *, top: int | None = None
                 ) -> Rows | None:
    """``reads.arms_ranking``'s table: rank, country, name, tiv, share."""
    if role not in _ROLES or start > end or (top is not None and top < 1):
        return None
    with ctx.reading() as store:
        span = sipri_span(store)
        if span is None or start < span[0] or end > span[1]:
            return None  # years outside SIPRI's: reads clips them with a note, or says why
        found = _compiled(store, "arms_volumes", {"group": role, "prefix": None},
                          {"start": int(start), "end": int(end), "key": None})
    if found is None:
        return None
    keep = [i for i, c in enumerate(found.columns) if c != "share_of_total"]
    rows = [tuple(row[i] for i in keep) for row in found.rows]
    return Rows([found.columns[i] for i in keep], [found.numeric[i] for i in keep],
                rows[:top] if top is not None else rows)


def sipri_span(store: Store) -> list[int] | None:
    """The first and last year of SIPRI's deliveries (kept per data vintage): a ranking
    over years outside them is not a plain question (``service.arms.sipri_years``)."""
    from defdip.store.compiled import remember

    def run() -> list[int] | None:  # once per vintage: the query layer's coverage
        from defdip.queries.instruments import coverage
        from defdip.queries.tables import Tables

        span = coverage(Tables.from_store(store), "arms").global_years()
        return list(span) if span is not None else None

    return remember(store, "sipri delivery years", run)


def standing(ctx: Context, year: int, *, top: int | None = None) -> tuple[Rows, str] | None:
    """``reads.standing``'s table (from the stored ``network_standing``) and its coverage."""
    from defdip.service.reads import standing_coverage

    if top is not None and top < 1:
        return None
    with ctx.reading() as store:
        if not (store.has("network_standing") and store.has("country_codes")):
            return None
        found = _compiled(store, "standing_year", {}, {"year": int(year)})
        named = _compiled(store, "state_names", {}, {})
        if found is None or named is None or not found.rows:
            return None
        covered = _instrument_coverage(store)
    names = {int(c): (iso3, name) for c, iso3, name in named.rows}
    rows = found.rows[:top] if top is not None else found.rows
    at = found.columns.index("ccode")
    table = Rows([*found.columns[:at + 1], "iso3", "name", *found.columns[at + 1:]],
                 [*found.numeric[:at + 1], False, False, *found.numeric[at + 1:]],
                 [(*row[:at + 1], *names.get(int(row[at]), (None, None)), *row[at + 1:])
                  for row in rows])
    return table, standing_coverage(int(year), covered, len(found.rows))


def _instrument_coverage(store: Store) -> dict[str, list[int]]:
    """``measures.engagement_index.instrument_coverage``, kept per data vintage."""
    from defdip.store.compiled import remember

    def compute() -> dict[str, list[int]]:
        from defdip.measures.engagement_index import instrument_coverage

        return instrument_coverage(store)

    return remember(store, "instrument_coverage", compute)


def alignment(ctx: Context, country: str, *, partners: Sequence[str] = ("USA", "RUS", "CHN"),
              start: int | None = None, end: int | None = None,
              resolutions_only: bool = False, min_votes: int = MIN_JOINT_VOTES
              ) -> Rows | None:
    """``reads.alignment``'s table, from the stored ``un_alignment`` (the default options)."""
    from defdip.queries.names import resolve_ccode

    if resolutions_only or min_votes != MIN_JOINT_VOTES or (
            start is not None and end is not None and start > end):
        return None
    def codes(vocab: Any) -> dict[str, Any]:
        own = resolve_ccode(country, vocab)
        others = [resolve_ccode(p, vocab, "the partner argument") for p in partners]
        others = list(dict.fromkeys(c for c in others if c != own))
        return {"own": own, "others": others,
                "iso3": [vocab.by_ccode(c).iso3 for c in others]}

    with ctx.reading() as store:
        if not store.has("un_alignment"):
            return None
        args = _resolved(store, json.dumps(["alignment", country, list(partners)]), codes)
        if args is None or not args["others"]:
            return None
        others = args["others"]
        found = _compiled(store, "stored_alignment", {}, {
            "own": args["own"], "others": others,
            "start": start if start is not None else -1,
            "end": end if end is not None else 10**6})
        if found is None:
            return None
        iso3 = dict(zip(others, args["iso3"], strict=True))
    measures = [c for c in found.columns if c not in ("ccode_1", "ccode_2", "year")]
    at = {c: i for i, c in enumerate(found.columns)}
    order = ["year", *measures, "ccode_2"]
    rows = sorted(((iso3[int(row[at["ccode_2"]])], *(row[at[c]] for c in order))
                   for row in found.rows), key=lambda r: (r[0], r[1]))
    return Rows(["partner", "year", *measures, "partner_ccode"],
                [False, *(found.numeric[at[c]] for c in order)], rows)


def _actor(value: str | None, vocab: Any, option: str) -> str | None:
    from defdip.queries.names import actor_key

    return None if value is None else actor_key(value, vocab, option)


def list_records(ctx: Context, *, country: str | None = None, partner: str | None = None,
                 kind: Sequence[str] = (), year_from: int | None = None,
                 year_to: int | None = None) -> Rows | None:
    """``reads.list_records``'s table: every stored column but the natural key, ``conflict``
    parsed, and ``actors`` as a list of ``{"country", "role"}``. ``kind`` must hold known
    kinds only (the caller checks; an unknown kind is the library's error to raise)."""
    if ctx.multi_user:  # the library path reads the record as its user and logs the read
        return None
    if year_from is not None and year_to is not None and year_from > year_to:
        return None
    with ctx.reading() as store:
        keys = _resolved(store, json.dumps(["record", country, partner]), lambda v: [
            _actor(country, v, "--country"), _actor(partner, v, "--partner")])
        if keys is None:
            return None
        values = {"country": keys[0], "partner": keys[1], "kinds": list(kind),
                  "year_from": year_from, "year_to": year_to, "origin": None}
        found = _compiled(store, "record_rows", {}, values)
        actors = _compiled(store, "record_actors", {}, values)
    if found is None or actors is None:
        return None
    grouped: dict[str, list[dict[str, Any]]] = {}
    at = {c: i for i, c in enumerate(actors.columns)}
    for row in actors.rows:
        grouped.setdefault(row[at["engagement_id"]], []).append(
            {"country": row[at["iso3"]], "role": row[at["role"]]})
    keep = [i for i, c in enumerate(found.columns)
            if c not in ("first_year", "last_year", "natural_key")]
    ident, conflict = found.columns.index("id"), found.columns.index("conflict")

    def shaped(row: tuple[Any, ...]) -> tuple[Any, ...]:
        cells = [json.loads(row[i]) if i == conflict and isinstance(row[i], str) else row[i]
                 for i in keep]
        return (*cells, grouped.get(row[ident], []))

    return Rows([*(found.columns[i] for i in keep), "actors"],
                [*(found.numeric[i] for i in keep), False], [shaped(r) for r in found.rows])


def profile(ctx: Context, country: str, year: int) -> tuple[Rows, str] | None:
    """``reads.profile``'s table (:func:`defdip.queries.everyday.profile`) and coverage."""
    from defdip.service.reads import profile_coverage
    from defdip.store.compiled import remember

    if ctx.multi_user:  # the library path reads the record as its user and logs the read
        return None
    with ctx.reading() as store:
        code = _resolved(store, json.dumps(["profile", country]),
                         lambda v: _actor(country, v, "country"))
        if code is None:
            return None
        found = _compiled(store, "profile", {"deliveries": store.has("sipri_deliveries")},
                          {"code": code, "year": int(year)})
        if found is None:
            return None
        covered = _instrument_coverage(store)
        focal = remember(store, "focal states", _focal_states)
    return found, profile_coverage(code, int(year), covered, focal)


def _focal_states() -> list[str]:
    from defdip.queries.coverage import focal_states

    return list(focal_states())


def resolve_countries(ctx: Context, names: Sequence[str], *, year: int | None = None
                      ) -> list[dict[str, Any]] | None:
    """``catalog.resolve_countries``'s document from the store's vocabulary, kept per data
    vintage; None without a store that keeps its vocabulary (the catalog then uses the
    reference files). An unknown name raises the catalog's error."""
    from defdip.store.compiled import remember

    if not ctx.exists():
        return None
    with ctx.reading() as store:
        if not store.has("_vocabulary_codelist"):
            return None

        def compute() -> list[dict[str, Any]]:
            from defdip.service.catalog import resolve_countries as run

            return run(ctx, names, year=year).document  # type: ignore[return-value]

        return remember(store, json.dumps(["countries", list(names), year]), compute)
