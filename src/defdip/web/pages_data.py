"""The record browser, one page per engagement, the arms explorer and the panel builder."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from defdip.errors import InvalidArgument
from defdip.panels.build import NAMES
from defdip.service import arms, reads
from defdip.service.records import record, record_page
from defdip.service.results import Result
from defdip.web.deps import ContextDep, check_years, resolved
from defdip.web.pages_country import _kinds
from defdip.web.render import csv_response
from defdip.web.views import cells, page, query

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
Text = Annotated[str | None, Query(max_length=100)]
Year = Annotated[int | None, Query(ge=1816, le=2100)]


def _blank(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


@router.get("/records")
def records(request: Request, ctx: ContextDep, country: Text = None, partner: Text = None,
            kind: Annotated[list[str] | None, Query()] = None,
            year_from: Annotated[int | None, Query(alias="from", ge=1816, le=2100)] = None,
            year_to: Annotated[int | None, Query(alias="to", ge=1816, le=2100)] = None,
            after: Annotated[str | None, Query(max_length=1000)] = None,
            start: Annotated[int, Query(ge=1)] = 1) -> Response:
    check_years(year_from, year_to)
    chosen = _kinds(kind)
    codes = {n: resolved(ctx, v, n)["key"] if _blank(v) else None
             for n, v in (("country", country), ("partner", partner))}
    limit = 50
    result = record_page(ctx, country=codes["country"], partner=codes["partner"], kind=chosen,
                         year_from=year_from, year_to=year_to, after=_blank(after),
                         limit=limit, total=True)
    shown = {"country": _blank(country), "partner": _blank(partner), "kind": chosen,
             "from": year_from, "to": year_to}
    rows = result.data()
    for row in rows:
        row["actors"] = [a for a in row["actors"] if a.get("country")]
    cursor = result.document["next"]  # type: ignore[index]
    next_url = ("/records?" + query(**shown, after=cursor, start=start + len(rows))
                if cursor else None)
    api = dict(shown, limit=limit, after=_blank(after))
    return page(request, "records.html", f=shown, rows=rows, next_url=next_url,
                total=result.document["total"], first=start if rows else 0,  # type: ignore
                last=start + len(rows) - 1, restart=query(**shown),
                csv_query=query(**api, format="csv"), api_query=query(**api))


def _record_view(found: Result) -> dict[str, Any]:
    doc = found.document
    assert isinstance(doc, dict)
    row = doc["record"]
    skip = {"actors", "conflict"}
    fields = [(k, "" if v is None else v) for k, v in row.items() if k not in skip]
    coverage = doc["coverage"]
    segments = [{"source": s["source"], "from": s["first"], "to": s["last"],
                 "states": s["states"] if isinstance(s["states"], str)
                 else ", ".join(s["states"])} for s in coverage["segments"]]
    return {"title": found.title, "r": row, "fields": fields, "source": doc["source"],
            "claims": doc["claims"], "coverage": coverage, "segments": cells(segments)}


@router.get("/records/{record_id}.csv")
def record_csv(ctx: ContextDep, record_id: Annotated[str, Path(max_length=64)]) -> Response:
    import pandas as pd

    row = dict(record(ctx, record_id).document["record"])  # type: ignore[index]
    row["actors"] = ";".join(f"{a['country']}:{a['role']}" for a in row["actors"])
    return csv_response(Result("record", table=pd.DataFrame([row])), f"record-{record_id}")


@router.get("/records/{record_id}")
def one_record(request: Request, ctx: ContextDep,
               record_id: Annotated[str, Path(max_length=64)]) -> Response:
    return page(request, "record.html", **_record_view(record(ctx, record_id)))


@router.get("/arms")
def arms_page(request: Request, ctx: ContextDep, country: Text = None,
              role: Annotated[str, Query(pattern="^(supplier|recipient)$")] = "supplier",
              year_from: Annotated[int | None, Query(alias="from", ge=1950, le=2100)] = None,
              year_to: Annotated[int | None, Query(alias="to", ge=1950, le=2100)] = None,
              category: Text = None, weapon: Text = None) -> Response:
    check_years(year_from, year_to)
    year_from, year_to = arms.default_years(ctx, year_from, year_to)
    code = resolved(ctx, country)["key"] if _blank(country) else None
    category, weapon = _blank(category), _blank(weapon)
    known = arms.categories(ctx).data()
    if category and category not in [c["category"] for c in known]:  # type: ignore[index]
        error = InvalidArgument(f"category {category!r} is not a SIPRI weapon category.")
        error.parameter = "category"  # type: ignore[attr-defined]
        raise error
    years = {"from": year_from, "to": year_to}
    tiv = arms.tiv_table(ctx, code, role, year_from, year_to, category=category, wide=True)
    tiv_csv = "/api/v1/arms/tiv?" + query(country=code, role=role, category=category,
                                          shape="wide", format="csv", **years)
    tables = []
    if code is None:
        ranking = reads.arms_ranking(ctx, role, year_from, year_to,
                                     options=("from", "to"))
        tables.append({"id": "ranking", "caption": f"{role.capitalize()}s ranked by TIV "
                       f"delivered, {ranking.detail.start}–{ranking.detail.end}",
                       "table": cells(ranking.data(), limit=50),
                       "csv": "/api/v1/arms/ranking?" + query(role=role, format="csv",
                                                              **years)})
    else:
        partners = reads.arms_partners(ctx, code, role, year_from, year_to,
                                       options=("from", "to"))
        who = "Customers" if role == "supplier" else "Suppliers"
        tables.append({"id": "partners", "caption": f"{who} of {code}, TIV "
                       f"{partners.detail.start}–{partners.detail.end}",
                       "table": cells(partners.data(), limit=50),
                       "csv": f"/api/v1/arms/partners/{code}?" + query(role=role, format="csv",
                                                                       **years)})
    tables.append({"id": "tiv", "caption": tiv.title, "table": cells(tiv.data(), limit=60),
                   "csv": tiv_csv})
    if code is not None:
        deals = arms.deals(ctx, code, role, year_from, year_to, weapon=weapon)
        view = ["order_year", "supplier_label", "recipient_label", "number_ordered",
                "weapon_designation", "weapon_description", "delivery_years", "status",
                "licensed_production", "tiv_delivered"]
        tables.append({"id": "register", "caption": deals.title
                       + (f" (weapon contains {weapon!r})" if weapon else ""),
                       "table": cells(deals.data(), view, limit=100),
                       "csv": f"/api/v1/arms/deals/{code}?" + query(
                           role=role, weapon=weapon, format="csv", **years)})
    shown = {"country": _blank(country), "role": role, "from": year_from, "to": year_to,
             "category": category, "weapon": weapon}
    return page(request, "arms.html", f=shown, tables=tables, notes=tiv.notes,
                coverage=tiv.coverage,
                categories=[c["category"] for c in known])  # type: ignore[index]


@router.get("/panels")
def panels_page(request: Request, ctx: ContextDep,
                unit: Annotated[str, Query(pattern="^(state_year|dyad_year)$")] = "state_year",
                year_from: Annotated[int, Query(alias="from", ge=1816, le=2100)] = 2000,
                year_to: Annotated[int, Query(alias="to", ge=1816, le=2100)] = 2010,
                add: Annotated[list[str] | None, Query()] = None, directed: bool = False,
                preview: bool = False) -> Response:
    from defdip.service import panels

    check_years(year_from, year_to)
    families = [a for a in add or [] if a]
    unknown = [a for a in families if a not in NAMES]
    if unknown:
        error = InvalidArgument(f"add {unknown[0]!r} is not a column family: use "
                                f"{', '.join(NAMES)}.")
        error.parameter = "add"  # type: ignore[attr-defined]
        raise error
    shown = {"unit": unit, "from": year_from, "to": year_to, "add": families,
             "directed": directed}
    context: dict[str, Any] = {"f": shown, "names": NAMES}
    if preview:
        result = panels.preview(ctx, unit, year_from, year_to, families, directed=directed)
        doc = result.document
        assert isinstance(doc, dict)
        context.update(result=cells(result.data()), rows=doc["rows"],
                       columns=doc["columns"], sources=doc["sources"],
                       download=f"/api/v1/panels/{unit}?" + query(
                           add=",".join(families), directed=directed or "false",
                           **{"from": year_from, "to": year_to}))
    return page(request, "panels.html", **context)
