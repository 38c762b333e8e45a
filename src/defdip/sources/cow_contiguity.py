"""COW Direct Contiguity v3.2, directed, as packaged by peacesciencer (cow_contdir)."""

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
    name="cow_contiguity",
    title="Correlates of War Direct Contiguity, v3.2 (peacesciencer cow_contdir)",
    publisher="Correlates of War Project (packaged by Steven V. Miller, peacesciencer)",
    version="v3.2",
    coverage="1816-2016; 1,874 directed contiguity spells",
    url="https://correlatesofwar.org/data-sets/direct-contiguity/",
    licence="COW data free for research use with citation; peacesciencer package GPL-2",
    citation="""@article{stinnett2002contiguity,
  author = {Stinnett, Douglas M. and Tir, Jaroslav and Schafer, Philip and Diehl, Paul F.
            and Gochman, Charles},
  title = {The Correlates of War (COW) Project Direct Contiguity Data, Version 3.0},
  journal = {Conflict Management and Peace Science}, volume = {19}, number = {2},
  pages = {59--67}, year = {2002}, doi = {10.1177/073889420201900203}
}""",
    files=(ps_file("cow_contdir"),),
    tables={"cow_contiguity": "directed contiguity spells (both directions): ccode1, ccode2, "
                              "conttype (1 land/river .. 5 up to 400 miles of water), start, end"},
    transformations=("codes and conttype typed as integers",
                     "stdate/enddate renamed start/end (DATE)"),
    notes=PS_NOTE,
    whole=(
        # this vintage: 1,874 rows
        Whole("cow_contiguity", floor=1_600, key=("ccode1", "ccode2", "start")),
    ),
)

COLUMNS = ["ccode1", "ccode2", "conttype", "stdate", "enddate"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["cow_contdir"]
    table = read_rda(path, "cow_contdir", COLUMNS)[COLUMNS].copy()
    table = to_ints(table, ["ccode1", "ccode2", "conttype"], path, header_rows=0)
    table = to_dates(table, ["stdate", "enddate"], path)
    return {"cow_contiguity": table.rename(columns={"stdate": "start", "enddate": "end"})}
