"""Loads that defend the store: a raw file is parsed, then checked whole, before it may
replace what is stored.

:func:`parse_whole` is the one place the store calls. It runs the source's ``parse`` (turning
any failure into a :class:`SourceFormatError` that names the files), then checks

- each text file's last line is complete (a file cut mid-line parses, with nulls), and a
  gzip stream or Parquet file ends where it should;
- each table against the source's declared :class:`~defdip.sources._base.Whole`: a floor of
  rows, required columns without nulls, keys that do not repeat (beyond what the publisher's
  file really repeats);
- each table against the last load: more than :data:`MAX_SHRINK` fewer rows is refused
  unless the user says the smaller vintage is deliberate (``accept_shrink``).

A failing file raises :class:`IncompleteSource` naming the file and the check; nothing is
written, so the store keeps the data it had.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from defdip.errors import DefdipError, IncompleteSource, SourceFormatError
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole
from defdip.sources._checks import file_kind

pd = lazy_import("pandas")

__all__ = ["MAX_SHRINK", "check_file_whole", "check_tables", "parse_whole"]

MAX_SHRINK = 0.10  # a reload may lose at most 10% of a table's rows without --accept-shrink
KEEP = "The store keeps the data it had."
REFETCH = (f"{KEEP} Re-download the file (`defdip load NAME` without --mirror) or check that "
           "the mirror holds the publisher's whole, unmodified file.")
_TEXT_SUFFIXES = (".csv", ".tsv", ".tab", ".txt")
_TAIL = 1 << 16


def _tail_of_gzip(path: Path) -> bytes:
    """The last bytes of a gzip file's content, reading the whole stream (a truncated or
    corrupt stream raises)."""
    tail = b""
    try:
        with gzip.open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                tail = (tail + block)[-_TAIL:]
    except (EOFError, OSError, zlib.error) as exc:
        raise IncompleteSource(path, f"the gzip stream is damaged or ends early ({exc}); the "
                               "file is truncated (check 'complete file')",
                               fix=REFETCH) from None
    return tail


def _tail_of_text(path: Path) -> bytes:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - _TAIL))
        return handle.read()


def _fields(line: bytes, delimiter: str) -> int:
    text = line.decode("latin-1").rstrip("\r")
    return len(next(csv.reader([text], delimiter=delimiter), []))


def check_file_whole(path: Path | str) -> None:
    """Refuse a raw file cut short: a damaged gzip stream, a Parquet file without its
    footer, or a CSV/TSV whose last line has fewer fields than the line before it (a file
    without a final line break is fine when its last line is complete)."""
    path = Path(path)
    kind = file_kind(path)
    name = path.name.lower().removesuffix(".gz")
    if kind == "parquet":
        with path.open("rb") as handle:
            handle.seek(-4, 2)
            if handle.read(4) != b"PAR1":
                raise IncompleteSource(path, "the Parquet file has no footer; it is truncated "
                                       "(check 'complete file')", fix=REFETCH)
        return
    if kind == "gzip":
        tail = _tail_of_gzip(path)
    elif kind == "text":
        tail = _tail_of_text(path)
    else:
        return
    if not name.endswith(_TEXT_SUFFIXES) or not tail or tail.endswith(b"\n"):
        return
    lines = tail.split(b"\n")
    if len(lines) < 3:
        return  # one line after the header, or a tail that starts mid-line: nothing to compare
    delimiter = "\t" if name.endswith((".tsv", ".tab")) else ","
    last, before = _fields(lines[-1], delimiter), _fields(lines[-2], delimiter)
    if last < before:
        raise IncompleteSource(path, f"the last line has {last} fields where the line before "
                               f"has {before} (starts {lines[-1][:40].decode('latin-1')!r}): "
                               "the file is cut mid-line (check 'last line complete')",
                               fix=REFETCH)


def _where(whole: Whole, files: Mapping[str, Path]) -> str:
    if whole.file and whole.file in files:
        return str(files[whole.file])
    return ", ".join(str(p) for p in files.values())


def _example(frame: pd.DataFrame, columns: list[str], mask: pd.Series) -> str:
    row = frame.loc[mask, columns].iloc[0]
    return ", ".join(f"{c}={row[c]!r}" for c in columns[:6])


def _check_one(info: SourceInfo, whole: Whole, frame: pd.DataFrame, where: str,
               previous: int | None, accept_shrink: bool) -> None:
    table, rows = whole.table, len(frame)
    if not accept_shrink and rows < whole.floor:
        raise IncompleteSource(where, f"gives {rows:,} rows for table {table!r}, fewer than "
                               f"the {whole.floor:,} a whole file of {info.name} gives (check "
                               "'floor'): the file looks cut short or is another product",
                               fix=REFETCH)
    if not accept_shrink and previous and rows < previous * (1 - MAX_SHRINK):
        raise IncompleteSource(where, f"gives {rows:,} rows for table {table!r} where the "
                               f"store holds {previous:,} from the last load, more than "
                               f"{MAX_SHRINK:.0%} fewer (check 'shrink')",
                               fix=f"{KEEP} If this smaller vintage is deliberate, run "
                                   f"`defdip load {info.name} --accept-shrink`.")
    key = list(whole.key) or [c for c in frame.columns if c not in whole.generated]
    required = list(whole.key if whole.required is None else whole.required)
    missing = [c for c in {*key, *required} if c not in frame.columns]
    if missing:
        raise SourceFormatError(where, f"table {table!r} lacks the declared columns "
                                f"{sorted(missing)}", fix=f"Fix {info.name}'s parse or "
                                "its INFO.whole.")
    for column in required:
        empty = frame[column].isna()
        if empty.any():
            raise IncompleteSource(where, f"column {column!r} of table {table!r} is empty in "
                                   f"{int(empty.sum()):,} of {rows:,} rows (check 'required "
                                   "columns'): a row cut short or a column the file lacks",
                                   column=column, fix=REFETCH)
    repeated = frame.duplicated(subset=key, keep="first")
    if int(repeated.sum()) > whole.repeats:
        same = f"key {tuple(key)}" if whole.key else "values"
        known = (f"; the publisher's file repeats at most {whole.repeats} ({whole.why})"
                 if whole.repeats else "")
        raise IncompleteSource(where, f"{int(repeated.sum()):,} rows of table {table!r} repeat "
                               f"a row with the same {same} (first: "
                               f"{_example(frame, key, repeated)}){known} (check 'unique "
                               "key'): a doubled or merged file would count them twice",
                               fix=REFETCH)


def check_tables(info: SourceInfo, tables: Mapping[str, pd.DataFrame],
                 files: Mapping[str, Path], *, previous: Mapping[str, int] | None = None,
                 accept_shrink: bool = False) -> None:
    """Check every table against the source's declared :class:`Whole` (a table without one
    gets the floor of one row and the shrink check)."""
    declared = {w.table: w for w in info.whole}
    for table, frame in tables.items():
        whole = declared.get(table) or Whole(table, floor=1, key=(), repeats=len(frame))
        _check_one(info, whole, frame, _where(whole, files),
                   (previous or {}).get(table), accept_shrink)


def parse_whole(module: Any, files: Mapping[str, Path], vocab: Any, *,
                previous: Mapping[str, int] | None = None,
                accept_shrink: bool = False) -> dict[str, pd.DataFrame]:
    """``module.parse(files, vocab)``, refused unless every file and table is whole.

    ``previous`` holds the rows each table had after the last load (``_tables.rows``). Any
    error the parser did not put into words becomes a :class:`SourceFormatError` naming the
    files (after a look for a file cut short, which names the cause better).
    """
    info: SourceInfo = module.INFO
    try:
        tables = module.parse(files, vocab)
    except (DefdipError, MemoryError):
        raise
    except Exception as exc:
        for path in files.values():
            check_file_whole(path)
        where = ", ".join(str(p) for p in files.values())
        raise SourceFormatError(where, f"cannot be read as {info.name} ({type(exc).__name__}: "
                                f"{str(exc)[:300]})") from exc
    for path in files.values():
        check_file_whole(path)
    check_tables(info, tables, files, previous=previous, accept_shrink=accept_shrink)
    return tables
