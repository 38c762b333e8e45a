"""REST routes of the multi-user record, for the web app to mount (FastAPI).

    from defdip.web.records_api import build_router
    app.include_router(build_router(lambda: Context()))

Routes parse, call :mod:`defdip.service` and render; who may see or change what is decided
below them (the service, and PostgreSQL's row-level security). A request is made by:

- ``Authorization: Bearer ddp_…`` — an API token; or
- the ``defdip_session`` cookie set by ``POST /auth/login`` — then every request that
  changes something must carry the session's CSRF token in ``X-CSRF-Token``; or
- nobody: the anonymous reader (PUBLIC records released to ALL).

Writes take ``If-Match`` with the ETag the client read: a stale one gets **412** with the
record as it is now (body and ``ETag``), a missing one **428**.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from defdip.errors import (
    DefdipError,
    Forbidden,
    InvalidArgument,
    InvalidRecord,
    RecordExists,
    RecordNotFound,
    StaleVersion,
    Unauthenticated,
)
from defdip.plain import plain
from defdip.service import accounts, entries, oversight
from defdip.service.context import Context
from defdip.service.preload import preload
from defdip.service.records import MAX_PAGE, record_page

__all__ = ["RECORD_ERRORS", "SESSION_COOKIE", "build_router", "cookie_is_secure",
           "record_status"]

SESSION_COOKIE = "defdip_session"
_SAFE = ("GET", "HEAD", "OPTIONS")
#: The record's errors as HTTP: status and the title a page shows (the first class that
#: matches; the JSON routes and the forms both answer by it).
RECORD_ERRORS: tuple[tuple[type[Exception], int, str], ...] = (
    (Unauthenticated, 401, "Not signed in"), (Forbidden, 403, "Not allowed"),
    (RecordNotFound, 404, "Not found"), (StaleVersion, 412, "Changed since you read it"),
    (RecordExists, 409, "Already recorded"), (InvalidRecord, 422, "Invalid record"),
    (InvalidArgument, 422, "Invalid value"), (DefdipError, 409, "Not done"))


def record_status(exc: Exception) -> tuple[int, str]:
    """The HTTP status and page title of one of the record's errors."""
    return next((code, title) for kind, code, title in RECORD_ERRORS if isinstance(exc, kind))


def cookie_is_secure(request: Request, secure: bool | None) -> bool:
    """Whether a session cookie is sent with ``Secure``: as configured, or (``None``, the
    default) as the request came — over https (directly, or through a proxy uvicorn trusts
    with ``--proxy-headers``), so a user of ``defdip serve`` on http://localhost can still
    sign in."""
    return request.url.scheme == "https" if secure is None else secure


def _json(value: Any) -> Any:
    """JSON-ready values (timestamps as ISO text)."""
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return plain(value)


def _error(exc: Exception) -> JSONResponse:
    status = record_status(exc)[0]
    body: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)}
    headers = {}
    if isinstance(exc, StaleVersion):
        body["current"] = _json(entries.document_of(exc.current))
        headers["ETag"] = entries.etag_of(exc.current)
    if isinstance(exc, InvalidRecord):
        body["problems"] = exc.problems
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body, status_code=status, headers=headers)


async def _run(call: Callable[[], Any]) -> Any:
    """Run a blocking service call off the event loop; defdip errors become responses."""
    try:
        return await run_in_threadpool(call)
    except DefdipError as exc:
        return _error(exc)


def _controls(request: Request) -> JSONResponse | None:
    """422 for a query value with control characters (NUL …), which no name or code has."""
    for key, value in request.query_params.multi_items():
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            return JSONResponse({"error": "InvalidArgument", "detail": f"Query parameter "
                                 f"{key!r} holds a control character; send plain text."},
                                status_code=422)
    return None


def _document(result: Any, status: int = 200) -> Response:
    if isinstance(result, Response):
        return result
    document = _json(result.document)
    return JSONResponse(document, status_code=status, headers={"ETag": document["etag"]})


