"""`defdip record build|add|list|export|completeness` and `defdip profile COUNTRY`.

CSV files for `record add` hold one record per row; the `actors` column lists
`COUNTRY:ROLE` pairs separated by `;` (e.g. `TUR:host;USA:participant;JPN:observer`). See
`defdip.engagements.fileio` for every column; YAML/JSON use the curated format.
"""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    RECORD_YEARS,
    ForceOption,
    JsonOption,
    StoreOption,
    check_output_option,
    check_year,
    check_years,
    cli_context,
    console,
    emit,
    emit_rows,
)

__all__ = ["register"]

# defdip.engagements.KINDS, kept here so that building the help does not import the record
# library; tests/test_cli_imports.py checks that the two agree.
KINDS: tuple[str, ...] = (
    "attache_post", "diplomatic_post", "exercise", "arms_transfer", "technology_transfer",
    "defence_agreement", "training_programme", "peacekeeping_deployment", "operation", "visit",
    "port_call", "base_presence", "membership",
)
KindOption = typer.Option(None, "--kind", help=f"One of: {', '.join(KINDS)} (repeatable).")
#: The columns `defdip record list` shows in the terminal.
RECORD_SHOWN = ("kind", "name", "start", "end", "actors", "source")
FromOption = typer.Option(None, "--from", help="First year (records overlapping it).")
ToOption = typer.Option(None, "--to", help="Last year (records overlapping it).")


def _actors_text(actors: list[dict[str, str]]) -> str:
    """A record's actors in one cell: ``TUR:host; USA:participant``."""
    return "; ".join(f"{x['country']}:{x['role']}" for x in actors)


