"""Tension monitor: dyad-years where the focal state's partners are also its adversaries.

Each focal dyad-year gets the tension signals the data hold — a militarized dispute begun or
ongoing (COW MID 5.0), interstate war (COW), a rivalry (Thompson & Dreyer 2012, or the
strategic rivalries of Thompson, Sakuwa & Suhas 2021), the partner's latent territorial
threat (Miller 2022), and where event data exist the conflictual share of the interstate
events of the loaded ICEWS, GDELT or POLECAT files (``defdip events load``) —
beside the engagement signals: an alliance pledge (ATOP) or NATO co-membership, and arms
delivered either way (SIPRI TIV). Dyads where the two coexist (Greece and Türkiye: NATO allies
with MIDs and a rivalry) are flagged: that is where engagement manages tension rather than
reflecting friendship.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.analysis.event_balance import EventBalance, event_balance
from defdip.analysis.period import Period, analysis_period, input_coverage
from defdip.events.codes import cameo_quad_class
from defdip.plain import records
from defdip.queries.coverage import Coverage, Segment
from defdip.queries.memberships import membership
from defdip.queries.tables import Tables, spell_years, to_frame, year_range
from defdip.store import Store
from defdip.store.events import EventStore

__all__ = ["TENSION_INPUTS", "TENSION_SIGNALS", "TensionResult", "quad_class",
           "tension_monitor", "tension_table"]

TENSION_SIGNALS = ("mid_ongoing", "war_ongoing", "td_rival", "tss_rival", "events_conflictual")
#: each signal column → the input (``analysis.period.INPUTS``, or the event files) whose
#: years it is observed in; outside them the column is blank (NA), not 0
SIGNAL_INPUTS = {"mid_ongoing": "mid", "mid_onset": "mid", "mid_hostlev": "mid",
                 "war_ongoing": "war", "td_rival": "td_rivalry", "tss_rival": "tss_rivalry",
                 "events_conflictual": "events", "atop_defense": "alliance"}


def quad_class(cameo_code: pd.Series) -> pd.Series:
    """CAMEO codes as stored ('040', '19') → QuadClass (1 verbal coop, 2 material coop,
    3 verbal conflict, 4 material conflict) by the one rule,
    :func:`defdip.events.codes.cameo_quad_class`. Codes are not re-padded: '19' is root 19
    FIGHT, not 019."""
    return cameo_code.astype(str).map(cameo_quad_class).astype("Int64")


@dataclass
class TensionResult:
    """Per dyad-year signals, and a per-partner summary of the years read."""

    focal: Focal
    years: tuple[int, int]
    dyad_years: pd.DataFrame
    partners: pd.DataFrame
    events: EventBalance | None = None
    #: the years asked for, clipped to what the tension signals cover (None: built by hand)
    period: Period | None = None
    #: the sample in words: the focal state, its partners, each signal's years
    sample: str = ""

    @property
    def notes(self) -> list[str]:
        return list(self.period.notes) if self.period else []

    def coexisting(self) -> pd.DataFrame:
        """Partners with at least one year of both engagement and tension."""
        return self.partners[self.partners["years_coexisting"] > 0]

    def to_dict(self) -> dict[str, Any]:
        return {"focal": self.focal.to_dict(), "years": list(self.years),
                "partners": records(self.partners),
                "dyad_years": records(self.dyad_years),
                "events": self.events.to_dict() if self.events is not None else None,
                "period": self.period.to_dict() if self.period else None,
                "sample": self.sample, "notes": self.notes}


def tension_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Add ``tension_score`` (number of tension signals present), ``engaged`` and ``coexist``.

    ``frame`` holds any of :data:`TENSION_SIGNALS` (0/1) and the engagement columns
    ``allied`` (0/1) and ``arms_tiv``; absent columns count as 0.
    """
    out = frame.copy()
    for col in (*TENSION_SIGNALS, "mid_onset", "allied", "arms_tiv"):
        if col not in out.columns:
            out[col] = 0
        out[col] = pd.to_numeric(out[col], errors="coerce").fillna(0)
    out["tension_score"] = out[list(TENSION_SIGNALS)].gt(0).sum(axis=1).astype("int64")
    out["engaged"] = out["allied"].gt(0) | out["arms_tiv"].gt(0)
    out["coexist"] = out["engaged"] & out["tension_score"].gt(0)
    return out


def _about(t: ir.Table, f: int, a: str = "ccode1", b: str = "ccode2") -> ir.Table:
    """The rows where the focal state is on either side, with ``ccode_2`` the other side."""
    t = t.filter((t[a] == f) | (t[b] == f))
    return t.mutate(ccode_2=ibis.ifelse(t[a] == f, t[b], t[a]))


