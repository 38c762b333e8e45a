"""COW major powers (v2016), as packaged by peacesciencer: one row per major-power spell."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import ymd_dates
from defdip.sources._peacesciencer import PS_NOTE, ps_file, read_rda, to_ints

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="cow_majors",
    title="Correlates of War major powers, 2016 (peacesciencer cow_majors)",
    publisher="Correlates of War Project (packaged by Steven V. Miller, peacesciencer)",
    version="COW State System Membership v2016",
    coverage="1816-2016; 7 major powers in 14 spells",
    url="https://correlatesofwar.org/data-sets/state-system-membership/",
    licence="COW data free for research use with citation; peacesciencer package GPL-2",
    citation="""@misc{cow2017majors,
  author = {{Correlates of War Project}},
  title = {State System Membership List, v2016 (major powers)},
  year = {2017}, howpublished = {\\url{https://correlatesofwar.org/data-sets/state-system-membership/}}
}""",
    files=(ps_file("cow_majors"),),
    tables={"cow_majors": "major-power spells: ccode, styear..endday, start, end (dates)"},
    transformations=("codes and date parts typed as integers",
                     "start/end dates assembled from the year, month and day columns"),
    notes=PS_NOTE,
    whole=(
        # this vintage: 14 rows
        Whole("cow_majors", floor=12, key=("ccode", "start")),
    ),
)

PARTS = ["styear", "stmonth", "stday", "endyear", "endmonth", "endday"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["cow_majors"]
    raw = read_rda(path, "cow_majors", ["ccode", *PARTS])
    table = to_ints(raw[["ccode", *PARTS]].copy(), ["ccode", *PARTS], path, header_rows=0)
    for prefix, out in (("st", "start"), ("end", "end")):
        table[out] = ymd_dates(table, prefix, path)
    return {"cow_majors": table.sort_values(["ccode", "styear"], ignore_index=True)}
