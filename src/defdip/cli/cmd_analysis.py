"""`defdip effects|event-study|tension|screen|breakpoints|trends|region`: the analyses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from defdip.cli._common import (
    YEARS,
    JsonOption,
    StoreOption,
    check_count,
    check_year,
    check_years,
    console,
    emit,
    open_cli_store,
)

__all__ = ["register"]

# effects regress on engagement lagged one year, so --from needs the year before it inside
# the COW state system (1816 on).
EFFECTS_YEARS = (YEARS[0] + 1, YEARS[1])
EFFECTS_WHY = (" (the effects use engagement in the year before --from, and the COW state "
               "system begins in 1816)")
LAST_HELP = ("Last year (default: the last year the data cover; a later year is clipped to "
             "it, with a note).")


def register(app: typer.Typer) -> None:
    @app.command("effects")
    def effects_cmd(country: str = typer.Argument(..., help="Focal state (ISO3, COW, name), "
                                                  "or ALL for every dyad."),
                    outcome: str = typer.Option("un_sscore", "--outcome",
                                                help="un_sscore, un_kappa, un_agree or "
                                                     "idealpoint_dist."),
                    start: int = typer.Option(None, "--from", help="First year (default "
                                              "1995)."),
                    end: int = typer.Option(None, "--to", help=LAST_HELP),
                    fe: str = typer.Option("dyad+year", "--fe", help="dyad+year or year."),
                    store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Alignment on lagged engagement: two-way fixed effects, dyad-clustered errors.

        Runs to the last year the outcome's data cover (UN roll calls to 2026, ideal points
        to their last session); a --to past it is clipped, with a note.

        Example: defdip effects TUR --outcome un_sscore --from 1995
        Example: defdip effects ALL --from 2010 --to 2024
        """
        from defdip.service import reads

        check_years(start, end, span=EFFECTS_YEARS, why=EFFECTS_WHY)
        focal = None if country.upper() == "ALL" else country
        result = reads.effects(_context(store), focal, outcome=outcome, start=start, end=end,
                               fixed_effects=fe)
        _show(result, result.detail.table, as_json, result.detail.specification)

    @app.command("event-study")
    def event_study_cmd(country: str = typer.Argument(..., help="Focal state."),
                        onset: str = typer.Option("exercise", "--onset",
                                                  help="exercise, agreement or arms."),
                        outcome: str = typer.Option("un_sscore", "--outcome"),
                        start: int = typer.Option(None, "--from", help="First year "
                                                  "(default 1980)."),
                        end: int = typer.Option(None, "--to", help=LAST_HELP),
                        window: int = typer.Option(5, "--window", help="Leads/lags shown."),
                        store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Callaway–Sant'Anna event study of alignment around an instrument's onset.

        Runs over the years both the onset's and the outcome's data cover for the state.

        Example: defdip event-study TUR --onset exercise
        """
        from defdip.service import reads

        check_years(start, end)
        check_count(window, "--window", 1, 20)
        result = reads.event_study(_context(store), country, onset=onset, outcome=outcome,
                                   start=start, end=end, window=window)
        _show(result, result.detail.table, as_json, result.detail.specification)

    @app.command("tension")
    def tension_cmd(country: str = typer.Argument(..., help="Focal state."),
                    year: int = typer.Option(None, "--year", help="One year only."),
                    start: int = typer.Option(None, "--from", help="First year (default "
                                              "1990)."),
                    end: int = typer.Option(None, "--to", help=LAST_HELP),
                    store: Path = StoreOption,
                    events: Path = typer.Option(None, "--events", envvar="DEFDIP_EVENTS",
                                                help="The event dataset folder (default: "
                                                     "events/ beside the store)."),
                    as_json: bool = JsonOption) -> None:
        """Partners in tension with the focal state, and where engagement coexists with it;
        with event files loaded (`defdip events load`), the monthly event balance too.

        Runs to the last year a tension signal's data cover (disputes, wars, rivalries, the
        loaded event files).

        Example: defdip tension TUR --from 1990 --to 2014
        Example: defdip tension TUR --year 2018
        """
        from defdip.service import reads
        from defdip.store.events import EventStore

        check_years(start, end)
        check_year(year, "--year")
        dataset = EventStore(events) if events is not None else None
        answer = reads.tension(_context(store), country, start=start, end=end, year=year,
                               events=dataset)
        result = answer.detail
        _show(answer, result.partners, as_json, "coexist = allied or arms flow, and tension")
        if not as_json and result.events is not None:
            if len(result.events.months):
                shown = result.events.months.drop(columns=["ccode_2", "goldstein_sum"])
                emit(shown, as_json=False, title=f"Event balance of {result.focal.name} by "
                     "partner and month (both directions)")
            console.print(result.events.note)

    @app.command("screen")
    def screen_cmd(country: str = typer.Option(None, "--country", help="Supplier/recipient."),
                   role: str = typer.Option("any", "--role", help="supplier, recipient, any."),
                   store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Arms deliveries into states under UN Security Council arms embargoes.

        Example: defdip screen --country TUR --role supplier
        """
        from defdip.analysis import screen

        with open_cli_store(store) as handle:
            table = screen(handle, country=country, role=role)
        emit(table, as_json=as_json, title="Deliveries during UN arms embargoes")

    @app.command("breakpoints")
    def breakpoints_cmd(country: str = typer.Argument(..., help="Focal state."),
                        window: int = typer.Option(8, "--window", help="Years each side."),
                        store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Chow tests of alignment and engagement series at political breakpoints.

        Example: defdip breakpoints TUR --window 8
        """
        from defdip.service import reads

        check_count(window, "--window", 3, 30)
        answer = reads.breakpoints(_context(store), country, window=window)
        _show(answer, answer.detail.table.drop(columns=["name"], errors="ignore"), as_json,
              "Chow F test of a linear trend at each date")

    @app.command("trends")
    def trends_cmd(country: str = typer.Argument(..., help="Focal state."),
                   horizon: int = typer.Option(5, "--horizon", help="Years to forecast."),
                   holdout: int = typer.Option(3, "--holdout", help="Backtest years."),
                   start: int = typer.Option(None, "--from", help="First year (default "
                                             "1995)."),
                   end: int = typer.Option(None, "--to", help=LAST_HELP),
                   store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Engagement by instrument, forecasts with 95% intervals, and the backtest error.

        A series is forecast only if it reaches into the last two years of the period;
        the table says why not otherwise.

        Example: defdip trends TUR --horizon 5
        """
        from defdip.analysis.trends import MAX_HOLDOUT, MAX_HORIZON
        from defdip.service import reads

        check_years(start, end)
        check_count(horizon, "--horizon", 1, MAX_HORIZON)
        check_count(holdout, "--holdout", 1, MAX_HOLDOUT)
        answer = reads.trends(_context(store), country, start=start, end=end,
                              horizon=horizon, holdout=holdout)
        if as_json:
            emit(answer.document, as_json=True)
            return
        result = answer.detail
        emit(result.backtest, as_json=False, title="Backtest (held-out final years)")
        emit(result.forecasts, as_json=False, title="Forecasts (95% prediction intervals)")
        _notes(answer)

    @app.command("region")
    def region_cmd(name: str = typer.Argument(..., help="Region, e.g. nato, middle_east."),
                   country: str = typer.Option("TUR", "--country", help="Focal state."),
                   start: int = typer.Option(None, "--from", help="First year (default "
                                             "1995)."),
                   end: int = typer.Option(None, "--to", help=LAST_HELP),
                   store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """A regional case study: instruments, alignment trend, top partners, peacekeeping.

        Example: defdip region middle_east --country TUR --from 1995
        """
        from defdip.service import reads

        check_years(start, end)
        answer = reads.region(_context(store), name, country, start=start, end=end)
        if as_json:
            emit(answer.document, as_json=True)
            return
        result = answer.detail
        emit(result.engagement, as_json=False, title=f"Engagement with {result.description}")
        emit(result.alignment, as_json=False, title="Alignment (UNGA ideal points)")
        emit(result.top_partners, as_json=False, title="Top partners")
        emit(result.peacekeeping, as_json=False, title="Peacekeeping in the region")
        for note in result.notes:
            console.print(f"note: {note}")


def _context(store: Path | None) -> Any:
    """The service context of a reading command, as the user of $DEFDIP_TOKEN
    (:func:`~defdip.cli._common.cli_context`; its reads check the store first: a missing
    store is refused, never created empty)."""
    from defdip.cli._common import cli_context

    return cli_context(store)


def _notes(result: Any) -> None:
    """The sample the answer rests on, and what was clipped to the data."""
    for note in result.notes:
        console.print(f"[yellow]note:[/yellow] {note}")
    if result.coverage:
        console.print(f"[dim]Sample: {result.coverage}.[/dim]")


def _show(result: Any, table: object, as_json: bool, caption: str) -> None:
    """A service result: JSON (the analysis's own document, its ``period`` and ``notes``
    among the fields), or its table, the caption, the notes and the sample."""
    if as_json:
        emit(result.document, as_json=True)
        return
    emit(table, as_json=False)  # type: ignore[arg-type]
    console.print(caption)
    _notes(result)
