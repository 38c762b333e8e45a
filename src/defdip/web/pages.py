"""Server-rendered pages: home (search and world map), search, sources; local assets.

Every page's state is in its URL (a permalink), every table links its CSV, and every asset
is served from here, never a CDN: figures and maps are inline SVG drawn by the brief's own code
(``reports.charts``, ``reports.worldmap``), and the one script only adds the map's tooltip.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from markupsafe import Markup

from defdip.engagements.model import KINDS
from defdip.service import catalog
from defdip.service.cache import vocabulary
from defdip.service.records import instrument_map, search_countries
from defdip.web.deps import ContextDep
from defdip.web.views import cells, page, query

__all__ = ["install_pages", "router", "states"]

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).parent / "static"


def states(ctx: Any) -> list[dict[str, Any]]:
    """Every state of the vocabulary, by name (for the search boxes' suggestions)."""
    vocab = vocabulary(ctx)
    return sorted(({"iso3": c.iso3, "name": c.name} for c in vocab.countries.values()
                   if c.ccode is not None), key=lambda c: c["name"])


@router.get("/")
def home(request: Request, ctx: ContextDep, kind: str = "exercise",
         year: Annotated[int | None, Query(ge=1816, le=2100)] = None) -> Response:
    if kind not in KINDS:
        from defdip.errors import InvalidArgument

        error = InvalidArgument(f"kind {kind!r} is not one of {', '.join(KINDS)}.")
        error.parameter = "kind"  # type: ignore[attr-defined]
        raise error
    result = instrument_map(ctx, kind, year)
    year = result.detail["year"]
    rows = result.data()
    return page(request, "home.html", kind=kind, year=year, world=_world_map(ctx, kind, year, rows),
                top=cells(rows, ["iso3", "name", "records"], 20), states=states(ctx),
                csv=f"/api/v1/maps/{kind}?{query(year=year, format='csv')}",
                coverage=result.coverage, notes=result.notes)


@router.get("/search")
def search(request: Request, ctx: ContextDep,
           q: Annotated[str, Query(max_length=100)] = "") -> Response:
    from defdip.errors import InvalidArgument

    text = q.strip()
    if not text:
        return RedirectResponse("/", status_code=303)
    found = vocabulary(ctx).try_resolve(text)
    if found is not None and getattr(found, "iso3", None):
        return RedirectResponse(f"/country/{found.iso3}", status_code=303)
    try:
        rows = search_countries(ctx, text).data()
    except InvalidArgument:
        rows = []
    if len(rows) == 1:
        return RedirectResponse(f"/country/{rows[0]['iso3']}", status_code=303)
    return page(request, "search.html", q=text, rows=rows)


@router.get("/sources")
def sources(request: Request, ctx: ContextDep) -> Response:
    result = catalog.sources(ctx)
    return page(request, "sources.html", rows=result.data(), notes=result.notes)


def _problem_page(request: Request, problem: dict[str, Any]) -> Response:
    return page(request, "error.html", status=problem["status"], problem=problem)


#: the home map's classes: records of the instrument active in the year, per state
HOME_LEGEND = [{"class": "r10", "label": "10 or more records", "colour": "#08306b"},
               {"class": "r5", "label": "5–9", "colour": "#2171b5"},
               {"class": "r2", "label": "2–4", "colour": "#6baed6"},
               {"class": "r1", "label": "1 record", "colour": "#c6dbef"}]


def _world_map(ctx: Any, kind: str, year: int, rows: list[dict[str, Any]]) -> Markup:
    """The states' record counts as the brief's world map (inline SVG, hover text)."""
    from defdip.reports.worldmap import map_spec, render_map
    from defdip.service.briefs import world_shapes

    def bin_of(n: int) -> str:
        return "r10" if n >= 10 else "r5" if n >= 5 else "r2" if n >= 2 else "r1"

    label = kind.replace("_", " ")
    spec = map_spec(f"{label.capitalize()} records active in {year}, by state", "",
                    [{"key": r["iso3"], "class": bin_of(int(r["records"])),
                      "hover": f"{r['name']}\n{r['records']} {label} records active in {year}"}
                     for r in rows], HOME_LEGEND,
                    note="Hover a state for its count; click it to open its page.")
    return Markup(render_map(spec, world_shapes(ctx).document))  # escaped by the brief


def install_pages(app: FastAPI) -> None:
    """The pages, their assets and the HTML face of problems."""
    from defdip.web import pages_country, pages_data

    app.state.problem_page = _problem_page
    app.include_router(router)
    app.include_router(pages_country.router)
    app.include_router(pages_data.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
