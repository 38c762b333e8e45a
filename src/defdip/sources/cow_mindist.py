"""Minimum distance between states' borders (CShapes 2.0), peacesciencer cow_mindist."""

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
    name="cow_mindist",
    title="Minimum distance between COW states, from CShapes 2.0 (peacesciencer cow_mindist)",
    publisher="Schvitz et al. (CShapes 2.0, ETH Zurich); packaged by Steven V. Miller",
    version="peacesciencer data/cow_mindist.rda (CShapes 2.0)",
    coverage="1886-2019; 952,244 directed dyad-years",
    url="https://icr.ethz.ch/data/cshapes/",
    licence="CShapes: research use with citation; peacesciencer package GPL-2",
    citation="""@article{schvitz2022cshapes,
  author = {Schvitz, Guy and Girardin, Luc and R{\\"u}egger, Seraina and Weidmann, Nils B.
            and Cederman, Lars-Erik and Gleditsch, Kristian Skrede},
  title = {Mapping the International System, 1886--2019: The {CShapes} 2.0 Dataset},
  journal = {Journal of Conflict Resolution}, volume = {66}, number = {1},
  pages = {144--161}, year = {2022}, doi = {10.1177/00220027211013563}
}""",
    files=(ps_file("cow_mindist"),),
    tables={"cow_mindist": "directed dyad-years: ccode1, ccode2, year, mindist (km)"},
    transformations=("codes and year typed as integers (vectorised)",),
    notes=PS_NOTE,
    whole=(
        # this vintage: 952,244 rows
        Whole("cow_mindist", floor=850_000, key=("ccode1", "ccode2", "year")),
    ),
)

COLUMNS = ["ccode1", "ccode2", "year", "mindist"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["cow_mindist"]
    table = read_rda(path, "cow_mindist", COLUMNS)[COLUMNS].copy()
    table = to_ints(table, ["ccode1", "ccode2", "year"], path, header_rows=0)
    return {"cow_mindist": table.astype({"mindist": "float64"})}
