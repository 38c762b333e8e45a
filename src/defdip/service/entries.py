"""The multi-user record: create, update, delete (soft), restore and approve one record, with
the validation of ``defdip record add``; a record, its history and what it said on a date;
search suggestions; completeness per desk; the audit log.

Writes name the version they were based on (an ETag, ``"<id>-v<version>"``, or the number):
a stale one raises :class:`~defdip.errors.StaleVersion` carrying the current record (HTTP 412).
Entered records get random ids, so that a new record can never collide with one its author
may not see (a natural-key id would reveal that such a record exists); a record of the same
kind and natural key that the author may see is reported instead (:class:`RecordExists`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from defdip.errors import Forbidden, InvalidArgument
from defdip.service.accounts import require
from defdip.service.context import Context
from defdip.service.results import Result

__all__ = [
    "add_file",
    "approve_record",
    "create_record",
    "delete_record",
    "document_of",
    "etag_of",
    "get_record",
    "parse_if_match",
    "record_as_of",
    "record_history",
    "restore_record",
    "update_record",
    "workflow",
]

_META = ("id", "version", "etag", "status", "deleted", "created_at", "created_by",
         "updated_at", "updated_by", "approved_at", "approved_by", "deleted_at", "deleted_by",
         "origin")


def etag_of(row: Mapping[str, Any]) -> str:
    """The record version's entity tag (strong): ``"<id>-v<version>"``."""
    return f'"{row["id"]}-v{row["version"]}"'


def parse_if_match(value: str | int | None, record_id: str) -> int:
    """The version an ``If-Match`` (an ETag of :func:`etag_of`, or a bare number) names."""
    if isinstance(value, int):
        return value
    text = (value or "").strip().removeprefix("W/")
    match = re.fullmatch(r'"?(?:(?P<id>[^"]+)-v)?(?P<version>\d+)"?', text)
    if match is None or (match["id"] is not None and match["id"] != record_id):
        raise InvalidArgument(f"If-Match {value!r} does not name a version of record "
                              f"{record_id!r}; send the ETag you read (e.g. "
                              f"'\"{record_id}-v3\"').")
    return int(match["version"])


