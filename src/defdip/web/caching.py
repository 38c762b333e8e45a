"""The data vintage on every response, ETags from it, and whole responses cached by
(request, vintage): a repeated question is answered without touching the store.

A pure ASGI middleware (no per-request task or thread): one ``stat`` of the store file tells
whether the vintage is still the one read before (``service.cache.known_vintage``); only after
a load does it open the store, once, in a worker thread. The ETag of a GET is a digest of
(vintage, path, query, credentials), so ``If-None-Match`` is answered with 304 before any
route runs, and a new load changes every ETag: no client or cache serves a stale figure. With
the record in PostgreSQL (``$DEFDIP_DATABASE_URL``) nothing is cached here: a write there
does not change the store file.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio

from defdip.service.cache import known_vintage, vintage
from defdip.service.context import Context

__all__ = ["ResponseCache", "VintageMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Request headers that identify who asks: responses are cached per credential.
CREDENTIALS = (b"authorization", b"cookie")


class ResponseCache:
    """Least-recently-used finished responses, bounded in bytes (memory stays flat)."""

    def __init__(self, max_bytes: int, max_item: int) -> None:
        self.max_bytes, self.max_item = max_bytes, max_item
        self._items: OrderedDict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = \
            OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        with self._lock:
            found = self._items.get(key)
            if found is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found

    def put(self, key: bytes, status: int, headers: list[tuple[bytes, bytes]], body: bytes
            ) -> None:
        if len(body) > self.max_item:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (status, headers, body)
            self._size += len(body) + 512
            while self._size > self.max_bytes and self._items:
                _, (_, _, old) = self._items.popitem(last=False)
                self._size -= len(old) + 512

    @property
    def size(self) -> int:
        return self._size


class VintageMiddleware:
    """Adds ``X-Defdip-Vintage`` to every response; ETag/304 and the response cache for
    successful GETs (a route opts out with ``Cache-Control: no-store``)."""

    def __init__(self, app: ASGIApp, max_bytes: int = 128 << 20, max_item: int = 8 << 20
                 ) -> None:
        self.app = app
        self.cache = ResponseCache(max_bytes, max_item)

    async def _vintage(self, scope: Scope) -> str:
        ctx = Context(scope["app"].state.store)  # the store the app serves (app.state)
        found = known_vintage(ctx)
        if found is None:
            found = await anyio.to_thread.run_sync(vintage, ctx)
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        current = await self._vintage(scope)
        scope["defdip.vintage"] = current
        stamp = (b"x-defdip-vintage", current.encode())
        # in the multi-user mode the entered record changes in PostgreSQL, not in the store
        # file whose vintage keys the cache: nothing is cached or answered 304 here
        if scope["method"] not in ("GET", "HEAD") or scope["path"].startswith("/static/") \
                or Context(scope["app"].state.store).multi_user:
            await self.app(scope, receive, _stamped(send, [stamp]))
            return
        headers = dict(scope["headers"])
        who = b"|".join(headers.get(h, b"") for h in CREDENTIALS)
        key = b"\0".join([current.encode(), scope["path"].encode(), scope["query_string"],
                          who])
        etag = b'W/"' + current.encode() + b"-" + hashlib.sha1(key).hexdigest()[:16].encode() \
            + b'"'
        if etag in [t.strip() for t in headers.get(b"if-none-match", b"").split(b",")]:
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(b"etag", etag), stamp]})
            await send({"type": "http.response.body", "body": b""})
            return
        cached = self.cache.get(key)
        if cached is not None:
            status, kept, body = cached
            await send({"type": "http.response.start", "status": status, "headers": kept})
            await send({"type": "http.response.body",
                        "body": b"" if scope["method"] == "HEAD" else body})
            return
        if scope["method"] == "HEAD":  # a HEAD's empty body must never be cached
            await self.app(scope, receive, _stamped(send, [stamp, (b"etag", etag)]))
            return
        await self.app(scope, receive, _recording(send, key, etag, stamp, self.cache))


def _stamped(send: Send, extra: list[tuple[bytes, bytes]]) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)
    return wrapped


def _recording(send: Send, key: bytes, etag: bytes, stamp: tuple[bytes, bytes],
               cache: ResponseCache) -> Send:
    """Pass the response through; a 200 that allows storing gets an ETag and, once its body
    is complete, goes into the cache."""
    state: dict[str, Any] = {"keep": False, "parts": []}

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            control = b" ".join(v for k, v in headers if k.lower() == b"cache-control")
            ok = message["status"] == 200 and b"no-store" not in control
            if ok:
                headers.append((b"etag", etag))
                if not control:
                    headers.append((b"cache-control", b"no-cache"))
            headers.append(stamp)
            state.update(keep=ok, status=message["status"], headers=headers, size=0)
            message = {**message, "headers": headers}
        elif message["type"] == "http.response.body" and state["keep"]:
            body = message.get("body", b"")
            state["size"] += len(body)
            if state["size"] > cache.max_item:
                state.update(keep=False, parts=[])
            else:
                state["parts"].append(body)
                if not message.get("more_body", False):
                    cache.put(key, state["status"], state["headers"],
                              b"".join(state["parts"]))
        await send(message)
    return wrapped
