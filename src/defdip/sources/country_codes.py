"""The ``countrycode`` concordance: codes of every scheme, names, regions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import COUNTRY_FILES, Vocabulary
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import read_csv

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="country_codes",
    title="countrycode: country code concordance (codelist)",
    publisher="Vincent Arel-Bundock, Nils Enevoldsen, CJ Yetman (R package countrycode)",
    version="countrycode 1.8.0 (commit 284d6a2, 2026-04-17), codelist without CLDR names",
    coverage="292 countries and territories; 72 coding schemes",
    url="https://github.com/vincentarelbundock/countrycode",
    licence="GPL-3 (the countrycode package)",
    citation="""@article{arelbundock2018countrycode,
  author = {Arel-Bundock, Vincent and Enevoldsen, Nils and Yetman, CJ},
  title = {countrycode: An R package to convert country names and country codes},
  journal = {Journal of Open Source Software}, volume = {3}, number = {28}, pages = {848},
  year = {2018}, doi = {10.21105/joss.00848}
}""",
    files=(COUNTRY_FILES[0],),
    tables={"country_codes": "one row per country or territory: iso3, ccode, gwcode, iso2, "
                             "names, regions (World Bank, UN), continent"},
    transformations=("read every column as text (keeps Namibia's iso2 'NA')",
                     "name = the vocabulary's display name (e.g. Türkiye for TUR)",
                     "kept the code, name and region columns; renamed to snake_case"),
    whole=(
        # this vintage: 292 rows
        Whole("country_codes", floor=260, key=("name", "ccode"), required=("name",)),
    ),
)

COLUMNS = {
    "iso3c": "iso3", "cown": "ccode", "cowc": "cow_abb", "gwn": "gwcode", "iso2c": "iso2",
    "iso3n": "iso_n3", "country.name.en": "name", "un.name.en": "un_name",
    "continent": "continent", "region": "region_wb", "region23": "region23",
    "un.region.name": "un_region", "un.regionsub.name": "un_subregion", "fips": "fips",
}


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["codelist"]
    raw = read_csv(path, list(COLUMNS), what="UTF-8 CSV", dtype=str, keep_default_na=False,
                   na_values=[""])
    table = raw[list(COLUMNS)].rename(columns=COLUMNS)
    for column in ("ccode", "gwcode", "iso_n3"):
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    # COW states without an ISO row get the vocabulary's code (e.g. 345 -> SRB).
    table["iso3"] = [iso if isinstance(iso, str) else
                     (vocab.by_ccode(int(cc)).iso3 if pd.notna(cc) else None)
                     for iso, cc in zip(table["iso3"], table["ccode"], strict=True)]
    # One display name everywhere: the vocabulary's (e.g. TUR -> "Türkiye", the UN's usage).
    table["name"] = [vocab.countries[iso].name if iso in vocab.countries else name
                     for iso, name in zip(table["iso3"], table["name"], strict=True)]
    return {"country_codes": table.astype({"iso3": "string"})}
