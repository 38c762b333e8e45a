"""SIPRI Military Expenditure Database (2025 release): one long country-year table.

The mirror holds one wide CSV per SIPRI sheet (country rows, one column per year). The five
sheets with one comparable measure per country are melted and joined on (country, year); the
local-currency sheets (their currency column is empty in this copy) and the regional totals
(not countries) are not loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import read_csv

pd = lazy_import("pandas")

__all__ = ["INFO", "MEASURES", "fetch", "parse"]

URL = "https://www.sipri.org/databases/milex"
# measure column -> mirror file name (each file is one SIPRI sheet)
MEASURES = {
    "milex_constant_2023_usd_m": "sipri_milex_constant_2023_us.csv",
    "milex_current_usd_m": "sipri_milex_current_us.csv",
    "milex_share_gdp": "sipri_milex_share_of_gdp.csv",
    "milex_per_capita_usd": "sipri_milex_per_capita.csv",
    "milex_share_govt": "sipri_milex_share_of_govt_spending.csv",
}

INFO = SourceInfo(
    name="sipri_milex",
    title="SIPRI Military Expenditure Database 2025",
    publisher="Stockholm International Peace Research Institute (SIPRI)",
    version="April 2025 release (data 1949-2024), via nalutbae/sipri-military-expenditure "
            "commit 385b6ca",
    coverage="174 countries (and the EU), 1949-2024; per capita and share of government "
             "spending from 1988",
    url=URL,
    licence="Free for non-commercial use with the credit line 'SIPRI Military Expenditure "
            "Database 2025'; commercial use needs SIPRI's written permission.",
    citation="""@misc{sipri2025milex,
  author = {{Stockholm International Peace Research Institute}},
  title = {SIPRI Military Expenditure Database 2025},
  year = {2025}, howpublished = {\\url{https://www.sipri.org/databases/milex}}
}""",
    files=tuple(RawFile(column, f"sipri_milex/{name}", URL) for column, name in MEASURES.items()),
    tables={"sipri_milex": "country-years: constant 2023 US$ m, current US$ m, % of GDP, "
                           "US$ per capita, % of government spending"},
    transformations=(
        "five wide sheets (one column per year) melted to country-year and joined",
        "empty cells (SIPRI '...' or 'xxx') kept as null; country-years empty in every sheet "
        "dropped",
        "ISO3 and COW codes attached for the year (USSR -> 365, Yemen, North -> 678 before 1991)",
        "shares kept in per cent as SIPRI publishes them (3.64 = 3.64% of GDP)",
    ),
    whole=(
        # this vintage: 8,563 rows
        Whole("sipri_milex", floor=7_700, key=("country_label", "year")),
    ),
)


fetch = fetcher(INFO)


def _long(path: Path, measure: str) -> pd.DataFrame:
    """One sheet as (country_label, year, measure)."""
    # header=None makes a row wider than the header an error, not a shifted index
    cells = read_csv(path, what="a UTF-8 CSV", dtype=str, header=None, keep_default_na=False,
                     encoding="utf-8")
    wide = cells.iloc[1:].set_axis(cells.iloc[0].tolist(), axis=1).reset_index(drop=True)
    if "country" not in wide.columns:
        raise SourceFormatError(path, "has no 'country' column", column="country")
    years = [c for c in wide.columns if c.isdigit()]
    if not years:
        raise SourceFormatError(path, "has no year columns (1949, 1950, ...)")
    long = wide.melt(id_vars=["country"], value_vars=years, var_name="year", value_name="raw")
    text = long["raw"].str.strip().str.replace(",", "", regex=False)
    values = pd.to_numeric(text.where(~text.isin(["", "...", "xxx"])), errors="coerce")
    bad = text.ne("") & ~text.isin(["...", "xxx"]) & values.isna()
    if bad.any():
        first = bad.idxmax()
        row = int(wide.index[wide["country"] == long.at[first, "country"]][0]) + 2
        raise SourceFormatError(path, f"{long.at[first, 'raw']!r} is not a number", row=row,
                                column=str(long.at[first, "year"]))
    return pd.DataFrame({"country_label": long["country"].str.strip().astype("string"),
                         "year": long["year"].astype("int64"), measure: values})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    table: pd.DataFrame | None = None
    for measure in MEASURES:
        sheet = _long(files[measure], measure)
        table = sheet if table is None else table.merge(sheet, on=["country_label", "year"],
                                                        how="outer")
    assert table is not None
    table = table.dropna(subset=list(MEASURES), how="all").sort_values(
        ["country_label", "year"], ignore_index=True)
    table = attach_codes(table, "country_label", vocab, prefix="country",
                         path=files["milex_constant_2023_usd_m"], year_column="year")
    table = table.rename(columns={"country_iso3": "iso3", "country_ccode": "ccode"})
    return {"sipri_milex": table[["country_label", "iso3", "ccode", "year", *MEASURES]]}
