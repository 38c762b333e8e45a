"""What every route gets: the service context (with the asking user) and shared parameters.

:func:`current_user` is where authentication goes (the multi-user record): it returns None
now — the public record — and whatever it returns later is put in the :class:`Context`, so
every service call below sees the user and filters by what they may see.
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
    """The authenticated user of the request; None (anonymous) until logins exist."""
    return None


def get_context(request: Request, user: Any = Depends(current_user)) -> Context:
    return Context(store=request.app.state.store, user=user, pooled=True)


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