def build_router(context: Callable[[], Context], *, prefix: str = "/api/v1",
                 secure_cookie: bool | None = None) -> APIRouter:
    """The routes, reading and writing through the contexts ``context()`` makes (one per
    request; ``Context()`` reads ``$DEFDIP_DATABASE_URL``). What the service imports on first
    use is imported here, before any request (``service.preload``: two requests importing a
    package at once can fail); every app — ``web.app.create_app`` too — builds these routes."""
    preload()
    router = APIRouter(prefix=prefix, tags=["record"])

    def asker(request: Request, authorization: str | None = Header(None),
              x_csrf_token: str | None = Header(None)) -> Context | JSONResponse:
        refused = _controls(request)
        if refused is not None:
            return refused
        ctx = context()
        try:
            if authorization and authorization.lower().startswith("bearer "):
                return ctx.as_user(accounts.principal_for_token(ctx, authorization[7:].strip()))
            session = request.cookies.get(SESSION_COOKIE)
            if session:
                if request.method not in _SAFE:
                    accounts.check_csrf(ctx, session, x_csrf_token)
                return ctx.as_user(accounts.principal_for_session(ctx, session))
        except DefdipError as exc:
            return _error(exc)
        return ctx

    Asker = Depends(asker)
    Year = Query(None, ge=1000, le=2999)  # a year: the range the record holds

    @router.post("/auth/login")
    async def login(request: Request, response: Response, name: str = Body(...),
                    password: str = Body(...)) -> Any:
        """Log in: sets the session cookie and returns the CSRF token to send back."""
        session = await _run(lambda: accounts.login(context(), name, password))
        if isinstance(session, Response):
            return session
        response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict",
                            secure=cookie_is_secure(request, secure_cookie),
                            expires=session.expires_at)
        return {"csrf": session.csrf, "user": session.principal.name,
                "expires_at": session.expires_at.isoformat()}

    @router.post("/auth/logout")
    async def logout(request: Request, ctx: Any = Asker) -> Any:
        if isinstance(ctx, Response):
            return ctx
        token = request.cookies.get(SESSION_COOKIE)
        if token:
            await _run(lambda: accounts.logout(ctx, token))
        response = JSONResponse({"logged_out": True})
        response.delete_cookie(SESSION_COOKIE)
        return response

    @router.get("/entries")
    async def list_records(request: Request, ctx: Any = Asker, country: str | None = None,
                           partner: str | None = None, kind: str | None = None,
                           year_from: int | None = Year, year_to: int | None = Year,
                           limit: int = Query(100, ge=1, le=MAX_PAGE),
                           after: str | None = Query(None, max_length=1000)) -> Any:
        """Approved records the asker may see, active in the years, ``limit`` at a time in
        the order ``record list`` gives them; a ``Link: <…>; rel="next"`` header names the
        next page (a fuller page of a hundred thousand records took seconds to send)."""
        if isinstance(ctx, Response):
            return ctx

        def page() -> Any:
            found = record_page(ctx, country=country, partner=partner,
                                kind=[kind] if kind else (), year_from=year_from,
                                year_to=year_to, after=after, limit=limit)
            ctx.log("read", "records.record_page", {
                "country": country, "partner": partner, "kind": kind, "from": year_from,
                "to": year_to, "after": after, "records": len(found.table)})
            return found

        result = await _run(page)
        if isinstance(result, Response):
            return result
        headers = {"ETag": f'W/"{result.vintage}"'}
        cursor = result.document["next"]
        if cursor:
            headers["Link"] = f'<{request.url.include_query_params(after=cursor)}>; rel="next"'
        return JSONResponse(_json(result.data()), headers=headers)

    @router.get("/entries/suggest")
    async def suggest(q: str, ctx: Any = Asker) -> Any:
        if isinstance(ctx, Response):
            return ctx
        result = await _run(lambda: oversight.suggest(ctx, q))
        return result if isinstance(result, Response) else _json(result.data())

    @router.get("/entries/drafts")
    async def drafts(ctx: Any = Asker) -> Any:
        if isinstance(ctx, Response):
            return ctx
        result = await _run(lambda: entries.workflow(ctx))
        return result if isinstance(result, Response) else _json(result.data())

    @router.get("/entries/{record_id}")
    async def get_record(record_id: str, ctx: Any = Asker, as_of: datetime | None = None
                         ) -> Any:
        if isinstance(ctx, Response):
            return ctx
        if as_of is not None:
            return _document(await _run(lambda: entries.record_as_of(ctx, record_id, as_of)))
        return _document(await _run(lambda: entries.get_record(ctx, record_id)))

    @router.get("/entries/{record_id}/history")
    async def history(record_id: str, ctx: Any = Asker) -> Any:
        if isinstance(ctx, Response):
            return ctx
        result = await _run(lambda: entries.record_history(ctx, record_id))
        return result if isinstance(result, Response) else _json(result.document)

    @router.post("/entries", status_code=201)
    async def create(document: dict[str, Any] = Body(...), ctx: Any = Asker) -> Any:
        if isinstance(ctx, Response):
            return ctx
        result = await _run(lambda: entries.create_record(ctx, document))
        if isinstance(result, Response):
            return result
        response = _document(result, 201)
        response.headers["Location"] = f"{prefix}/entries/{result.document['id']}"
        return response

    def _if_match(if_match: str | None) -> JSONResponse | None:
        if if_match:
            return None
        return JSONResponse({"error": "PreconditionRequired", "detail": "Send If-Match with "
                             "the ETag you read, so a write never overwrites one you have not "
                             "seen."}, status_code=428)

    @router.put("/entries/{record_id}")
    async def update(record_id: str, document: dict[str, Any] = Body(...), ctx: Any = Asker,
                     if_match: str | None = Header(None)) -> Any:
        if isinstance(ctx, Response):
            return ctx
        return _if_match(if_match) or _document(await _run(
            lambda: entries.update_record(ctx, record_id, document, if_match)))

    @router.delete("/entries/{record_id}")
    async def delete(record_id: str, ctx: Any = Asker, if_match: str | None = Header(None)
                     ) -> Any:
        if isinstance(ctx, Response):
            return ctx
        return _if_match(if_match) or _document(await _run(
            lambda: entries.delete_record(ctx, record_id, if_match)))

    @router.post("/entries/{record_id}/{action}")
    async def transition(record_id: str, action: str, ctx: Any = Asker,
                         if_match: str | None = Header(None)) -> Any:
        """``restore`` a deleted record or ``approve`` a draft."""
        if isinstance(ctx, Response):
            return ctx
        if action not in ("restore", "approve"):
            return JSONResponse({"error": "NotFound", "detail": f"No action {action!r}: use "
                                 "restore or approve."}, status_code=404)
        call = entries.restore_record if action == "restore" else entries.approve_record
        return _if_match(if_match) or _document(await _run(
            lambda: call(ctx, record_id, if_match)))

    @router.get("/audit")
    async def audit(ctx: Any = Asker, record_id: str | None = None, user: str | None = None,
                    action: str | None = None, limit: int = Query(200, ge=1, le=10_000)
                    ) -> Any:
        """The audit log (admins on '*')."""
        if isinstance(ctx, Response):
            return ctx
        result = await _run(lambda: oversight.audit_log(ctx, record_id=record_id, user=user,
                                                        action=action, limit=limit))
        return result if isinstance(result, Response) else _json(result.data())

    @router.get("/desks/{desk}/completeness")
    async def completeness(desk: str, ctx: Any = Asker,
                           late_days: int = Query(90, ge=0, le=36_500)) -> Any:
        if isinstance(ctx, Response):
            return ctx
        result = await _run(lambda: oversight.desk_completeness(ctx, desk,
                                                                late_days=late_days))
        return result if isinstance(result, Response) else _json(result.document)

    return router
