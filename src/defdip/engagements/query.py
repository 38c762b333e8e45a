"""Reading the record: list records, a country's profile for a year, export.

Every read goes through :mod:`defdip.queries.record`, whose one rule says when a record is
active in a year (start year to end year; an empty end of a membership, agreement or base
means "still in force"; any other record without an end is active in its start year).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from defdip.countries import Vocabulary
from defdip.engagements.fileio import actors_by_engagement, format_of, write_records
from defdip.engagements.model import KINDS
from defdip.errors import InvalidArgument
from defdip.paths import check_output
from defdip.queries import everyday, record
from defdip.queries.names import actor_key, vocabulary
from defdip.queries.tables import Tables, to_frame
from defdip.store import Store

__all__ = [
    "count_records",
    "export_records",
    "list_records",
    "profile",
    "select_records",
]


def _code(value: str | None, vocab: Vocabulary | None, option: str) -> str | None:
    """The actor key (ISO3 or declared label) of an optional --country/--partner."""
    return None if value is None else actor_key(value, vocab, option)


def _kinds(kind: str | list[str] | None) -> list[str]:
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    for name in kinds:
        if name not in KINDS:
            raise InvalidArgument(f"--kind {name!r} is not one of {', '.join(KINDS)}.")
    return kinds


def select_records(store: Store, *, country: str | None = None, partner: str | None = None,
                   kind: str | list[str] | None = None, year_from: int | None = None,
                   year_to: int | None = None, origin: str | None = None,
                   vocab: Vocabulary | None = None, ids: list[str] | None = None,
                   after: list[str] | None = None, limit: int | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stored rows (engagements, actors) that match the filters: records active in the
    years by the one rule of :mod:`defdip.queries.record`. ``limit``/``after``: one keyset
    page (``queries.record.page``)."""
    records, actors = _selected(store, country=country, partner=partner, kind=kind,
                                year_from=year_from, year_to=year_to, origin=origin,
                                vocab=vocab, ids=ids, after=after, limit=limit)
    frame = records.execute().drop(columns=["first_year", "last_year"])
    for column in ("personnel", "units", "countries"):  # NULL-able integers stay integers
        frame[column] = frame[column].astype("Int64")
    frame["conflict"] = [json.dumps(c, ensure_ascii=False) if isinstance(c, list | dict) else c
                         for c in frame["conflict"]]  # stored as JSON text, as written
    people = actors.execute()
    people["ccode"] = people["ccode"].astype("Int64")
    return frame.reset_index(drop=True), people.reset_index(drop=True)


def _selected(store: Store, *, country: str | None, partner: str | None,
              kind: str | list[str] | None, year_from: int | None, year_to: int | None,
              origin: str | None, vocab: Vocabulary | None, ids: list[str] | None = None,
              after: list[str] | None = None, limit: int | None = None) -> tuple[Any, Any]:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidArgument(f"The year range {year_from}–{year_to} is reversed: give the "
                              "earlier year first (e.g. --from 2000 --to 2024).")
    vocab = vocab if vocab is not None else vocabulary(store)
    return record.select(
        Tables.from_store(store), country=_code(country, vocab, "--country"),
        partner=_code(partner, vocab, "--partner"), kinds=_kinds(kind),
        year_from=year_from, year_to=year_to, origin=origin, ids=ids or (), after=after,
        limit=limit)


def count_records(store: Store, *, country: str | None = None, partner: str | None = None,
                  kind: str | list[str] | None = None, year_from: int | None = None,
                  year_to: int | None = None, origin: str | None = None,
                  vocab: Vocabulary | None = None) -> int:
    """How many records :func:`list_records` returns for the same filters (one COUNT)."""
    records, _ = _selected(store, country=country, partner=partner, kind=kind,
                           year_from=year_from, year_to=year_to, origin=origin, vocab=vocab)
    return int(records.count().execute())


def list_records(store: Store, *, country: str | None = None, partner: str | None = None,
                 kind: str | list[str] | None = None, year_from: int | None = None,
                 year_to: int | None = None, origin: str | None = None,
                 vocab: Vocabulary | None = None, ids: list[str] | None = None,
                 after: list[str] | None = None, limit: int | None = None) -> pd.DataFrame:
    """Records involving ``country`` (and ``partner``), of ``kind``, overlapping the years.

    One row per record with every stored column (``conflict`` parsed from JSON) plus
    ``actors``: a list of
    ``{"country": ISO3 or label, "role": …}``. ``country``/``partner`` are ISO3 codes, or any
    name the vocabulary resolves when ``vocab`` is given. ``ids``: these records only;
    ``limit``/``after``: one keyset page, ordered by ``queries.record.page_key``.
    """
    records, actors = select_records(store, country=country, partner=partner, kind=kind,
                                     year_from=year_from, year_to=year_to, origin=origin,
                                     vocab=vocab, ids=ids, after=after, limit=limit)
    grouped = actors_by_engagement(actors)
    records["actors"] = [grouped.get(i, []) for i in records["id"]]
    for column in ("start", "end", "retrieved"):
        records[column] = pd.to_datetime(records[column]).dt.date
    records["conflict"] = [json.loads(c) if isinstance(c, str) else None
                           for c in records["conflict"]]
    return records.drop(columns=["natural_key"])


def profile(store: Store, country: str, year: int, *, vocab: Vocabulary | None = None
            ) -> pd.DataFrame:
    """``country``'s partners by instrument (kind) in ``year``: records, roles and TIV.

    A partner is every other actor of a record active in ``year``; for memberships it is the
    organisation (``series``). For arms transfers ``tiv_to_partner``/``tiv_from_partner`` are
    the TIV delivered in that year from ``sipri_deliveries`` (when loaded) — per-year TIV must
    come from per-year deliveries; ``tiv_records`` sums the active deals' delivered TIV.
    One expression (:func:`defdip.queries.everyday.profile`), which the CLI also runs
    compiled.
    """
    vocab = vocab if vocab is not None else vocabulary(store)
    code = actor_key(country, vocab, "country")
    tables = Tables.from_store(store)
    return to_frame(everyday.profile(tables, code=code, year=int(year),
                                     deliveries=tables.has("sipri_deliveries")))


def export_records(store: Store, out: Path | str, *, fmt: str | None = None,
                   country: str | None = None, kind: str | list[str] | None = None,
                   year_from: int | None = None, year_to: int | None = None,
                   origin: str | None = None, vocab: Vocabulary | None = None,
                   force: bool = False) -> dict[str, Any]:
    """Write the matching records to ``out`` as YAML, CSV or JSON (addable again).

    ``out`` is checked first (:func:`defdip.paths.check_output`): an existing file defdip
    did not write is replaced only with ``force``."""
    format_of(Path(out), fmt)
    check_output(out, force=force)
    records, actors = select_records(store, country=country, kind=kind, year_from=year_from,
                                     year_to=year_to, origin=origin, vocab=vocab)
    count = write_records(records, actors, out, fmt, force=force)
    return {"out": str(out), "records": count}
