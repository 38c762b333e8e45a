"""Reading and checking shared by the source parsers: one version of each, one message each.

Every check raises :class:`SourceFormatError` naming the file, the row a user sees in it and
the column, so a bad raw file stops the load instead of being half-read. Row numbers are file
lines: by default ``position + header_rows + 1`` (one header line), or, for files whose rows
do not map one-to-one onto the frame (preambles, records split over lines, reshaped frames),
taken from a Series of file line numbers aligned with the frame (``lines``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import gzip
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.lazy import lazy_import
from defdip.sources._base import ACTOR_FIX, attach_codes, unresolved

pd = lazy_import("pandas")

__all__ = [
    "ACTOR_FIX",
    "MIRROR_FIX",
    "check_actors",
    "file_kind",
    "file_row",
    "iso_dates",
    "participants",
    "partial_dates",
    "read_csv",
    "refuse_non_text",
    "reject_rows",
    "require_columns",
    "ymd_dates",
]

MIRROR_FIX = ("The publisher's URL does not serve the file this parser reads; load this "
              "source from a mirror that holds it (--mirror DIR or $DEFDIP_MIRROR).")

_KINDS = {"rda": "an R data file (.rda)", "html": "a web page (HTML)",
          "excel": "an Excel workbook", "zip": "a ZIP archive"}


def file_kind(path: Path | str) -> str:
    """What the file's first bytes say it is: 'rda', 'html', 'excel', 'zip', 'parquet',
    'gzip' (anything else compressed with gzip) or 'text'."""
    with Path(path).open("rb") as handle:
        head = handle.read(512)
    if head.startswith(b"\x1f\x8b"):
        with gzip.open(path, "rb") as inner:
            try:
                body = inner.read(5)
            except (OSError, EOFError):
                return "gzip"
        return "rda" if body.startswith((b"RDX", b"RDA")) else "gzip"
    if head.startswith((b"BZh", b"\xfd7zXZ", b"RDX", b"RDA")):
        return "rda"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "excel"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"PAR1"):
        return "parquet"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        return "html"
    return "text"


def refuse_non_text(path: Path | str, expected: str = "CSV") -> None:
    """Refuse an R data file, web page, workbook or archive where a text file is expected.

    Several publishers' URLs serve such files (an ``.rda`` in an R package, a download page);
    the parsers read the mirror's text extracts, so say that instead of a tokenizer error.
    """
    kind = file_kind(path)
    if kind in _KINDS:
        raise SourceFormatError(path, f"is {_KINDS[kind]}, not the {expected} this parser reads",
                                fix=MIRROR_FIX)


def require_columns(frame: pd.DataFrame, required: Iterable[str], path: Path | str) -> None:
    """Raise :class:`SourceFormatError` naming the first required column ``frame`` lacks."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceFormatError(path, f"missing columns {missing}", column=missing[0])


def read_csv(path: Path | str, required: Sequence[str] = (), *, what: str = "CSV",
             **options: object) -> pd.DataFrame:
    """``pandas.read_csv`` of a publisher's text file, checked for ``required`` columns.

    A binary file (see :func:`refuse_non_text`) or one pandas cannot tokenize or decode
    becomes a :class:`SourceFormatError` ("cannot be read as {what}").
    """
    refuse_non_text(path)
    try:
        frame = pd.read_csv(path, **options)  # type: ignore[call-overload]
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceFormatError(path, f"cannot be read as {what} ({exc})") from exc
    require_columns(frame, required, path)
    return frame


def file_row(position: int, *, header_rows: int = 1, lines: pd.Series | None = None) -> int:
    """The file line of the frame row at ``position``: from ``lines`` when given, else
    ``position + header_rows + 1``."""
    if lines is not None:
        return int(lines.iloc[position])
    return position + header_rows + 1


def reject_rows(bad: pd.Series, path: Path | str, problem: Callable[[int], str], *,
                column: str, header_rows: int = 1, lines: pd.Series | None = None) -> None:
    """Raise at the first True of ``bad``; ``problem(position)`` says what is wrong there."""
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise SourceFormatError(path, problem(position), column=column,
                                row=file_row(position, header_rows=header_rows, lines=lines))


def iso_dates(raw: pd.DataFrame, column: str, path: Path | str) -> pd.Series:
    """``raw[column]`` as datetimes; any value that is not YYYY-MM-DD stops the parse."""
    dates = pd.to_datetime(raw[column], format="%Y-%m-%d", errors="coerce")
    reject_rows(dates.isna(), path, lambda row: f"date {raw[column].iloc[row]!r} is not "
                "YYYY-MM-DD", column=column)
    return dates


