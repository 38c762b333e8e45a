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

import pandas as pd

from defdip.analysis._common import Focal, check_years, resolve_focal
from defdip.analysis.event_balance import EventBalance, event_balance
from defdip.events.codes import cameo_quad_class
from defdip.plain import records
from defdip.store import Store
from defdip.store.events import EventStore

__all__ = ["TENSION_SIGNALS", "TensionResult", "quad_class", "tension_monitor", "tension_table"]

TENSION_SIGNALS = ("mid_ongoing", "war_ongoing", "td_rival", "tss_rival", "events_conflictual")


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

    def coexisting(self) -> pd.DataFrame:
        """Partners with at least one year of both engagement and tension."""
        return self.partners[self.partners["years_coexisting"] > 0]

    def to_dict(self) -> dict[str, Any]:
        return {"focal": self.focal.to_dict(), "years": list(self.years),
                "partners": records(self.partners),
                "dyad_years": records(self.dyad_years),
                "events": self.events.to_dict() if self.events is not None else None}


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


def _signals(store: Store, f: int, start: int, end: int, balance: EventBalance
             ) -> list[pd.DataFrame]:
    """One frame (ccode_2, year, signal…) per source the store holds."""
    parts: list[pd.DataFrame] = []
    rng = f"year BETWEEN {start} AND {end}"
    if store.has("cow_mid_directed"):
        parts.append(store.sql(f"""SELECT ccode2 AS ccode_2, year, max(disponset) AS mid_onset,
            max(dispongoing) AS mid_ongoing, max(greatest(hostlev1, hostlev2)) AS mid_hostlev
            FROM cow_mid_directed WHERE ccode1 = {f} AND {rng} GROUP BY 1, 2"""))
    if store.has("cow_war_inter"):
        parts.append(store.sql(f"""SELECT ccode2 AS ccode_2, year,
            max(cowinterongoing) AS war_ongoing FROM cow_war_inter
            WHERE ccode1 = {f} AND {rng} GROUP BY 1, 2"""))
    years = f"range({start}, {end} + 1)"
    for table, flag, lo, hi in (("td_rivalries", "td_rival", "styear", "endyear"),
                                ("tss_rivalries", "tss_rival", "start", '"end"')):
        if store.has(table):
            parts.append(store.sql(f"""SELECT DISTINCT CASE WHEN ccode1 = {f} THEN ccode2
                ELSE ccode1 END AS ccode_2, y.year, 1 AS {flag} FROM {table},
                (SELECT unnest({years}) AS year) y WHERE (ccode1 = {f} OR ccode2 = {f})
                AND y.year >= {lo} AND y.year <= coalesce({hi}, {end})"""))
    if store.has("atop_dyad_year"):
        parts.append(store.sql(f"""SELECT CASE WHEN ccode1 = {f} THEN ccode2 ELSE ccode1 END
            AS ccode_2, year, max(atop_defense) AS atop_defense FROM atop_dyad_year
            WHERE (ccode1 = {f} OR ccode2 = {f}) AND {rng} GROUP BY 1, 2"""))
    if store.has("sipri_deliveries"):
        parts.append(store.sql(f"""SELECT CASE WHEN supplier_ccode = {f} THEN recipient_ccode
            ELSE supplier_ccode END AS ccode_2, year, sum(tiv) AS arms_tiv
            FROM sipri_deliveries WHERE (supplier_ccode = {f} OR recipient_ccode = {f})
            AND {rng} GROUP BY 1, 2"""))
    if len(balance.years):
        parts.append(balance.years)
    return parts


def tension_monitor(store: Store, country: str | int, *, start: int = 1990, end: int = 2019,
                    year: int | None = None, events: EventStore | None = None
                    ) -> TensionResult:
    """Tension and engagement signals for every partner of the focal state, by year, and
    the monthly event balance where event files are loaded (``events``: the dataset beside
    the store unless given).

    Only dyad-years with at least one signal (tension or engagement) appear. ``year`` narrows
    the window to one year. Example: ``tension_monitor(store, "TUR", start=1990, end=2014)``.
    """
    if year is not None:
        start = end = year
    check_years(start, end)
    focal = resolve_focal(store, country)
    balance = event_balance(store, focal.ccode, start, end, events)
    frame = pd.DataFrame(columns=["ccode_2", "year"])
    for part in _signals(store, focal.ccode, start, end, balance):
        part = part.dropna(subset=["ccode_2"]).astype({"ccode_2": "int64", "year": "int64"})
        frame = part if frame.empty else frame.merge(part, on=["ccode_2", "year"], how="outer")
    frame = frame[frame["ccode_2"] != focal.ccode]
    nato = _nato_years(store, focal.ccode, start, end)
    frame = frame.merge(nato, on=["ccode_2", "year"], how="left")
    frame["nato_both"] = frame["nato_both"].fillna(0).astype(int)
    defense = frame.get("atop_defense", pd.Series(0, index=frame.index)).fillna(0)
    frame["allied"] = (defense.gt(0) | frame["nato_both"].gt(0)).astype(int)
    table = tension_table(frame)
    names = store.sql("SELECT ccode AS ccode_2, any_value(iso3) AS iso3_2, any_value(name) "
                      "AS name_2 FROM country_codes WHERE ccode IS NOT NULL GROUP BY 1")
    table = names.merge(table, on="ccode_2", how="right").sort_values(["ccode_2", "year"])
    table.insert(0, "ccode_1", focal.ccode)
    summary = table.groupby(["ccode_2", "iso3_2", "name_2"], dropna=False).agg(
        years_tension=("tension_score", lambda s: int(s.gt(0).sum())),
        years_coexisting=("coexist", "sum"),
        mid_years=("mid_ongoing", lambda s: int(s.gt(0).sum())), mid_onsets=("mid_onset", "sum"),
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
    return TensionResult(focal, (start, end), table.reset_index(drop=True), summary, balance)


def _nato_years(store: Store, f: int, start: int, end: int) -> pd.DataFrame:
    """(ccode_2, year, nato_both) for the years both the focal state and partner are in NATO."""
    from defdip.analysis.regions import nato_members_by_year

    rows = []
    for y, members in nato_members_by_year(store, range(start, end + 1)).items():
        if f in members:
            rows += [(c, y, 1) for c in members if c != f]
    return pd.DataFrame(rows, columns=["ccode_2", "year", "nato_both"]).astype("int64")
