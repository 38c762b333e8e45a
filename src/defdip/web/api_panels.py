"""``/api/v1/panels``: the column catalogue, a preview, and whole panels as files."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, Response

from defdip.errors import InvalidArgument
from defdip.panels.build import NAMES
from defdip.service import panels
from defdip.web.deps import ContextDep, check_years
from defdip.web.problems import PROBLEM_RESPONSES
from defdip.web.render import Envelope, Format, envelope, json_response, respond

__all__ = ["router"]

router = APIRouter(prefix="/panels", tags=["panels"], responses=PROBLEM_RESPONSES)
Unit = Literal["dyad_year", "state_year"]
From = Annotated[int, Query(alias="from", ge=1816, le=2100, examples=[2000])]
To = Annotated[int, Query(alias="to", ge=1816, le=2100, examples=[2010])]
Add = Annotated[str, Query(max_length=300, examples=["atop,contiguity"],
                           description=f"Comma-separated families: {', '.join(NAMES)}.")]
FILES = {"text/csv": {"schema": {"type": "string"}},
         "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
         "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}
MEDIA = {"csv": "text/csv; charset=utf-8", "parquet": "application/vnd.apache.parquet",
         "json": "application/json"}


def _families(add: str) -> list[str]:
    try:
        from defdip.panels.build import parse_adders

        return parse_adders(add)
    except InvalidArgument as error:
        error.parameter = "add"  # type: ignore[attr-defined]
        raise


@router.get("/columns", response_model=Envelope, summary="Every column a panel can carry",
            responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}})
def columns(request: Request, ctx: ContextDep, unit: Unit | None = None,
            format: Format = "json") -> Response:
    return respond(request, panels.columns(ctx, unit), format, filename="panel-columns")


@router.get("/{unit}/preview", response_model=Envelope,
            summary="The first rows and the row count of a panel")
def preview(request: Request, ctx: ContextDep, unit: Annotated[Unit, Path()],
            year_from: From, year_to: To, add: Add = "", directed: bool = True,
            limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    check_years(year_from, year_to)
    result = panels.preview(ctx, unit, year_from, year_to, _families(add), directed=directed,
                            limit=limit)
    body = envelope(request, result)
    body["notes"] = [f"{result.document['rows']:,} rows; columns: "  # type: ignore[index]
                     f"{', '.join(result.document['columns'])}"]  # type: ignore[index]
    body["total"] = result.document["rows"]  # type: ignore[index]
    return json_response(body)


@router.get("/{unit}", summary="A whole panel as CSV, Parquet or JSON (streamed)",
            responses={200: {"content": FILES, "description": "The panel file."},
                       **PROBLEM_RESPONSES})
def panel(ctx: ContextDep, unit: Annotated[Unit, Path()], year_from: From, year_to: To,
          add: Add = "", directed: bool = True,
          format: Literal["csv", "parquet", "json"] = "parquet") -> Response:
    """Built once per job and data vintage, then streamed from disk."""
    check_years(year_from, year_to)
    path = panels.panel_file(ctx, unit, year_from, year_to, _families(add),
                             directed=directed, fmt=format)
    name = f"{unit}-{year_from}-{year_to}.{format}"
    return FileResponse(path, media_type=MEDIA[format], filename=name,
                        headers={"cache-control": "no-store"})
