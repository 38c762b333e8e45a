"""COW State System Membership (v2016): membership spells and the country-year system."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import COUNTRY_FILES, Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import read_csv, reject_rows, ymd_dates

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="cow_states",
    title="Correlates of War State System Membership, v2016",
    publisher="Correlates of War Project",
    version="v2016",
    coverage="1816-2016; 217 states, 243 membership spells",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    licence="Free for research use with citation (Correlates of War Project)",
    citation="""@misc{cow2017states,
  author = {{Correlates of War Project}},
  title = {State System Membership List, v2016},
  year = {2017}, howpublished = {\\url{https://correlatesofwar.org/data-sets/state-system-membership/}}
}""",
    files=(
        COUNTRY_FILES[1],
        RawFile("system_years", "state_system_panels/cow_state_system_country_year_1816_2016.csv",
                "https://raw.githubusercontent.com/vincentarelbundock/countrycode/main/"
                "dictionary/data_cow.csv"),
    ),
    tables={
        "cow_states": "membership spells: ccode, stateabb, statenme, iso3, start, end (dates)",
        "cow_system": "state-years of COW system membership 1816-2016 as the countrycode "
                      "package expands them: ccode, iso3, year (it ends West Germany in 1989 "
                      "although its spell runs to 1990-10-02; panels read the spells)",
    },
    transformations=("spell start/end assembled into dates", "codes typed as integers",
                     "iso3 attached from the vocabulary"),
    whole=(
        # this vintage: 243 rows
        Whole("cow_states", floor=210, key=("ccode", "start"), file="cow_states"),
        # this vintage: 15,950 rows
        Whole("cow_system", floor=14_000, key=("ccode", "year"), file="system_years"),
    ),
)

SPELL_COLUMNS = ["stateabb", "ccode", "statenme", "styear", "stmonth", "stday",
                 "endyear", "endmonth", "endday"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["cow_states"]
    raw = read_csv(path, SPELL_COLUMNS)
    spells = pd.DataFrame({
        "ccode": raw["ccode"].astype("int64"),
        "stateabb": raw["stateabb"].astype("string"),
        "statenme": raw["statenme"].astype("string"),
        "start": ymd_dates(raw, "st", path),
        "end": ymd_dates(raw, "end", path),
    })
    spells["iso3"] = [vocab.by_ccode(c).iso3 for c in spells["ccode"]]
    years_path = files["system_years"]
    years = read_csv(years_path, ["cown", "year"], usecols=["cown", "year"])
    reject_rows(years.isna().any(axis=1), years_path, lambda row: "empty COW code or year",
                column="cown")
    system = pd.DataFrame({"ccode": years["cown"].astype("int64"),
                           "year": years["year"].astype("int64")})
    iso = {c: vocab.by_ccode(c).iso3 for c in system["ccode"].unique()}
    system["iso3"] = system["ccode"].map(iso).astype("string")
    return {"cow_states": spells.astype({"iso3": "string"}),
            "cow_system": system.sort_values(["ccode", "year"], ignore_index=True)}
