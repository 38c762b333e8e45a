"""Errors as RFC 9457 problem documents (``application/problem+json``), never a traceback.

Each document says what was wrong (``title``, ``detail``), which parameter (``parameter``) and
what to do (``fix``), with the data ``vintage``. A library error (:class:`DefdipError`) is a
4xx; anything unexpected is a 500 that names only an incident id (the traceback goes to the
server's log under that id).
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from defdip.errors import (
    DefdipError,
    Forbidden,
    InvalidArgument,
    NoStore,
    NotLoaded,
    RecordNotFound,
    Unauthenticated,
    UnknownCountry,
    UnknownSource,
)

__all__ = ["PROBLEM", "PROBLEM_RESPONSES", "Problem", "install", "problem_response"]

log = logging.getLogger("defdip.web")
PROBLEM = "application/problem+json"
TYPES = "https://defdip.readthedocs.io/problems/"


class ParameterError(BaseModel):
    parameter: str
    problem: str
    fix: str


class Problem(BaseModel):
    """An error, as RFC 9457 describes it, with the parameter at fault and the fix."""

    type: str = Field(examples=[TYPES + "unknown-country"])
    title: str = Field(examples=["Unknown country"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["Unknown country 'Atlantis' in the country parameter. …"])
    instance: str | None = Field(None, examples=["/api/v1/countries/Atlantis"])
    parameter: str | None = Field(None, examples=["country"])
    fix: str | None = Field(None, examples=["Use an ISO3 code (e.g. TUR), a COW code (640) "
                                            "or a name; GET /api/v1/countries?q=… searches."])
    candidates: list[str] | None = None
    errors: list[ParameterError] | None = None
    vintage: str | None = None
    incident: str | None = None


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM: {"schema": {
        "$ref": "#/components/schemas/Problem"}}}}
    for code, text in ((400, "A parameter is invalid: the problem names it and the fix."),
                       (404, "No such country, source or record."),
                       (503, "The store is missing or lacks a table this answer needs."),
                       (500, "An unexpected failure: the problem names an incident id."))
}

# (status, slug, title) for each library error, most specific first.
KINDS: tuple[tuple[type[Exception], int, str, str], ...] = (
    (Unauthenticated, 401, "unauthenticated", "Not signed in"),
    (Forbidden, 403, "forbidden", "Not allowed"),
    (RecordNotFound, 404, "not-found", "Not found"),
    (UnknownCountry, 404, "unknown-country", "Unknown country"),
    (UnknownSource, 404, "unknown-source", "Unknown source"),
    (NoStore, 503, "no-store", "No store loaded"),
    (NotLoaded, 503, "not-loaded", "Data not loaded"),
    (InvalidArgument, 400, "invalid-parameter", "Invalid parameter"),
    (DefdipError, 400, "bad-request", "Request cannot be answered"),
)


def problem_response(status: int, slug: str, title: str, detail: str, request: Request,
                     headers: dict[str, str] | None = None, **extra: Any) -> Response:
    body = {"type": TYPES + slug, "title": title, "status": status, "detail": detail,
            "instance": request.url.path,
            **{k: v for k, v in extra.items() if v is not None}}
    body.setdefault("vintage", request.scope.get("defdip.vintage"))
    page = getattr(request.app.state, "problem_page", None)
    if page is not None and not request.url.path.startswith(("/api/", "/static/")):
        response = page(request, body)
        response.headers.update(headers or {})
        return response
    return Response(json.dumps(body, ensure_ascii=False, default=str), status_code=status,
                    media_type=PROBLEM, headers=headers)


def _parameter(exc: Exception, request: Request) -> str | None:
    """The parameter a library message is about: set on the error by the route, or the
    first word of the message when it is one of the request's parameters."""
    explicit = getattr(exc, "parameter", None)
    if explicit:
        return str(explicit)
    text = str(exc)
    named = re.search(r"the (\w+) (?:parameter|argument)", text)
    names = set(request.query_params) | set(request.path_params)
    if named and named.group(1) in names:
        return named.group(1)
    first = re.match(r"-{0,2}([a-z_]+)", text)
    word = first.group(1) if first else ""
    aliases = {"year_from": "from", "year_to": "to", "start": "from", "end": "to",
               "period": "from", "add": "add"}
    word = aliases.get(word, word)
    return word if word in names or word in ("from", "to") and names else None


