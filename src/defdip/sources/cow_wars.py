"""COW Inter-State War data v4.0, directed war-years (peacesciencer cow_war_inter)."""

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
    name="cow_wars",
    title="Correlates of War Inter-State War data, v4.0 (peacesciencer cow_war_inter)",
    publisher="Correlates of War Project; packaged by Steven V. Miller",
    version="v4.0",
    coverage="1823-2003; 1,932 directed war-years",
    url="https://correlatesofwar.org/data-sets/cow-war/",
    licence="COW data free for research use with citation; peacesciencer package GPL-2",
    citation="""@book{sarkees2010resort,
  author = {Sarkees, Meredith Reid and Wayman, Frank Whelon},
  title = {Resort to War: A Data Guide to Inter-State, Extra-State, Intra-State,
           and Non-State Wars, 1816--2007},
  publisher = {CQ Press}, address = {Washington, DC}, year = {2010}
}""",
    files=(ps_file("cow_war_inter"),),
    tables={"cow_war_inter": "directed war-years: warnum, ccode1, ccode2, year, cowinterongoing, "
                             "cowinteronset, sidea1/2, initiator1/2, outcome1/2, batdeath1/2, "
                             "resume"},
    transformations=("every column typed as integer (nullable where the source has NA)",),
    notes=PS_NOTE,
    whole=(
        # this vintage: 1,932 rows
        Whole("cow_war_inter", floor=1_700, key=("warnum", "ccode1", "ccode2", "year", "resume")),
    ),
)

KEYS = ["warnum", "ccode1", "ccode2", "year"]
COLUMNS = [*KEYS, "cowinterongoing", "cowinteronset", "sidea1", "sidea2", "initiator1",
           "initiator2", "outcome1", "outcome2", "batdeath1", "batdeath2", "resume"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["cow_war_inter"]
    table = read_rda(path, "cow_war_inter", COLUMNS)[COLUMNS].copy()
    table = to_ints(table, KEYS, path, header_rows=0)
    return {"cow_war_inter": to_ints(table, COLUMNS[len(KEYS):], path, header_rows=0,
                                     nullable=True)}
