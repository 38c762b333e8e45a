"""Event data (who did what to whom): readers for ICEWS, GDELT 2.0 and POLECAT files, one
event schema, one QuadClass scheme, and the dyad-month aggregates written as Ibis.

The readers turn a publisher's file into rows of :data:`EVENT_SCHEMA` and report every row
they could not use (:class:`FileReport`); ``defdip.store.events`` keeps the rows as one
Parquet dataset partitioned by month; :mod:`defdip.events.aggregate` turns that dataset into
dyad-months and dyad-years on DuckDB or Spark. See docs/events.md.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from defdip.errors import InvalidArgument, SourceFormatError
from defdip.events import gdelt, icews, polecat
from defdip.events._read import (
    COLUMNS,
    EVENT_SCHEMA,
    KEY,
    BadRow,
    FileReport,
    ReadContext,
    lines_of,
)
from defdip.events.codes import QUAD_CLASSES, CameoBook

__all__ = [
    "COLUMNS",
    "EVENT_SCHEMA",
    "FORMATS",
    "KEY",
    "QUAD_CLASSES",
    "BadRow",
    "CameoBook",
    "FileReport",
    "ReadContext",
    "detect_format",
    "read_events",
]

READERS = {icews.FORMAT: icews, gdelt.FORMAT: gdelt, polecat.FORMAT: polecat}
FORMATS: tuple[str, ...] = tuple(READERS)


def detect_format(path: Path) -> str:
    """``icews``, ``gdelt`` or ``polecat``, from the file's name and first line."""
    name = path.name.lower()
    if name.endswith((".export.csv", ".export.csv.zip")):
        return gdelt.FORMAT
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            if any(n.lower().endswith(".export.csv") for n in archive.namelist()):
                return gdelt.FORMAT
    first = next(lines_of(path), None)
    text = first[1] if first is not None and first[1] is not None else ""
    for module in (icews, polecat, gdelt):
        if module.sniff(text):
            return module.FORMAT
    raise SourceFormatError(path, "is neither an ICEWS, a GDELT 2.0 export nor a POLECAT file "
                            f"(first line {text[:80]!r})", row=1,
                            fix="Pass --format icews|gdelt|polecat if you know it.")


def read_events(path: Path | str, context: ReadContext, *, format: str | None = None
                ) -> tuple[FileReport, Iterator[pa.Table]]:
    """A report and the file's events in chunks; the report is complete once the chunks
    are consumed. A missing or unreadable file raises before any chunk."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgument(f"{str(path)!r} is not a file. Give the path of an ICEWS .tab, a "
                              "GDELT .export.CSV.zip or a POLECAT .txt file.")
    chosen = format or detect_format(path)
    if chosen not in READERS:
        raise InvalidArgument(f"--format {chosen!r} is not one of {list(READERS)}.")
    report = FileReport(path, chosen)
    return report, READERS[chosen].read(path, context, report)
