"""Results cached by (question, data vintage): a long-running face asks the store once.

The vintage of a store file is read once per file version: a load swaps a new file in
(``store.session.writing`` renames it over the live one), which changes the file's inode,
size or modification time, so :func:`vintage` notices a load with one ``stat`` and never
serves a figure computed from older data. Keys include the context's user, so a result
computed for one user is never handed to another.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

from defdip.service.context import Context

if TYPE_CHECKING:
    from defdip.countries import Vocabulary

__all__ = ["Memo", "known_vintage", "memo", "vintage", "vocabulary"]

T = TypeVar("T")

_lock = threading.Lock()
_vintages: dict[tuple[str, int, int, int], str] = {}
_vocabularies: dict[str, Vocabulary] = {}


def _signature(ctx: Context) -> tuple[str, int, int, int] | None:
    try:
        info = os.stat(ctx.path)
    except OSError:
        return None
    return (str(ctx.path), info.st_ino, info.st_size, info.st_mtime_ns)


def known_vintage(ctx: Context) -> str | None:
    """The vintage if this version of the store file was read before (one ``stat``, no
    store opened); None when :func:`vintage` must open the store to read it."""
    key = _signature(ctx)
    return "none" if key is None else _vintages.get(key)


def vintage(ctx: Context) -> str:
    """The store file's data vintage (``Store.vintage`` unscoped), read once per version of
    the file; ``"none"`` when there is no store yet."""
    key = _signature(ctx)
    if key is None:
        return "none"
    found = _vintages.get(key)
    if found is None:  # read through the pool: never from a connection to an older file;
        # the file's own vintage, whoever asks (a reader's scoped view is no file's vintage)
        with Context(ctx.store, pooled=True, database_url=None).reading() as store:
            found = store.vintage()
            used = getattr(store, "pool_signature", key[1:])
        if tuple(used) != key[1:]:
            return found  # a call still on the older version (nested): not this file's
        with _lock:
            for old in [k for k in _vintages if k[0] == key[0]]:
                del _vintages[old]
            _vintages[key] = found
    return found


def vocabulary(ctx: Context) -> Vocabulary:
    """The store's country vocabulary, built once per vintage."""
    current = vintage(ctx)
    found = _vocabularies.get(current)
    if found is None:
        found = ctx.vocabulary()
        with _lock:
            _vocabularies.clear()
            _vocabularies[current] = found
    return found


class Memo:
    """A bounded least-recently-used map of results, thread-safe. Each key is computed by
    one thread at a time (others asking for the same key wait for it, not recompute)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._pending.pop(key, None)
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


_memo = Memo()


def memo(ctx: Context, name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()`` once per (``name``, ``key``, data vintage, user); later calls with the
    same question on the same data get the stored result. In the multi-user mode the entered
    record changes in PostgreSQL without the store file changing, so nothing is kept:
    every call computes."""
    if ctx.multi_user:
        return compute()
    user = getattr(ctx.user, "id", ctx.user)
    return _memo.get((name, key, vintage(ctx), str(ctx.path), user), compute)
