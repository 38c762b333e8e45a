"""``/api/v1/arms``: rankings, partners, the register (deals) and TIV tables."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from defdip.service import arms, reads
from defdip.web.deps import ContextDep, check_years, resolved
from defdip.web.problems import PROBLEM_RESPONSES
from defdip.web.render import Envelope, Format, respond

__all__ = ["router"]

router = APIRouter(prefix="/arms", tags=["arms transfers"], responses=PROBLEM_RESPONSES)
CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
Role = Literal["supplier", "recipient"]
# The CLI's default years (`defdip arms …` without --years: the last five years SIPRI's
# deliveries cover, ``service.arms.default_years``) for every route, deals and TIV tables
# too; years past SIPRI's deliveries are clipped with a note (service.arms).
From = Annotated[int | None, Query(alias="from", ge=1950, le=2100, examples=[2020])]
To = Annotated[int | None, Query(alias="to", ge=1950, le=2100, examples=[2024])]
#: The parameters the years' messages name (``service.arms.sipri_years``).
YEARS = ("from", "to")
CountryPath = Annotated[str, Path(max_length=100, examples=["TUR"],
                                  description="ISO3, COW code, name or SIPRI label.")]


@router.get("/ranking", response_model=Envelope, responses=CSV,
            summary="Exporters or importers ranked by TIV delivered, with world shares")
def ranking(request: Request, ctx: ContextDep, role: Role = "supplier",
            year_from: From = None, year_to: To = None,
            top: Annotated[int | None, Query(ge=1, le=500)] = None,
            format: Format = "json") -> Response:
    check_years(year_from, year_to)
    year_from, year_to = arms.default_years(ctx, year_from, year_to)
    return respond(request, reads.arms_ranking(ctx, role, year_from, year_to, top=top,
                                       options=YEARS),
                   format, filename=f"arms-{role}s-{year_from}-{year_to}")


@router.get("/partners/{country}", response_model=Envelope, responses=CSV,
            summary="A state's customers (as supplier) or suppliers (as recipient) by TIV")
def partners(request: Request, ctx: ContextDep, country: CountryPath, role: Role = "supplier",
             year_from: From = None, year_to: To = None,
             format: Format = "json") -> Response:
    check_years(year_from, year_to)
    year_from, year_to = arms.default_years(ctx, year_from, year_to)
    code = resolved(ctx, country)["key"]
    return respond(request, reads.arms_partners(ctx, code, role, year_from, year_to,
                                        options=YEARS), format,
                   filename=f"arms-partners-{code}")


@router.get("/deals/{country}", response_model=Envelope, responses=CSV,
            summary="The register: deals ordered or delivered in the years")
def deals(request: Request, ctx: ContextDep, country: CountryPath, role: Role = "supplier",
          year_from: From = None, year_to: To = None,
          weapon: Annotated[str | None, Query(max_length=100, examples=["helicopter"],
                                              description="Text in the weapon's designation "
                                                          "or description.")] = None,
          format: Format = "json") -> Response:
    check_years(year_from, year_to)
    year_from, year_to = arms.default_years(ctx, year_from, year_to)
    code = resolved(ctx, country)["key"]
    return respond(request, arms.deals(ctx, code, role, year_from, year_to, weapon=weapon),
                   format, filename=f"arms-deals-{code}")


@router.get("/tiv", response_model=Envelope, responses=CSV,
            summary="TIV tables: delivered per actor and year")
def tiv(request: Request, ctx: ContextDep,
        country: Annotated[str | None, Query(max_length=100, examples=["TUR"])] = None,
        role: Role = "supplier", year_from: From = None, year_to: To = None,
        category: Annotated[str | None, Query(max_length=100, examples=["Aircraft"])] = None,
        shape: Literal["long", "wide"] = "long", format: Format = "json") -> Response:
    """With `country`: its partners by year; without: every supplier (or recipient).
    `shape=wide`: one column per year and the total, as SIPRI's TIV tables."""
    check_years(year_from, year_to)
    year_from, year_to = arms.default_years(ctx, year_from, year_to)
    code = resolved(ctx, country)["key"] if country else None
    return respond(request, arms.tiv_table(ctx, code, role, year_from, year_to,
                                           category=category, wide=shape == "wide",
                                           options=YEARS),
                   format, filename=f"tiv-{code or role}-{year_from}-{year_to}")


@router.get("/categories", response_model=Envelope, summary="SIPRI weapon categories")
def categories(request: Request, ctx: ContextDep) -> Response:
    return respond(request, arms.categories(ctx))
