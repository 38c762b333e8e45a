"""What every section of a brief shares: the store, the state, names, and the years each
source covers.

Sections take their year ranges from here — the years the loaded data actually span, read
from the store — not from constants, so a newer load (UN votes to 2026, peacekeeping to
2025) moves every section to the last year its data cover, with no code change. A
:class:`BriefContext` also caches frames more than one section reads (the focal panel, the
partner counts), so the brief computes each once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from defdip.countries import Country, Vocabulary
from defdip.queries.tables import Tables
from defdip.store import Store
from defdip.store.events import EventStore

__all__ = ["SPANS", "BriefContext", "Span"]

#: source key → (table, year column or expression kind, words for the "data as of" line)
SPANS: dict[str, tuple[str, str, str]] = {
    "sipri_deliveries": ("sipri_deliveries", "year", "SIPRI arms transfers (deliveries)"),
    "sipri_milex": ("sipri_milex", "year", "SIPRI military expenditure"),
    "un_alignment": ("un_alignment", "year", "UN General Assembly votes"),
    "unga_ideal_points": ("unga_ideal_points", "year", "UNGA ideal points"),
    "lowy_posts": ("lowy_posts", "year", "Lowy Global Diplomacy Index (editions)"),
    "ipi_contributor_month": ("ipi_contributor_month", "date", "UN peacekeeping contributions "
                              "(IPI, monthly)"),
    "mme_participants": ("mme_participants", "year", "Multinational military exercises (MME)"),
    "jme_exercises": ("jme_exercises", "start_year", "Joint military exercises (JME)"),
    "atop_dyad_year": ("atop_dyad_year", "year", "ATOP alliances"),
    "cow_mid_directed": ("cow_mid_directed", "year", "COW militarized disputes (MID)"),
    "td_rivalries": ("td_rivalries", "endyear", "Rivalries (Thompson & Dreyer)"),
    "cow_igo_state_year": ("cow_igo_state_year", "year", "COW intergovernmental organizations"),
    "us_troops": ("us_troops", "year", "US troop deployments"),
}


@dataclass(frozen=True)
class Span:
    """The first and last year a table holds (``last_date`` for monthly data)."""

    first: int
    last: int
    words: str
    last_date: str | None = None

    def years(self) -> str:
        return f"{self.first}–{self.last}" if self.first != self.last else str(self.first)


def _spans(tables: Tables, store: Store) -> list[list[Any]]:
    """[key, first year, last year, last month or None] of each loaded, non-empty
    :data:`SPANS` table, in one query."""
    import ibis

    parts = []
    for key, (table, column, _words) in SPANS.items():
        if not store.has(table):
            continue
        t = tables.table(table)
        col = t[column]
        years = (col.year() if column == "date" else col).cast("int64")
        month = col.max().cast("string").left(7) if column == "date" else \
            ibis.null("string")
        parts.append(t.aggregate(key=ibis.literal(key), lo=years.min(), hi=years.max(),
                                 month=month))
    if not parts:
        return []
    rows = tables.rows(ibis.union(*parts) if len(parts) > 1 else parts[0])
    order = list(SPANS)
    return sorted(([k, int(lo), int(hi), m] for k, lo, hi, m in rows if lo is not None),
                  key=lambda row: order.index(row[0]))


@dataclass
class BriefContext:
    """The store, the focal state, the brief's window and shared, cached reads."""

    store: Store
    focal: Country
    vocab: Vocabulary
    start: int = 1995
    end: int | None = None  # None: each section runs to the last year its data cover
    progress: Callable[[str], None] = field(default=lambda _step: None)
    cache: dict[str, Any] = field(default_factory=dict)
    #: Record kinds the partner map and tables keep (empty: every kind); the web's filter.
    kinds: tuple[str, ...] = ()
    #: The event dataset (None: ``events/`` beside the store, as ``defdip tension``).
    events: EventStore | None = None

    @cached_property
    def tables(self) -> Tables:
        return Tables.from_store(self.store)

    @cached_property
    def spans(self) -> dict[str, Span]:
        """Each loaded source table's years (absent and empty tables are left out): one query,
        kept per store vintage (``store.compiled.remember``), so a brief asks it once per load."""
        from defdip.store.compiled import remember

        found = remember(self.store, "brief-spans:" + repr(sorted(SPANS.items())),
                         lambda: _spans(self.tables, self.store))
        return {key: Span(lo, hi, SPANS[key][2], month) for key, lo, hi, month in found}

    def last(self, key: str, default: int | None = None) -> int | None:
        """The last year ``key``'s data cover, capped by the brief's ``end``."""
        span = self.spans.get(key)
        if span is None:
            return default
        return min(span.last, self.end) if self.end is not None else span.last

    def window(self, key: str, years: int = 5) -> tuple[int, int] | None:
        """The last ``years`` years ``key`` covers (SIPRI's fact sheets use five)."""
        last = self.last(key)
        if last is None:
            return None
        first = max(last - years + 1, self.spans[key].first)
        return first, last

    def since(self, key: str) -> tuple[int, int] | None:
        """From the brief's start (or the source's first year) to its last year."""
        last = self.last(key)
        if last is None:
            return None
        first = max(self.start, self.spans[key].first)
        return (first, last) if first <= last else None

    @cached_property
    def names(self) -> dict[str, str]:
        """ISO3 → the vocabulary's display name (Türkiye, not Turkey)."""
        return {iso3: c.name for iso3, c in self.vocab.countries.items()}

    @cached_property
    def iso3_of(self) -> dict[int, str]:
        """COW code → ISO3, from the store's concordance."""
        from defdip.queries.state_facts import iso3_by_ccode

        codes = iso3_by_ccode(self.tables)
        return {int(c): str(i) for c, i in zip(codes["ccode"], codes["iso3"], strict=True)}

    def name(self, key: object) -> str:
        """A display name for an ISO3 code, a COW code or a label."""
        if hasattr(key, "item") and not isinstance(key, str):
            key = key.item()
        if isinstance(key, int | float) and not pd.isna(key):
            key = self.iso3_of.get(int(key), str(int(key)))
        return self.names.get(str(key), str(key))

    @cached_property
    def codes(self) -> pd.DataFrame:
        """The concordance: iso3, ccode, name, continent, region_wb, un_subregion."""
        from defdip.queries.state_facts import country_codes

        return country_codes(self.tables)

    def region_of(self, iso3: str, column: str = "region_wb") -> str | None:
        row = self.codes[self.codes["iso3"] == iso3]
        return None if row.empty or pd.isna(row[column].iloc[0]) else str(row[column].iloc[0])

    def memo(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()`` once per brief (frames several sections read)."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]

    def focal_is_curated(self) -> bool:
        """Whether the curated record covers this state (``coverage.yaml``)."""
        from defdip.queries.coverage import focal_states

        return self.focal.iso3 in focal_states()
