"""The country brief for faces that show it a section at a time, the partners behind its
map and the world's shapes (the side-by-side comparison of states is
:mod:`defdip.service.compare`).

Sections are the brief's own (``reports.brief.build_section`` over a
``reports.brief.brief_context``): the web page and ``defdip brief`` show the same findings,
figures and tables. Each is cached by (state, years, instruments, data vintage): the
analysis sections take seconds to build, and a second reader gets them at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from defdip.errors import InvalidArgument
from defdip.reports.brief import SECTIONS
from defdip.service.cache import memo, vocabulary
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = [
    "BRIEF_SECTIONS",
    "brief",
    "brief_html",
    "brief_section",
    "brief_sections",
    "footprint",
    "key_numbers",
    "world_shapes",
]

#: The brief's sections, in reading order (``reports.brief.SECTIONS``).
BRIEF_SECTIONS = SECTIONS


def _years(start: int, end: int | None) -> None:
    if end is not None and start > end:
        raise InvalidArgument(f"from {start!r} is after to {end!r}: give the earlier year "
                              "first (e.g. from=1995&to=2024).")


def _state(ctx: Context, country: str) -> str:
    """The ISO3 of the state ``country`` names (one cache key per state, however typed)."""
    return vocabulary(ctx).resolve(country, context="the country parameter").iso3


#: BriefContext facts that depend on the store's data only (not on the state or the years):
#: computed once per data vintage and handed to every context built here.
STORE_FACTS = ("spans", "names", "iso3_of", "codes")


def _brief_context(ctx: Context, store: Any, iso3: str, start: int, end: int | None,
                   kinds: tuple[str, ...] = ()) -> Any:
    """``reports.brief.brief_context`` with its store-wide facts (the years each source
    covers, names, codes) from the cache: they are the same for every state and window of one
    vintage, and reading them costs ~0.5 s."""
    from defdip.reports.brief import brief_context

    made = brief_context(store, iso3, start=start, end=end, kinds=kinds)
    facts = memo(ctx, "brief_store_facts", "",
                 lambda: {name: getattr(made, name) for name in STORE_FACTS})
    made.__dict__.update(facts)  # functools.cached_property reads the instance's __dict__
    return made


def brief_section(ctx: Context, country: str, section: str, *, start: int = 1995,
                  end: int | None = None, kinds: Sequence[str] = ()) -> Result:
    """One section of ``country``'s brief over [start, end] (``end`` None: to the last year
    each source covers): ``document`` is ``Section.to_dict()`` (findings, text, tables, figure
    specs, notes), ``detail`` the brief's own :class:`~defdip.reports.model.Section`.
    ``kinds`` keeps only those record kinds on the partner map and its tables."""
    return brief_sections(ctx, country, [section], start=start, end=end, kinds=kinds)[0]


def brief_sections(ctx: Context, country: str, sections: Sequence[str], *, start: int = 1995,
                   end: int | None = None, kinds: Sequence[str] = ()) -> list[Result]:
    """Several sections (:func:`brief_section`), each cached on its own; those not cached yet
    are built over one shared brief context, as ``defdip brief`` builds them (the years each
    source covers and the frames several sections read are computed once)."""
    from defdip.reports.brief import build_section

    _years(start, end)
    for section in sections:
        if section not in BRIEF_SECTIONS:
            raise InvalidArgument(f"section {section!r} is not one of "
                                  f"{', '.join(BRIEF_SECTIONS)}.")
    iso3 = _state(ctx, country)
    chosen = tuple(sorted(set(kinds)))
    shared: dict[str, Any] = {}

    def one(store: Any, section: str) -> Result:
        def compute() -> Result:
            if "ctx" not in shared:
                shared["ctx"] = _brief_context(ctx, store, iso3, start, end, chosen)
            made = build_section(shared["ctx"], section)
            return Result(made.title, document=made.to_dict(), vintage=store.vintage(),
                          notes=tuple(made.notes), detail=made)

        key = (iso3, section, start, end, chosen if section == "where" else ())
        return memo(ctx, "brief_section", key, compute)

    with ctx.reading() as store:
        return [one(store, s) for s in sections]


def key_numbers(ctx: Context, country: str, *, start: int = 1995, end: int | None = None
                ) -> Result:
    """The brief's first-page numbers (partners, instruments, arms ranks, spending, posts,
    peacekeepers, agreements) and its "data as of" lines: ``reports.summary``'s, over the
    sections that own numbers."""
    from defdip.reports import summary

    _years(start, end)
    iso3 = _state(ctx, country)
    owners = [r.detail for r in brief_sections(ctx, iso3, ("where", "arms", "spending"),
                                               start=start, end=end)]

    def compute() -> Result:
        with ctx.reading() as store:
            made = _brief_context(ctx, store, iso3, start, end)
            numbers = summary.key_numbers(made, owners)
            return Result("key numbers", document={
                "numbers": [n.to_dict() for n in numbers],
                "data_as_of": summary.data_as_of(made)}, vintage=store.vintage(),
                detail=numbers)

    return memo(ctx, "key_numbers", (iso3, start, end), compute)


def brief(ctx: Context, country: str, *, start: int = 1995, end: int | None = None) -> Result:
    """The whole brief as data (what ``defdip brief --format json`` writes), built once per
    (state, years, data vintage); ``detail`` is the :class:`~defdip.reports.brief.Brief`."""
    from defdip.reports.brief import build_brief

    _years(start, end)
    iso3 = _state(ctx, country)

    def compute() -> Result:
        with ctx.reading() as store:
            made = build_brief(store, iso3, start=start, end=end)
            return Result(f"{made.country.name} — defence diplomacy brief",
                          document=made.to_dict(), vintage=store.vintage(), detail=made)

    return memo(ctx, "brief", (iso3, start, end), compute)


def brief_html(ctx: Context, country: str, *, start: int = 1995, end: int | None = None
               ) -> str:
    """The brief as the one self-contained HTML file ``defdip brief`` writes."""
    from defdip.reports.brief import brief_html as render

    made = brief(ctx, country, start=start, end=end).detail

    def compute() -> str:
        with ctx.reading() as store:
            return render(store, made)

    return memo(ctx, "brief_html", (made.country.iso3, start, end), compute)


def footprint(ctx: Context, country: str, *, start: int = 1995, end: int | None = None,
              kinds: Sequence[str] = ()) -> Result:
    """``country``'s partners in [start, end] by instrument: the records they share (the one
    rule of ``queries.record``), the first and last year those records are active in the
    range, and their TIV — the table behind the brief's partner map and its hover text
    (``reports.partners.partner_table``). ``end`` None: the last year any source covers, as
    the map's."""
    from defdip.reports.partners import CLASS_WORDS, partner_table

    _years(start, end)
    iso3 = _state(ctx, country)
    chosen = tuple(sorted(set(kinds)))

    def compute() -> Result:
        with ctx.reading() as store:
            made = _brief_context(ctx, store, iso3, start, end, chosen)
            last = end if end is not None else max(s.last for s in made.spans.values())
            table = partner_table(made, start, last)
            table = table.rename(columns={"key": "partner", "first": "first_year",
                                          "last": "last_year"})
            table.insert(1, "name", [made.name(k) for k in table["partner"]])
            table.insert(3, "instrument", [CLASS_WORDS.get(c, c) for c in table["class"]])
            return Result(f"partners of {made.focal.name}, {start}–{last}", table=table,
                          coverage="records active in the years (queries.record); outside "
                                   "what a source covers there is no record, not a zero",
                          vintage=store.vintage())

    return memo(ctx, "footprint", (iso3, start, end, chosen), compute)


def world_shapes(ctx: Context) -> Result:
    """Natural Earth 1:110m shapes as SVG path data by ISO3 (``reports.worldmap``), what the
    pages' maps are drawn with."""
    from defdip.reports.worldmap import map_shapes

    def compute() -> Result:
        with ctx.reading() as store:
            store.require("natural_earth_countries")
            return Result("world (Natural Earth 1:110m)", document=map_shapes(store),
                          vintage=store.vintage())

    return memo(ctx, "world_shapes", "", compute)
