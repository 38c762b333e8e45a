"""`defdip events load|status|aggregate|fetch-gdelt|fetch-dataverse`: event data files."""

from __future__ import annotations

from datetime import datetime
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
from defdip.errors import InvalidArgument

if TYPE_CHECKING:
    from defdip.store.events import EventStore

__all__ = ["register"]

FormatOption = typer.Option(None, "--format", help="icews, gdelt or polecat (default: "
                            "recognised from the file).")
DirOption = typer.Option(None, "--dir", help="Where downloads go (default: "
                         "$DEFDIP_HOME/raw/events/<source>).")
LoadOption = typer.Option(False, "--load", help="Load the downloaded files afterwards.")
EventsOption = typer.Option(None, "--events", help="The event dataset folder (default: "
                            "events/ beside the store).", envvar="DEFDIP_EVENTS")
SHOWN_BAD = 5


def _dataset(handle: object, folder: Path | None) -> EventStore:
    from defdip.store.events import EventStore

    return EventStore(folder) if folder is not None else EventStore.beside(handle)


def _load(paths: list[Path], store: Path | None, events: Path | None, mirror: Path | None,
          format: str | None, force: bool, as_json: bool) -> None:
    from defdip.countries import load_vocabulary
    from defdip.events import ReadContext
    from defdip.store.events import cameo_books

    with open_cli_store(store) as handle:
        books = cameo_books(handle)
        dataset = _dataset(handle, events)
    context = ReadContext(load_vocabulary(resolve_mirror(mirror)), books)
    results = dataset.load(paths, context, format=format, force=force,
                           on_file=None if as_json else
                           lambda r: console.print(f"{r.status} {r.path.name}"))
    rows = [r.summary() for r in results]
    if as_json:
        emit(rows, as_json=True)
        return
    import pandas as pd

    emit(pd.DataFrame(rows).drop(columns=["notes", "rejects"]), as_json=False,
         title=f"Event files → {dataset.root}")
    for result in results:
        for bad in result.bad[:SHOWN_BAD]:
            console.print(f"bad row: {bad}", markup=False)
        if len(result.bad) > SHOWN_BAD:
            console.print(f"… {len(result.bad) - SHOWN_BAD} more bad rows of "
                          f"{result.path.name}: all are in {result.rejects}", markup=False)
        for note, count in result.notes.items():
            console.print(f"note: {result.path.name}: {count} rows: {note}", markup=False)


def _stamp(text: str, option: str) -> datetime:
    for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise InvalidArgument(f"{option} {text!r} is not a time: write 2018-06-01T00:15 or "
                          "2018-06-01.")


