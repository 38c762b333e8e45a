"""`defdip countries resolve NAME…`."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import JsonOption, MirrorOption, check_year, emit, resolve_mirror

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    countries = typer.Typer(help="The country vocabulary: COW, ISO3 and every source's spelling.",
                            no_args_is_help=True)
    app.add_typer(countries, name="countries")

    @countries.command("resolve")
    def resolve_cmd(names: list[str] = typer.Argument(..., help="Names or codes."),
                    year: int = typer.Option(None, "--year", help="Year, where codes changed."),
                    mirror: Path = MirrorOption, as_json: bool = JsonOption) -> None:
        """Resolve names or codes to COW code and ISO3, or say what is closest.

        Example: defdip countries resolve Türkiye "Cote d'Ivoire" 640 "PKK (Turkiye)*"
        """
        from defdip.countries import Country, load_vocabulary

        check_year(year, "--year")
        vocab = load_vocabulary(resolve_mirror(mirror))
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
        if as_json:
            emit(out, as_json=True)
        else:
            import pandas as pd

            emit(pd.DataFrame(out), as_json=False)