def _signals(tables: Tables, f: int, start: int, end: int, balance: EventBalance
             ) -> list[pd.DataFrame]:
    """One frame (ccode_2, year, signal…) per source the store holds."""
    parts: list[ir.Table] = []
    if tables.has("cow_mid_directed"):
        m = tables.table("cow_mid_directed")
        m = m.filter((m.ccode1 == f) & m.year.between(start, end))
        parts.append(m.group_by(ccode_2=m.ccode2, year=m.year).aggregate(
            mid_onset=m.disponset.max(), mid_ongoing=m.dispongoing.max(),
            mid_hostlev=ibis.greatest(m.hostlev1, m.hostlev2).max()))
    if tables.has("cow_war_inter"):
        w = tables.table("cow_war_inter")
        w = w.filter((w.ccode1 == f) & w.year.between(start, end))
        parts.append(w.group_by(ccode_2=w.ccode2, year=w.year).aggregate(
            war_ongoing=w.cowinterongoing.max()))
    for table, flag, lo, hi in (("td_rivalries", "td_rival", "styear", "endyear"),
                                ("tss_rivalries", "tss_rival", "start", "end")):
        if tables.has(table):
            r = _about(tables.table(table), f)
            spells = r.select("ccode_2", lo=r[lo], hi=r[hi].fill_null(end))
            years = spell_years(spells, year_range(start, end), spells.lo, spells.hi)
            parts.append(years.select("ccode_2", "year").distinct().mutate(
                **{flag: ibis.literal(1, "int32")}))
    if tables.has("atop_dyad_year"):
        a = _about(tables.table("atop_dyad_year"), f)
        a = a.filter(a.year.between(start, end))
        parts.append(a.group_by(["ccode_2", "year"]).aggregate(
            atop_defense=a.atop_defense.max()))
    if tables.has("sipri_deliveries"):
        d = _about(tables.table("sipri_deliveries"), f, "supplier_ccode", "recipient_ccode")
        d = d.filter(d.year.between(start, end))
        parts.append(d.group_by(["ccode_2", "year"]).aggregate(arms_tiv=d.tiv.sum()))
    frames = [to_frame(part) for part in parts]
    if len(balance.years):
        frames.append(balance.years)
    return frames


#: The tension signals' inputs (``analysis.period.INPUTS``); the event files add theirs.
TENSION_INPUTS = ("mid", "war", "td_rivalry", "tss_rivalry")


def _event_coverage(dataset: EventStore) -> Coverage:
    """The years the loaded event files cover (none: no segment)."""
    months = dataset.months() if dataset.exists() else []
    if not months:
        return Coverage("events", ())
    return Coverage("events", (Segment("events", int(months[0][:4]), int(months[-1][:4])),))


