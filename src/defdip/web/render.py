"""Service results as HTTP responses: one JSON envelope, CSV downloads, links.

Every JSON body carries ``title``, ``data``, ``coverage``, ``notes``, the data ``vintage``
and ``links`` (``self``, and ``next`` for a page with more rows); ``total`` when asked for.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date, datetime
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from defdip.service.results import Result

__all__ = ["Envelope", "Format", "csv_response", "envelope", "json_response", "respond"]

Format = Literal["json", "csv"]


class Links(BaseModel):
    self: str
    next: str | None = None


class Envelope(BaseModel):
    """The JSON body of every successful API response."""

    title: str = Field(examples=["arms suppliers 2020–2024"])
    data: list[dict[str, Any]] | dict[str, Any] | list[Any] = Field(
        examples=[[{"rank": 1, "country": "USA", "name": "United States", "tiv": 48927.0,
                    "share": 43.0}]])
    coverage: str | None = Field(None, examples=["SIPRI TIV delivered 2020–2024"])
    notes: list[str] = Field(default_factory=list)
    vintage: str = Field(examples=["3f9a0c2d5e7b1a44"])
    links: Links
    total: int | None = Field(None, description="Rows in all pages (only with total=true).")


def _default(value: Any) -> Any:
    from defdip.plain import plain

    out = plain(value)
    if out is value and not isinstance(value, str | int | float | bool | type(None)):
        if isinstance(value, date | datetime):
            return value.isoformat()
        return str(value)
    return out


def _clean(value: Any) -> Any:
    """NaN and infinities are not JSON: they become null (unknown), never a number."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def dumps(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, default=_default, allow_nan=True)
    if "NaN" in text or "Infinity" in text:  # rare: re-encode with the values cleaned
        text = json.dumps(_clean(json.loads(text)), ensure_ascii=False)
    return text.encode()


def envelope(request: Request, result: Result, *, next_url: str | None = None,
             total: int | None = None, data: Any = None) -> dict[str, Any]:
    return {"title": result.title, "data": result.data() if data is None else data,
            "coverage": result.coverage, "notes": list(result.notes),
            "vintage": result.vintage or request.scope.get("defdip.vintage", ""),
            "links": {"self": str(request.url), "next": next_url}, "total": total}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> Response:
    return Response(dumps(body), status_code=status, media_type="application/json",
                    headers=headers)


def csv_response(result: Result, filename: str) -> Response:
    """The result's table as a CSV download (UTF-8, header row, empty cell = unknown)."""
    import pandas as pd

    frame = result.table if result.table is not None else pd.DataFrame(result.data())
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return Response(buffer.getvalue().encode(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}.csv"'})


def respond(request: Request, result: Result, fmt: Format = "json", *, filename: str = "data",
            next_url: str | None = None, total: int | None = None) -> Response:
    """JSON envelope or CSV download of one service result."""
    if fmt == "csv":
        return csv_response(result, filename)
    return json_response(envelope(request, result, next_url=next_url, total=total))
