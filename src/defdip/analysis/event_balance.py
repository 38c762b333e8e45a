"""The event balance of a focal state with each partner: cooperation against conflict, by
month, from the dyad-month aggregates of the loaded event files (both directions together).

Only what the files cover is reported: months without a loaded event have no row, and when
nothing is loaded, or nothing in the years asked, the note says so instead of showing zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from defdip.events.aggregate import COUNTS, dyad_months
from defdip.store import Store
from defdip.store.events import EventStore

__all__ = ["EventBalance", "event_balance"]

MONTH_COLUMNS = ("ccode_2", "year", "month", "days_covered", *COUNTS, "net_coop",
                 "goldstein_sum", "goldstein_mean")


@dataclass
class EventBalance:
    """Per partner-month (``months``) and partner-year (``years``) balance, and a note that
    says which months the data cover (or that there are none)."""

    months: pd.DataFrame
    years: pd.DataFrame
    note: str

    def to_dict(self) -> dict[str, Any]:
        from defdip.plain import records

        return {"note": self.note, "months": records(self.months)}


def _empty(note: str) -> EventBalance:
    years = pd.DataFrame(columns=["ccode_2", "year", "events_n", "events_goldstein",
                                  "events_conflict_share", "events_conflictual"])
    return EventBalance(pd.DataFrame(columns=list(MONTH_COLUMNS)), years, note)


def event_balance(store: Store, focal: int, start: int, end: int,
                  events: EventStore | None = None) -> EventBalance:
    """The focal state's interstate events with each partner in ``start``..``end``."""
    dataset = events if events is not None else EventStore.beside(store)
    if not dataset.exists():
        hint = (" (The store's icews_events table, from source icews_sample, is not read here: "
                "load the sample's .tab with `defdip events load`.)"
                if store.has("icews_events") else "")
        return _empty(f"Event balance: no event data loaded ({dataset.root} is empty); load "
                      f"ICEWS, GDELT or POLECAT files with `defdip events load FILE…`.{hint}")
    table = dataset.table(store.ibis())
    months = dyad_months(table, directed=False)
    mine = months.filter(((months.ccode_1 == focal) | (months.ccode_2 == focal))
                         & months.year.between(start, end))
    frame = mine.execute()
    covered = sorted(dataset.months())
    inside = [m for m in covered if start <= int(m[:4]) <= end]
    if not inside:
        return _empty(f"Event balance: no loaded event file covers {start}–{end} (covered "
                      f"months: {_span(covered)}).")
    frame["ccode_2"] = frame["ccode_1"].where(frame["ccode_1"] != focal, frame["ccode_2"])
    frame = frame[list(MONTH_COLUMNS)].sort_values(["year", "month", "ccode_2"])
    grouped = frame.groupby(["ccode_2", "year"])
    years = grouped[["events", "goldstein_sum", "verbal_conflict", "material_conflict"]].sum()
    years = years.reset_index()
    conflict = years["verbal_conflict"] + years["material_conflict"]
    scored = years["events"].where(years["events"] > 0)
    years = pd.DataFrame({
        "ccode_2": years["ccode_2"].astype("int64"), "year": years["year"].astype("int64"),
        "events_n": years["events"].astype("int64"),
        "events_goldstein": years["goldstein_sum"] / scored,
        "events_conflict_share": conflict / scored})
    years["events_conflictual"] = years["events_conflict_share"].gt(0.5).astype(int)
    note = (f"Event balance: interstate events (government or military actors, both "
            f"directions) from {len(dataset.loads())} loaded file(s); months covered in "
            f"{start}–{end}: {_span(inside)}. Other months are not covered: no row, not 0.")
    return EventBalance(frame.reset_index(drop=True), years, note)


def _span(months: list[str]) -> str:
    if not months:
        return "none"
    return ", ".join(months) if len(months) <= 6 else f"{months[0]} … {months[-1]} " \
        f"({len(months)} months)"