def document_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row as a record document (the curated format ``record add`` reads) with its
    id, version, ETag, workflow state and who wrote it when."""
    import pandas as pd

    from defdip.engagements.fileio import to_documents
    from defdip.plain import plain
    from defdip.store.migrations import RECORD_TABLES

    columns = RECORD_TABLES["engagements"][1]
    actor_columns = RECORD_TABLES["engagement_actors"][1]
    frame = pd.DataFrame([{c: row.get(c) for c in columns}], columns=list(columns))
    actors = pd.DataFrame([{"engagement_id": row["id"], **a} for a in row.get("actors") or []],
                          columns=list(actor_columns))
    document = to_documents(frame, actors)[0]
    document.update({"id": row["id"], "version": row["version"], "etag": etag_of(row),
                     "status": row.get("status"), "deleted": row.get("deleted_at") is not None})
    for column in _META[4:-1]:
        if column in row:
            document[column] = plain(row[column])
    return document


def _validated(ctx: Context, document: Mapping[str, Any]) -> tuple[dict[str, Any],
                                                                     list[dict[str, Any]]]:
    """One record document checked as ``record add`` checks a file; the author's nation owns
    it (``owner_nation`` defaults to it and may not name another)."""
    from defdip.engagements.validate import RawRecord, validate_records
    from defdip.plain import plain
    from defdip.store.pg_records import WRITABLE

    who = ctx.principal()
    data = {k: v for k, v in document.items() if k not in _META}
    data.setdefault("owner_nation", who.nationality)
    if data["owner_nation"] != who.nationality:
        raise Forbidden(f"owner_nation {data['owner_nation']!r}: you enter records for your own "
                        f"nation ({who.nationality!r}); release them to others with "
                        "releasable_to.")
    records, actors = validate_records([RawRecord("the record", data)], ctx.vocabulary(),
                                       origin="entered", file="the record")
    first = records.iloc[0]
    row = {c: first[c] for c in WRITABLE}
    for column in ("start", "end", "retrieved"):
        row[column] = row[column].date() if row[column] is not None and \
            not _missing(row[column]) else None
    row = {c: (v if c in ("start", "end", "retrieved", "releasable_to") else plain(v))
           for c, v in row.items()}
    people = [{"iso3": a.iso3, "ccode": plain(a.ccode), "label": plain(a.label), "role": a.role}
              for a in actors.itertuples(index=False)]
    require(who, "editor", [p["iso3"] for p in people])
    return row, people


def _missing(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def create_record(ctx: Context, document: Mapping[str, Any]) -> Result:
    """A new record (a draft) from a document in the curated format."""
    row, people = _validated(ctx, document)
    record_id = secrets.token_hex(8)
    stored = ctx.record_store().create_record(record_id, row, people)
    return Result(f"record {record_id}", document=document_of(stored))


def update_record(ctx: Context, record_id: str, document: Mapping[str, Any],
                  if_match: str | int | None) -> Result:
    """Replace what the record says, if it is still at the version ``if_match`` names."""
    version = parse_if_match(if_match, record_id)
    row, people = _validated(ctx, document)
    stored = ctx.record_store().update_record(record_id, version, row, people)
    return Result(f"record {record_id}", document=document_of(stored))


def _transition(ctx: Context, record_id: str, if_match: str | int | None, action: str
                ) -> Result:
    store = ctx.record_store()
    version = parse_if_match(if_match, record_id)
    current = store.get_record(record_id)
    countries = [a["iso3"] for a in current["actors"]]
    require(ctx.principal(), "approver" if action == "approve" else "editor", countries)
    stored = getattr(store, f"{action}_record")(record_id, version)
    return Result(f"record {record_id}", document=document_of(stored))


def delete_record(ctx: Context, record_id: str, if_match: str | int | None) -> Result:
    """Delete (soft: every version stays, and :func:`restore_record` undoes it)."""
    return _transition(ctx, record_id, if_match, "delete")


def restore_record(ctx: Context, record_id: str, if_match: str | int | None) -> Result:
    return _transition(ctx, record_id, if_match, "restore")


def approve_record(ctx: Context, record_id: str, if_match: str | int | None) -> Result:
    """Approve a draft: from now on it counts in lists, maps, panels and briefs."""
    return _transition(ctx, record_id, if_match, "approve")


def get_record(ctx: Context, record_id: str) -> Result:
    """The record as it is now (logged as a read)."""
    stored = ctx.record_store().get_record(record_id)
    ctx.log("read", "entries.get_record", {"id": record_id, "version": stored["version"]})
    return Result(f"record {record_id}", document=document_of(stored))


def record_history(ctx: Context, record_id: str) -> Result:
    """Every version the reader may see, oldest first: when it was valid, who wrote it,
    what changed from the previous one, and the whole record."""
    versions = ctx.record_store().record_history(record_id)
    ctx.log("read", "entries.record_history", {"id": record_id})
    out, before = [], None
    for version in versions:
        document = document_of(version["record"])
        changed = sorted(k for k in document if before is not None and
                         (k not in _META or k in ("status", "deleted")) and
                         document[k] != before.get(k))
        out.append({"version": version["version"], "valid_from": version["valid_from"],
                    "valid_to": version["valid_to"], "status": version["status"],
                    "deleted": version["deleted"], "written_by": version["written_by_name"],
                    "changed": changed, "record": document})
        before = document
    return Result(f"history of record {record_id}", document=out)


def record_as_of(ctx: Context, record_id: str, when: datetime) -> Result:
    """What the record said at ``when`` (valid time of the record's versions)."""
    version = ctx.record_store().record_as_of(record_id, when)
    ctx.log("read", "entries.record_as_of", {"id": record_id, "at": when.isoformat()})
    return Result(f"record {record_id} as of {when.isoformat()}",
                  document=document_of(version["record"]) | {"valid_from":
                                                             version["valid_from"]})


def workflow(ctx: Context, *, status: str | None = "draft", include_deleted: bool = False
             ) -> Result:
    """Entered records in a workflow state the reader may see (drafts to approve; with
    ``include_deleted`` the deleted ones to restore)."""
    import pandas as pd

    rows = ctx.record_store().record_rows(status=status, include_deleted=include_deleted)
    table = pd.DataFrame([{k: d.get(k) for k in ("id", "version", "status", "deleted", "kind",
                                                  "name", "start", "classification",
                                                  "owner_nation", "releasable_to",
                                                  "updated_at", "updated_by")}
                          for d in map(document_of, rows)])
    return Result("entered records", table=table)


def add_file(ctx: Context, path: Path | str, *, fmt: str | None = None) -> dict[str, Any]:
    """``record add`` in PostgreSQL mode: validate the whole file, then create each record
    or update the one of the same kind and natural key the author may see — one
    transaction, all or nothing."""
    from defdip.engagements.fileio import read_records
    from defdip.engagements.validate import validate_records

    who = ctx.principal()
    raws = read_records(path, fmt)
    for raw in raws:
        if isinstance(raw.data, dict):
            raw.data.setdefault("owner_nation", who.nationality)
    records, actors = validate_records(raws, ctx.vocabulary(), origin="entered",
                                       file=str(path))
    foreign = sorted(set(records["owner_nation"].dropna()) - {who.nationality})
    if foreign:
        raise Forbidden(f"{path}: owner_nation {foreign[0]!r}: you enter records for your own "
                        f"nation ({who.nationality!r}).")
    require(who, "editor", sorted(set(actors["iso3"])))
    result = ctx.record_store().upsert_records(records, actors)
    return {"file": str(path), **result}
