"""The service context: which store, read or written how, and the vocabulary that goes with it.

One context serves one face: the CLI makes one per command, the web server one per process.
Reads open the store read-only for the duration of one call; writes go through
:func:`defdip.store.session.writing` (a staged copy swapped in whole).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defdip.store.session import reading, store_path, writing

if TYPE_CHECKING:
    from defdip.countries import Vocabulary
    from defdip.store import Store

__all__ = ["Context"]


@dataclass
class Context:
    """Where the store is (``None``: ``$DEFDIP_HOME/defdip.duckdb``) and who asks.

    ``user`` is the authenticated user of a web request (``None``: anonymous, the public
    record; the multi-user record will filter what each user may see below this layer)."""

    store: Path | str | None = None
    user: Any = None
    #: Keep one read-only connection per thread between calls (``store.pool``): for
    #: long-running servers; a command line opens and closes the store per call.
    pooled: bool = False

    @property
    def path(self) -> Path:
        return store_path(self.store)

    def exists(self) -> bool:
        return self.path.is_file()

    @contextmanager
    def reading(self) -> Iterator[Store]:
        """The store, read-only, for one call (its vocabulary is built once per data
        vintage in a process, so a long-running server rebuilds it only after a load)."""
        if self.pooled:
            from defdip.store.pool import pooled

            with pooled(self.path) as handle:
                yield handle
            return
        with reading(self.store) as handle:
            yield handle

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """A staged copy of the store that replaces it only if the block finishes."""
        with writing(self.store) as handle:
            yield handle

    def vocabulary(self) -> Vocabulary:
        with self.reading() as handle:
            return handle.vocabulary()
