"""`defdip brief COUNTRY --out FILE [--format html|json]`."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    ForceOption,
    StoreOption,
    check_output_option,
    check_years,
    console,
    open_cli_store,
)

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("brief")
    def brief_cmd(country: str = typer.Argument(..., help="ISO3, COW code or name."),
                  out: str = typer.Option(None, "--out", help="Output file (default: "
                                           "brief-<ISO3>.html or .json)."),
                  fmt: str = typer.Option("html", "--format", help="html or json."),
                  start: int = typer.Option(1995, "--from", help="First year."),
                  end: int = typer.Option(2024, "--to", help="Last year."),
                  store: Path = StoreOption, force: bool = ForceOption) -> None:
        """Write the country brief: one self-contained HTML file that opens offline.

        Example: defdip brief TUR --out brief-TUR.html
        """
        from defdip.reports import write_brief

        check_years(start, end)
        target = out or f"brief-{country.upper()}.{fmt}"
        check_output_option(target, force=force)  # as typed: 'dir/' names a folder
        path = write_brief(open_cli_store(store), country, target, fmt=fmt, start=start,
                           end=end, force=force)
        console.print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