def tension_monitor(store: Store, country: str | int, *, start: int | None = None,
                    end: int | None = None, year: int | None = None,
                    events: EventStore | None = None) -> TensionResult:
    """Tension and engagement signals for every partner of the focal state, by year, and
    the monthly event balance where event files are loaded (``events``: the dataset beside
    the store unless given).

    Only dyad-years with at least one signal (tension or engagement) appear. ``year`` narrows
    the window to one year. ``start`` defaults to 1990 and ``end`` to the last year a tension
    signal's data cover (disputes, wars, rivalries, the loaded event files); later years are
    clipped, with a note. Example: ``tension_monitor(store, "TUR", start=1990, end=2014)``.
    """
    options = ("--from", "--to")
    if year is not None:
        start, end, options = year, year, ("--year", "--year")
    if start is not None and end is not None:
        check_years(start, end)
    focal = resolve_focal(store, country)
    dataset = events if events is not None else EventStore.beside(store)
    tables = Tables.from_store(store)
    period = analysis_period(tables, TENSION_INPUTS, start, end, default_start=1990,
                             iso3=focal.iso3, options=options,
                             extra=[_event_coverage(dataset)])
    start, end = period.start, period.end
    balance = event_balance(store, focal.ccode, start, end, dataset)
    frame = pd.DataFrame(columns=["ccode_2", "year"])
    for part in _signals(tables, focal.ccode, start, end, balance):
        part = part.dropna(subset=["ccode_2"]).astype({"ccode_2": "int64", "year": "int64"})
        frame = part if frame.empty else frame.merge(part, on=["ccode_2", "year"], how="outer")
    frame = frame[frame["ccode_2"] != focal.ccode]
    nato = _nato_years(focal.ccode, start, end)
    frame = frame.merge(nato, on=["ccode_2", "year"], how="left")
    frame["nato_both"] = frame["nato_both"].fillna(0).astype(int)
    defense = frame.get("atop_defense", pd.Series(0, index=frame.index)).fillna(0)
    frame["allied"] = (defense.gt(0) | frame["nato_both"].gt(0)).astype(int)
    alliance = input_coverage(tables, "alliance")
    table = _unobserved(tension_table(frame), [*period.inputs, alliance])
    names = _names(tables)
    table = names.merge(table, on="ccode_2", how="right").sort_values(["ccode_2", "year"])
    table.insert(0, "ccode_1", focal.ccode)
    summary = table.groupby(["ccode_2", "iso3_2", "name_2"], dropna=False).agg(
        years_tension=("tension_score", lambda s: int(s.gt(0).sum())),
        years_coexisting=("coexist", "sum"),
        mid_years=("mid_ongoing", _years_present),
        mid_onsets=("mid_onset", lambda s: s.sum(min_count=1)),
        rival=("td_rival", "max"), strategic_rival=("tss_rival", "max"),
        allied_years=("allied", "sum"), arms_tiv=("arms_tiv", "sum"),
        max_score=("tension_score", "max")).reset_index()
    summary = summary[summary["years_tension"] > 0].sort_values(
        ["years_coexisting", "years_tension"], ascending=False).reset_index(drop=True)
    if len(balance.months):
        months = names.merge(balance.months.astype({"ccode_2": "int64"}), on="ccode_2",
                             how="right")
        balance.months = months.sort_values(["year", "month", "events"], ascending=[
            True, True, False]).reset_index(drop=True)
    engaged = "; ".join(input_coverage(tables, n).describe() for n in ("alliance", "arms"))
    sample = (f"{focal.name} and the {table['ccode_2'].nunique()} states with a "
              f"tension or engagement signal, {period.describe()}; engagement: {engaged}; "
              "a signal outside its source's years is blank, and the score counts the "
              "signals present among those observed that year (signals_observed)")
    return TensionResult(focal, (start, end), table.reset_index(drop=True), summary, balance,
                         period, sample)


def _years_present(flags: pd.Series) -> Any:
    """Years the flag is set, or NA when no year of the window observes it."""
    return int(flags.gt(0).sum()) if flags.notna().any() else pd.NA


def _unobserved(table: pd.DataFrame, inputs: list[Coverage]) -> pd.DataFrame:
    """Blank (NA) each signal in the years its source does not cover, where
    :func:`tension_table` had counted it absent; ``signals_observed`` counts the tension
    signals whose sources cover the year, and ``allied`` is blank where ATOP is not observed
    and NATO does not settle it."""
    years = {c.instrument: set(c.years()) for c in inputs}
    seen = {name: table["year"].isin(years.get(name, set())) for name in
            set(SIGNAL_INPUTS.values())}
    out = table.copy()
    for column, name in SIGNAL_INPUTS.items():
        if column in out.columns:
            values = out[column]
            out[column] = (values.astype("Int64") if column != "events_conflictual" and
                           values.dropna().mod(1).eq(0).all() else values.astype("Float64")
                           ).where(seen[name])
    out["signals_observed"] = sum(seen[SIGNAL_INPUTS[s]].astype("int64")
                                  for s in TENSION_SIGNALS)
    unknown = ~seen["alliance"] & out["nato_both"].eq(0)
    out["allied"] = out["allied"].astype("Int64").mask(unknown)
    return out


def _names(tables: Tables) -> pd.DataFrame:
    """(ccode_2, iso3_2, name_2) of every state with a COW code (``country_codes``)."""
    codes = tables.table("country_codes")
    codes = codes.filter(codes.ccode.notnull())
    return to_frame(codes.group_by(ccode_2=codes.ccode).aggregate(
        iso3_2=codes.iso3.min(), name_2=codes["name"].min()))


def _nato_years(f: int, start: int, end: int) -> pd.DataFrame:
    """(ccode_2, year, nato_both) for the years both the focal state and the partner are in
    NATO (:func:`defdip.queries.memberships.membership`: the one NATO list; years it does not
    reach have no rows)."""
    rows = []
    for y in range(start, end + 1):
        members = membership("NATO").codes(y) or frozenset()
        if f in members:
            rows += [(c, y, 1) for c in sorted(members) if c != f]
    return pd.DataFrame(rows, columns=["ccode_2", "year", "nato_both"]).astype("int64")
