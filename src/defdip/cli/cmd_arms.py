"""`defdip arms ranking|partners|deals`: SIPRI arms-transfer queries."""

from __future__ import annotations

from pathlib import Path

import typer

from defdip.cli._common import (
    JsonOption,
    StoreOption,
    check_count,
    cli_context,
    emit,
    emit_rows,
    parse_years,
)

__all__ = ["register"]

RoleOption = typer.Option("supplier", "--role",
                          help="supplier (exports) or recipient (imports).")
YearsOption = typer.Option(None, "--years", help="Delivery years, e.g. 2020-2024 (default: "
                           "the last five years SIPRI's deliveries cover).")
CountryArgument = typer.Argument(..., help="ISO3 code, COW code or name, e.g. TUR.")


def register(app: typer.Typer) -> None:
    arms = typer.Typer(help="Arms transfers from SIPRI: rankings, partners, deals.",
                       no_args_is_help=True)
    app.add_typer(arms, name="arms")

    @arms.command("ranking")
    def ranking_cmd(role: str = RoleOption, years: str | None = YearsOption,
                    top: int = typer.Option(None, "--top", help="Show the first N only."),
                    store: Path = StoreOption, as_json: bool = JsonOption) -> None:
        """Rank exporters or importers by SIPRI TIV delivered, with world shares (%).

        Example: defdip arms ranking --role supplier --years 2020-2024 --top 10
        """
        from defdip.service import quick

        check_count(top, "--top", 1, 10_000)
        start, end = _years(years, store)
        found = quick.arms_ranking(cli_context(store), role, start, end, top=top)
        if found is not None:
            emit_rows(found, as_json=as_json, title=f"{role}s by TIV delivered, {start}-{end}")
            return
        from defdip.service import reads

        result = reads.arms_ranking(cli_context(store), role, start, end, top=top)
        years = result.detail  # clipped to SIPRI's delivery years, with a note
        emit(result.table, as_json=as_json,
             title=f"{role}s by TIV delivered, {years.start}-{years.end}")
        _notes(result, as_json)

    @arms.command("partners")
    def partners_cmd(country: str = CountryArgument, role: str = RoleOption,
                     years: str | None = YearsOption, store: Path = StoreOption,
                     as_json: bool = JsonOption) -> None:
        """A country's customers (--role supplier) or suppliers (--role recipient) by TIV.

        Example: defdip arms partners TUR --role supplier --years 2020-2024
        """
        from defdip.service import reads

        code = _country(country, store)  # an ambiguous name stops first, whatever is loaded
        start, end = _years(years, store)
        result = reads.arms_partners(cli_context(store), code, role, start, end)
        years = result.detail
        emit(result.table, as_json=as_json,
             title=f"partners of {country} as {role}, {years.start}-{years.end}")
        _notes(result, as_json)

    @arms.command("deals")
    def deals_cmd(country: str = CountryArgument, role: str = RoleOption,
                  years: str | None = YearsOption, store: Path = StoreOption,
                  as_json: bool = JsonOption) -> None:
        """SIPRI register deals of a country ordered or delivered in the years.

        Example: defdip arms deals TUR --role supplier --years 2015-2024
        """
        from defdip.service import reads

        code = _country(country, store)
        start, end = _years(years, store)
        frame = reads.arms_deals(cli_context(store), code, role, start, end).table
        if not as_json:
            frame = frame[["order_year", "partner_label", "weapon_designation",
                           "weapon_description", "number_ordered", "delivery_years",
                           "licensed_production", "tiv_delivered"]]
        emit(frame, as_json=as_json, title=f"deals of {country} as {role}, {start}-{end}")


def _country(country: str, store: Path | None) -> str:
    """The state (or SIPRI's non-state label) ``country`` names, by the one resolver."""
    from defdip.service.arms import actor

    return actor(cli_context(store), country)


def _years(years: str | None, store: Path | None) -> tuple[int, int]:
    """``--years`` as typed, or the last five years SIPRI's deliveries cover."""
    if years is not None:
        return parse_years(years)
    from defdip.service.arms import default_years

    return default_years(cli_context(store))


def _notes(result: object, as_json: bool) -> None:
    """What was clipped to SIPRI's years (on stderr, so ``--json`` stays one document)."""
    for note in getattr(result, "notes", ()):
        typer.echo(f"note: {note}", err=True)
