"""``/api/v1``: alignment, standing and the analyses (effects, event study, tension,
screening, trends, regions, breakpoints)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from defdip.analysis.regions import REGIONS
from defdip.service import reads
from defdip.web.deps import ContextDep, check_years, resolved
from defdip.web.problems import PROBLEM_RESPONSES
from defdip.web.render import Envelope, Format, respond

__all__ = ["router"]

router = APIRouter(tags=["measures and analysis"], responses=PROBLEM_RESPONSES)
CSV = {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}
CountryPath = Annotated[str, Path(max_length=100, examples=["TUR"],
                                  description="ISO3, COW code or name.")]
Outcome = Literal["un_sscore", "un_kappa", "un_agree", "idealpoint_dist"]
# Years default to the data: each analysis runs to the last year its inputs cover and clips a
# later ``to`` with a note (``analysis.period``), as the CLI does; the bounds only keep
# nonsense out.
UNFrom = Annotated[int | None, Query(alias="from", ge=1946, le=2100)]
UNTo = Annotated[int | None, Query(alias="to", ge=1946, le=2100)]
Region = Literal[tuple(REGIONS)]  # type: ignore[valid-type]


@router.get("/alignment/{country}", response_model=Envelope, responses=CSV,
            summary="UN General Assembly alignment with partners, year by year")
def alignment(request: Request, ctx: ContextDep, country: CountryPath,
              partner: Annotated[list[str] | None, Query(max_length=20,
                                                         examples=[["USA"]])] = None,
              year_from: UNFrom = None, year_to: UNTo = None,
              format: Format = "json") -> Response:
    check_years(year_from, year_to)
    code = resolved(ctx, country)["key"]
    others = [resolved(ctx, p, "partner")["key"] for p in (partner or ["USA", "RUS", "CHN"])]
    return respond(request, reads.alignment(ctx, code, partners=others, start=year_from,
                                            end=year_to), format,
                   filename=f"alignment-{code}")


@router.get("/standing", response_model=Envelope, responses=CSV,
            summary="States ranked by centrality in the year's engagement graph")
def standing(request: Request, ctx: ContextDep,
             year: Annotated[int, Query(ge=1816, le=2100, examples=[2019])],
             top: Annotated[int | None, Query(ge=1, le=300)] = None,
             format: Format = "json") -> Response:
    return respond(request, reads.standing(ctx, year, top=top), format,
                   filename=f"standing-{year}")


@router.get("/effects/{country}", response_model=Envelope,
            summary="Alignment on lagged engagement (two-way fixed effects)")
def effects(request: Request, ctx: ContextDep,
            country: Annotated[str, Path(max_length=100, examples=["TUR"],
                                         description="Focal state, or ALL for every dyad.")],
            outcome: Outcome = "un_sscore", year_from: UNFrom = None, year_to: UNTo = None,
            fe: Literal["dyad+year", "year"] = "dyad+year") -> Response:
    check_years(year_from, year_to)
    code = None if country.upper() == "ALL" else resolved(ctx, country)["key"]
    return respond(request, reads.effects(ctx, code, outcome=outcome, start=year_from,
                                          end=year_to, fixed_effects=fe))


@router.get("/event-study/{country}", response_model=Envelope,
            summary="Event study of alignment around an instrument's onset")
def event_study(request: Request, ctx: ContextDep, country: CountryPath,
                onset: Literal["exercise", "agreement", "arms"] = "exercise",
                outcome: Outcome = "un_sscore", year_from: UNFrom = None,
                year_to: UNTo = None,
                window: Annotated[int, Query(ge=1, le=15)] = 5) -> Response:
    check_years(year_from, year_to)
    code = resolved(ctx, country)["key"]
    return respond(request, reads.event_study(ctx, code, onset=onset, outcome=outcome,
                                              start=year_from, end=year_to, window=window))


@router.get("/tension/{country}", response_model=Envelope,
            summary="Partners in tension, and where engagement coexists with it")
def tension(request: Request, ctx: ContextDep, country: CountryPath,
            year: Annotated[int | None, Query(ge=1946, le=2100)] = None,
            year_from: UNFrom = None, year_to: UNTo = None) -> Response:
    check_years(year_from, year_to)
    code = resolved(ctx, country)["key"]
    return respond(request, reads.tension(ctx, code, start=year_from, end=year_to,
                                          year=year))


@router.get("/screen", response_model=Envelope, responses=CSV,
            summary="Arms deliveries into states under UN arms embargoes")
def screen(request: Request, ctx: ContextDep,
           country: Annotated[str | None, Query(max_length=100, examples=["TUR"])] = None,
           role: Literal["supplier", "recipient", "any"] = "any",
           format: Format = "json") -> Response:
    code = resolved(ctx, country)["key"] if country else None
    return respond(request, reads.screen(ctx, country=code, role=role), format,
                   filename="screening")


@router.get("/trends/{country}", response_model=Envelope,
            summary="Engagement by instrument with forecasts and their backtest")
def trends(request: Request, ctx: ContextDep, country: CountryPath,
           horizon: Annotated[int, Query(ge=1, le=10)] = 5,
           holdout: Annotated[int, Query(ge=1, le=10)] = 3,
           year_from: UNFrom = None, year_to: UNTo = None) -> Response:
    """``defdip trends``: the same years (``from``/``to`` as its ``--from``/``--to``; left
    out, to the last year the series' data cover), forecasts and backtest."""
    check_years(year_from, year_to)
    code = resolved(ctx, country)["key"]
    return respond(request, reads.trends(ctx, code, start=year_from, end=year_to,
                                         horizon=horizon, holdout=holdout))


@router.get("/regions/{name}", response_model=Envelope,
            summary="A regional case study of a focal state")
def region(request: Request, ctx: ContextDep, name: Region,
           country: Annotated[str, Query(max_length=100, examples=["TUR"])] = "TUR",
           year_from: UNFrom = None, year_to: UNTo = None) -> Response:
    check_years(year_from, year_to)
    code = resolved(ctx, country)["key"]
    return respond(request, reads.region(ctx, name, code, start=year_from, end=year_to))


@router.get("/breakpoints/{country}", response_model=Envelope,
            summary="Chow tests at domestic political breakpoints")
def breakpoints(request: Request, ctx: ContextDep, country: CountryPath,
                window: Annotated[int, Query(ge=3, le=20)] = 8) -> Response:
    code = resolved(ctx, country)["key"]
    return respond(request, reads.breakpoints(ctx, code, window=window))
