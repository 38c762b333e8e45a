"""Reading and writing engagement records as YAML, JSON or CSV.

YAML and JSON hold ``{"records": [...]}`` (or a bare list) in the curated format of
``docs/curated-format.md``. CSV holds one record per row with flat columns:

``kind, subtype, name, series, start, end, domain, location, actors, personnel, units, tiv,
countries, legal_basis, confidence, claims, source_name, source_title, source_publisher,
source_citation, url, retrieved, classification, owner_nation, releasable_to, notes, key``

where ``actors`` is ``TUR:host;USA:participant;JPN:observer``, ``releasable_to`` is
``NATO;USA`` (``ALL`` for everyone, ``[]`` for the owner nation only) and ``claims`` is JSON
text.
Export writes the same three formats back, so an exported file can be added again.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from defdip.engagements.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_RECORDS,
    deepest,
    load_yaml,
)
from defdip.engagements.model import SCALE_FIELDS, format_partial
from defdip.engagements.validate import RawRecord
from defdip.errors import InvalidArgument, InvalidRecord
from defdip.paths import writing_output
from defdip.plain import json_text, plain

__all__ = ["CSV_COLUMNS", "FORMATS", "actors_by_engagement", "format_of", "neutralise_cell",
           "read_records", "to_documents", "unneutralise_cell", "write_records"]

FORMATS: tuple[str, ...] = ("yaml", "csv", "json")
CSV_COLUMNS: tuple[str, ...] = (
    "kind", "subtype", "name", "series", "start", "end", "domain", "location", "actors",
    *SCALE_FIELDS, "legal_basis", "confidence", "claims", "source_name", "source_title",
    "source_publisher", "source_citation", "url", "retrieved", "classification", "owner_nation",
    "releasable_to", "notes", "key",
)
_SOURCE_COLUMNS = {"source_name": "name", "source_title": "title",
                   "source_publisher": "publisher", "source_citation": "citation",
                   "url": "url", "retrieved": "retrieved"}
# A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV
# injection"); export writes it with a leading apostrophe, which `record add` takes off.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: object) -> object:
    """``'`` + ``value`` if a spreadsheet would run it as a formula (or if it already starts
    with an apostrophe that :func:`unneutralise_cell` would take off); else ``value``."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS) or (
            value.startswith("'") and value[1:2].startswith((*FORMULA_STARTS, "'")))):
        return "'" + value
    return value


def unneutralise_cell(value: str) -> str:
    """The inverse of :func:`neutralise_cell`, applied to every CSV cell read."""
    if value.startswith("'") and value[1:2].startswith((*FORMULA_STARTS, "'")):
        return value[1:]
    return value


def format_of(path: Path, fmt: str | None = None) -> str:
    """The file format from ``fmt`` or the suffix (.yaml/.yml, .csv, .json)."""
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    chosen = "yaml" if chosen == "yml" else chosen
    if chosen not in FORMATS:
        raise InvalidArgument(f"Cannot tell the format of {str(path)!r} (suffix "
                              f"{path.suffix!r}); use .yaml, .csv or .json or pass --format.")
    return chosen


def _records_of(document: Any, path: Path) -> list[Any]:
    if isinstance(document, dict) and "records" in document:
        document = document["records"]
    if document is None:
        return []
    if not isinstance(document, list):
        raise InvalidRecord([f"{path}: the top level must be 'records:' followed by a list "
                             f"of records, not {type(document).__name__}"], str(path))
    return document


def _csv_record(row: dict[str, str], path: Path, line: int) -> dict[str, Any]:
    record: dict[str, Any] = {}
    source: dict[str, Any] = {}
    for column, value in row.items():
        value = unneutralise_cell(value).strip() if isinstance(value, str) else value
        if value in ("", None):
            continue
        if column in _SOURCE_COLUMNS:
            source[_SOURCE_COLUMNS[column]] = value
        elif column == "claims":
            try:
                record["claims"] = _json(value)
            except (json.JSONDecodeError, ValueError, RecursionError) as exc:
                why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc) or \
                    "nested too deeply"
                raise InvalidRecord([f"{path}, row {line}, field 'claims': {value[:80]!r} is "
                                     f"not usable JSON ({why}); write a JSON list of objects"],
                                    str(path)) from None
        else:
            record[column] = value
    if source:
        record["source"] = source
    return record


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows; leave the value out")


def _json(text: str) -> Any:
    """JSON without NaN/Infinity (not JSON, and not storable as a measure)."""
    return json.loads(text, parse_constant=_no_constant)


