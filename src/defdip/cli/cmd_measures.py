"""`defdip standing`, `defdip alignment` and `defdip measures build`."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    JsonOption,
    StoreOption,
    check_count,
    check_year,
    check_years,
    cli_context,
    console,
    emit,
    emit_rows,
)

__all__ = ["register"]

#: The columns `defdip standing` shows in the terminal: the ones that rank and explain.
STANDING_SHOWN = ("rank", "iso3", "name", "partners", "strength", "pagerank",
                  "instruments_used", "diplomatic_reach", "soft_power_proxy")


def register(app: typer.Typer) -> None:
    measures = typer.Typer(help="Derived measures: UN alignment, engagement index, standing.",
                           no_args_is_help=True)
    app.add_typer(measures, name="measures")

    @measures.command("build")
    def build_cmd(store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Compute and store un_alignment, un_partner_agreement, engagement_index and
        network_standing from whatever sources are loaded.

        Example: defdip measures build
        """
        from defdip.measures import build_measures
        from defdip.store.session import writing

        notes: list[str] = []
        with writing(store) as handle:
            counts = build_measures(handle, on_note=notes.append)
        if as_json:
            emit({"tables": counts, "notes": notes}, as_json=True)
            return
        for line in notes:
            console.print(f"[yellow]note:[/yellow] {line}")
        import pandas as pd

        emit(pd.DataFrame({"table": list(counts), "rows": list(counts.values())}),
             as_json=False, title="Measure tables written")

    @app.command("standing")
    def standing_cmd(year: int = typer.Option(..., "--year", help="Year of the engagement "
                                              "graph."),
                     top: int = typer.Option(None, "--top", help="Show only the first N."),
                     store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Rank states by their centrality in the year's engagement graph.

        Example: defdip standing --year 2019 --top 20
        """
        from defdip.service import quick

        check_year(year, "--year")
        check_count(top, "--top", 1, 10_000)
        title = f"Network standing {year} (rank by PageRank)"
        found = quick.standing(cli_context(store), year, top=top)
        if found is not None:
            emit_rows(found[0], as_json=as_json, title=title, float_format="{:,.3f}",
                      columns=None if as_json else STANDING_SHOWN)
            if not as_json:
                console.print(f"[dim]Sample: {found[1]}.[/dim]")
            return
        from defdip.service import reads

        result = reads.standing(cli_context(store), year, top=top)
        frame = result.table
        if not as_json:  # the terminal view: the columns that rank and explain
            frame = frame[list(STANDING_SHOWN)]
        emit(frame, as_json=as_json, title=title, float_format="{:,.3f}")
        if not as_json:
            console.print(f"[dim]Sample: {result.coverage}.[/dim]")

    @app.command("alignment")
    def alignment_cmd(country: str = typer.Argument(..., help="ISO3, COW code or name."),
                      partner: list[str] = typer.Option(
                          ["USA", "RUS", "CHN"], "--partner", help="Partner (repeatable)."),
                      start: int = typer.Option(None, "--from", help="First year."),
                      end: int = typer.Option(None, "--to", help="Last year."),
                      resolutions_only: bool = typer.Option(
                          False, "--resolutions-only",
                          help="One roll call per adopted resolution, 1946-2026 (comparable "
                               "across the 2019 seam; docs/un-votes.md)."),
                      min_votes: int = typer.Option(
                          10, "--min-votes", help="Fewer joint votes in a year: measures "
                                                  "NULL (un_nvotes still shown)."),
                      store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """A state's UN General Assembly alignment with its partners, year by year.

        Roll calls run 1946-2026 (Voeten to 2019, the UN's recorded votes after); a year with
        fewer than --min-votes joint votes has NULL measures beside its vote count.

        Example: defdip alignment TUR --partner USA --from 2015 --to 2025
        Example: defdip alignment TUR --partner RUS --resolutions-only
        """
        from defdip.service import quick

        check_years(start, end)
        found = quick.alignment(cli_context(store), country, partners=tuple(partner), start=start,
                                end=end, resolutions_only=resolutions_only,
                                min_votes=min_votes)
        if found is not None:
            emit_rows(found, as_json=as_json, title=f"UN alignment of {country}",
                      float_format="{:,.3f}")
            return
        from defdip.service import reads

        frame = reads.alignment(cli_context(store), country, partners=tuple(partner), start=start,
                                end=end, resolutions_only=resolutions_only,
                                min_votes=min_votes).table
        emit(frame, as_json=as_json, title=f"UN alignment of {country}",
             float_format="{:,.3f}")
