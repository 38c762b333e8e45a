"""peacesciencer 1.2.9's documented algorithms, recomputed in pandas from its own data files.

Nothing here imports defdip: each function follows peacesciencer's R code (create_stateyears,
create_dyadyears, data-raw/false_cow_dyads.R, add_contiguity with its ``.contmonths``, …) step
by step on the mirror's copies of its data, so the parity tests compare defdip's panels with
what peacesciencer computes, not with defdip's own rules written a second time.

COW units come from isard's ``cw_system`` (what peacesciencer 1.2.9 reads) and its
``false_cow_dyads``. G&W units come from the Gleditsch & Ward list with its micro-states
(``gwstates.csv``, the list isard's ``gw_system`` packages); the mirror has no
``false_gw_dyads``, so those are rebuilt by the script that made it (members on a common day).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadr

LAST_COW_DAY = date(2016, 12, 31)


def rda(mirror: Path, name: str) -> pd.DataFrame:
    return pyreadr.read_r(mirror / "peacesciencer_data" / f"{name}.rda")[name]


def cow_spells(mirror: Path) -> pd.DataFrame:
    """isard::cw_system: code, start, end (dates), styear, endyear."""
    raw = rda(mirror, "cw_system")
    spells = pd.DataFrame({"code": raw.ccode.astype("int64"), "start": pd.to_datetime(raw.start),
                           "end": pd.to_datetime(raw.end)})
    return spells.assign(styear=spells.start.dt.year, endyear=spells.end.dt.year)


def gw_spells(mirror: Path, last_year: int) -> pd.DataFrame:
    """The G&W list with micro-states; open spells end on 31 December of ``last_year``."""
    raw = pd.read_csv(mirror / "state_system_panels" / "gwstates.csv", keep_default_na=False)
    end = raw.end.replace("9999-12-31", f"{last_year}-12-31")
    spells = pd.DataFrame({"code": raw.gwcode.astype("int64"),
                           "start": pd.to_datetime(raw.start), "end": pd.to_datetime(end),
                           "microstate": raw.microstate.astype(str).eq("True").astype("int64")})
    return spells.assign(styear=spells.start.dt.year, endyear=spells.end.dt.year)


def state_years(spells: pd.DataFrame) -> pd.DataFrame:
    """create_stateyears(mry = FALSE): ``seq(styear, endyear)`` for every spell."""
    lengths = (spells.endyear - spells.styear + 1).to_numpy()
    out = spells.loc[spells.index.repeat(lengths)].reset_index(drop=True)
    out["year"] = np.concatenate([np.arange(a, a + n) for a, n in
                                  zip(spells.styear, lengths, strict=True)])
    return out.sort_values(["code", "year"], ignore_index=True)


def year_dyads(spells: pd.DataFrame, directed: bool) -> pd.DataFrame:
    """create_dyadyears before its anti-join: two distinct codes, each inside one of its
    spells' [styear, endyear]; ``ccode2 > ccode1`` only when not directed."""
    sy = state_years(spells)
    extra = [c for c in ("microstate",) if c in sy.columns]
    pairs = sy[["code", "year", *extra]].merge(sy[["code", "year", *extra]], on="year",
                                               suffixes=("1", "2"))
    keep = pairs.code1 != pairs.code2 if directed else pairs.code2 > pairs.code1
    return pairs[keep].reset_index(drop=True)


def never_met(spells: pd.DataFrame) -> set[tuple[int, int, int]]:
    """data-raw/false_*_dyads.R: directed dyad-years of two members of the year that were
    never members on the same day. Each state-year becomes the set of its days; a state that
    is a member all year shares a day with every other member, so only part-year members can
    fail to meet."""
    days: dict[tuple[int, int], set[int]] = {}
    for code, start, end in zip(spells.code, spells.start, spells.end, strict=True):
        for year in range(start.year, end.year + 1):
            first = max(start, pd.Timestamp(year, 1, 1))
            last = min(end, pd.Timestamp(year, 12, 31))
            whole = (pd.Timestamp(year, 12, 31) - pd.Timestamp(year, 1, 1)).days + 1
            span = set(range(first.dayofyear, last.dayofyear + 1))
            if len(span) < whole:
                days.setdefault((code, year), set()).update(span)
    found = set()
    for (a, year), da in days.items():
        for (b, other), db in days.items():
            if other == year and a != b and not da & db:
                found.add((a, b, year))
    return found


