"""`defdip sources`, `defdip cite NAME`, `defdip load [NAME…]` (over defdip.service.catalog)."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    JsonOption,
    MirrorOption,
    StoreOption,
    cli_context,
    console,
    emit,
    resolve_mirror,
)

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("sources")
    def sources_cmd(store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """List every source defdip knows, with provenance and what is loaded.

        The JSON carries each source's citation, declared coverage and, for loaded sources,
        every raw file with its sha256 and retrieval time. Without a store yet, every source is
        listed as not loaded; a --store that does not exist is an error (never created here).

        Example: defdip sources --json
        """
        from defdip.service import catalog

        ctx = cli_context(store)
        if store is not None and not ctx.exists():  # never created here
            from defdip.store.session import checked_store

            checked_store(store)
        result = catalog.sources(ctx)
        if as_json:
            emit(result.table, as_json=True)
        else:
            emit(result.table[["name", "publisher", "version", "rows", "loaded_at"]],
                 as_json=False, title=result.title)

    @app.command("cite")
    def cite_cmd(name: str = typer.Argument(..., help="Source name, e.g. sipri_transfers."),
                 as_json: bool = JsonOption) -> None:
        """Print a source's citation as BibTeX.

        Example: defdip cite atop
        """
        from defdip.service import catalog

        result = catalog.cite(name)
        if as_json:
            emit(result.document, as_json=True)
        else:
            typer.echo(result.document["citation"])  # type: ignore[index, call-overload]

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

        All of it is one write: the sources, the record and the measures change together or,
        if any file is refused or the run is interrupted, not at all. A file that is not whole
        (too few rows, repeated keys, a cut last line) is refused with the check it failed.
        Unchanged sources are skipped.

        Example: defdip load --mirror ../shared/data
        Example: defdip load sipri_transfers atop --mirror ../shared/data
        """
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        from defdip import sources as registry
        from defdip.service import catalog

        chosen = names or list(registry.all_sources())
        folder = resolve_mirror(mirror)
        with Progress(TextColumn("{task.description:<34}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      console=console, transient=as_json, disable=as_json) as progress:
            task = progress.add_task("loading", total=len(chosen))
            result = catalog.load(
                cli_context(store), chosen, mirror=folder, force=force, derived=derived,
                accept_shrink=accept_shrink,
                on_step=lambda m: progress.update(task, description=m),
                on_done=lambda _n: progress.advance(task))
        emit(result.table, as_json=as_json, title=result.title)