def register(app: typer.Typer) -> None:
    record = typer.Typer(help="The military-diplomacy record: build, add, list, export, "
                              "completeness.", no_args_is_help=True)
    app.add_typer(record, name="record")

    @record.command("build")
    def build_cmd(store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """(Re)derive the record from the loaded sources and the curated files.

        Records added with `defdip record add` are kept.

        Example: defdip record build --json
        """
        import pandas as pd

        from defdip.engagements import build_record
        from defdip.store.session import writing

        with writing(store) as handle:
            result = build_record(handle, handle.ensure_vocabulary())
        if as_json:
            emit(result, as_json=True)
            return
        emit(pd.DataFrame(sorted(result["by_kind"].items()), columns=["kind", "records"]),
             as_json=False, title=f"{result['engagements']} engagements "
                                  f"({result['seconds']} s)")
        for note in [*result["notes"], *result["invalid_curated"]]:
            typer.echo(note)

    @record.command("add")
    def add_cmd(file: Path = typer.Argument(..., help="YAML, CSV or JSON file of records."),
                fmt: str = typer.Option(None, "--format", help="yaml, csv or json "
                                        "(default: from the suffix)."),
                quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the "
                                           "records' ids, one a line (for scripts)."),
                store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Validate a file of records and add them all, or nothing if any is invalid.

        A record with the same kind and natural key as a stored one replaces it. CSV:
        one record per row, actors as `TUR:host;USA:participant`. With
        $DEFDIP_DATABASE_URL the records go to PostgreSQL as drafts of the user of
        $DEFDIP_TOKEN (their nation owns them).

        Example: defdip record add my_exercises.csv
        """
        ctx = cli_context(store)
        if ctx.multi_user:
            from defdip.service import entries

            result = entries.add_file(ctx, file, fmt=fmt)
        else:
            from defdip.engagements import add_records
            from defdip.store.session import writing

            with writing(store) as handle:
                result = add_records(handle, handle.ensure_vocabulary(), file, fmt=fmt)
        if quiet:
            typer.echo("\n".join(result["ids"]))
            return
        emit(result if as_json else {k: v for k, v in result.items() if k != "ids"},
             as_json=as_json)

    @record.command("list")
    def list_cmd(country: str = typer.Option(None, "--country", help="ISO3 or name."),
                 partner: str = typer.Option(None, "--partner", help="ISO3 or name."),
                 kind: list[str] = KindOption, year_from: int = FromOption,
                 year_to: int = ToOption, store: Path = StoreOption,
                 as_json: bool = JsonOption) -> None:
        """List records by country, partner, kind and years.

        Example: defdip record list --country TUR --kind exercise --from 2015 --to 2024 --json
        """
        from defdip.service import quick

        check_years(year_from, year_to, span=RECORD_YEARS)
        found = quick.list_records(cli_context(store), country=country, partner=partner,
                                   kind=kind or (), year_from=year_from, year_to=year_to
                                   ) if all(k in KINDS for k in kind or ()) else None
        if found is not None:
            if not as_json:
                from defdip.store.compiled import Rows

                at = found.columns.index("actors")
                found = Rows(found.columns, found.numeric, [
                    (*row[:at], _actors_text(row[at]), *row[at + 1:]) for row in found.rows])
            emit_rows(found, as_json=as_json, title=f"{len(found.rows)} records",
                      columns=None if as_json else RECORD_SHOWN)
            return
        from defdip.service import reads

        frame = reads.list_records(cli_context(store), country=country, partner=partner,
                                   kind=kind or (), year_from=year_from,
                                   year_to=year_to).table
        if as_json:
            emit(frame, as_json=True)
            return
        frame = frame.assign(actors=frame["actors"].map(_actors_text))
        emit(frame[list(RECORD_SHOWN)], as_json=False, title=f"{len(frame)} records")

    @record.command("export")
    def export_cmd(out: str = typer.Option(..., "--out", help="File to write."),
                   fmt: str = typer.Option(None, "--format", help="yaml, csv or json "
                                           "(default: from the suffix)."),
                   country: str = typer.Option(None, "--country", help="ISO3 or name."),
                   kind: list[str] = KindOption, year_from: int = FromOption,
                   year_to: int = ToOption, store: Path = StoreOption,
                   force: bool = ForceOption,
                   as_json: bool = JsonOption) -> None:
        """Write records as YAML, CSV or JSON, in the format `record add` reads.

        --out is never the store, a folder or a device; an existing file is replaced only if
        defdip wrote it (else pass --force). CSV cells a spreadsheet would run as formulas
        (=, +, -, @) get a leading apostrophe, which `record add` takes off again.

        Example: defdip record export --format csv --country TUR --kind exercise --out ex.csv
        """
        from defdip.service import reads

        check_years(year_from, year_to, span=RECORD_YEARS)
        check_output_option(out, force=force)  # as typed: 'dir/' names a folder
        result = reads.export_records(cli_context(store), Path(out), fmt=fmt, country=country,
                                      kind=kind or None, year_from=year_from,
                                      year_to=year_to, force=force)
        emit(result.document, as_json=as_json)

    @record.command("completeness")
    def completeness_cmd(country: str = typer.Option(..., "--country", help="ISO3 or name."),
                         year_from: int = typer.Option(1980, "--from", help="First year."),
                         year_to: int = ToOption, store: Path = StoreOption,
                         as_json: bool = JsonOption) -> None:
        """Per kind and year: counts, sources, missing fields, and years no source covers.

        Example: defdip record completeness --country TUR --from 2000 --json
        """
        from defdip.service import reads

        check_years(year_from, year_to, span=RECORD_YEARS)
        report = reads.completeness(cli_context(store), country, year_from=year_from,
                                    year_to=year_to).detail
        if as_json:
            emit(report.to_dict(), as_json=True)
            return
        emit(report.by_year, as_json=False, title=f"{report.country} {report.year_from}-"
                                                   f"{report.year_to}: records per kind and year")
        emit(report.coverage, as_json=False, title="coverage by source")
        emit(report.gaps, as_json=False, title="gaps")

    @app.command("profile")
    def profile_cmd(country: str = typer.Argument(..., help="ISO3 or name, e.g. TUR."),
                    year: int = typer.Option(..., "--year", help="Year of the profile."),
                    store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """A country's partners by instrument in one year, with counts and TIV.

        Example: defdip profile TUR --year 2022 --json
        """
        from defdip.service import quick

        check_year(year, "--year")
        title = f"{country} {year}: partners by instrument"
        found = quick.profile(cli_context(store), country, year)
        if found is not None:
            emit_rows(found[0], as_json=as_json, title=title)
            if not as_json:
                console.print(f"[dim]Sample: {found[1]}.[/dim]")
            return
        from defdip.service import reads

        result = reads.profile(cli_context(store), country, year)
        emit(result.table, as_json=as_json, title=title)
        if not as_json:
            console.print(f"[dim]Sample: {result.coverage}.[/dim]")