def register(app: typer.Typer) -> None:
    events = typer.Typer(help="Event data (ICEWS, GDELT, POLECAT): load files, see coverage, "
                              "aggregate to dyad-months.", no_args_is_help=True)
    app.add_typer(events, name="events")

    @events.command("load")
    def load_cmd(files: list[Path] = typer.Argument(..., help="Event files to load."),
                 format: str = FormatOption,
                 force: bool = typer.Option(False, "--force", help="Read files loaded before "
                                            "again (their rows count as duplicates)."),
                 store: Path = StoreOption, events: Path = EventsOption,
                 mirror: Path = MirrorOption, as_json: bool = JsonOption) -> None:
        """Append ICEWS .tab, GDELT 2.0 .export.CSV.zip or POLECAT .txt files to the event
        dataset; bad rows are listed by file and line, duplicates removed and counted.

        Needs `defdip load cameo_codebook` first (CAMEO codes and Goldstein weights).

        Example: defdip events load ../shared/data/icews_events_sample/events.2018.sample.tab
        """
        _load(files, store, events, mirror, format, force, as_json)

    @events.command("status")
    def status_cmd(store: Path = StoreOption, events: Path = EventsOption,
                   as_json: bool = JsonOption) -> None:
        """The files loaded, their bad and duplicate rows, and the months covered.

        Example: defdip events status
        """
        with open_cli_store(store) as handle:
            dataset = _dataset(handle, events)
        loads, months = dataset.loads(), dataset.months()
        if as_json:
            emit({"root": str(dataset.root), "files": loads, "months": months}, as_json=True)
            return
        import pandas as pd

        columns = ["file", "format", "rows", "bad", "duplicates", "stored", "loaded_at"]
        emit(pd.DataFrame(loads, columns=columns), as_json=False,
             title=f"Event files in {dataset.root}")
        console.print(f"months covered: {', '.join(months) if months else 'none'}")

    @events.command("aggregate")
    def aggregate_cmd(out: Path = typer.Option(..., "--out", help=".parquet or .csv file."),
                      by: str = typer.Option("month", "--by", help="month or year."),
                      directed: bool = typer.Option(True, "--directed/--undirected",
                                                    help="Source→target, or both together."),
                      store: Path = StoreOption, events: Path = EventsOption,
                      as_json: bool = JsonOption) -> None:
        """Write the dyad-month (or dyad-year) cooperation and conflict aggregates.

        Example: defdip events aggregate --by month --out dyad_months.parquet
        """
        from defdip.events.aggregate import dyad_months, dyad_years
        from defdip.paths import replacing

        if by not in ("month", "year") or out.suffix.lower() not in (".parquet", ".csv"):
            raise InvalidArgument(f"--by {by!r} / --out {str(out)!r}: use --by month|year and "
                                  "a .parquet or .csv file.")
        with open_cli_store(store) as handle:
            backend = handle.ibis()
            table = _dataset(handle, events).table(backend)
            expr = (dyad_months if by == "month" else dyad_years)(table, directed=directed)
            with replacing(out) as partial:
                writer = backend.to_parquet if out.suffix.lower() == ".parquet" else \
                    backend.to_csv
                writer(expr, partial)
            rows = int(expr.count().execute())
        emit({"path": str(out), "rows": rows, "by": by, "directed": directed},
             as_json=as_json)

    @events.command("fetch-gdelt")
    def fetch_gdelt_cmd(start: str = typer.Option(..., "--from", help="First 15-minute "
                                                  "stamp, e.g. 2018-06-01T00:00 (UTC)."),
                        end: str = typer.Option(..., "--to", help="Last stamp (inclusive)."),
                        folder: Path = DirOption, load: bool = LoadOption,
                        store: Path = StoreOption, events: Path = EventsOption,
                        mirror: Path = MirrorOption, as_json: bool = JsonOption) -> None:
        """Download GDELT 2.0 15-minute event exports listed in GDELT's master file list
        (size and MD5 checked).

        Example: defdip events fetch-gdelt --from 2018-06-01T00:00 --to 2018-06-01T01:00 --load
        """
        from defdip.events.download import fetch_gdelt, gdelt_exports
        from defdip.paths import raw_cache_dir

        target = folder or raw_cache_dir() / "events" / "gdelt"
        files = gdelt_exports(_stamp(start, "--from"), _stamp(end, "--to"),
                              cache_dir=raw_cache_dir() / "events")
        paths = fetch_gdelt(files, target)
        if not as_json:
            console.print(f"{len(paths)} GDELT export(s) in {target}")
        if load and paths:
            _load(paths, store, events, mirror, "gdelt", False, as_json)
        elif as_json:
            emit([str(p) for p in paths], as_json=True)

    @events.command("fetch-dataverse")
    def fetch_dataverse_cmd(dataset: str = typer.Argument(..., help="icews, polecat or a "
                                                          "doi:… of a Dataverse dataset."),
                            names: list[str] = typer.Option([], "--file", help="File name to "
                                                            "download (repeat); none: list."),
                            folder: Path = DirOption, load: bool = LoadOption,
                            store: Path = StoreOption, events: Path = EventsOption,
                            mirror: Path = MirrorOption, as_json: bool = JsonOption) -> None:
        """List a Dataverse dataset's files, or download the named ones (MD5 checked).

        Example: defdip events fetch-dataverse icews
        Example: defdip events fetch-dataverse icews --file NAME --load   (NAME from the list)
        """
        from defdip.events.download import dataverse_files, fetch_dataverse
        from defdip.paths import raw_cache_dir

        files = dataverse_files(dataset)
        if not names:
            emit([{"id": f.id, "name": f.name, "size": f.size} for f in files],
                 as_json=as_json)
            return
        by_name = {f.name: f for f in files}
        unknown = [n for n in names if n not in by_name]
        if unknown:
            raise InvalidArgument(f"--file {unknown} not in {dataset}; run without --file to "
                                  "list its files.")
        target = folder or raw_cache_dir() / "events" / dataset.lower().replace(":", "_")
        paths = [fetch_dataverse(by_name[n], target) for n in names]
        if load:
            _load(paths, store, events, mirror, None, False, as_json)
        else:
            emit([str(p) for p in paths], as_json=as_json)
