"""Options and printing shared by the CLI modules.

Building the CLI (``defdip --help``) must stay fast, so this module and the ``cmd_*``
modules import the library (pandas, DuckDB, Ibis …) inside the functions that run a
command, never at module level; tests/test_cli_imports.py checks it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console

from defdip.errors import InvalidArgument

if TYPE_CHECKING:
    import pandas as pd

    from defdip.service.context import Context
    from defdip.store import Store
    from defdip.store.compiled import Rows

__all__ = [
    "RECORD_YEARS",
    "YEARS",
    "ForceOption",
    "JsonOption",
    "MirrorOption",
    "StoreOption",
    "check_count",
    "check_output_option",
    "check_year",
    "check_years",
    "cli_context",
    "console",
    "emit",
    "emit_rows",
    "open_cli_store",
    "parse_years",
    "resolve_mirror",
]

# Years a command accepts: from the first year of the COW state system, which every panel,
# measure and analysis is built on, to a fixed last year (no hidden "today"; no source
# reaches it). The record's own dates span what its storage can hold.
YEARS: tuple[int, int] = (1816, 2100)
RECORD_YEARS: tuple[int, int] = (1678, 2261)

console = Console()

StoreOption = typer.Option(None, "--store", help="DuckDB store file (default: "
                           "$DEFDIP_HOME/defdip.duckdb).", envvar="DEFDIP_STORE")
MirrorOption = typer.Option(None, "--mirror", help="Folder holding the publishers' files "
                            "(default: $DEFDIP_MIRROR; without either, download).")
JsonOption = typer.Option(False, "--json", help="Print JSON instead of a table.")
ForceOption = typer.Option(False, "--force", help="Replace an existing --out file that defdip "
                           "did not write (or that changed since).")


def cli_context(path: Path | None) -> Context:
    """The context of a command: the store, and who asks. With the record in PostgreSQL
    ($DEFDIP_DATABASE_URL) that is the user of the API token in $DEFDIP_TOKEN (nobody: the
    anonymous reader, who sees PUBLIC records released to ALL)."""
    import os

    from defdip.service.context import Context

    ctx = Context(path)
    token = os.environ.get("DEFDIP_TOKEN")
    if token and ctx.multi_user:
        from defdip.service.accounts import principal_for_token

        ctx = ctx.as_user(principal_for_token(ctx, token))
    return ctx


def open_cli_store(path: Path | None) -> Store:
    """The store a reading command reads, checked first (``store.session.checked_store``) and
    opened read-only, so it never blocks a load and a load never blocks it; scoped to who asks
    (:func:`cli_context`). A missing store is refused, never created empty."""
    from defdip.store import Store
    from defdip.store.session import checked_store

    return Store(checked_store(path), read_only=True, scope=cli_context(path).scope())


def check_output_option(out: str | Path, *, force: bool) -> None:
    """Refuse an --out path before any work (see :func:`defdip.paths.check_output`)."""
    from defdip.paths import check_output

    check_output(out, force=force)


def check_year(value: int | None, option: str, *, span: tuple[int, int] = YEARS,
               why: str = "") -> int | None:
    """``value`` if it lies in ``span`` (None passes), else :class:`InvalidArgument`."""
    if value is not None and not span[0] <= value <= span[1]:
        raise InvalidArgument(f"{option} {value!r} is outside {span[0]}–{span[1]}{why}. "
                              f"Pass a year such as {option} 2000.")
    return value


def check_years(start: int | None, end: int | None, *, options: tuple[str, str] = (
                "--from", "--to"), span: tuple[int, int] = YEARS,
                why: str = "") -> tuple[int | None, int | None]:
    """Both years in ``span`` and in order: the one check every command makes."""
    check_year(start, options[0], span=span, why=why)
    check_year(end, options[1], span=span, why=why)
    if start is not None and end is not None and start > end:
        raise InvalidArgument(f"{options[0]} {start!r} is after {options[1]} {end!r}: pass the "
                              f"earlier year first (e.g. {options[0]} 1995 {options[1]} 2019).")
    return start, end


def check_count(value: int | None, option: str, low: int, high: int) -> int | None:
    """A window, horizon or --top within ``low``..``high`` (None passes)."""
    if value is not None and not low <= value <= high:
        raise InvalidArgument(f"{option} {value!r} must be {low} to {high}.")
    return value


def resolve_mirror(mirror: Path | None) -> Path | None:
    from defdip.paths import default_mirror

    chosen = mirror if mirror is not None else default_mirror()
    if chosen is not None and not Path(chosen).is_dir():
        raise InvalidArgument(f"--mirror {str(chosen)!r} is not a folder. Point it at the "
                              "folder that holds the sources' subfolders (e.g. ../shared/data).")
    return Path(chosen) if chosen is not None else None


def parse_years(text: str, option: str = "--years") -> tuple[int, int]:
    """'2020-2024' → (2020, 2024); '2022' → (2022, 2022); checked as :func:`check_years`."""
    try:
        parts = [int(p) for p in text.split("-")]
    except ValueError:
        parts = []
    if len(parts) not in (1, 2) or (len(parts) == 2 and parts[0] > parts[1]):
        raise InvalidArgument(f"{option} {text!r} is not a year range: write 2020-2024 or 2022.")
    for part in parts:
        check_year(part, option)
    return parts[0], parts[-1]


def _is_frame(data: object) -> bool:
    """A DataFrame can only exist once pandas is imported; never import it just to ask."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(data, pandas.DataFrame)


