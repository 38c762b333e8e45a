"""`defdip countries resolve NAME…`."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    JsonOption,
    MirrorOption,
    StoreOption,
    check_year,
    cli_context,
    emit,
    resolve_mirror,
)

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    countries = typer.Typer(help="The country vocabulary: COW, ISO3 and every source's spelling.",
                            no_args_is_help=True)
    app.add_typer(countries, name="countries")

    @countries.command("resolve")
    def resolve_cmd(names: list[str] = typer.Argument(..., help="Names or codes."),
                    year: int = typer.Option(None, "--year", help="Year, where codes changed."),
                    store: Path = StoreOption, mirror: Path = MirrorOption,
                    as_json: bool = JsonOption) -> None:
        """Resolve names or codes to COW code and ISO3, or say what is closest.

        Uses the loaded store's vocabulary (no mirror or network needed after a load); with
        --mirror, or before any load, the vocabulary of the reference files.

        Example: defdip countries resolve Türkiye "Cote d'Ivoire" 640 "PKK (Turkiye)*"
        """
        from defdip.service import quick

        check_year(year, "--year")
        found = None if mirror else quick.resolve_countries(cli_context(store), names, year=year)
        if found is not None:
            emit(found, as_json=as_json)
            return
        from defdip.service import catalog

        out = catalog.resolve_countries(cli_context(store), names, year=year,
                                        mirror=resolve_mirror(mirror) if mirror else None
                                        ).document
        emit(out, as_json=as_json)
