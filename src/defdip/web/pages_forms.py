"""The record's web forms: log in, create, edit, delete/restore and approve entered records,
and the admins' audit page — each POST calling the service function the JSON route calls
(:mod:`defdip.service.entries`), so a form is validated exactly as ``record add`` is.

Logging in sets the session cookie of ``/api/v1/auth/login`` and a second, HttpOnly cookie
holding the session's CSRF token, which every page puts in a hidden ``csrf`` field; every POST
is checked against the session (:func:`accounts.check_csrf`) before anything else. Forms are
shown only to users whose role allows the action; the service refuses the rest (403).
Form bodies are read as ``application/x-www-form-urlencoded`` (the browsers' default).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from defdip.errors import (
    DefdipError,
    InvalidArgument,
    InvalidRecord,
    RecordExists,
    RecordNotFound,
    StaleVersion,
    Unauthenticated,
)
from defdip.service import accounts, entries, oversight
from defdip.service.context import Context
from defdip.store.markings import CLASSIFICATIONS
from defdip.web.records_api import SESSION_COOKIE, cookie_is_secure, record_status
from defdip.web.views import cells, page, query

__all__ = ["CSRF_COOKIE", "build_router", "form_document"]

CSRF_COOKIE = "defdip_csrf"
PAGE = 50
#: what a stored document holds that the author does not write
_META = frozenset(("id", "version", "etag", "status", "deleted", "created_at", "created_by",
                   "updated_at", "updated_by", "approved_at", "approved_by", "deleted_at",
                   "deleted_by", "origin", "key"))


def _lines(text: str) -> list[str]:
    return [p.strip() for p in text.replace(",", "\n").splitlines() if p.strip()]


def form_document(form: dict[str, str], base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A record document (the curated format) from the form's fields, over ``base`` (the
    record being edited, so fields the form does not show are kept). Nothing is checked
    here: the service validates the document as ``record add`` does."""
    document = {k: v for k, v in (base or {}).items() if k not in _META}
    for field in ("kind", "name", "start", "end", "location", "classification", "notes"):
        document[field] = form.get(field, "").strip() or None
    actors = []
    for line in _lines(form.get("actors", "")):
        country, _, role = line.partition(":")
        actors.append({"country": country.strip(), "role": role.strip()})
    document["actors"] = actors
    source = dict(document.get("source") or {})
    source.update(citation=form.get("citation", "").strip() or None,
                  url=form.get("url", "").strip() or None)
    document["source"] = {k: v for k, v in source.items() if v is not None}
    released = _lines(form.get("releasable_to", ""))
    document["releasable_to"] = released or None
    return {k: v for k, v in document.items() if v is not None}


def _fields(document: dict[str, Any] | None) -> dict[str, str]:
    """What the form's inputs show for a document."""
    doc = document or {}
    source = doc.get("source") or {}
    return {"kind": doc.get("kind") or "", "name": doc.get("name") or "",
            "start": doc.get("start") or "", "end": doc.get("end") or "",
            "location": doc.get("location") or "", "notes": doc.get("notes") or "",
            "classification": doc.get("classification") or "PUBLIC",
            "actors": "\n".join(f"{a['country']}:{a['role']}" for a in doc.get("actors") or []),
            "citation": source.get("citation") or "", "url": source.get("url") or "",
            "releasable_to": ", ".join(doc.get("releasable_to") or [])}


