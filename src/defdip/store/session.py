"""Many readers, one writer at a time, and never a reader in a writer's way.

DuckDB lets one process write a file or many processes read it, not both. So a write never
opens the live store: :func:`writing` copies it beside itself (``defdip.duckdb.next``), hands
the copy out for the whole job (loads, the record, the measures — all of it or none), then
checkpoints it and renames it over the live file. A reader that opened the store before the
rename keeps reading the version it opened (the old file stays alive for it); a reader that
opens after sees the new one; neither blocks the other. Writers take an exclusive lock on
``defdip.duckdb.lock``, so two loads run one after the other, not into each other.

:func:`reading` opens the live store read-only and closes it when the block ends; given a
:class:`~defdip.store.scope.Scope`, what it reads of the record is what the scope's principal
may see.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from defdip.errors import DefdipError, NoStore, StoreUnavailable
from defdip.paths import default_store_path, is_store_file
from defdip.store.core import Store
from defdip.store.scope import Scope

__all__ = ["checked_store", "reading", "store_path", "writing"]


def store_path(path: Path | str | None = None) -> Path:
    """The store file a command means: ``path``, else ``$DEFDIP_HOME/defdip.duckdb``."""
    chosen = Path(path).expanduser() if path is not None else default_store_path()
    if chosen.is_dir():
        raise DefdipError(f"The store path {str(chosen)!r} is a folder; give the store file "
                          "(e.g. defdip.duckdb) or set $DEFDIP_HOME to its folder.")
    return chosen


def checked_store(path: Path | str | None = None) -> Path:
    """The store file a reading command may open: it exists and is a DuckDB database (a
    reader never creates an empty store nor opens some other file)."""
    target = store_path(path)
    shown = str(target)
    if not target.exists():
        raise NoStore(target)
    if target.stat().st_size and not is_store_file(target):
        raise StoreUnavailable(f"{shown!r} is not a defdip store (not a DuckDB database). "
                               "Check --store / $DEFDIP_STORE / $DEFDIP_HOME.")
    return target


@contextmanager
def reading(path: Path | str | None = None, *, scope: Scope | None = None) -> Iterator[Store]:
    """The live store, read-only (checked first: :func:`checked_store`); closed when the block
    ends. With a ``scope`` the record is narrowed to what its principal may see
    (``defdip.store.scope``); a scope over a PostgreSQL record with no DuckDB store yet reads
    the entered records alone (an in-memory store)."""
    if scope is not None and scope.record is not None and not store_path(path).is_file():
        store = Store(":memory:", scope=scope)
    else:
        store = Store(checked_store(path), read_only=True, scope=scope)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def writing(path: Path | str | None = None) -> Iterator[Store]:
    """A private copy of the store to write; it replaces the live store only if the block
    finishes. An error (or Ctrl-C) leaves the live store exactly as it was."""
    target = store_path(path)
    _check_writable(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        lock = open(target.with_name(target.name + ".lock"), "a+b")  # noqa: SIM115
    except OSError as exc:
        raise DefdipError(f"Cannot write beside the store at {str(target)!r}: "
                          f"{exc.strerror}. Make the folder writable or point $DEFDIP_HOME "
                          "elsewhere.") from exc
    staged = target.with_name(target.name + ".next")
    store: Store | None = None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _remove(staged)
        if target.exists():
            _copy(target, staged)
            wal = target.with_name(target.name + ".wal")
            if wal.exists():  # a store last written outside a session: keep its log
                _copy(wal, staged.with_name(staged.name + ".wal"))
        store = Store(staged)
        yield store
        store.con.execute("CHECKPOINT")
        store.close()
        _fsync(staged)
        os.replace(staged, target)
        _fsync(target.parent)
    finally:
        if store is not None:
            store.close()
        _remove(staged)
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def _check_writable(target: Path) -> None:
    """A write stages a copy beside the store and swaps it in: the folder must be writable."""
    folder = target.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise StoreUnavailable(
            f"The folder {str(folder)!r} of the store is not writable, and a write stages a copy "
            f"of the store there ({target.name}.next, swapped in when the write is done). Make "
            "the folder writable, or copy the store to one that is and point --store at the "
            "copy.")


def _copy(source: Path, target: Path) -> None:
    try:
        shutil.copyfile(source, target)
    except OSError as exc:
        _remove(target)
        raise DefdipError(f"Cannot stage a copy of the store at {str(target)!r}: "
                          f"{exc.strerror}. A write needs free space for a second copy of the "
                          "store beside it; the store is unchanged.") from exc


def _remove(staged: Path) -> None:
    for leftover in (staged, staged.with_name(staged.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
