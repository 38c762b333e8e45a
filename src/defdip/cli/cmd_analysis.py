"""`defdip effects|event-study|tension|screen|breakpoints|trends|region`: the analyses."""

from __future__ import annotations

from pathlib import Path

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


def register(app: typer.Typer) -> None:
    @app.command("effects")
    def effects_cmd(country: str = typer.Argument(..., help="Focal state (ISO3, COW, name), "
                                                  "or ALL for every dyad."),
                    outcome: str = typer.Option("un_sscore", "--outcome",
                                                help="un_sscore, un_kappa, un_agree or "
                                                     "idealpoint_dist."),
                    start: int = typer.Option(1995, "--from", help="First year."),
                    end: int = typer.Option(2019, "--to", help="Last year (UN data end 2019)."),
                    fe: str = typer.Option("dyad+year", "--fe", help="dyad+year or year."),
                    store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Alignment on lagged engagement: two-way fixed effects, dyad-clustered errors.

        Example: defdip effects TUR --outcome un_sscore --from 1995 --to 2019
        Example: defdip effects ALL --from 2010 --to 2019
        """
        from defdip.analysis import effects

        check_years(start, end, span=EFFECTS_YEARS, why=EFFECTS_WHY)
        focal = None if country.upper() == "ALL" else country
        with open_cli_store(store) as handle:
            result = effects(handle, focal, outcome=outcome, start=start, end=end,
                             fixed_effects=fe)
        _show(result, result.table, as_json, result.specification)

    @app.command("event-study")
    def event_study_cmd(country: str = typer.Argument(..., help="Focal state."),
                        onset: str = typer.Option("exercise", "--onset",
                                                  help="exercise, agreement or arms."),
                        outcome: str = typer.Option("un_sscore", "--outcome"),
                        start: int = typer.Option(1980, "--from"),
                        end: int = typer.Option(2019, "--to"),
                        window: int = typer.Option(5, "--window", help="Leads/lags shown."),
                        store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Callaway–Sant'Anna event study of alignment around an instrument's onset.

        Example: defdip event-study TUR --onset exercise
        """
        from defdip.analysis import event_study

        check_years(start, end)
        check_count(window, "--window", 1, 20)
        with open_cli_store(store) as handle:
            result = event_study(handle, country, onset=onset, outcome=outcome, start=start,
                                 end=end, window=window)
        _show(result, result.table, as_json, result.specification)

    @app.command("tension")
    def tension_cmd(country: str = typer.Argument(..., help="Focal state."),
                    year: int = typer.Option(None, "--year", help="One year only."),
                    start: int = typer.Option(1990, "--from"),
                    end: int = typer.Option(2019, "--to"),
                    store: Path = StoreOption,
                    events: Path = typer.Option(None, "--events", envvar="DEFDIP_EVENTS",
                                                help="The event dataset folder (default: "
                                                     "events/ beside the store)."),
                    as_json: bool = JsonOption) -> None:
        """Partners in tension with the focal state, and where engagement coexists with it;
        with event files loaded (`defdip events load`), the monthly event balance too.

        Example: defdip tension TUR --from 1990 --to 2014
        Example: defdip tension TUR --year 2018
        """
        from defdip.analysis import tension_monitor
        from defdip.store.events import EventStore

        check_years(start, end)
        check_year(year, "--year")
        dataset = EventStore(events) if events is not None else None
        with open_cli_store(store) as handle:
            result = tension_monitor(handle, country, start=start, end=end, year=year,
                                     events=dataset)
        _show(result, result.partners, as_json, "coexist = allied or arms flow, and tension")
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
        from defdip.analysis import breakpoint_tests

        check_count(window, "--window", 3, 30)
        with open_cli_store(store) as handle:
            result = breakpoint_tests(handle, country, window=window)
        _show(result, result.table.drop(columns=["name"], errors="ignore"), as_json,
              "Chow F test of a linear trend at each date")

    @app.command("trends")
    def trends_cmd(country: str = typer.Argument(..., help="Focal state."),
                   horizon: int = typer.Option(5, "--horizon", help="Years to forecast."),
                   holdout: int = typer.Option(3, "--holdout", help="Backtest years."),
                   store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Engagement by instrument, forecasts with 95% intervals, and the backtest error.

        Example: defdip trends TUR --horizon 5
        """
        from defdip.analysis import trends
        from defdip.analysis.trends import MAX_HOLDOUT, MAX_HORIZON

        check_count(horizon, "--horizon", 1, MAX_HORIZON)
        check_count(holdout, "--holdout", 1, MAX_HOLDOUT)
        with open_cli_store(store) as handle:
            result = trends(handle, country, horizon=horizon, holdout=holdout)
        if as_json:
            emit(result.to_dict(), as_json=True)
            return
        emit(result.backtest, as_json=False, title="Backtest (held-out final years)")
        emit(result.forecasts, as_json=False, title="Forecasts (95% prediction intervals)")

    @app.command("region")
    def region_cmd(name: str = typer.Argument(..., help="Region, e.g. nato, middle_east."),
                   country: str = typer.Option("TUR", "--country", help="Focal state."),
                   start: int = typer.Option(1995, "--from"),
                   end: int = typer.Option(2019, "--to"),
                   store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """A regional case study: instruments, alignment trend, top partners, peacekeeping.

        Example: defdip region middle_east --country TUR --from 1995 --to 2019
        """
        from defdip.analysis import region_case

        check_years(start, end)
        with open_cli_store(store) as handle:
            result = region_case(handle, country, name, start=start, end=end)
        if as_json:
            emit(result.to_dict(), as_json=True)
            return
        emit(result.engagement, as_json=False, title=f"Engagement with {result.description}")
        emit(result.alignment, as_json=False, title="Alignment (UNGA ideal points)")
        emit(result.top_partners, as_json=False, title="Top partners")
        emit(result.peacekeeping, as_json=False, title="Peacekeeping in the region")
        for note in result.notes:
            console.print(f"note: {note}")


def _show(result: object, table: object, as_json: bool, caption: str) -> None:
    if as_json:
        emit(result.to_dict(), as_json=True)  # type: ignore[attr-defined]
        return
    emit(table, as_json=False)  # type: ignore[arg-type]
    console.print(caption)
