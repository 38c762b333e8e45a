"""`defdip brief COUNTRY [--out FILE] [--format html|json|pdf]`."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    ForceOption,
    StoreOption,
    check_output_option,
    check_years,
    cli_context,
    console,
)

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("brief")
    def brief_cmd(country: str = typer.Argument(..., help="ISO3, COW code or name (an "
                                                "ambiguous name stops with the candidates)."),
                  out: Path = typer.Option(None, "--out", help="Output file (default: "
                                           "brief-<ISO3>.html, .json or .pdf)."),
                  fmt: str = typer.Option("html", "--format", help="html, json or pdf (pdf "
                                          "prints the HTML with headless Chromium; without "
                                          "it, print the HTML from a browser, A4)."),
                  start: int = typer.Option(1995, "--from", help="First year."),
                  end: int = typer.Option(None, "--to", help="Last year (default: each "
                                          "section runs to the last year its data cover)."),
                  store: Path = StoreOption, force: bool = ForceOption) -> None:
        """Write the country brief: a first page with key numbers, findings and the data's
        dates, then the sections; one self-contained file that opens offline.

        Example: defdip brief TUR --out brief-TUR.html
        """
        import time

        check_years(start, end)
        if out is not None:
            check_output_option(out, force=force)  # as typed: 'dir/' names a folder
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        from defdip.reports.brief import SECTIONS
        from defdip.service.reads import write_brief

        began = time.perf_counter()
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as bar:
            task = bar.add_task("brief: reading the store", total=len(SECTIONS) + 2)

            def step(name: str) -> None:
                bar.update(task, description=f"brief: {name}", advance=1)

            result = write_brief(cli_context(store), country, out, fmt=fmt, start=start,
                                 end=end, progress=step, force=force)
        path = Path(result.document["path"])
        console.print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB) in "
                      f"{time.perf_counter() - began:.1f} s")