def dyad_years(spells: pd.DataFrame, directed: bool, false: set[tuple[int, int, int]]
               ) -> pd.DataFrame:
    """create_dyadyears(mry = FALSE): the year dyads minus the false ones (anti-join)."""
    pairs = year_dyads(spells, directed)
    keys = list(zip(pairs.code1, pairs.code2, pairs.year, strict=True))
    drop = np.fromiter((k in false for k in keys), bool, len(keys))
    return pairs[~drop].sort_values(["code1", "code2", "year"], ignore_index=True)


def false_cow_dyads(mirror: Path) -> set[tuple[int, int, int]]:
    raw = rda(mirror, "false_cow_dyads").astype("int64")
    return set(zip(raw.ccode1, raw.ccode2, raw.year, strict=True))


def contmonths(mirror: Path) -> pd.DataFrame:
    """``.contmonths()``: every cow_contdir spell as one row per month (stdate..enddate, both
    first-of-month), ordered by ccode1, ccode2, date with R's stable ``order``."""
    raw = rda(mirror, "cow_contdir")
    months = [pd.date_range(s, e, freq="MS") for s, e in
              zip(pd.to_datetime(raw.stdate), pd.to_datetime(raw.enddate), strict=True)]
    rows = np.repeat(np.arange(len(raw)), [len(m) for m in months])
    out = pd.DataFrame({"ccode1": raw.ccode1.to_numpy()[rows].astype("int64"),
                        "ccode2": raw.ccode2.to_numpy()[rows].astype("int64"),
                        "date": np.concatenate([m.to_numpy() for m in months]),
                        "conttype": raw.conttype.to_numpy()[rows].astype("int64")})
    out = out.sort_values(["ccode1", "ccode2", "date"], kind="stable", ignore_index=True)
    return out.assign(year=out.date.dt.year)


def contiguity(months: pd.DataFrame, rule: str) -> pd.DataFrame:
    """One conttype per (ccode1, ccode2, year): add_contiguity's ``filter(row_number() == 1)``
    (slice 'first') or ``== n()`` ('last') after ``order(ccode1, date)``; 'lowest'/'highest'
    are the smallest/largest type 1-5 recorded in the year (0 if none)."""
    keys = ["ccode1", "ccode2", "year"]
    if rule in ("first", "last"):
        ordered = months.sort_values(["ccode1", "date"], kind="stable")
        grouped = ordered.groupby(keys, sort=False)
        picked = grouped.head(1) if rule == "first" else grouped.tail(1)
        return picked[[*keys, "conttype"]].reset_index(drop=True)
    typed = months[months.conttype > 0]
    pick = typed.groupby(keys).conttype.agg("min" if rule == "lowest" else "max")
    every = months[keys].drop_duplicates()
    out = every.merge(pick.reset_index(), on=keys, how="left")
    return out.fillna({"conttype": 0}).astype({"conttype": "int64"})


def land_sea(chosen: pd.DataFrame) -> pd.DataFrame:
    """``.add_contiguity_state_year``: per ccode1 and year, land = #type 1, sea = #type > 1."""
    counts = chosen.assign(land=(chosen.conttype == 1).astype("int64"),
                           sea=(chosen.conttype > 1).astype("int64"))
    counts = counts.groupby(["ccode1", "year"], as_index=False)[["land", "sea"]].sum()
    return counts.rename(columns={"ccode1": "ccode"})


def spell_years(frame: pd.DataFrame, first: pd.Series, last: pd.Series) -> pd.DataFrame:
    """Rows repeated once per year from ``first`` to ``last`` (R's rowwise seq + unnest)."""
    out = frame.assign(year=[list(range(int(a), int(b) + 1)) for a, b in
                             zip(first, last, strict=True)])
    return out.explode("year").astype({"year": "int64"})


def capitals(mirror: Path) -> pd.DataFrame:
    """(ccode, year, lat, lng): the capital of each state-year held on 1 January (the first
    capital spell touching the year, in cow_capitals' row order)."""
    raw = rda(mirror, "cow_capitals")
    years = spell_years(raw, pd.to_datetime(raw.stdate).dt.year,
                        pd.to_datetime(raw.enddate).dt.year)
    first = years.groupby(["ccode", "year"], as_index=False).first()
    return first.astype({"ccode": "int64"})[["ccode", "year", "lat", "lng"]]


def vincenty_km(lat1: pd.Series, lng1: pd.Series, lat2: pd.Series, lng2: pd.Series
                ) -> np.ndarray:
    """geosphere::distVincentySphere with its default radius (6378137 m), in km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lng2 - lng1)
    num = np.hypot(np.cos(p2) * np.sin(dl), np.cos(p1) * np.sin(p2) -
                   np.sin(p1) * np.cos(p2) * np.cos(dl))
    den = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    return np.arctan2(num, den) * 6378137.0 / 1000