def _text_of(path: Path) -> str:
    """The file's text: refused if too large or not UTF-8, before anything parses it."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InvalidRecord([f"{path}: {size:,} bytes; a record file may hold at most "
                             f"{MAX_FILE_BYTES:,} bytes. Split it into smaller files"],
                            str(path))
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InvalidRecord([f"{path}, line {line}: byte {data[exc.start]:#04x} is not UTF-8 "
                             "text. Save the file as UTF-8 (e.g. re-save it from the "
                             "spreadsheet as 'CSV UTF-8')"], str(path)) from None


def _parse(text: str, kind: str, path: Path) -> Any:
    try:
        if kind == "yaml":
            return load_yaml(text)
        return _json(text)
    except (yaml.YAMLError, json.JSONDecodeError, ValueError) as exc:
        raise InvalidRecord([f"{path}: not valid {kind.upper()} ({exc})"], str(path)) from None
    except RecursionError:
        raise InvalidRecord([f"{path}: lists or mappings nested too deeply to read; the "
                             f"format needs at most {MAX_DEPTH} levels"], str(path)) from None


def read_records(path: Path | str, fmt: str | None = None) -> list[RawRecord]:
    """The raw records of a YAML, JSON or CSV file, each tagged with where it came from.

    The bounds of :mod:`defdip.engagements.limits` hold before anything is validated: file
    size, UTF-8, no YAML aliases, nesting depth and the number of records."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgument(f"No such file {str(path)!r}: give the path of a .yaml, .csv or "
                              ".json file of engagement records.")
    kind = format_of(path, fmt)
    text = _text_of(path)
    if kind == "csv":
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError:
            return []
        except pd.errors.ParserError as exc:
            raise InvalidRecord([f"{path}: not valid CSV ({str(exc).strip()}); check for an "
                                 "unclosed quote or a row with too many commas"],
                                str(path)) from None
        rows = frame.to_dict("records")
        document: Any = rows
    else:
        document = _parse(text, kind, path)
        if deepest(document) > MAX_DEPTH:
            raise InvalidRecord([f"{path}: lists or mappings nested more than {MAX_DEPTH} "
                                 "levels deep; the format needs at most 6"], str(path))
        rows = _records_of(document, path)
    if len(rows) > MAX_RECORDS:
        raise InvalidRecord([f"{path}: {len(rows):,} records; a file may hold at most "
                             f"{MAX_RECORDS:,}. Split it into smaller files"], str(path))
    if kind == "csv":
        return [RawRecord(f"{path}, row {i + 2}", _csv_record(row, path, i + 2))
                for i, row in enumerate(rows)]
    return [RawRecord(f"{path}, record {i}", item) for i, item in enumerate(rows, start=1)]


def actors_by_engagement(actors: pd.DataFrame) -> dict[str, list[dict[str, str]]]:
    """Stored actor rows as ``{engagement id: [{"country": iso3, "role": role}, ...]}``."""
    grouped: dict[str, list[dict[str, str]]] = {}
    for row in actors.itertuples(index=False):
        grouped.setdefault(row.engagement_id, []).append({"country": row.iso3,
                                                          "role": row.role})
    return grouped


def to_documents(engagements: pd.DataFrame, actors: pd.DataFrame) -> list[dict[str, Any]]:
    """Stored rows back into curated-format records (the inverse of validation)."""
    grouped = actors_by_engagement(actors)
    out: list[dict[str, Any]] = []
    for row in engagements.to_dict("records"):
        record: dict[str, Any] = {
            "kind": row["kind"], "subtype": plain(row["subtype"]),
            "name": plain(row["name"]), "series": plain(row["series"]),
            "start": format_partial(row["start"], row["start_precision"]),
            "end": format_partial(row["end"], row["end_precision"]),
            "domain": plain(row["domain"]), "location": plain(row["location"]),
            "actors": sorted(grouped.get(row["id"], []), key=lambda a: (a["role"],
                                                                        a["country"])),
            "scale": {f: plain(row[f]) for f in SCALE_FIELDS if plain(row[f]) is not None},
            "legal_basis": plain(row["legal_basis"]),
            "confidence": plain(row["confidence"]),
            "claims": json.loads(row["conflict"]) if plain(row["conflict"]) else None,
            "source": {"name": plain(row["source"]), "citation": plain(row["citation"]),
                       "url": plain(row["url"]),
                       "retrieved": format_partial(row["retrieved"], "day")},
            "classification": plain(row["classification"]),
            "owner_nation": plain(row["owner_nation"]),
            "releasable_to": sorted(str(t) for t in row["releasable_to"])
            if row["releasable_to"] is not None else None,
            "notes": plain(row["notes"]),
            "key": row["natural_key"],
        }
        out.append(record)
    return out


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    source = record.get("source") or {}
    row = {c: record.get(c) for c in CSV_COLUMNS}
    row["actors"] = ";".join(f"{a['country']}:{a['role']}" for a in record["actors"])
    if record.get("releasable_to") is not None:
        # an empty cell means "not given"; a list that is empty (owner nation only) is "[]"
        row["releasable_to"] = ";".join(record["releasable_to"]) or "[]"
    row.update({f: (record.get("scale") or {}).get(f) for f in SCALE_FIELDS})
    row["claims"] = json_text(record["claims"], indent=None) if record.get("claims") else None
    row.update({c: source.get(k) for c, k in _SOURCE_COLUMNS.items()})
    return row


def write_records(engagements: pd.DataFrame, actors: pd.DataFrame, path: Path | str,
                  fmt: str | None = None, *, force: bool = False) -> int:
    """Write stored records to ``path`` as YAML, CSV or JSON; return how many.

    The path is guarded (:func:`defdip.paths.writing_output`): never the store, and an
    existing file defdip did not write only with ``force``. CSV cells that a spreadsheet
    would run as a formula are neutralised (:func:`neutralise_cell`)."""
    path = Path(path)
    kind = format_of(path, fmt)
    documents = to_documents(engagements, actors)
    with writing_output(path, force=force) as partial:  # whole file or none
        if kind == "csv":
            frame = pd.DataFrame([_csv_row(d) for d in documents], columns=list(CSV_COLUMNS))
            for column in ("personnel", "units", "countries"):
                frame[column] = frame[column].astype("Int64")
            for column in frame.select_dtypes(include="object").columns:
                frame[column] = frame[column].map(neutralise_cell)
            frame.to_csv(partial, index=False, encoding="utf-8")
        elif kind == "json":
            partial.write_text(json_text({"records": documents}), encoding="utf-8")
        else:
            partial.write_text(yaml.safe_dump({"records": documents}, allow_unicode=True,
                                              sort_keys=False), encoding="utf-8")
    return len(documents)
