"""The application factory: ``/api/v1``, the pages, local static assets, errors, caching."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi

from defdip import __version__
from defdip.web import problems
from defdip.web.caching import VintageMiddleware

__all__ = ["API", "create_app"]

API = "/api/v1"
DESCRIPTION = """Defence-diplomacy records, arms transfers, alignment, panels and country
briefs from public data (SIPRI, COW, ATOP, UNGA votes, MME, IPI, Lowy …), over one store.

Conventions:

* filters are query parameters, validated: a bad one gets a 400 problem document
  (`application/problem+json`) naming the `parameter` and the `fix`;
* lists of records come in keyset pages: follow `links.next`; `total=true` counts them all;
* every response carries the data vintage (`vintage`, header `X-Defdip-Vintage`) and an
  `ETag`; send it back as `If-None-Match` to get 304 while the data are unchanged;
* tables download as CSV with `format=csv`; panels stream as CSV, Parquet or JSON;
* a value outside what a source covers is `null` (unknown), never 0.
"""


def api_router() -> APIRouter:
    from defdip.web import api_analysis, api_arms, api_brief, api_catalog, api_panels, api_record

    router = APIRouter(prefix=API)
    for module in (api_catalog, api_record, api_arms, api_analysis, api_panels, api_brief):
        router.include_router(module.router)
    return router


def _threads(count: int) -> Any:
    """Computations (a cache miss) run in worker threads; past a few per core they only
    fight over the GIL with the event loop that serves cached answers, so their number is
    bounded (``$DEFDIP_WEB_THREADS``, default 4): misses queue, hits stay fast."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        import anyio.to_thread

        anyio.to_thread.current_default_thread_limiter().total_tokens = count
        yield

    return lifespan


def create_app(store: Path | str | None = None, *, cache_bytes: int | None = None
               ) -> FastAPI:
    """The web application over the store at ``store`` (default: ``$DEFDIP_STORE``, else
    ``$DEFDIP_HOME/defdip.duckdb``), read-only. ``cache_bytes`` bounds the response cache
    (default 128 MB, or ``$DEFDIP_WEB_CACHE_MB``)."""
    from defdip.service.context import Context
    from defdip.web import pages_forms
    from defdip.web.pages import install_pages
    from defdip.web.records_api import build_router

    chosen = store if store is not None else os.environ.get("DEFDIP_STORE") or None
    app = FastAPI(title="defdip", version=__version__, description=DESCRIPTION,
                  openapi_url=f"{API}/openapi.json", docs_url=f"{API}/docs", redoc_url=None,
                  lifespan=_threads(int(os.environ.get("DEFDIP_WEB_THREADS", "4"))))
    app.state.store = chosen
    problems.install(app)
    app.include_router(api_router())
    app.include_router(build_router(lambda: Context(store=chosen)))  # the record's writes
    app.include_router(pages_forms.build_router(lambda: Context(store=chosen)))  # forms
    install_pages(app)
    size = cache_bytes if cache_bytes is not None else \
        int(os.environ.get("DEFDIP_WEB_CACHE_MB", "128")) << 20
    app.add_middleware(VintageMiddleware, max_bytes=size)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the problem schema every error response refers to."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes)  # the pages are include_in_schema=False
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = problems.Problem.model_json_schema(
        ref_template="#/components/schemas/{model}")
    for name, sub in components["Problem"].pop("$defs", {}).items():
        components[name] = sub
    for path in schema["paths"].values():
        for operation in path.values():
            operation["responses"].pop("422", None)  # invalid parameters are 400 problems
    app.openapi_schema = schema
    return schema
