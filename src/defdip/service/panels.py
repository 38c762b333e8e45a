"""Panels for faces that preview them and hand them out as files.

A panel file is written once per (job, data vintage) into ``$DEFDIP_HOME/cache/panels``
and streamed from there, so fifty clients asking for the same panel cost one build; files
of older vintages are removed when a new one is written.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from defdip.errors import InvalidArgument
from defdip.service.cache import memo, vintage
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = ["FORMATS", "columns", "columns_once", "covered_columns", "panel_file", "preview",
           "stream_json"]

FORMATS = ("csv", "parquet", "json")
#: Panel files kept in the cache at most (the newest).
KEEP = 24


def _job(unit: str, start: int, end: int, add: Sequence[str], directed: bool) -> dict:
    from defdip.panels.build import parse_adders

    if unit not in ("dyad_year", "state_year"):
        raise InvalidArgument(f"unit {unit!r} is not 'dyad_year' or 'state_year'.")
    if start > end:
        raise InvalidArgument(f"from {start!r} is after to {end!r}: give the earlier year "
                              "first (e.g. from=2000&to=2016).")
    return {"unit": unit, "start": int(start), "end": int(end),
            "add": parse_adders(list(add)), "directed": bool(directed) and unit == "dyad_year"}


def covered_columns(store: Any, unit: str | None = None) -> Any:
    """The column catalogue with each column's coverage over what ``store`` holds (the
    coverage model's, ``panels.coverage``): the table both faces show."""
    from defdip.panels import catalogue
    from defdip.panels.coverage import column_coverage
    from defdip.queries.tables import Tables

    return catalogue(unit, coverage=column_coverage(Tables.from_store(store)))


def columns(ctx: Context, unit: str | None = None) -> Result:
    """Every column a panel can carry: meaning, unit, source, citation, and the years and
    states (all, or the curated record's focal states only) its loaded data cover; without
    a store, "not loaded" everywhere. Memoised per data vintage (for the web)."""
    from defdip.panels import catalogue

    if not ctx.exists():
        return Result("panel columns", table=catalogue(unit, coverage={}),
                      coverage=NO_STORE, vintage=vintage(ctx))

    def compute() -> Result:
        with ctx.reading() as store:
            table = covered_columns(store, unit)
        return Result("panel columns", table=table, coverage=COVERAGE, vintage=vintage(ctx))

    return memo(ctx, "panel_columns", unit, compute)


def columns_once(ctx: Context, unit: str | None = None) -> Result:
    """:func:`columns` for a one-shot process (the CLI): the store opened read-only and
    closed, no connection pool or memo left behind (a later write in the same process, as
    a library user's script does, must be able to open the file)."""
    from defdip.panels import catalogue

    if not ctx.exists():
        return Result("panel columns", table=catalogue(unit, coverage={}), coverage=NO_STORE)
    with ctx.reading() as store:
        return Result("panel columns", table=covered_columns(store, unit), coverage=COVERAGE,
                      vintage=store.vintage())


NO_STORE = "no store: run `defdip load` to see each column's coverage"
COVERAGE = ("the years and states each column's loaded data cover (states: 'all', or the "
            "curated record's focal states only)")


def preview(ctx: Context, unit: str, start: int, end: int, add: Sequence[str] = (), *,
            directed: bool = True, limit: int = 50) -> Result:
    """The first ``limit`` rows (ordered by the keys) and the row count of a panel."""
    from defdip.panels.build import build_panel

    job = _job(unit, start, end, add, directed)

    def compute() -> Result:
        with ctx.reading() as store:
            panel = build_panel(store, unit=job["unit"], start=job["start"], end=job["end"],
                                add=job["add"], directed=job["directed"])
            rows = panel.count()
            head = panel.ordered().limit(limit).execute()
            return Result(f"{unit.replace('_', '-')} panel {start}–{end}", table=head,
                          document={"rows": rows, "columns": panel.columns,
                                    "sources": list(panel.sources)},
                          coverage="COW state system membership; NULL where a source does "
                                   "not cover a row", vintage=vintage(ctx))

    return memo(ctx, "panel_preview", (json.dumps(job, sort_keys=True), limit), compute)


def _folder() -> Path:
    from defdip.paths import default_home

    folder = default_home() / "cache" / "panels"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def panel_file(ctx: Context, unit: str, start: int, end: int, add: Sequence[str] = (), *,
               directed: bool = True, fmt: str = "parquet") -> Path:
    """The panel written as ``csv``, ``parquet`` or ``json`` (an array of row objects), built
    once per job and data vintage."""
    from defdip.panels.build import write_panel
    from defdip.paths import replacing

    if fmt not in FORMATS:
        raise InvalidArgument(f"format {fmt!r} is not one of {', '.join(FORMATS)}.")
    job = _job(unit, start, end, add, directed)
    current = vintage(ctx)
    digest = hashlib.sha256(json.dumps(job, sort_keys=True).encode()).hexdigest()[:16]
    target = _folder() / f"{current}-{digest}.{fmt}"

    def compute() -> Path:
        if target.is_file():
            return target
        if fmt == "json":
            source = panel_file(ctx, unit, start, end, add, directed=directed, fmt="parquet")
            with replacing(target) as partial, partial.open("wb") as out:
                for chunk in stream_json(source):
                    out.write(chunk)
        else:
            with ctx.reading() as store:
                write_panel(store, unit=job["unit"], start=job["start"], end=job["end"],
                            add=job["add"], directed=job["directed"], out=target)
        _prune(current)
        return target

    return memo(ctx, "panel_file", (digest, fmt), compute)


def _prune(current: str) -> None:
    files = sorted(_folder().glob("*-*.*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for number, path in enumerate(files):
        if not path.name.startswith(current + "-") or number >= KEEP:
            path.unlink(missing_ok=True)


def stream_json(path: Path, batch_rows: int = 20_000) -> Iterator[bytes]:
    """A Parquet file as one JSON array of row objects, a batch at a time (flat memory)."""
    import math

    import pyarrow.parquet as pq

    def clean(value: object) -> object:
        return None if isinstance(value, float) and not math.isfinite(value) else value

    yield b"["
    first = True
    for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
        rows = [{k: clean(v) for k, v in row.items()} for row in batch.to_pylist()]
        if not rows:
            continue
        text = json.dumps(rows, ensure_ascii=False, default=str)[1:-1]
        yield (text if first else "," + text).encode()
        first = False
    yield b"]"
