"""The ``defdip`` command line: parse arguments, call the library, print.

Each ``cmd_*.py`` module in this package adds its commands through ``register(app)``;
library errors become CLI errors here, at the edge, and nowhere else.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from defdip import __version__
from defdip.errors import DefdipError

__all__ = ["app", "main"]

app = typer.Typer(
    name="defdip",
    help="Defence-diplomacy records, panels, measures and country briefs.\n\n"
         "Example: defdip load --mirror ../shared/data && defdip brief TUR --out brief.html",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"defdip {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                       help="Print the version and exit.")) -> None:
    """Defence-diplomacy records, panels, measures and country briefs."""


# Commands appear in --help in the order a user meets them; any other cmd_* module follows.
ORDER = ("cmd_sources", "cmd_countries", "cmd_arms", "cmd_record", "cmd_panel", "cmd_measures",
         "cmd_analysis", "cmd_brief")
_found = {m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("cmd_")}
for _name in [*[n for n in ORDER if n in _found], *sorted(_found - set(ORDER))]:
    importlib.import_module(f"{__name__}.{_name}").register(app)


def main() -> None:
    """Entry point: run the app, turning library errors into one clear line and exit 2."""
    try:
        app()  # standalone: click reports usage errors itself and exits 2
    except DefdipError as exc:
        typer.secho(f"Error: {exc}", fg="red", err=True)
        sys.exit(2)
