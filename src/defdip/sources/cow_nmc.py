"""COW National Material Capabilities v7.0, as packaged by peacesciencer (cow_nmc)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import reject_rows
from defdip.sources._peacesciencer import PS_NOTE, ps_url, read_table, to_ints

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="cow_nmc",
    title="Correlates of War National Material Capabilities, v7.0",
    publisher="Correlates of War Project (packaged by Steven V. Miller, peacesciencer)",
    version="v7.0",
    coverage="1816-2022; 17,121 state-years",
    url="https://correlatesofwar.org/data-sets/national-material-capabilities/",
    licence="COW data free to use with citation; peacesciencer package GPL-2",
    citation="""@incollection{singer1972capability,
  author = {Singer, J. David and Bremer, Stuart and Stuckey, John},
  title = {Capability Distribution, Uncertainty, and Major Power War, 1820--1965},
  booktitle = {Peace, War, and Numbers}, editor = {Russett, Bruce},
  publisher = {Sage}, address = {Beverly Hills}, pages = {19--48}, year = {1972}
}""",
    files=(RawFile("cow_nmc", "cow_nmc/cow_nmc_peacesciencer.csv", ps_url("cow_nmc")),),
    tables={"cow_nmc": "state-years: ccode, year, milex (thousands; GBP to 1913, current USD "
                       "from 1914), milper, irst, pec, tpop, upop (thousands), cinc"},
    transformations=("ccode and year typed as integers; the six components and cinc as "
                     "doubles (NA stays null)",
                     "reads the mirror's CSV or peacesciencer's .rda (a download)"),
    notes=PS_NOTE,
    whole=(
        # this vintage: 17,121 rows
        Whole("cow_nmc", floor=15_000, key=("ccode", "year")),
    ),
)

COMPONENTS = ["milex", "milper", "irst", "pec", "tpop", "upop"]
COLUMNS = ["ccode", "year", *COMPONENTS, "cinc"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["cow_nmc"]
    table = read_table(path, "cow_nmc", COLUMNS)[COLUMNS].copy()
    table = to_ints(table, ["ccode", "year"], path)
    for column in [*COMPONENTS, "cinc"]:  # v7.0 has fractional values (tpop 4517.6)
        values = pd.to_numeric(table[column], errors="coerce")
        reject_rows(values.isna() & table[column].notna(), path,
                    lambda row, c=column: f"value {table[c].iloc[row]!r} is not a number",
                    column=column)
        table[column] = values.astype("float64")
    return {"cow_nmc": table}
