"""What the three event readers share: the one event schema, line-exact reading of plain or
zipped text files, and the record of bad rows (file, line, column, problem) they report.

Rows are read line by line, so a bad row is named by its line in the file; a row that cannot
be used is never dropped silently: it goes to :attr:`FileReport.bad` with the reason.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.events.codes import CameoBook

__all__ = [
    "COLUMNS",
    "EVENT_SCHEMA",
    "KEY",
    "BadRow",
    "FileReport",
    "ReadContext",
    "Rows",
    "lines_of",
    "parse_date",
    "records_of",
]

#: One row per event, whatever the publisher. ``code`` is the CAMEO code (zero-padded) or the
#: PLOVER type; ``story`` what the publisher groups events by (ICEWS Story ID, GDELT's first
#: source URL, POLECAT's story id or, without one, the event id); ``file``/``line`` where the
#: row was read.
EVENT_SCHEMA = pa.schema([
    ("event_source", pa.string()), ("event_id", pa.string()), ("event_date", pa.date32()),
    ("source_actor", pa.string()), ("source_iso3", pa.string()), ("source_ccode", pa.int16()),
    ("source_sector", pa.string()),
    ("target_actor", pa.string()), ("target_iso3", pa.string()), ("target_ccode", pa.int16()),
    ("target_sector", pa.string()),
    ("code", pa.string()), ("quad_class", pa.int8()), ("goldstein", pa.float64()),
    ("mode", pa.string()), ("context", pa.string()), ("story", pa.string()),
    ("file", pa.string()), ("line", pa.int64()),
])
COLUMNS: tuple[str, ...] = tuple(EVENT_SCHEMA.names)
#: What makes two rows the same event: same day, source, target, code and story.
KEY: tuple[str, ...] = ("event_source", "event_date", "source_actor", "target_actor", "code",
                        "story")

ZIP_FIX = ("Download the file again (a partial download leaves a truncated zip); "
           "`defdip events fetch-gdelt` checks each file's size and MD5.")


@dataclass(frozen=True)
class BadRow:
    """A row that was not loaded, and why."""

    file: str
    line: int
    column: str | None
    problem: str
    text: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.problem}"


@dataclass
class FileReport:
    """What reading one file gave: data rows seen, events kept, bad rows, and notes."""

    path: Path
    format: str
    rows: int = 0
    events: int = 0
    bad: list[BadRow] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    def reject(self, line: int, column: str | None, problem: str, text: str) -> None:
        self.bad.append(BadRow(self.path.name, line, column, problem, text[:500]))

    def note(self, what: str) -> None:
        self.notes[what] = self.notes.get(what, 0) + 1


@dataclass
class ReadContext:
    """What a reader needs besides the file: the vocabulary, the CAMEO codebooks by flavour
    (``icews``, ``gdelt``) and the chunk size that bounds memory."""

    vocab: Vocabulary
    books: dict[str, CameoBook]
    chunk_rows: int = 200_000


class Rows:
    """Valid rows collected column by column, handed out as Arrow tables of the schema."""

    def __init__(self) -> None:
        self.columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}

    def __len__(self) -> int:
        return len(self.columns["line"])

    def add(self, **values: Any) -> None:
        for name in COLUMNS:
            self.columns[name].append(values.get(name))

    def take(self) -> pa.Table:
        """The rows so far as a table (the collector starts empty again)."""
        table = pa.Table.from_pydict(self.columns, schema=EVENT_SCHEMA)
        self.columns = {name: [] for name in COLUMNS}
        return table


_DATES: dict[str, date | None] = {}


def parse_date(text: str) -> date | None:
    """'2018-06-01' or '20180601' → a date; None if it is not one."""
    if text not in _DATES:
        value = text.strip()
        if len(value) == 8 and value.isdigit():
            value = f"{value[:4]}-{value[4:6]}-{value[6:]}"
        try:
            _DATES[text] = date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            _DATES[text] = None
        if len(_DATES) > 100_000:
            _DATES.clear()
    return _DATES[text]


@contextmanager
def _binary(path: Path) -> Iterator[IO[bytes]]:
    """The file's bytes: the single member of a zip archive, or the file itself."""
    if path.suffix.lower() != ".zip" and not zipfile.is_zipfile(path):
        with path.open("rb") as handle:
            yield handle
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SourceFormatError(path, f"is not a complete zip archive ({exc})",
                                fix=ZIP_FIX) from exc
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) != 1:
            raise SourceFormatError(path, f"holds {len(members)} files; an event export zip "
                                    "holds exactly one", fix="Unzip it and load the files.")
        with archive.open(members[0]) as handle:
            yield handle


def lines_of(path: Path) -> Iterator[tuple[int, str | None, str]]:
    """(line number, text or None if not UTF-8, raw text) for each line of the file or of
    the zip's one member, without the line ending. A truncated or damaged zip member raises
    :class:`SourceFormatError` naming the file."""
    with _binary(path) as handle:
        number = 0
        try:
            for raw in handle:
                number += 1
                data = raw.rstrip(b"\r\n")
                try:
                    yield number, data.decode("utf-8"), ""
                except UnicodeDecodeError:
                    yield number, None, data.decode("utf-8", errors="replace")
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise SourceFormatError(path, f"is a truncated or damaged zip archive: reading "
                                    f"stopped after line {number} ({exc})",
                                    fix=ZIP_FIX) from exc


def records_of(lines: Iterable[tuple[int, str | None, str]], report: FileReport
               ) -> Iterator[tuple[int, str]]:
    """(line number, text) of each non-blank record line; counts every record in ``report``
    and rejects a line that is not UTF-8 there (the loop every reader starts with)."""
    for number, text, raw in lines:
        if text is None:
            report.rows += 1
            report.reject(number, None, "is not UTF-8 text", raw)
            continue
        if not text:
            continue
        report.rows += 1
        yield number, text
