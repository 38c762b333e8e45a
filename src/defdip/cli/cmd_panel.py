"""`defdip panel dyad-year|state-year|columns`: build country-year and dyad-year panels."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    ForceOption,
    JsonOption,
    StoreOption,
    check_output_option,
    check_years,
    emit,
    open_cli_store,
)
from defdip.panels.build import NAMES  # light: names only, no Ibis

__all__ = ["register"]

FromOption = typer.Option(..., "--from", help="First year (the state system starts in 1816).")
ToOption = typer.Option(..., "--to", help="Last year (after 2016 the COW members of 31 "
                        "December 2016 carry on).")
AddOption = typer.Option("", "--add", help=f"Comma-separated column families: "
                         f"{', '.join(NAMES)}.")
OutOption = typer.Option(..., "--out", help="Output file: .parquet, .arrow or .feather (Arrow "
                         "IPC, the fastest hand-off) or .csv.")
SystemOption = typer.Option("cow", "--system", help="State system: cow (Correlates of War) or "
                            "gw (Gleditsch-Ward; units only, the families need COW codes).")


def _summary(result: object) -> dict[str, object]:
    return {"path": str(result.path), "unit": result.unit, "directed": result.directed,
            "start": result.start, "end": result.end, "rows": result.rows,
            "columns": result.columns, "sources": result.sources}


def register(app: typer.Typer) -> None:
    panel = typer.Typer(help="Country-year and dyad-year panels (peacesciencer's verbs).",
                        no_args_is_help=True)
    app.add_typer(panel, name="panel")

    @panel.command("dyad-year")
    def dyad_year_cmd(start: int = FromOption, end: int = ToOption, add: str = AddOption,
                      directed: bool = typer.Option(True, "--directed/--undirected",
                                                    help="Both orders of each pair, or "
                                                    "ccode_1 < ccode_2 only."),
                      out: str = OutOption, system: str = SystemOption,
                      store: Path = StoreOption, force: bool = ForceOption,
                      as_json: bool = JsonOption) -> None:
        """Write a dyad-year panel (pairs of members that met in the year) with the chosen
        column families.

        Example: defdip panel dyad-year --from 1950 --to 2016 --add atop,igo --out d.parquet
        """
        from defdip.panels import write_panel

        check_years(start, end)
        check_output_option(out, force=force)
        result = write_panel(open_cli_store(store), unit="dyad_year", start=start, end=end,
                             add=add, directed=directed, out=out, system=system, force=force)
        emit(_summary(result), as_json=as_json)

    @panel.command("state-year")
    def state_year_cmd(start: int = FromOption, end: int = ToOption, add: str = AddOption,
                       out: str = OutOption, system: str = SystemOption,
                       store: Path = StoreOption, force: bool = ForceOption,
                       as_json: bool = JsonOption) -> None:
        """Write a state-year panel with the chosen column families.

        Example: defdip panel state-year --from 1950 --to 2016 --add nmc,arms --out s.csv
        """
        from defdip.panels import write_panel

        check_years(start, end)
        check_output_option(out, force=force)
        result = write_panel(open_cli_store(store), unit="state_year", start=start, end=end,
                             add=add, out=out, system=system, force=force)
        emit(_summary(result), as_json=as_json)

    @panel.command("columns")
    def columns_cmd(unit: str = typer.Option(None, "--unit", help="Only the columns of one "
                                             "unit of analysis: state_year or dyad_year."),
                    store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Every column a panel can carry: meaning, unit, source, citation, and the years and
        states (all, or the curated record's focal states only) its loaded data cover. The
        table shows the coverage; --json gives every field (meaning, citation, sources).

        Example: defdip panel columns --unit dyad_year --json
        """
        from defdip.service import panels as service
        from defdip.service.context import Context

        if unit not in (None, "state_year", "dyad_year"):
            raise typer.BadParameter(f"{unit!r} is not state_year or dyad_year.",
                                     param_hint="--unit")
        table = service.columns_once(Context(store), unit).table
        if not as_json:  # a terminal's width: the coverage; --json has the rest
            table = table[["column", "add", "unit", "years", "states"]]
        emit(table, as_json=as_json, title="panel columns")
