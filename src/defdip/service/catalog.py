"""Sources and provenance, citations, country resolution and loading."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from defdip.errors import DefdipError
from defdip.service.results import Result

if TYPE_CHECKING:
    from defdip.service.context import Context

__all__ = ["cite", "load", "rebuild", "resolve_countries", "sources"]


def _coverage(info: Any) -> dict[str, Any]:
    """A source's declared coverage: words, and the years and states where it says them."""
    out: dict[str, Any] = {"text": info.coverage}
    years = getattr(info, "coverage_years", None)
    if years:
        out["years"] = list(years)
    states = getattr(info, "coverage_states", None) or getattr(info, "covers_states", None)
    out["states"] = list(states) if isinstance(states, tuple | list) else (states or "all")
    return out


def sources(ctx: Context) -> Result:
    """Every source defdip knows: publisher, version, licence, citation, coverage, and — for
    what is loaded — each raw file with its sha256 and retrieval time, rows and load time."""
    import pandas as pd

    from defdip import sources as registry

    loaded: dict[str, dict[str, Any]] = {}
    vintage = ""
    if ctx.exists():
        with ctx.reading() as store:
            loaded = {r["name"]: r for r in store.provenance().to_dict("records")}
            vintage = store.vintage()
    rows = []
    for name, module in registry.all_sources().items():
        info = module.INFO
        record = loaded.get(name)
        files = json.loads(record["files"]) if record and record.get("files") else []
        rows.append({
            "name": name, "title": info.title, "publisher": info.publisher,
            "version": info.version, "coverage": _coverage(info), "url": info.url,
            "licence": info.licence, "citation": info.citation,
            "tables": list(info.tables), "notes": info.notes or None,
            "files": files,
            "rows": int(record["rows"]) if record else None,
            "loaded_at": record["loaded_at"] if record else None,
        })
    return Result("defdip sources", table=pd.DataFrame(rows), vintage=vintage,
                  notes=() if loaded else ("nothing loaded yet: `defdip load`",))


def cite(name: str) -> Result:
    """A source's citation (BibTeX) with its URL and licence."""
    from defdip import sources as registry

    info = registry.get(name).INFO
    return Result(f"citation of {name}", document={
        "name": info.name, "citation": info.citation, "url": info.url,
        "licence": info.licence})


def resolve_countries(ctx: Context, names: Sequence[str], *, year: int | None = None,
                      mirror: Path | None = None) -> Result:
    """Each name or code resolved to a state (COW code, ISO3) or a declared non-state actor;
    an unknown name raises :class:`~defdip.errors.UnknownCountry` with the closest matches.

    The vocabulary is the store's (no mirror, no network); with ``mirror``, or with no store
    yet, it comes from the reference files (the mirror, else the checked cache)."""
    from defdip.countries import Country, load_vocabulary
    from defdip.queries.names import vocabulary

    if mirror is not None:  # asked for explicitly: the reference files there
        vocab = load_vocabulary(mirror)
    elif ctx.exists():
        with ctx.reading() as store:
            vocab = vocabulary(store)  # the store's; one that keeps none: the reference files
    else:
        vocab = load_vocabulary()
    out = []
    for name in names:
        actor = vocab.resolve_actor(name, year=year)
        if isinstance(actor, Country):
            out.append({"input": name, "iso3": actor.iso3, "ccode": actor.ccode,
                        "name": actor.name,
                        "kind": "contested entity" if actor.entity else "state",
                        "in_cow_system": bool(actor.spells)})
        else:
            out.append({"input": name, "iso3": None, "ccode": None, "name": actor.label,
                        "kind": actor.kind, "in_cow_system": False})
    return Result("countries", document=out)


def rebuild(store: Any) -> list[dict[str, object]]:
    """Rebuild the engagement record, the measures and the panels' stored dyad-year base from
    what ``store`` holds (inside the caller's write session)."""
    from defdip.engagements import build_record
    from defdip.measures import build_measures
    from defdip.panels.base import build_base

    began = time.perf_counter()
    record = build_record(store, store.ensure_vocabulary())
    middle = time.perf_counter()
    measures = build_measures(store)
    done = time.perf_counter()
    base = build_base(store)  # the panels' stored dyad-year base (defdip.panels.base)
    return [{"source": "(engagement record)", "status": "built",
             "rows": int(record["engagements"]), "seconds": round(middle - began, 3)},
            {"source": "(measures)", "status": "built",
             "rows": int(sum(v for v in measures.values() if isinstance(v, int))),
             "seconds": round(done - middle, 3)},
            {"source": "(panel base)", "status": "built" if base else "skipped",
             "rows": base, "seconds": round(time.perf_counter() - done, 3)}]


def load(ctx: Context, names: Sequence[str] = (), *, mirror: Path | None = None,
         force: bool = False, derived: bool = True, accept_shrink: bool = False,
         on_step: Callable[[str], None] | None = None,
         on_done: Callable[[str], None] | None = None) -> Result:
    """Load ``names`` (default: every source), then rebuild the record and the measures —
    all in one write: the store changes whole or not at all. ``on_step`` hears what is being
    done, ``on_done`` each source finished (for progress bars)."""
    import pandas as pd

    from defdip import sources as registry

    chosen = list(names) or list(registry.all_sources())
    for name in chosen:
        registry.get(name)  # fail before loading anything on an unknown name
    step = on_step or (lambda _m: None)
    rows: list[dict[str, object]] = []
    with ctx.writing() as store:
        for name in chosen:
            result = store.load_source(name, mirror=mirror, force=force,
                                       accept_shrink=accept_shrink, on_step=step)
            rows.append({"source": result.source, "status": result.status,
                         "rows": result.rows, "seconds": round(result.seconds, 3)})
            if on_done is not None:
                on_done(name)
        if derived:
            step("engagement record and measures")
            rows.extend(rebuild(store))
        vintage = store.vintage()
    if derived:  # after the write: the templates belong to the data vintage just committed
        step("the brief's compiled reads")
        rows.append(_warm(ctx))
    return Result(f"store: {ctx.path}", table=pd.DataFrame(rows), vintage=vintage)


def _warm(ctx: Context) -> dict[str, object]:
    """Compile the brief's focal-panel templates for the new data (``reports.brief.warm``);
    a failure here costs the first brief some time, never the load."""
    from defdip.reports.brief import warm

    began = time.perf_counter()
    try:
        with ctx.reading() as store:
            states = warm(store)
    except DefdipError:
        states = []
    return {"source": "(brief templates)", "status": "built" if states else "skipped",
            "rows": len(states), "seconds": round(time.perf_counter() - began, 3)}
