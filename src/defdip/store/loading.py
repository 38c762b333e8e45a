"""Loading one source into a store: fetch, check the whole file, parse, replace its tables.

The body of :meth:`defdip.store.core.Store.load_source`, kept apart so the store's class stays
a page of connection, reading and writing primitives.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defdip.errors import DefdipError
from defdip.store.core import VOCABULARY_SOURCES, VOCABULARY_TABLES, LoadResult
from defdip.store.fingerprint import parser_fingerprint

if TYPE_CHECKING:
    from defdip.store.core import Store

__all__ = ["load_source"]


def load_source(store: Store, name: str, *, mirror: Path | None = None, transport: Any = None,
                force: bool = False, vocab: Any = None, accept_shrink: bool = False,
                on_step: Callable[[str], None] | None = None) -> LoadResult:
    """Fetch, parse and store one source atomically; skip it when nothing changed (see
    :meth:`defdip.store.core.Store.load_source`)."""
    import time

    from defdip import sources
    from defdip.countries import load_vocabulary

    start = time.perf_counter()
    module = sources.get(name)
    info = module.INFO
    step = on_step or (lambda _m: None)
    step(f"fetching {name}")
    if name in VOCABULARY_SOURCES or not store.has(VOCABULARY_TABLES["codelist"]):
        store.keep_vocabulary(mirror)
    fetched = module.fetch(mirror=mirror, transport=transport)
    digest = hashlib.sha256(parser_fingerprint(module).encode())
    for key in sorted(fetched):
        digest.update(f"{key}:{fetched[key].sha256}".encode())
    fingerprint = digest.hexdigest()
    if not force and store.fingerprint_of(name) == fingerprint and all(
            store.has(t) for t in info.tables):
        counts = {t: int(store.con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
                  for t in info.tables}
        return LoadResult(name, "unchanged", sum(counts.values()), counts,
                          time.perf_counter() - start)
    step(f"parsing {name}")
    vocab = vocab if vocab is not None else load_vocabulary(mirror)
    previous = dict(store.con.execute("SELECT name, rows FROM _tables WHERE source = ?",
                                     [name]).fetchall())
    tables = sources.parse_whole(module, {k: f.path for k, f in fetched.items()}, vocab,
                                 previous=previous, accept_shrink=accept_shrink)
    unexpected = set(tables) ^ set(info.tables)
    if unexpected:
        raise DefdipError(f"source {name!r} produced tables {sorted(tables)} but declares "
                          f"{sorted(info.tables)}; fix its INFO.tables.")
    step(f"storing {name}")
    provenance = {
        "name": info.name, "title": info.title, "publisher": info.publisher,
        "version": info.version, "coverage": info.coverage, "url": info.url,
        "licence": info.licence, "citation": info.citation,
        "transformations": "; ".join(info.transformations),
        "files": json.dumps([{"key": f.key, "origin": f.origin, "sha256": f.sha256,
                              "retrieved": f.retrieved} for f in fetched.values()]),
        "fingerprint": fingerprint,
        "loaded_at": datetime.now(UTC).replace(tzinfo=None),
    }
    counts = store.replace_tables(tables, owner=name, descriptions=info.tables,
                                 provenance=provenance)
    return LoadResult(name, "loaded", sum(counts.values()), counts,
                      time.perf_counter() - start)
