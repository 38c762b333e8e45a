"""The country page (the brief's sections, interactive) and the comparison of states.

The page shows the sections of ``defdip brief`` (``service.briefs.brief_section``: the same
findings, figures and tables), rendered with the brief's own figure code (inline SVG: the map
carries each partner's instruments, record counts and years as hover text). The years and
the instruments are query parameters (a permalink); the instruments filter the partner map
and its tables. The slow analysis sections arrive as fragments a moment after the page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from defdip.engagements.model import KINDS
from defdip.errors import DefdipError, InvalidArgument
from defdip.service import briefs
from defdip.service.compare import compare as compare_states
from defdip.service.results import Result
from defdip.web.deps import ContextDep, check_years, resolved
from defdip.web.render import csv_response
from defdip.web.views import cells, page, query, templates

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
#: Sections built with the page (reads of the record and SIPRI); the others (analyses that
#: take seconds) come as fragments.
INLINE = ("where", "arms", "spending", "alliances", "engagements", "timeline")
LAZY = {"effects": "Does engagement move partners' UN votes?",
        "challenges": "Challenges: tension, legal limits, domestic breaks",
        "outlook": "Outlook"}
CountryPath = Annotated[str, Path(max_length=100)]
SectionPath = Annotated[str, Path(max_length=40)]
From = Annotated[int, Query(alias="from", ge=1946, le=2100)]
To = Annotated[int | None, Query(alias="to", ge=1946, le=2100)]
Kinds = Annotated[list[str] | None, Query(max_length=len(KINDS) * 2)]


def _kinds(kind: list[str] | None) -> list[str]:
    chosen = [k for k in kind or [] if k]
    for name in chosen:
        if name not in KINDS:
            error = InvalidArgument(f"kind {name!r} is not one of {', '.join(KINDS)}.")
            error.parameter = "kind"  # type: ignore[attr-defined]
            raise error
    return sorted(set(chosen), key=KINDS.index)


def _years(start: int, end: int | None) -> dict[str, int]:
    return {"from": start, **({"to": end} if end is not None else {})}


def section_view(ctx: Any, result: Result, csv_base: str) -> dict[str, Any]:
    """A brief section for the ``brief_section`` macro: its figures drawn by the brief's own
    SVG code (maps over the store's shapes), its tables as cells with CSV links."""
    from defdip.plain import records
    from defdip.reports.charts import render_svg
    from defdip.reports.model import EVIDENCE
    from defdip.reports.worldmap import render_map

    made = result.detail
    figures = []
    for spec in made.figures:
        if spec["type"] == "map":
            shapes = briefs.world_shapes(ctx).document
            figures.append(Markup(render_map(spec, shapes)))  # escaped by the brief
        else:
            figures.append(Markup(render_svg(spec)))  # escaped by the brief
    return {"id": made.id, "title": made.title, "omitted": made.omitted, "text": made.text,
            "notes": made.notes, "figures": figures,
            "findings": [{"text": f.text, "strength": f.strength,
                          "evidence": EVIDENCE[f.strength]} for f in made.findings],
            "tables": [(caption, cells(records(frame), limit=25), f"{csv_base}{i}.csv")
                       for i, (caption, frame) in enumerate(made.tables.items())]}


def _state(ctx: Any, country: str) -> dict[str, Any]:
    found = resolved(ctx, country)
    if found["iso3"] is None:
        raise InvalidArgument(f"country {country!r} is a declared {found['kind']} actor, not "
                              "a state: country pages are for states (e.g. TUR).")
    return found


@router.get("/country/{country}")
def country(request: Request, ctx: ContextDep, country: CountryPath, year_from: From = 1995,
            year_to: To = None, kind: Kinds = None) -> Response:
    check_years(year_from, year_to)
    found = _state(ctx, country)
    if country != found["iso3"]:  # one permalink per state: /country/TUR
        target = f"/country/{found['iso3']}"
        if request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(target, status_code=308)
    chosen = _kinds(kind)
    iso3 = found["iso3"]
    years = _years(year_from, year_to)
    inline = []
    built = briefs.brief_sections(ctx, iso3, INLINE, start=year_from, end=year_to, kinds=chosen)
    for name, result in zip(INLINE, built, strict=True):
        tables = f"/country/{iso3}/sections/{name}/tables/"
        view = section_view(ctx, result, tables)
        suffix = "?" + query(kind=chosen if name == "where" else None, **years)
        view["tables"] = [(c, t, link + suffix) for c, t, link in view["tables"]]
        inline.append(view)
    numbers = briefs.key_numbers(ctx, iso3, start=year_from, end=year_to).document
    footprint = f"/api/v1/footprint/{iso3}?" + query(
        kind=chosen, format="csv", **years)
    return page(request, "country.html", country=found, start=year_from, end=year_to,
                chosen=chosen, inline=inline, numbers=numbers["numbers"],
                as_of=cells(numbers["data_as_of"]), lazy=list(LAZY.items()),
                years=years, footprint_csv=footprint)


@router.get("/country/{country}/sections/{section}")
def section(request: Request, ctx: ContextDep, country: CountryPath, section: SectionPath,
            year_from: From = 1995, year_to: To = None, kind: Kinds = None) -> Response:
    """One section as an HTML fragment (the country page fetches the slow ones)."""
    check_years(year_from, year_to)
    iso3 = _state(ctx, country)["iso3"]
    chosen = _kinds(kind)
    try:
        result = briefs.brief_section(ctx, iso3, section, start=year_from, end=year_to,
                                      kinds=chosen)
    except DefdipError as error:  # the page shows why, in the section's place
        if section not in briefs.BRIEF_SECTIONS:
            raise
        return HTMLResponse(_failed(section, str(error)), status_code=200)
    except Exception as error:  # logged with an incident id; the page keeps its other parts
        import logging
        import uuid

        incident = uuid.uuid4().hex[:12]
        logging.getLogger("defdip.web").error("incident %s on %s", incident,
                                              request.url.path, exc_info=error)
        return HTMLResponse(_failed(section, f"This section could not be computed "
                                             f"(incident {incident})."), status_code=500,
                            headers={"cache-control": "no-store"})
    suffix = "?" + query(kind=chosen or None, **_years(year_from, year_to))
    view = section_view(ctx, result, f"/country/{iso3}/sections/{section}/tables/")
    view["tables"] = [(c, t, link + suffix) for c, t, link in view["tables"]]
    return HTMLResponse(templates.get_template("fragment.html").render(s=view))


def _failed(section: str, message: str) -> str:
    import html

    title = LAZY.get(section, section)
    return (f"<h2>{html.escape(title)}</h2><p class='error' role='alert'>"
            f"{html.escape(message)}</p>")


@router.get("/country/{country}/sections/{section}/tables/{number}.csv")
def section_table(ctx: ContextDep, country: CountryPath, section: SectionPath,
                  number: Annotated[int, Path(ge=0, le=50)], year_from: From = 1995,
                  year_to: To = None, kind: Kinds = None) -> Response:
    check_years(year_from, year_to)
    iso3 = _state(ctx, country)["iso3"]
    made = briefs.brief_section(ctx, iso3, section, start=year_from, end=year_to,
                                kinds=_kinds(kind)).detail
    tables = list(made.tables.items())
    if number >= len(tables):
        error = InvalidArgument(f"table {number} does not exist: section {section!r} has "
                                f"{len(tables)} tables"
                                f"{f' (0 to {len(tables) - 1})' if tables else ''}.")
        error.status = 404  # type: ignore[attr-defined]
        raise error
    caption, frame = tables[number]
    return csv_response(Result(caption, table=frame), f"{iso3}-{section}-{number}")


@router.get("/compare")
def compare(request: Request, ctx: ContextDep,
            country: Annotated[list[str] | None, Query(max_length=5)] = None,
            year: Annotated[int | None, Query(ge=1950, le=2100)] = None) -> Response:
    from defdip.web.pages import states

    names = [c.strip()[:100] for c in country or [] if c.strip()]
    context: dict[str, Any] = {"states": names, "year": year, "all_states": states(ctx)}
    if len(names) >= 2:
        try:
            chosen = [resolved(ctx, n) for n in names]
            result = compare_states(ctx, [c["iso3"] or c["key"] for c in chosen], year=year)
        except DefdipError as error:
            context["error"] = str(error)
        else:
            context.update(resolved=chosen, year=result.detail["year"], result={
                "title": result.title, "coverage": result.coverage,
                "notes": result.notes, "table": cells(result.data())},
                csv="/api/v1/compare?" + query(country=[c["iso3"] for c in chosen],
                                               year=result.detail["year"], format="csv"))
    elif names:
        context["error"] = "Name at least two states to compare (up to five)."
    return page(request, "compare.html", status=200 if "error" not in context else 400,
                **context)
