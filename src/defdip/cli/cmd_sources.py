"""`defdip sources`, `defdip cite NAME`, `defdip load [NAME…]`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from defdip.cli._common import (
    JsonOption,
    MirrorOption,
    StoreOption,
    console,
    emit,
    open_cli_store,
    resolve_mirror,
)

if TYPE_CHECKING:
    import pandas as pd

    from defdip.store import Store

__all__ = ["register"]


def sources_table(store: Store | None) -> pd.DataFrame:
    import pandas as pd

    from defdip import sources as registry

    loaded = store.provenance().set_index("name") if store is not None else pd.DataFrame()
    rows = []
    for name, module in registry.all_sources().items():
        info = module.INFO
        record = loaded.loc[name] if name in loaded.index else None
        rows.append({
            "name": name, "title": info.title, "publisher": info.publisher,
            "version": info.version, "coverage": info.coverage, "url": info.url,
            "licence": info.licence, "tables": ", ".join(info.tables),
            "notes": info.notes or None,
            "rows": int(record["rows"]) if record is not None else None,
            "loaded_at": record["loaded_at"] if record is not None else None,
        })
    return pd.DataFrame(rows)


def build_derived(store: Store, mirror: Path | None) -> list[dict[str, object]]:
    """Rebuild the engagement record and the measures from what is loaded."""
    import time

    from defdip.countries import load_vocabulary
    from defdip.engagements import build_record
    from defdip.measures import build_measures

    began = time.perf_counter()
    record = build_record(store, load_vocabulary(mirror))
    middle = time.perf_counter()
    measures = build_measures(store)
    return [{"source": "(engagement record)", "status": "built",
             "rows": int(record["engagements"]), "seconds": round(middle - began, 3)},
            {"source": "(measures)", "status": "built",
             "rows": int(sum(v for v in measures.values() if isinstance(v, int))),
             "seconds": round(time.perf_counter() - middle, 3)}]


def register(app: typer.Typer) -> None:
    @app.command("sources")
    def sources_cmd(store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """List every source defdip knows, with provenance and what is loaded.

        Without a store yet, every source is listed as not loaded; a --store that does not
        exist is an error (it is never created here).

        Example: defdip sources --json
        """
        from defdip.paths import default_store_path

        handle = None
        if store is not None or default_store_path().exists():
            handle = open_cli_store(store)
        frame = sources_table(handle)
        if as_json:
            emit(frame, as_json=True)
        else:
            emit(frame[["name", "publisher", "version", "rows", "loaded_at"]], as_json=False,
                 title="defdip sources")

    @app.command("cite")
    def cite_cmd(name: str = typer.Argument(..., help="Source name, e.g. sipri_transfers."),
                 as_json: bool = JsonOption) -> None:
        """Print a source's citation as BibTeX.

        Example: defdip cite atop
        """
        from defdip import sources as registry

        info = registry.get(name).INFO
        if as_json:
            emit({"name": info.name, "citation": info.citation, "url": info.url,
                  "licence": info.licence}, as_json=True)
        else:
            typer.echo(info.citation)

    @app.command("load")
    def load_cmd(names: list[str] = typer.Argument(None, help="Sources to load (default: all)."),
                 mirror: Path = MirrorOption, store: Path = StoreOption,
                 force: bool = typer.Option(False, "--force", help="Reload even if unchanged."),
                 accept_shrink: bool = typer.Option(
                     False, "--accept-shrink", help="Accept a file with far fewer rows than "
                     "the last load (a deliberately smaller vintage)."),
                 derived: bool = typer.Option(True, "--derived/--no-derived",
                                              help="Then rebuild the engagement record and "
                                                   "the measures."),
                 as_json: bool = JsonOption) -> None:
        """Fetch, parse, check and store sources, then rebuild the record and the measures.

        All of it is one transaction: the sources, the record and the measures change
        together or, if any file is refused or the run is interrupted, not at all. A file
        that is not whole (too few rows, repeated keys, a cut last line) is refused with the
        check it failed. Unchanged sources are skipped.

        Example: defdip load --mirror ../shared/data
        Example: defdip load sipri_transfers atop --mirror ../shared/data
        """
        import pandas as pd
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from defdip import sources as registry

        chosen = names or list(registry.all_sources())
        for name in chosen:
            registry.get(name)  # fail before loading anything on an unknown name
        folder = resolve_mirror(mirror)
        handle = open_cli_store(store, create=True)
        results = []
        with handle.atomic(), Progress(
                TextColumn("{task.description:<34}"), BarColumn(),
                TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                console=console, transient=True, disable=as_json) as progress:
            task = progress.add_task("loading", total=len(chosen))
            for name in chosen:
                progress.update(task, description=name)
                result = handle.load_source(
                    name, mirror=folder, force=force, accept_shrink=accept_shrink,
                    on_step=lambda m: progress.update(task, description=m))
                results.append(result)
                progress.advance(task)
            rows = [{"source": r.source, "status": r.status, "rows": r.rows,
                     "seconds": round(r.seconds, 3)} for r in results]
            if derived:
                progress.update(task, description="engagement record and measures")
                rows.extend(build_derived(handle, folder))
        frame = pd.DataFrame(rows)
        emit(frame, as_json=as_json, title=f"store: {handle.path}")
