"""``/api/v1``: the engagement record (keyset pages, one record), profile, completeness."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from defdip.engagements.model import KINDS
from defdip.service import reads
from defdip.service.records import MAX_PAGE, record, record_page
from defdip.web.deps import ContextDep, check_years, naming, resolved
from defdip.web.problems import PROBLEM_RESPONSES
from defdip.web.render import Envelope, Format, envelope, json_response, respond

__all__ = ["router"]

router = APIRouter(tags=["record"], responses=PROBLEM_RESPONSES)
Kind = Literal[KINDS]  # type: ignore[valid-type]
CountryQuery = Annotated[str | None, Query(max_length=100, examples=["TUR"],
                                           description="ISO3, COW code or name.")]
OptionalYear = Annotated[int | None, Query(ge=1816, le=2100)]
CountryPath = Annotated[str, Path(max_length=100, examples=["TUR"],
                                  description="ISO3, COW code or name.")]


@router.get("/records", response_model=Envelope, summary="Records, filtered, in keyset pages",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def records(request: Request, ctx: ContextDep, country: CountryQuery = None,
            partner: CountryQuery = None,
            kind: Annotated[list[Kind] | None, Query(description="Repeatable.",
                                                     examples=[["exercise"]])] = None,
            year_from: Annotated[int | None, Query(alias="from", ge=1816, le=2100,
                                                   examples=[2015])] = None,
            year_to: Annotated[int | None, Query(alias="to", ge=1816, le=2100,
                                                 examples=[2024])] = None,
            origin: Literal["derived", "curated", "entered"] | None = None,
            limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Rows per page.")] = 100,
            after: Annotated[str | None, Query(max_length=1000, description=(
                "Cursor: the `next` link of the previous page carries it."))] = None,
            total: Annotated[bool, Query(description="Count every matching row.")] = False,
            format: Format = "json") -> Response:
    """Records active in the years (the one rule of `queries.record`), ordered by start,
    kind, name and id. Follow `links.next` for the next page; `total=true` adds the count."""
    check_years(year_from, year_to)
    codes = {name: resolved(ctx, value, name)["key"] if value else None
             for name, value in (("country", country), ("partner", partner))}
    page = record_page(ctx, country=codes["country"], partner=codes["partner"],
                       kind=kind or [], year_from=year_from, year_to=year_to, origin=origin,
                       after=after, limit=limit, total=total)
    if format == "csv":
        frame = page.table.assign(actors=page.table["actors"].map(
            lambda a: ";".join(f"{x['country']}:{x['role']}" for x in a)))
        from defdip.service.results import Result
        from defdip.web.render import csv_response

        return csv_response(Result(page.title, table=frame), "records")
    cursor = page.document["next"]  # type: ignore[index]
    next_url = str(request.url.include_query_params(after=cursor)) if cursor else None
    return json_response(envelope(request, page, next_url=next_url,
                                  total=page.document["total"]))  # type: ignore[index]


@router.get("/records/{record_id}", response_model=Envelope,
            summary="One engagement: fields, actors, citation, claims, coverage")
def one_record(request: Request, ctx: ContextDep,
               record_id: Annotated[str, Path(max_length=64, examples=["6dc33a5f69105b39"])]
               ) -> Response:
    with naming("record_id"):
        return respond(request, record(ctx, record_id))


@router.get("/profile/{country}", response_model=Envelope,
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
            summary="A state's partners by instrument in one year")
def profile(request: Request, ctx: ContextDep, country: CountryPath,
            year: Annotated[int, Query(ge=1816, le=2100, examples=[2022])],
            format: Format = "json") -> Response:
    code = resolved(ctx, country)["key"]
    return respond(request, reads.profile(ctx, code, year), format, filename=f"profile-{code}")


@router.get("/completeness/{country}", response_model=Envelope,
            summary="Records per kind and year, coverage by source, gaps")
def completeness(request: Request, ctx: ContextDep, country: CountryPath,
                 year_from: Annotated[int, Query(alias="from", ge=1816, le=2100)] = 1980,
                 year_to: Annotated[int | None, Query(
                     alias="to", ge=1816, le=2100,
                     description="Left out: the last year the record reaches, as the CLI's "
                                 "--to.")] = None
                 ) -> Response:
    check_years(year_from, year_to)
    code = resolved(ctx, country)["key"]
    return respond(request, reads.completeness(ctx, code, year_from=year_from,
                                               year_to=year_to))
