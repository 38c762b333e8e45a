"""Read-only store connections kept open between calls, one per thread, for servers.

Opening the DuckDB store costs ~0.1 s, so a server keeps each worker thread's read-only
connection while the store file is the same version. A load swaps a new file in
(``store.session.writing``), and here is the catch: DuckDB shares one database per file path
within a process, so while *any* connection to the old file is open, opening the path again
returns the old data. So the switch to a new version is a gate: a call that finds a new file
waits until the calls still reading the old version finish (they finish on the data they
started with), then every connection to the old version is closed and the new one opened.
A call nested in another on the same thread reuses that call's connection (and so the
version that call started with); ``Store.pool_signature`` says which version that is.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from defdip.errors import NoStore
from defdip.store.core import Store

__all__ = ["WAIT", "open_connections", "pooled"]

Signature = tuple[int, int, int]
#: Seconds a call waits for readers of the old version before opening the new one anyway
#: (a bound, not a schedule: readers normally finish within seconds).
WAIT = 60.0
log = logging.getLogger("defdip.store")


@dataclass
class _Entry:
    store: Store
    signature: Signature


@dataclass
class _Version:
    signature: Signature
    busy: int = 0  # threads inside a call on this version
    entries: list[_Entry] = field(default_factory=list)


_cond = threading.Condition()
_versions: dict[str, _Version] = {}
_local = threading.local()


def _signature(path: Path) -> Signature:
    try:
        info = os.stat(path)
    except OSError:
        raise NoStore(path) from None
    return (info.st_ino, info.st_size, info.st_mtime_ns)


def _enter(key: str, path: Path) -> _Entry:
    """Join the current version (switching to it when the file changed); return this
    thread's connection to it, opened."""
    mine: dict[str, _Entry] = _local.__dict__.setdefault("entries", {})
    current = _signature(path)
    with _cond:
        version = _versions.setdefault(key, _Version(current))
        deadline = time.monotonic() + WAIT
        while version.signature != current and version.busy > 0:
            if time.monotonic() > deadline:
                log.warning("readers of the old store version still busy after %.0f s; "
                            "opening the new version beside them", WAIT)
                break
            _cond.wait(0.05)
            current = _signature(path)
        if version.signature != current:  # nobody reads the old version any more
            for entry in version.entries:
                entry.store.close()
            version.entries.clear()
            version.signature = current
        version.busy += 1
        try:
            entry = mine.get(key)
            if entry is None or entry.signature != current:
                if entry is not None:
                    entry.store.close()
                entry = _Entry(Store(path, read_only=True), current)
                entry.store.pool_signature = current  # type: ignore[attr-defined]
                mine[key] = entry
                version.entries.append(entry)
            entry.store.con  # noqa: B018  (connect now, to this version)
        except BaseException:
            version.busy -= 1
            _cond.notify_all()
            raise
    return entry


def _leave(key: str) -> None:
    with _cond:
        _versions[key].busy -= 1
        _cond.notify_all()


@contextmanager
def pooled(path: Path) -> Iterator[Store]:
    """This thread's read-only connection to the current version of the store at ``path``."""
    key = str(path)
    depth: dict[str, int] = _local.__dict__.setdefault("depth", {})
    if depth.get(key, 0) > 0:  # nested in a call on this thread: the same connection
        depth[key] += 1
        try:
            yield _local.entries[key].store
        finally:
            depth[key] -= 1
        return
    entry = _enter(key, path)
    depth[key] = 1
    try:
        yield entry.store
    finally:
        depth[key] = 0
        _leave(key)


def open_connections(path: Path) -> int:
    """How many pooled connections to ``path`` are open (for tests and the benchmark)."""
    with _cond:
        version = _versions.get(str(path))
        return 0 if version is None else sum(
            1 for e in version.entries if e.store._con is not None)
