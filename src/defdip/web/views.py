"""What the pages share: the Jinja2 environment, table cells, and the page response."""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from defdip import __version__
from defdip.engagements.model import KINDS

__all__ = ["KIND_LABELS", "cells", "page", "query", "templates"]

HERE = Path(__file__).parent
templates = Environment(loader=FileSystemLoader(HERE / "templates"),
                        autoescape=select_autoescape(["html"]), trim_blocks=True,
                        lstrip_blocks=True, auto_reload=False)
KIND_LABELS = {k: k.replace("_", " ") for k in KINDS}


def _cell(value: Any, column: str) -> tuple[str, bool]:
    """A value as table text: blank for unknown, years without separators, numbers right."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, int):
        yearish = "year" in column or column.isdigit() or column in ("start", "end")
        return (str(value) if yearish else f"{value:,}"), True
    if isinstance(value, float):
        return (f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"), True
    if isinstance(value, date | datetime):
        return value.isoformat()[:10], False
    if isinstance(value, list):
        return "; ".join(f"{v.get('country')}:{v.get('role')}" if isinstance(v, dict)
                         else str(v) for v in value), False
    return str(value), False


def cells(rows: list[dict[str, Any]], columns: list[str] | None = None,
          limit: int | None = None) -> dict[str, Any]:
    """Rows as a table for the ``table`` macro: columns, cells (text, numeric), and how many
    rows were left out."""
    columns = columns or (list(rows[0]) if rows else [])
    shown = rows if limit is None else rows[:limit]
    body = [[_cell(row.get(c), str(c)) for c in columns] for row in shown]
    return {"columns": [str(c) for c in columns], "rows": body,
            "more": len(rows) - len(shown)}


def query(**params: Any) -> str:
    """A query string from the non-empty parameters (lists repeat the key)."""
    pairs: list[tuple[str, Any]] = []
    for key, value in params.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item not in (None, "", False):
                pairs.append((key, "true" if item is True else item))
    return urlencode(pairs)


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with what every page shows (version, vintage, where it is)."""
    html = templates.get_template(name).render(
        request=request, version=__version__, path=request.url.path,
        vintage=request.scope.get("defdip.vintage", ""), kinds=KINDS,
        kind_labels=KIND_LABELS, query=query, **context)
    return HTMLResponse(html, status_code=status)
