"""US active-duty troops abroad by host country and year (1950-2024) and Vine's US bases."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

_RAW = "https://raw.githubusercontent.com/meflynn/troopdata/main/data-raw/"

INFO = SourceInfo(
    name="us_troops",
    title="Global U.S. military deployment data, 1950-2024, and US bases (Vine)",
    publisher="Michael A. Allen, Michael E. Flynn, Carla Martinez Machain (R package "
              "troopdata); bases from David Vine, Base Nation",
    version="troopdata commit 3946bcf (2026-06-02)",
    coverage="13,135 host-country years 1950-2024; 414 bases (Cold War-2018)",
    url="https://github.com/meflynn/troopdata",
    licence="troopdata is GPL (>= 3); no separate data licence seen; cite Allen, Flynn & "
            "Martinez Machain (2022) and Vine (2015)",
    citation="""@article{allen2022troopdata,
  author = {Allen, Michael A. and Flynn, Michael E. and Martinez Machain, Carla},
  title = {Global {U.S.} military deployment data: 1950-2020},
  journal = {Conflict Management and Peace Science}, volume = {39}, number = {3},
  pages = {351--370}, year = {2022}
}
@book{vine2015basenation,
  author = {Vine, David}, title = {Base Nation}, publisher = {Metropolitan Books},
  year = {2015}
}""",
    files=(RawFile("troops", "us_troop_deployments/us_troops_country_year_1950-2024.csv",
                   _RAW + "troopdata-rebuild-country-year.csv"),
           RawFile("bases", "us_troop_deployments/us_bases_vine.csv", _RAW + "basedata.csv")),
    tables={
        "us_troops": "host country x year: country_label, ccode, iso3 (vocabulary; null for "
                     "territories), ccode_source (troopdata's code), year, troops_ad, army_ad, "
                     "navy_ad, air_force_ad, marine_corps_ad",
        "us_bases": "one row per base: base_id (b001.. in file order), country_label, ccode, "
                    "iso3, basename, lat, lon, major_base, lilypad, funded_site",
    },
    transformations=(
        "host names resolved through the vocabulary with the year; territories and "
        "aggregates (Aden, Azores, Diego Garcia …) declared in troopdata.yaml with null codes",
        "troopdata's own ccode kept as ccode_source (it uses codes such as 1029 for Aden)",
        "bases file read as Latin-1; 0/1 flags typed as BOOLEAN",
        "state-years that troopdata lists under two spellings (e.g. Czechia / Czech Republic, "
        "Antigua / Antigua & Barbuda; 57 rows) are kept as published: (ccode, year) is not "
        "unique, so sum or pick one spelling before joining",
    ),
    whole=(
        # this vintage: 13,135 rows
        Whole("us_troops", floor=11_000, key=("country_label", "year"), file="troops"),
        # this vintage: 414 rows
        Whole("us_bases", floor=370, generated=("base_id",), required=("base_id", "country_label"),
              repeats=3, why="Vine's list names one base twice (Naval Support Activity Naples)",
              file="bases"),
    ),
)

TROOP_COLUMNS = ["troops_ad", "army_ad", "navy_ad", "air_force_ad", "marine_corps_ad"]
BASE_FLAGS = {"base": "major_base", "lilypad": "lilypad", "fundedsite": "funded_site"}


fetch = fetcher(INFO)


def _troops(path: Path, vocab: Vocabulary) -> pd.DataFrame:
    raw = read_csv(path, ["countryname", "year", "ccode", *TROOP_COLUMNS], dtype=str,
                   keep_default_na=False)
    frame = pd.DataFrame({"country_label": raw["countryname"].str.strip(),
                          "year": pd.to_numeric(raw["year"]).astype("int64")})
    frame = attach_codes(frame, "country_label", vocab, prefix="v", path=path,
                         year_column="year")
    out = pd.DataFrame({"country_label": frame["country_label"].astype("string"),
                        "ccode": frame["v_ccode"], "iso3": frame["v_iso3"],
                        "ccode_source": pd.to_numeric(raw["ccode"], errors="coerce"
                                                      ).astype("Int64"),
                        "year": frame["year"]})
    for column in TROOP_COLUMNS:
        out[column] = pd.to_numeric(raw[column].replace({"NA": None, "": None})
                                    ).round().astype("Int64")
    return out


def _bases(path: Path, vocab: Vocabulary) -> pd.DataFrame:
    raw = read_csv(path, ["countryname", "basename", "lat", "lon", *BASE_FLAGS], dtype=str,
                   keep_default_na=False, encoding="latin-1")
    frame = attach_codes(raw.assign(countryname=raw["countryname"].str.strip()),
                         "countryname", vocab, prefix="v", path=path)
    out = pd.DataFrame({
        "base_id": [f"b{i:03d}" for i in range(1, len(raw) + 1)],
        "country_label": frame["countryname"], "ccode": frame["v_ccode"],
        "iso3": frame["v_iso3"], "basename": raw["basename"].str.strip(),
        "lat": pd.to_numeric(raw["lat"], errors="coerce"),
        "lon": pd.to_numeric(raw["lon"], errors="coerce")}).astype(
        {"base_id": "string", "country_label": "string", "basename": "string"})
    for column, name in BASE_FLAGS.items():
        reject_rows(~raw[column].isin(["0", "1"]), path,
                    lambda row, c=column: f"flag {raw[c].iloc[row]!r} is not 0 or 1",
                    column=column)
        out[name] = raw[column].eq("1")
    return out


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    return {"us_troops": _troops(files["troops"], vocab),
            "us_bases": _bases(files["bases"], vocab)}