def ymd_dates(frame: pd.DataFrame, prefix: str, path: Path | str) -> pd.Series:
    """Dates (``datetime.date``) from ``{prefix}year/month/day``; an empty part stops the
    parse."""
    parts = frame[[f"{prefix}year", f"{prefix}month", f"{prefix}day"]]
    reject_rows(parts.isna().any(axis=1), path, lambda row: "empty date part",
                column=f"{prefix}year")
    return pd.to_datetime(dict(year=parts.iloc[:, 0], month=parts.iloc[:, 1],
                               day=parts.iloc[:, 2])).dt.date


def check_actors(frame: pd.DataFrame, columns: Sequence[str], vocab: Vocabulary,
                 path: Path | str, *, lines: pd.Series | None = None,
                 shown: Sequence[str] | None = None, ignore: tuple[str, ...] = ("",),
                 fix: str = ACTOR_FIX, closest: bool = False) -> None:
    """Raise at the first file cell (row by row, then column) whose actor does not resolve.

    Checked on the frame as read (before reshaping) so the message names the line and the
    column a user sees in the raw file: ``shown`` gives the file's column names when
    ``frame`` renamed them, ``lines`` the file lines when they are not ``position + 2``.
    With ``closest`` the message lists the vocabulary's closest names.
    """
    cells = frame[list(columns)].astype("string")
    values = pd.Series(cells.to_numpy().ravel()).str.strip()
    bad = set(unresolved(values[~values.isin(ignore)], vocab))
    if not bad:
        return
    hits = cells.apply(lambda c: c.str.strip().isin(bad)).fillna(False).to_numpy()
    position, index = divmod(int(hits.ravel().argmax()), len(columns))
    name = str(cells.iat[position, index]).strip()
    hint = (f" (closest: {vocab.candidates(name)[:3] or 'none'})" if closest else "")
    raise SourceFormatError(
        path, f"actor name {name!r} is neither a known state nor a declared non-state "
        f"actor{hint}", row=file_row(position, lines=lines),
        column=(shown or columns)[index], fix=fix)


def participants(raw: pd.DataFrame, columns: Sequence[str], years: pd.Series,
                 vocab: Vocabulary, path: Path | str) -> pd.DataFrame:
    """One row per file row and distinct participant named in the wide ``columns``.

    The actors are checked on the file as read (:func:`check_actors`), the columns melted,
    blanks dropped and a label repeated within a row kept once, in file order (row, then
    column). Columns: ``row`` (frame position), ``label``, ``year`` (``years`` at that
    position, which picks the codes) and ``p_iso3``/``p_ccode`` from :func:`attach_codes`.
    """
    check_actors(raw, columns, vocab, path)
    wide = raw[list(columns)].copy()
    wide.index = pd.RangeIndex(len(raw))
    long = wide.reset_index(names="row").melt(id_vars="row", var_name="column",
                                              value_name="label")
    long["label"] = long["label"].str.strip()
    long = long[long["label"].ne("")].sort_values("row", kind="stable")
    long = long.drop_duplicates(["row", "label"]).reset_index(drop=True)
    long["year"] = years.to_numpy()[long["row"]]
    return attach_codes(long, "label", vocab, prefix="p", path=path, year_column="year",
                        lines=long["row"] + 2)


def _part(value: object, low: int, high: int) -> int | None:
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():  # 'xx', 'XX', '-9', '' = unknown
        return None
    number = int(text)
    return number if low <= number <= high else None


def _one_date(year: object, month: object, day: object, end: bool
              ) -> tuple[dt.date | None, str | None]:
    y = _part(year, 1, 9999)
    if y is None:
        return None, None
    m = _part(month, 1, 12)
    if m is None:
        return (dt.date(y, 12, 31) if end else dt.date(y, 1, 1)), "year"
    last = calendar.monthrange(y, m)[1]
    d = _part(day, 1, last)
    if d is None:
        return dt.date(y, m, last if end else 1), "month"
    return dt.date(y, m, d), "day"


def partial_dates(frame: pd.DataFrame, prefix: str, *, end: bool) -> tuple[pd.Series, pd.Series]:
    """Dates and their precision ('day', 'month', 'year') from ``{prefix}year/month/day``.

    Unknown parts ('xx', '-9', empty, out of range) widen the date to the month or year:
    a start takes the first day of that span, an end the last, so intervals stay honest.
    """
    pairs = [_one_date(y, m, d, end) for y, m, d in zip(
        frame[f"{prefix}year"], frame[f"{prefix}month"], frame[f"{prefix}day"], strict=True)]
    dates = pd.Series([p[0] for p in pairs], index=frame.index, dtype="object")
    precision = pd.Series([p[1] for p in pairs], index=frame.index, dtype="string")
    return dates, precision