def _fix(exc: Exception) -> str:
    if isinstance(exc, UnknownCountry):
        return ("Use an ISO3 code (e.g. TUR), a COW code (e.g. 640) or a name; "
                "GET /api/v1/countries?q=NAME lists the matches.")
    if isinstance(exc, UnknownSource):
        return "GET /api/v1/sources lists every source by name."
    if isinstance(exc, NoStore | NotLoaded):
        return "Load the data first: `defdip load --mirror DIR`, then restart the request."
    text = str(exc)
    for mark in (": ", ". ", "; "):
        head, _, advice = text.partition(mark)
        if advice:
            return advice.strip()
    return "Correct the parameter as the detail says; GET /api/v1/openapi.json documents it."


def _defdip_error(request: Request, exc: Exception) -> Response:
    status, slug, title = next((s, g, t) for k, s, g, t in KINDS if isinstance(exc, k))
    if getattr(exc, "status", None) == 404:
        status, slug, title = 404, "not-found", "Not found"
    candidates = getattr(exc, "candidates", None) or None
    return problem_response(status, slug, title, str(exc), request,
                            parameter=_parameter(exc, request), fix=_fix(exc),
                            candidates=candidates)


def _validation_error(request: Request, exc: Exception) -> Response:
    errors = []
    for error in exc.errors():  # type: ignore[attr-defined]
        location = [str(p) for p in error.get("loc", ()) if p not in ("query", "path")]
        name = location[0] if location else "request"
        message = str(error.get("msg", "invalid"))
        fix = re.sub(r"^(Input|Value) should", f"{name} should", message)
        if error.get("type") == "missing":
            fix = f"Add the {name} parameter (see GET /api/v1/openapi.json)."
        given = error.get("input")
        problem = f"{name} {str(given)[:80]!r}: {message}" if given is not None and \
            error.get("type") != "missing" else f"{name}: {message}"
        errors.append({"parameter": name, "problem": problem, "fix": fix})
    first = errors[0] if errors else {"parameter": None, "problem": "invalid request",
                                      "fix": None}
    return problem_response(400, "invalid-parameter", "Invalid parameter", first["problem"],
                            request, parameter=first["parameter"], fix=first["fix"],
                            errors=errors)


def _http_error(request: Request, exc: Exception) -> Response:
    status = int(getattr(exc, "status_code", 500))
    titles = {404: "Not found", 405: "Method not allowed"}
    fix = {404: "GET /api/v1/openapi.json lists every route; pages start at /.",
           405: "Use GET: the API and the pages only read."}.get(status)
    return problem_response(status, {404: "not-found", 405: "method-not-allowed"}.get(
        status, "http-error"), titles.get(status, "HTTP error"),
        str(getattr(exc, "detail", "")), request, headers=getattr(exc, "headers", None),
        fix=fix)


def _server_error(request: Request, exc: Exception) -> Response:
    incident = uuid.uuid4().hex[:12]
    log.error("incident %s on %s", incident, request.url.path, exc_info=exc)
    return problem_response(500, "internal-error", "Internal error",
                            f"The server could not answer this request (incident {incident}); "
                            "the details are in the server's log.", request,
                            fix="Try again; if it persists, report the incident id.",
                            incident=incident)


def install(app: FastAPI) -> None:
    """Register the handlers: library errors, invalid parameters, HTTP errors, the rest."""
    app.add_exception_handler(DefdipError, _defdip_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
