"""Reading and writing engagement records as YAML, JSON or CSV.

YAML and JSON hold ``{"records": [...]}`` (or a bare list) in the curated format of
``docs/curated-format.md``. CSV holds one record per row with flat columns:

``kind, subtype, name, series, start, end, domain, location, actors, personnel, units, tiv,
countries, legal_basis, confidence, claims, source_name, source_title, source_publisher,
source_citation, url, retrieved, releasability, notes, key``

where ``actors`` is ``TUR:host;USA:participant;JPN:observer`` and ``claims`` is JSON text.
Export writes the same three formats back, so an exported file can be added again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from defdip.engagements.model import SCALE_FIELDS, format_partial
from defdip.engagements.validate import RawRecord
from defdip.errors import InvalidArgument, InvalidRecord
from defdip.paths import replacing
from defdip.plain import plain

__all__ = ["CSV_COLUMNS", "FORMATS", "actors_by_engagement", "format_of", "read_records",
           "to_documents", "write_records"]

FORMATS: tuple[str, ...] = ("yaml", "csv", "json")
CSV_COLUMNS: tuple[str, ...] = (
    "kind", "subtype", "name", "series", "start", "end", "domain", "location", "actors",
    *SCALE_FIELDS, "legal_basis", "confidence", "claims", "source_name", "source_title",
    "source_publisher", "source_citation", "url", "retrieved", "releasability", "notes", "key",
)
_SOURCE_COLUMNS = {"source_name": "name", "source_title": "title",
                   "source_publisher": "publisher", "source_citation": "citation",
                   "url": "url", "retrieved": "retrieved"}


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
        value = value.strip() if isinstance(value, str) else value
        if value in ("", None):
            continue
        if column in _SOURCE_COLUMNS:
            source[_SOURCE_COLUMNS[column]] = value
        elif column == "claims":
            try:
                record["claims"] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise InvalidRecord([f"{path}, row {line}, field 'claims': {value!r} is not "
                                     f"JSON ({exc.msg}); write a JSON list of objects"],
                                    str(path)) from None
        else:
            record[column] = value
    if source:
        record["source"] = source
    return record


class _TextDates(yaml.SafeLoader):
    """YAML without implicit timestamps: dates stay text, so the validator (not the YAML
    parser) reports an impossible date such as 2024-13-01 with its record and field."""


_TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_records(path: Path | str, fmt: str | None = None) -> list[RawRecord]:
    """The raw records of a YAML, JSON or CSV file, each tagged with where it came from."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgument(f"No such file {str(path)!r}: give the path of a .yaml, .csv or "
                              ".json file of engagement records.")
    kind = format_of(path, fmt)
    text = path.read_text(encoding="utf-8")
    if kind == "csv":
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        return [RawRecord(f"{path}, row {i + 2}", _csv_record(row, path, i + 2))
                for i, row in enumerate(frame.to_dict("records"))]
    try:
        document = (yaml.load(text, Loader=_TextDates) if kind == "yaml"
                    else json.loads(text))
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise InvalidRecord([f"{path}: not valid {kind.upper()} ({exc})"], str(path)) from None
    return [RawRecord(f"{path}, record {i}", item)
            for i, item in enumerate(_records_of(document, path), start=1)]


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
            "releasability": plain(row["releasability"]), "notes": plain(row["notes"]),
            "key": row["natural_key"],
        }
        out.append(record)
    return out


def _csv_row(record: dict[str, Any]) -> dict[str, Any]:
    source = record.get("source") or {}
    row = {c: record.get(c) for c in CSV_COLUMNS}
    row["actors"] = ";".join(f"{a['country']}:{a['role']}" for a in record["actors"])
    row.update({f: (record.get("scale") or {}).get(f) for f in SCALE_FIELDS})
    row["claims"] = json.dumps(record["claims"], ensure_ascii=False) if record.get("claims") \
        else None
    row.update({c: source.get(k) for c, k in _SOURCE_COLUMNS.items()})
    return row


def write_records(engagements: pd.DataFrame, actors: pd.DataFrame, path: Path | str,
                  fmt: str | None = None) -> int:
    """Write stored records to ``path`` as YAML, CSV or JSON; return how many."""
    path = Path(path)
    kind = format_of(path, fmt)
    documents = to_documents(engagements, actors)
    with replacing(path) as partial:  # whole file or none; an earlier export stays intact
        if kind == "csv":
            frame = pd.DataFrame([_csv_row(d) for d in documents], columns=list(CSV_COLUMNS))
            for column in ("personnel", "units", "countries"):
                frame[column] = frame[column].astype("Int64")
            frame.to_csv(partial, index=False, encoding="utf-8")
        elif kind == "json":
            partial.write_text(json.dumps({"records": documents}, ensure_ascii=False, indent=2,
                                          default=str), encoding="utf-8")
        else:
            partial.write_text(yaml.safe_dump({"records": documents}, allow_unicode=True,
                                              sort_keys=False), encoding="utf-8")
    return len(documents)
