"""How complete a country's record is: counts per kind and year, coverage, gaps.

The lesson of security-cooperation record systems is that entries are late and incomplete;
this report shows where. For one country and a year range it gives

- ``by_year``: per kind and year, the records active that year, the sources they come from
  and how many lack each recommended field (``model.RECOMMENDED``);
- ``coverage``: per kind and source, the years the source covers (any country) — derived
  sources cover their first to last year, curated and entered records only their own years;
- ``gaps``: runs of years in the range where no source covers a kind at all, and kinds with
  no source.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from defdip.countries import Vocabulary
from defdip.engagements.model import KINDS, RECOMMENDED
from defdip.errors import InvalidArgument
from defdip.plain import records, year_runs
from defdip.queries import record
from defdip.queries.names import actor_key, vocabulary
from defdip.queries.tables import Tables
from defdip.store import Store

__all__ = ["Completeness", "completeness"]


@dataclass(frozen=True)
class Completeness:
    """The completeness report of one country's record (see the module doc)."""

    country: str
    year_from: int
    year_to: int
    by_year: pd.DataFrame
    coverage: pd.DataFrame
    gaps: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the three tables as lists of rows."""
        return {"country": self.country, "from": self.year_from, "to": self.year_to,
                "by_year": records(self.by_year), "coverage": records(self.coverage),
                "gaps": records(self.gaps)}


def _active_years(store: Store, code: str, year_from: int, year_to: int) -> pd.DataFrame:
    """(kind, source, id, missing_<field>…, year): each of ``code``'s records once per year
    it is active in ``year_from``..``year_to`` (the one rule, ``queries.record``)."""
    fields = sorted({f for fs in RECOMMENDED.values() for f in fs})
    records, _ = record.select(Tables.from_store(store), country=code, year_from=year_from,
                               year_to=year_to)
    frame = records.select("kind", "source", "id", "first_year", "last_year",
                           *fields).execute()
    out = frame[["kind", "source", "id"]].copy()
    for field in fields:
        out[f"missing_{field}"] = frame[field].isna()
    first = frame["first_year"].astype("int64").clip(lower=year_from)
    last = frame["last_year"].fillna(year_to).astype("int64").clip(upper=year_to)
    out["year"] = [list(range(a, b + 1)) for a, b in zip(first, last, strict=True)]
    return out.explode("year").dropna(subset=["year"]).astype({"year": "int64"})


def _coverage(store: Store) -> pd.DataFrame:
    """Per kind, source and origin: first and last year (an open record counts its start
    year), records, undated records and — for curated and entered records — the years the
    records span."""
    spans = record.spans(Tables.from_store(store)).select(
        "kind", "source", "origin", "first_year", "last_year").execute()
    spans["last"] = spans["last_year"].fillna(spans["first_year"])
    rows = []
    for (kind, source, origin), group in spans.groupby(["kind", "source", "origin"]):
        dated = group.dropna(subset=["first_year"])
        years = sorted({y for a, b in zip(dated["first_year"], dated["last"], strict=True)
                        for y in range(int(a), int(b) + 1)}) if origin != "derived" else []
        rows.append({"kind": kind, "source": source, "origin": origin,
                     "first_year": dated["first_year"].min() if len(dated) else None,
                     "last_year": dated["last"].max() if len(dated) else None,
                     "records": len(group), "years": years,
                     "undated": int(group["first_year"].isna().sum())})
    frame = pd.DataFrame(rows, columns=["kind", "source", "origin", "first_year", "last_year",
                                        "records", "years", "undated"])
    for column in ("first_year", "last_year"):
        frame[column] = frame[column].astype("Int64")
    return frame.sort_values(["kind", "first_year", "source"], ignore_index=True)


def completeness(store: Store, country: str, *, year_from: int = 1980,
                 year_to: int | None = None, vocab: Vocabulary | None = None) -> Completeness:
    """The completeness report of ``country``'s record for ``year_from``..``year_to``.

    ``year_to`` defaults to the last year any record starts in (no hidden 'today').
    """
    vocab = vocab if vocab is not None else vocabulary(store)
    code = actor_key(country, vocab, "--country")
    assert code is not None
    if year_to is None:
        spans = record.spans(Tables.from_store(store))
        (last,) = Tables.from_store(store).probe(spans.aggregate(y=spans.first_year.max()))
        year_to = int(last) if last is not None else year_from
    if year_from > year_to:
        raise InvalidArgument(f"The year range {year_from}–{year_to} is reversed: give the "
                              "earlier year first (e.g. --from 2000 --to 2024).")
    active = _active_years(store, code, year_from, year_to)
    rows = []
    for (kind, year), group in active.groupby(["kind", "year"], sort=True):
        records_once = group.drop_duplicates("id")
        missing = {f: int(records_once[f"missing_{f}"].sum()) for f in RECOMMENDED.get(kind, ())}
        rows.append({"kind": kind, "year": int(year), "records": group["id"].nunique(),
                     "sources": ", ".join(sorted(group["source"].unique())),
                     "missing": ", ".join(f"{f}: {n}" for f, n in missing.items() if n) or None})
    by_year = pd.DataFrame(rows, columns=["kind", "year", "records", "sources", "missing"])
    coverage = _coverage(store)
    covered: dict[str, set[int]] = {k: set() for k in KINDS}
    for row in coverage.itertuples(index=False):
        if pd.isna(row.first_year):
            continue
        if row.origin == "derived":
            covered[row.kind].update(range(int(row.first_year), int(row.last_year) + 1))
        else:
            covered[row.kind].update(int(y) for y in row.years if pd.notna(y))
    gaps = []
    for kind in KINDS:
        if not covered[kind]:
            gaps.append({"kind": kind, "first_year": year_from, "last_year": year_to,
                         "reason": "no source or record of this kind"})
            continue
        missing_years = [y for y in range(year_from, year_to + 1) if y not in covered[kind]]
        gaps += [{"kind": kind, "first_year": a, "last_year": b,
                  "reason": "no source covers these years"} for a, b in year_runs(missing_years)]
    coverage = coverage.drop(columns=["years"])
    return Completeness(code, year_from, year_to, by_year, coverage,
                        pd.DataFrame(gaps, columns=["kind", "first_year", "last_year",
                                                    "reason"]))
