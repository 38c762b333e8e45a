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
from defdip.engagements.model import KINDS, ONGOING_KINDS, RECOMMENDED
from defdip.engagements.query import resolve_code
from defdip.plain import records
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


def _runs(years: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return runs


def _active_years(store: Store, code: str, year_from: int, year_to: int) -> pd.DataFrame:
    fields = sorted({f for fs in RECOMMENDED.values() for f in fs})
    nulls = ", ".join(f'("{f}" IS NULL) AS "missing_{f}"' for f in fields)
    return store.sql(f"""
        SELECT kind, source, id, {nulls},
               unnest(range(year(start), least(CASE WHEN "end" IS NOT NULL THEN year("end")
                            WHEN list_contains(?, kind) THEN ? ELSE year(start) END, ?) + 1))
               AS year
        FROM engagements
        WHERE start IS NOT NULL AND id IN
              (SELECT engagement_id FROM engagement_actors WHERE iso3 = ?)
    """, [list(ONGOING_KINDS), year_to, year_to, code]).query("@year_from <= year <= @year_to")


def _coverage(store: Store) -> pd.DataFrame:
    return store.sql("""
        WITH spans AS (
            SELECT kind, source, origin, start, "end",
                   CASE WHEN start IS NULL THEN [] ELSE
                        range(year(start), year(coalesce("end", start)) + 1) END AS span
            FROM engagements)
        SELECT kind, source, origin, min(year(start)) AS first_year,
               max(year(coalesce("end", start))) AS last_year, count(*) AS records,
               list_distinct(flatten(list(span))) AS years,
               count(*) FILTER (start IS NULL) AS undated
        FROM spans GROUP BY kind, source, origin ORDER BY kind, first_year, source""")


def completeness(store: Store, country: str, *, year_from: int = 1980,
                 year_to: int | None = None, vocab: Vocabulary | None = None) -> Completeness:
    """The completeness report of ``country``'s record for ``year_from``..``year_to``.

    ``year_to`` defaults to the last year any record starts in (no hidden 'today').
    """
    code = resolve_code(country, vocab, "--country")
    assert code is not None
    if year_to is None:
        last = store.sql("SELECT max(year(start)) AS y FROM engagements")["y"].iloc[0]
        year_to = int(last) if pd.notna(last) else year_from
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
                  "reason": "no source covers these years"} for a, b in _runs(missing_years)]
    coverage = coverage.drop(columns=["years"])
    return Completeness(code, year_from, year_to, by_year, coverage,
                        pd.DataFrame(gaps, columns=["kind", "first_year", "last_year",
                                                    "reason"]))