def _is_rows(data: object) -> bool:
    return isinstance(data, list) and bool(data) and all(isinstance(r, dict) for r in data)


def _cell(value: Any, float_format: str) -> str:
    """One table cell: empty for NULL/NaN, floats with ``float_format``, else the text."""
    from defdip.plain import plain

    if plain(value) is None:
        return ""
    return float_format.format(value) if isinstance(value, float) else str(value)


def _print_table(columns: list[str], numeric: list[bool], rows: Iterable[Sequence[Any]],
                 title: str | None, float_format: str) -> None:
    """Rows as a boxed text table, numeric columns right-aligned: the one printer of every
    table. Every cell is printed whole — never cut to the terminal's width with "…" — and
    without rich's layout engine, which took a fifth of a second for 200 rows (so the
    everyday commands stay under half a second)."""
    header = [str(c) for c in columns]
    body = [[_cell(v, float_format).replace("\n", " ") for v in row] for row in rows]
    widths = [max([len(header[i])] + [len(r[i]) for r in body]) for i in range(len(header))]

    def line(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right

    def cells(values: list[str], edge: str, aligned: bool) -> str:
        parts = [(v.rjust(w) if aligned and right else v.ljust(w))
                 for v, w, right in zip(values, widths, numeric, strict=True)]
        return edge + edge.join(f" {p} " for p in parts) + edge

    out = []
    if title:
        out.append(title.center(sum(widths) + 3 * len(widths) + 1).rstrip())
    out += [line("┏", "━", "┳", "┓"), cells(header, "┃", False), line("┡", "━", "╇", "┩")]
    out += [cells(r, "│", True) for r in body]
    out.append(line("└", "─", "┴", "┘"))
    typer.echo("\n".join(out))


def _print_rows(rows: list[dict[str, Any]], title: str | None, float_format: str) -> None:
    """A list of records as a rich table, without pandas (fast commands stay fast)."""
    columns = list(dict.fromkeys(k for row in rows for k in row))
    numeric = [all(isinstance(r.get(c), int | float) or r.get(c) is None for r in rows)
               for c in columns]
    _print_table(columns, numeric, ([r.get(c) for c in columns] for r in rows), title,
                 float_format)


def emit_rows(found: Rows, *, as_json: bool, title: str | None = None,
              float_format: str = "{:,.2f}", columns: Sequence[str] | None = None) -> None:
    """Print a fast read's rows (:mod:`defdip.service.quick`) exactly as :func:`emit` prints
    the library's DataFrame of the same rows: JSON records, or the table of ``columns``."""
    if as_json:
        from defdip.plain import json_text

        typer.echo(json_text(found.dicts()))
        return
    shown = list(columns) if columns is not None else list(found.columns)
    at = [found.columns.index(c) for c in shown]
    _print_table(shown, [found.numeric[i] for i in at],
                 ([row[i] for i in at] for row in found.rows), title, float_format)


def emit(data: pd.DataFrame | list | dict, *, as_json: bool, title: str | None = None,
         float_format: str = "{:,.2f}") -> None:
    """Print ``data`` as JSON or as a rich table."""
    from defdip.plain import json_text

    if not _is_frame(data):
        if not as_json and _is_rows(data):
            _print_rows(data, title, float_format)  # type: ignore[arg-type]
            return
        text = json_text(data)
        if as_json:
            typer.echo(text)
        else:
            console.print_json(text)
        return
    import pandas as pd

    from defdip.plain import records

    if as_json:
        typer.echo(json_text(records(data)))
        return
    _print_table([str(c) for c in data.columns],
                 [bool(pd.api.types.is_numeric_dtype(data[c])) for c in data.columns],
                 data.itertuples(index=False), title, float_format)
