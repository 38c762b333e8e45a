"""ATOP v5.1: alliances, member spells (with dates), state-years and non-directed dyad-years.

``yrexit = 0`` (and ``endyr = 0``) means "still in force at the end of the data" (2018); such
spells get a null ``end``. A missing day of month (a handful of rows) dates the spell from the
first of the month; the source's year/month/day columns are kept beside the dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import reject_rows
from defdip.sources._peacesciencer import ps_url, read_table, to_ints

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

_DODL = ("https://raw.githubusercontent.com/jandresgannon/DoDL/"
         "8f347cd4a7f6068b7502c71e54176212a9895555/inst/extdata/ATOP/")
INFO = SourceInfo(
    name="atop",
    title="Alliance Treaty Obligations and Provisions (ATOP), version 5.1",
    publisher="ATOP project (Brett Ashley Leeds et al., Rice University)",
    version="5.1",
    coverage="1815-2018; 789 alliances, 2,510 member spells, 11,923 state-years, "
             "273,296 dyad-years (136,648 pairs in both directions)",
    url="http://www.atopdata.org/",
    licence="Free for research use with citation (atopdata.org); the peacesciencer dyad-year "
            "derivative is GPL-2",
    citation="""@article{leeds2002atop,
  author = {Leeds, Brett Ashley and Ritter, Jeffrey M. and Mitchell, Sara McLaughlin
            and Long, Andrew G.},
  title = {Alliance Treaty Obligations and Provisions, 1815--1944},
  journal = {International Interactions}, volume = {28}, number = {3},
  pages = {237--260}, year = {2002}, doi = {10.1080/03050620213653}
}""",
    files=(
        RawFile("alliances", "atop/atop5_1a.csv", _DODL + "atop5_1a.csv"),
        RawFile("members", "atop/atop5_1m.csv", _DODL + "atop5_1m.csv"),
        RawFile("state_year", "atop/atop5_1sy.csv", _DODL + "atop5_1sy.csv"),
        RawFile("dyad_year", "atop/peacesciencer_atop_alliance_dyad_year.csv",
                ps_url("atop_alliance")),
    ),
    tables={
        "atop_alliances": "one row per alliance: atopid, begyr..endday, start, end (null = in "
                          "force in 2018), obligations (defense, offense, neutral, nonagg, "
                          "consul) and provision codes; member list in atop_members",
        "atop_members": "member x alliance (phase): atopid, ccode, yrent..dayexit, start, end "
                        "(null = in force in 2018), obligations and provisions",
        "atop_state_year": "state-years: ccode, year, atopally, defense, offense, neutral, "
                           "nonagg, consul, number, transyr, atopid1..atopid59",
        "atop_dyad_year": "dyad-years listed in both directions (peacesciencer "
                          "atop_alliance): ccode1, ccode2, year, atop_defense..atop_consul (0/1)",
    },
    transformations=(
        "member and state renamed ccode",
        "start/end dates assembled from year/month/day; exit year 0 = in force -> null end; "
        "missing day -> first of the month",
        "alliance member list columns mem1..mem59 dropped (atop_members holds them)",
        "every code typed as integer (nullable where the source has NA)"),
    whole=(
        # this vintage: 789 rows
        Whole("atop_alliances", floor=710, key=("atopid",), file="alliances"),
        # this vintage: 2,510 rows
        Whole("atop_members", floor=2_200, key=("atopid", "ccode", "phase", "yrent", "moent",
              "dayent"), required=("atopid", "ccode", "phase", "yrent"), file="members"),
        # this vintage: 11,923 rows
        Whole("atop_state_year", floor=10_000, key=("ccode", "year"), file="state_year"),
        # this vintage: 273,296 rows
        Whole("atop_dyad_year", floor=240_000, key=("ccode1", "ccode2", "year"), file="dyad_year"),
    ),
)

OBLIGATIONS = ["defense", "offense", "neutral", "nonagg", "consul"]
ALLIANCE = ["atopid", "begyr", "begmo", "begday", "endyr", "endmo", "endday", *OBLIGATIONS]
MEMBER = ["atopid", "member", "yrent", "moent", "dayent", "yrexit", "moexit", "dayexit",
          *OBLIGATIONS]
STATE_YEAR = ["state", "year", "atopally", *OBLIGATIONS, "number", "transyr"]
DYAD_YEAR = ["ccode1", "ccode2", "year", *(f"atop_{o}" for o in OBLIGATIONS)]


fetch = fetcher(INFO)


def _spell_date(frame: pd.DataFrame, parts: list[str], path: Path, *,
                open_ended: bool) -> pd.Series:
    """DATE from year/month/day columns; year 0 (still in force) -> null when ``open_ended``."""
    year, month, day = (frame[p] for p in parts)
    live = year.ne(0) if open_ended else pd.Series(True, index=frame.index)
    stamp = pd.to_datetime(pd.DataFrame({"year": year.where(live, 2000),
                                         "month": month.where(live, 1),
                                         "day": day.fillna(1).where(live, 1)}),
                           errors="coerce")
    reject_rows(stamp.isna(), path, lambda row: "date {!r} does not exist".format(
        "-".join(str(frame[p].iloc[row]) for p in parts)), column=parts[0])
    return stamp.dt.date.astype(object).where(live, None)


def _typed(frame: pd.DataFrame, keys: list[str], path: Path) -> pd.DataFrame:
    """Keys as int64; every other numeric column as nullable Int64 (version stays text)."""
    frame = to_ints(frame, keys, path)
    rest = [c for c in frame.columns if c not in keys and c != "version"
            and pd.api.types.is_numeric_dtype(frame[c])]
    frame = to_ints(frame, rest, path, nullable=True)
    if "version" in frame.columns:
        frame["version"] = frame["version"].astype("string")
    return frame


def _alliances(path: Path) -> pd.DataFrame:
    raw = read_table(path, "atop5_1a", ALLIANCE)
    raw = raw.drop(columns=[c for c in raw.columns if c.startswith("mem") and c[3:].isdigit()])
    table = _typed(raw, ALLIANCE[:3], path)
    table["start"] = _spell_date(table, ["begyr", "begmo", "begday"], path, open_ended=False)
    table["end"] = _spell_date(table, ["endyr", "endmo", "endday"], path, open_ended=True)
    return table


def _members(path: Path) -> pd.DataFrame:
    table = _typed(read_table(path, "atop5_1m", MEMBER), ["atopid", "member", "yrent",
                                                          "moent", "yrexit"], path)
    table["start"] = _spell_date(table, ["yrent", "moent", "dayent"], path, open_ended=False)
    table["end"] = _spell_date(table, ["yrexit", "moexit", "dayexit"], path, open_ended=True)
    return table.rename(columns={"member": "ccode"})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    state_year = _typed(read_table(files["state_year"], "atop5_1sy", STATE_YEAR),
                        STATE_YEAR, files["state_year"])
    dyad_year = read_table(files["dyad_year"], "atop_alliance", DYAD_YEAR)[DYAD_YEAR].copy()
    return {
        "atop_alliances": _alliances(files["alliances"]),
        "atop_members": _members(files["members"]),
        "atop_state_year": state_year.rename(columns={"state": "ccode"}),
        "atop_dyad_year": to_ints(dyad_year, DYAD_YEAR, files["dyad_year"]),
    }
