"""COW Militarized Interstate Disputes 5.0: directed and dyadic dispute-years (peacesciencer).

Column names are peacesciencer's (``cow_mid_dirdisps``, ``cow_mid_ddydisps``) so that panels
can reproduce ``add_cow_mids()`` exactly.
"""

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
    name="cow_mids",
    title="Correlates of War Militarized Interstate Disputes 5.0, dispute-years "
          "(peacesciencer cow_mid_dirdisps / cow_mid_ddydisps)",
    publisher="Correlates of War Project (MID 5.0); packaged by Steven V. Miller",
    version="MID 5.0",
    coverage="1816-2014; 11,390 directed and 10,234 dyadic dispute-years",
    url="https://correlatesofwar.org/data-sets/mids/",
    licence="COW data free for research use with citation; peacesciencer package GPL-2",
    citation="""@article{palmer2022mid5,
  author = {Palmer, Glenn and McManus, Roseanne W. and D'Orazio, Vito and Kenwick, Michael R.
            and Karstens, Mikaela and Bloch, Chase and Dietrich, Nick and Kahn, Kayla
            and Ritter, Kellan and Soules, Michael J.},
  title = {The {MID5} Dataset, 2011--2014: Procedures, Coding Rules, and Description},
  journal = {Conflict Management and Peace Science}, volume = {39}, number = {4},
  pages = {470--482}, year = {2022}, doi = {10.1177/0738894221995743}
}""",
    files=(ps_file("cow_mid_dirdisps"), ps_file("cow_mid_ddydisps")),
    tables={
        "cow_mid_directed": "directed dispute-years (peacesciencer cow_mid_dirdisps): dispnum, "
                            "ccode1, ccode2, year, dispongoing, disponset, sidea1/2, ...",
        "cow_mid_dyadic": "dyadic dispute-years, whittled to one dispute per dyad-year "
                          "(peacesciencer cow_mid_ddydisps): dispnum, ccode1, ccode2, year, ...",
    },
    transformations=("every column typed as integer (nullable where the source has NA)",),
    notes=PS_NOTE,
    whole=(
        # this vintage: 11,390 rows
        Whole("cow_mid_directed", floor=10_000, key=("dispnum", "ccode1", "ccode2", "year"),
              file="cow_mid_dirdisps"),
        # this vintage: 10,234 rows
        Whole("cow_mid_dyadic", floor=9_200, key=("ccode1", "ccode2", "year"),
              file="cow_mid_ddydisps"),
    ),
)

KEYS = ["dispnum", "ccode1", "ccode2", "year"]
DIRECTED = [*KEYS, "dispongoing", "disponset", "sidea1", "sidea2", "hostlev1", "hostlev2"]
DYADIC = [*KEYS, "cowmidongoing", "cowmidonset", "sidea1", "sidea2", "hostlev"]


fetch = fetcher(INFO)


def _read(path: Path, name: str, required: list[str]) -> pd.DataFrame:
    table = read_rda(path, name, required).copy()
    table = to_ints(table, KEYS, path, header_rows=0)
    rest = [c for c in table.columns if c not in KEYS]
    return to_ints(table, rest, path, header_rows=0, nullable=True)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    return {
        "cow_mid_directed": _read(files["cow_mid_dirdisps"], "cow_mid_dirdisps", DIRECTED),
        "cow_mid_dyadic": _read(files["cow_mid_ddydisps"], "cow_mid_ddydisps", DYADIC),
    }
