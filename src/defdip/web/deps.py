"""What every route gets: the service context (with the asking user) and shared parameters.

:func:`current_user` authenticates the request in the multi-user mode
(``$DEFDIP_DATABASE_URL``): an API token (``Authorization: Bearer ddp_…``) or the session
cookie that ``POST /api/v1/auth/login`` sets. The user is put in the :class:`Context`, so every
service call below reads only what they may see (the anonymous reader — PUBLIC, released to
ALL — when nobody signed in). In the embedded mode there are no accounts: None.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from defdip.errors import InvalidArgument
from defdip.service.context import Context

__all__ = ["ContextDep", "FromYear", "ToYear", "check_years", "current_user", "get_context",
           "naming", "resolved"]


def current_user(request: Request) -> Any:
    """The authenticated user of the request (a ``Principal``), or None: anonymous, or the
    embedded mode. A wrong or expired token or session is refused (401), never read as
    anonymous."""
    ctx = Context(store=request.app.state.store)
    if not ctx.multi_user:
        return None
    from defdip.service import accounts
    from defdip.web.records_api import SESSION_COOKIE

    authorization = request.headers.get("authorization") or ""
    if authorization.lower().startswith("bearer "):
        return accounts.principal_for_token(ctx, authorization[7:].strip())
    session = request.cookies.get(SESSION_COOKIE)
    return accounts.principal_for_session(ctx, session) if session else None


def get_context(request: Request, user: Any = Depends(current_user)) -> Context:
    """The request's context. Without accounts (the embedded mode) nobody signs in, so a
    server reads as the anonymous reader whenever the file holds a record the rule hides
    from it (entered RESTRICTED records, say): a server never publishes what the file's
    owner marked. Without such records the reads stay unscoped — the same answers, pooled."""
    ctx = Context(store=request.app.state.store, user=user, pooled=True)
    if user is None and not ctx.multi_user and _hides_records(ctx):
        from defdip.store.markings import ANONYMOUS

        return ctx.as_user(ANONYMOUS)
    return ctx


def _hides_records(ctx: Context) -> bool:
    from defdip.service.cache import memo

    def compute() -> bool:
        from defdip.store.markings import ANONYMOUS
        from defdip.store.scope import hides_records

        with ctx.reading() as store:
            return hides_records(store, ANONYMOUS)

    return bool(memo(ctx, "hides_records", "", compute))


ContextDep = Annotated[Context, Depends(get_context)]

YEAR = {"ge": 1816, "le": 2100}
FromYear = Annotated[int, Query(alias="from", description="First year.", **YEAR)]
ToYear = Annotated[int, Query(alias="to", description="Last year.", **YEAR)]


def check_years(start: int | None, end: int | None) -> None:
    """A reversed range is the client's mistake: say so, naming ``from``."""
    if start is not None and end is not None and start > end:
        error = InvalidArgument(f"from {start!r} is after to {end!r}: give the earlier year "
                                "first (e.g. from=2015&to=2024).")
        error.parameter = "from"  # type: ignore[attr-defined]
        raise error


def resolved(ctx: Context, value: str, parameter: str = "country") -> dict[str, Any]:
    """A country parameter resolved by the service (``service.records.resolve_country``);
    an unknown one raises :class:`UnknownCountry` naming ``parameter``."""
    from defdip.errors import DefdipError
    from defdip.service.records import resolve_country

    try:
        return resolve_country(ctx, value, parameter)
    except DefdipError as error:
        error.parameter = parameter  # type: ignore[attr-defined]
        raise


@contextmanager
def naming(parameter: str) -> Iterator[None]:
    """Library errors raised inside the block are about ``parameter`` (for the problem)."""
    from defdip.errors import DefdipError

    try:
        yield
    except DefdipError as error:
        if not getattr(error, "parameter", None):
            error.parameter = parameter  # type: ignore[attr-defined]
        raise
