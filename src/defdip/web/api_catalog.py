"""``/api/v1``: countries (search, resolve) and sources (provenance, citation, coverage)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import StringConstraints

from defdip.service import catalog
from defdip.service.records import search_countries
from defdip.service.results import Result
from defdip.web.deps import ContextDep, resolved
from defdip.web.problems import PROBLEM_RESPONSES
from defdip.web.render import Envelope, Format, respond

__all__ = ["router"]

router = APIRouter(tags=["countries and sources"], responses=PROBLEM_RESPONSES)
Name = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Country = Annotated[str, Path(description="ISO3, COW code or name.", max_length=100,
                              examples=["TUR"])]


@router.get("/countries", response_model=Envelope, summary="Search states by name or code",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def countries(request: Request, ctx: ContextDep,
              q: Annotated[str, Query(min_length=1, max_length=100, examples=["Turk"],
                                      description="Part of a name, an ISO3 or COW code.")],
              limit: Annotated[int, Query(ge=1, le=200)] = 20,
              format: Format = "json") -> Response:
    return respond(request, search_countries(ctx, q, limit=limit), format,
                   filename="countries")


@router.get("/countries/resolve", response_model=Envelope,
            summary="Resolve names or codes to COW code and ISO3")
def resolve(request: Request, ctx: ContextDep,
            name: Annotated[list[Name], Query(min_length=1, max_length=50,
                                             examples=[["Türkiye", "640"]],
                                             description="Names or codes (repeatable).")],
            year: Annotated[int | None, Query(ge=1816, le=2100)] = None) -> Response:
    for value in name:
        if not value.strip() or len(value) > 100:
            from defdip.errors import InvalidArgument

            error = InvalidArgument(f"name {value[:100]!r} must be 1 to 100 characters: give "
                                    "a name or code such as TUR.")
            error.parameter = "name"  # type: ignore[attr-defined]
            raise error
    try:
        result = catalog.resolve_countries(ctx, name, year=year)
    except Exception as error:
        error.parameter = "name"  # type: ignore[attr-defined]
        raise
    return respond(request, result)


@router.get("/countries/{country}", response_model=Envelope, summary="One state")
def country(request: Request, ctx: ContextDep, country: Country) -> Response:
    found = resolved(ctx, country)
    return respond(request, Result(found["name"], document=found))


@router.get("/sources", response_model=Envelope,
            summary="Every source: provenance, citation, sha256, coverage")
def sources(request: Request, ctx: ContextDep) -> Response:
    return respond(request, catalog.sources(ctx))


def _one(ctx: ContextDep, name: str) -> dict:
    from defdip import sources as registry

    registry.get(name)  # UnknownSource names the close matches
    table = catalog.sources(ctx).table
    return table[table["name"] == name].to_dict("records")[0]


SourceName = Annotated[str, Path(max_length=100, examples=["sipri_transfers"])]


@router.get("/sources/{name}", response_model=Envelope, summary="One source")
def source(request: Request, ctx: ContextDep, name: SourceName) -> Response:
    return respond(request, Result(f"source {name}", document=_one(ctx, name)))


@router.get("/sources/{name}/citation", response_model=Envelope,
            summary="A source's citation (BibTeX), URL and licence",
            responses={200: {"content": {"application/x-bibtex": {
                "schema": {"type": "string"}}}}})
def citation(request: Request, name: SourceName,
             format: Literal["json", "bibtex"] = "json") -> Response:
    result = catalog.cite(name)
    if format == "bibtex":
        return Response(str(result.document["citation"]),  # type: ignore[index]
                        media_type="application/x-bibtex")
    return respond(request, result)
