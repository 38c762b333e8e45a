"""The ``defdip`` command line: parse arguments, call the library, print.

Each ``cmd_*.py`` module in this package adds its commands through ``register(app)``;
library errors become CLI errors here, at the edge, and nowhere else.
"""

from __future__ import annotations

import errno
import importlib
import sys
from pathlib import Path

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
         "cmd_analysis", "cmd_brief", "cmd_serve")
_found = {p.stem for p in Path(__file__).parent.glob("cmd_*.py")}  # not pkgutil: ~20 ms
for _name in [*[n for n in ORDER if n in _found], *sorted(_found - set(ORDER))]:
    importlib.import_module(f"{__name__}.{_name}").register(app)


UNCHANGED = ("Nothing was changed: every write is all or nothing (the store's transaction "
             "rolled back; an --out file is written beside and renamed into place).")


def _environment_error(exc: BaseException) -> str | None:
    """One line for a failure of the machine rather than of defdip: a full disk, a file or
    folder without permission, memory; None for anything else (a bug: keep its traceback)."""
    text = str(exc)
    if isinstance(exc, MemoryError):
        return f"Out of memory. {UNCHANGED} Narrow the request (fewer years or countries)."
    number = getattr(exc, "errno", None)
    if number == errno.ENOSPC or "No space left on device" in text:
        return f"The disk is full ({text}). {UNCHANGED} Free some space and run it again."
    if number in (errno.EACCES, errno.EPERM, errno.EROFS) or any(
            s in text for s in ("Permission denied", "Read-only file system")):
        return (f"Permission denied ({text}). {UNCHANGED} Check that you may write the "
                "folder of the store (DuckDB writes <store>.wal beside it) and of --out.")
    return None


_INTERRUPTED: list[bool] = []


def _on_sigint(signum: int, frame: object) -> None:
    """Remember the Ctrl-C (a library that swallows the KeyboardInterrupt — pyreadr's C
    callbacks do — must not turn it into some other error), then interrupt as Python does."""
    _INTERRUPTED.append(True)
    raise KeyboardInterrupt


def main() -> None:
    """Entry point: run the app, turning library errors into one clear line and exit 2;
    Ctrl-C exits 130 with one line; a full disk or a permission problem is one line too."""
    import signal

    signal.signal(signal.SIGINT, _on_sigint)
    try:
        _run()
    except SystemExit as exc:
        if _INTERRUPTED and exc.code not in (0, 130, None):
            _interrupted()  # the interrupted code failed some other way: the cause was Ctrl-C
        raise
    except Exception:
        if _INTERRUPTED:
            _interrupted()
        raise


def _interrupted() -> None:
    typer.secho(f"Interrupted. {UNCHANGED}", fg="red", err=True)
    sys.exit(130)


def _run() -> None:
    try:
        app()  # standalone: click reports usage errors itself and exits 2
    except SystemExit as exc:  # typer turns Ctrl-C into a silent exit 130: say what it means
        if exc.code == 130:
            typer.secho(f"Interrupted. {UNCHANGED}", fg="red", err=True)
        raise
    except DefdipError as exc:
        if _INTERRUPTED:
            _interrupted()
        typer.secho(f"Error: {exc}", fg="red", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        typer.secho(f"Interrupted. {UNCHANGED}", fg="red", err=True)
        sys.exit(130)
    except Exception as exc:  # duckdb.IOException, OSError, MemoryError from the machine
        if type(exc).__name__ == "InterruptException" or str(exc) == "Query interrupted":
            # Ctrl-C while DuckDB runs a query: DuckDB stops it and raises this instead
            typer.secho(f"Interrupted. {UNCHANGED}", fg="red", err=True)
            sys.exit(130)
        message = _environment_error(exc)
        if message is None:
            raise
        typer.secho(f"Error: {message}", fg="red", err=True)
        sys.exit(2)