def build_router(context: Callable[[], Context], *, secure_cookie: bool | None = None
                 ) -> APIRouter:
    """The form pages, over the contexts ``context()`` makes (one per request)."""
    router = APIRouter(include_in_schema=False)

    def asker(request: Request) -> Context:
        """The request's context with its signed-in user (anonymous without a session)."""
        ctx = context()
        session = request.cookies.get(SESSION_COOKIE)
        return ctx.as_user(accounts.principal_for_session(ctx, session)) if session else ctx

    async def posted(request: Request) -> tuple[Context, dict[str, str]]:
        """The form's fields, after the CSRF check: a POST needs a session and its token."""
        body = (await request.body()).decode("utf-8", errors="replace")
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        session = request.cookies.get(SESSION_COOKIE)
        if not session:
            raise Unauthenticated("Log in first (/login): changing the record needs a session.")
        ctx = context()
        accounts.check_csrf(ctx, session, form.get("csrf"))
        return ctx.as_user(accounts.principal_for_session(ctx, session)), form

    def show(request: Request, template: str, status: int = 200, **extra: Any) -> Response:
        return page(request, template, status=status, csrf=request.cookies.get(CSRF_COOKIE, ""),
                    **extra)

    def refused(request: Request, exc: DefdipError) -> Response:
        status, title = record_status(exc)
        return show(request, "error.html", status=status,
                    problem={"title": title, "status": status, "detail": str(exc)})

    def roles(ctx: Context, countries: list[str] | None) -> dict[str, bool]:
        who = ctx.user
        return {r: who is not None and who.has_role(r, countries)
                for r in ("editor", "approver", "admin")}

    @router.get("/login")
    def login_page(request: Request) -> Response:
        return show(request, "login.html", user_name="", error=None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        body = (await request.body()).decode("utf-8", errors="replace")
        form = {k: v[-1] for k, v in parse_qs(body, keep_blank_values=True).items()}
        name = form.get("name", "").strip()
        try:
            session = accounts.login(context(), name, form.get("password", ""))
        except DefdipError as exc:
            return show(request, "login.html", status=record_status(exc)[0], user_name=name,
                        error=str(exc))
        response = RedirectResponse("/entries", status_code=303)
        for key, value in ((SESSION_COOKIE, session.token), (CSRF_COOKIE, session.csrf)):
            response.set_cookie(key, value, httponly=True, samesite="strict",
                                secure=cookie_is_secure(request, secure_cookie),
                                expires=session.expires_at)
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        try:
            ctx, _form = await posted(request)
            accounts.logout(ctx, request.cookies[SESSION_COOKIE])
        except DefdipError as exc:
            return refused(request, exc)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        response.delete_cookie(CSRF_COOKIE)
        return response

    @router.get("/entries")
    def entries_page(request: Request) -> Response:
        try:
            ctx = asker(request)
            rows = entries.workflow(ctx, status=None, include_deleted=True).data()
        except DefdipError as exc:
            return refused(request, exc)
        return show(request, "entries.html", rows=rows, user=ctx.user,
                    may=roles(ctx, None) | {"enter": ctx.user is not None and any(
                        g.role != "viewer" for g in ctx.user.grants)})

    @router.get("/entries/new")
    def new_page(request: Request) -> Response:
        try:
            ctx = asker(request)
            if ctx.user is None:
                raise Unauthenticated("Log in first (/login) to enter a record.")
        except DefdipError as exc:
            return refused(request, exc)
        return show(request, "entry_form.html", action="/entries/new", values=_fields(None),
                    errors=[], title="Enter a record", classifications=CLASSIFICATIONS)

    @router.post("/entries/new")
    async def create(request: Request) -> Response:
        try:
            ctx, form = await posted(request)
        except DefdipError as exc:
            return refused(request, exc)
        try:
            made = entries.create_record(ctx, form_document(form))
        except (InvalidRecord, InvalidArgument, RecordExists) as exc:
            return show(request, "entry_form.html", status=record_status(exc)[0],
                        action="/entries/new", values=form, title="Enter a record",
                        errors=getattr(exc, "problems", None) or [str(exc)],
                        classifications=CLASSIFICATIONS)
        except DefdipError as exc:
            return refused(request, exc)
        return RedirectResponse(f"/entries/{made.document['id']}", status_code=303)

    def entry_view(request: Request, ctx: Context, document: dict[str, Any], *,
                   status: int = 200, values: dict[str, str] | None = None,
                   errors: list[str] | None = None, stale: str | None = None) -> Response:
        countries = [a["country"] for a in document.get("actors") or []]
        may = roles(ctx, countries)
        return show(request, "entry.html", status=status, d=document, may=may,
                    values=values or _fields(document), errors=errors or [], stale=stale,
                    classifications=CLASSIFICATIONS, title=document.get("name") or
                    f"{document.get('kind')} {document['id']}")

    @router.get("/entries/{record_id}")
    def entry_page(request: Request, record_id: str) -> Response:
        try:
            ctx = asker(request)
            return entry_view(request, ctx, entries.get_record(ctx, record_id).document)
        except DefdipError as exc:
            return refused(request, exc)

    @router.post("/entries/{record_id}/{action}")
    async def change(request: Request, record_id: str, action: str) -> Response:
        try:
            ctx, form = await posted(request)
            if action not in ("edit", "delete", "restore", "approve"):
                raise RecordNotFound(f"{record_id}/{action}")
            version = form.get("version", "")
            if action == "edit":
                base = entries.get_record(ctx, record_id).document
                try:
                    entries.update_record(ctx, record_id, form_document(form, base), version)
                except (InvalidRecord, InvalidArgument) as exc:
                    return entry_view(request, ctx, base, status=record_status(exc)[0], values=form,
                                      errors=getattr(exc, "problems", None) or [str(exc)])
            else:
                call = getattr(entries, f"{action}_record")
                call(ctx, record_id, version)
        except StaleVersion as exc:
            current = entries.document_of(exc.current)
            return entry_view(request, ctx, current, status=412, stale=str(exc),
                              values=form if action == "edit" else None)
        except DefdipError as exc:
            return refused(request, exc)
        return RedirectResponse(f"/entries/{record_id}", status_code=303)

    @router.get("/audit")
    def audit_page(request: Request, user: str = "", record: str = "", start: str = "",
                   end: str = "", desk: str = "*", page_no: int = 1) -> Response:
        try:
            ctx = asker(request)
            accounts.require(ctx.principal(), "admin")
            first = _day(start, "start")
            since = datetime.combine(first, datetime.min.time(), UTC) if first else None
            until = _day(end, "end")
            wanted = PAGE * max(page_no, 1) + 1
            log = oversight.audit_log(ctx, user=user.strip() or None,
                                      record_id=record.strip() or None, since=since,
                                      limit=10_000 if until else min(wanted, 10_000)).table
            if until is not None:
                log = log[log["at"].dt.date <= until]
            log = log.iloc[PAGE * (max(page_no, 1) - 1):wanted]
            desks = [d["name"] for d in ctx.record_store().desks()]
            done = oversight.desk_completeness(ctx, desk).document
        except DefdipError as exc:
            return refused(request, exc)
        shown = log.head(PAGE).drop(columns=["before", "after", "user_id"])
        f = {"user": user, "record": record, "start": start, "end": end, "desk": desk}
        number = max(page_no, 1)
        prev_url = f"/audit?{query(**f, page_no=number - 1)}" if number > 1 else None
        next_url = f"/audit?{query(**f, page_no=number + 1)}" if len(log) > PAGE else None
        return show(request, "audit.html", f=f, log=cells(shown.to_dict("records")),
                    page_no=number, prev_url=prev_url, next_url=next_url, desks=desks,
                    done=done, by_kind=cells(done["by_kind"]),  # type: ignore[index]
                    late=cells(done["entered_late"]))  # type: ignore[index]

    return router


def _day(text: str, field: str) -> date | None:
    """A date filter of the audit page (YYYY-MM-DD) or None; a bad one names the field."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidArgument(f"{field} {text!r} is not a date: write YYYY-MM-DD."
                              ) from None

