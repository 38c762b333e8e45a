"""``/api/v1``: the country brief (whole or by section), footprint, maps, comparison."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from defdip.engagements.model import KINDS
from defdip.service import briefs
from defdip.service.compare import compare as compare_states
from defdip.service.records import instrument_map
from defdip.web.deps import ContextDep, check_years, resolved
from defdip.web.problems import PROBLEM_RESPONSES
from defdip.web.render import Envelope, Format, respond

__all__ = ["router"]

router = APIRouter(tags=["briefs and maps"], responses=PROBLEM_RESPONSES)
CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
CountryPath = Annotated[str, Path(max_length=100, examples=["TUR"],
                                  description="ISO3, COW code or name.")]
Kind = Literal[KINDS]  # type: ignore[valid-type]
Section = Literal[briefs.BRIEF_SECTIONS]  # type: ignore[valid-type]
From = Annotated[int, Query(alias="from", ge=1946, le=2100, examples=[1995])]
To = Annotated[int | None, Query(alias="to", ge=1946, le=2100, examples=[2024])]


@router.get("/briefs/{country}", response_model=Envelope,
            summary="The country brief as JSON, or the self-contained HTML file",
            responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}})
def brief(request: Request, ctx: ContextDep, country: CountryPath, year_from: From = 1995,
          year_to: To = None, format: Literal["json", "html"] = "json") -> Response:
    """Every section of `defdip brief` (built once per state, years and data vintage); without
    `to`, each section runs to the last year its data cover."""
    check_years(year_from, year_to)
    code = resolved(ctx, country)["iso3"] or country
    if format == "html":
        return HTMLResponse(briefs.brief_html(ctx, code, start=year_from, end=year_to))
    return respond(request, briefs.brief(ctx, code, start=year_from, end=year_to))


@router.get("/briefs/{country}/sections/{section}", response_model=Envelope,
            summary="One section of the brief: findings, text, tables, figure specs, notes")
def brief_section(request: Request, ctx: ContextDep, country: CountryPath, section: Section,
                  year_from: From = 1995, year_to: To = None,
                  kind: Annotated[list[Kind] | None, Query(examples=[["exercise"]])] = None
                  ) -> Response:
    """`kind` keeps only those record kinds on the partner map and its tables (section
    `where`)."""
    check_years(year_from, year_to)
    code = resolved(ctx, country)["iso3"] or country
    return respond(request, briefs.brief_section(ctx, code, section, start=year_from,
                                                 end=year_to, kinds=kind or []))


@router.get("/footprint/{country}", response_model=Envelope, responses=CSV,
            summary="A state's partners by instrument: records, first and last year, TIV")
def footprint(request: Request, ctx: ContextDep, country: CountryPath, year_from: From = 1995,
              year_to: To = None,
              kind: Annotated[list[Kind] | None, Query(examples=[["exercise"]])] = None,
              format: Format = "json") -> Response:
    """The table behind the brief's partner map (and its hover text)."""
    check_years(year_from, year_to)
    code = resolved(ctx, country)["iso3"] or country
    return respond(request, briefs.footprint(ctx, code, start=year_from, end=year_to,
                                             kinds=kind or []), format,
                   filename=f"footprint-{code}-{year_from}-{year_to or 'latest'}")


@router.get("/maps/{kind}", response_model=Envelope, responses=CSV,
            summary="Records of one instrument active in a year, by state (world map)")
def world_map(request: Request, ctx: ContextDep, kind: Annotated[Kind, Path()],
              year: Annotated[int | None, Query(
                  ge=1816, le=2100, examples=[2008],
                  description="Left out: the last year the sources that cover every state "
                              "record the kind (said in the notes).")] = None,
              format: Format = "json") -> Response:
    result = instrument_map(ctx, kind, year)
    return respond(request, result, format, filename=f"map-{kind}-{result.detail['year']}")


@router.get("/compare", response_model=Envelope, responses=CSV,
            summary="Two to five states side by side")
def compare(request: Request, ctx: ContextDep,
            country: Annotated[list[str], Query(min_length=2, max_length=5,
                                                examples=[["TUR", "GRC", "EGY"]])],
            year: Annotated[int | None, Query(
                ge=1950, le=2100, description="Left out: the last year SIPRI deliveries, the "
                "UN votes and network standing all cover (said in the notes).")] = None,
            format: Format = "json") -> Response:
    codes = []
    for value in country:
        if len(value) > 100:
            value = value[:100]
        codes.append(resolved(ctx, value)["iso3"] or value)
    result = compare_states(ctx, codes, year=year)
    return respond(request, result, format,
                   filename=f"compare-{'-'.join(codes)}-{result.detail['year']}")
