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


for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name.startswith("cmd_"):
        importlib.import_module(f"{__name__}.{_info.name}").register(app)


def main() -> None:
    """Entry point: run the app, turning library errors into one clear line and exit 2."""
    try:
        app(standalone_mode=False)
    except DefdipError as exc:
        typer.secho(f"Error: {exc}", fg="red", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise
