"""UCDP/PRIO Armed Conflict Dataset, conflict-years as packaged by peacesciencer (ucdp_acd).

UCDP codes states with Gleditsch-Ward numbers; they are kept (``gwno_*``) and COW codes are
added beside them (``ccode_*``) through :func:`defdip.sources.gw_states.gw_to_cow`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.lazy import lazy_import
from defdip.sources import gw_states
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._peacesciencer import PS_NOTE, ps_file, read_rda, to_dates, to_ints

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="ucdp_acd",
    title="UCDP/PRIO Armed Conflict Dataset (peacesciencer ucdp_acd)",
    publisher="Uppsala Conflict Data Program and PRIO; packaged by Steven V. Miller",
    version="UCDP/PRIO ACD as in peacesciencer (data to 2024)",
    coverage="1946-2024; 5,652 rows (conflict-years, one row per listed side-A/B state set)",
    url="https://ucdp.uu.se/downloads/",
    licence="UCDP data: CC BY 4.0 with citation; peacesciencer package GPL-2",
    citation="""@article{gleditsch2002armed,
  author = {Gleditsch, Nils Petter and Wallensteen, Peter and Eriksson, Mikael
            and Sollenberg, Margareta and Strand, H{\\aa}vard},
  title = {Armed Conflict 1946--2001: A New Dataset},
  journal = {Journal of Peace Research}, volume = {39}, number = {5},
  pages = {615--637}, year = {2002}, doi = {10.1177/0022343302039005007}
}""",
    files=(ps_file("ucdp_acd"), gw_states.INFO.files[0]),
    tables={"ucdp_acd": "conflict-years (peacesciencer columns): conflict_id, year, gwno_a, "
                        "gwno_a_2nd, gwno_b, gwno_b_2nd, incompatibility, intensity_level, "
                        "type_of_conflict, start_date, start_prec, start_date2, start_prec2, "
                        "ep_end, ep_end_date, and ccode_a, ccode_a_2nd, ccode_b, ccode_b_2nd"},
    transformations=("ids, years, G&W codes and precision codes typed as integers",
                     "R Date columns kept as dates",
                     "COW codes added for each G&W code (concordance, year-specific; null "
                     "where no COW state)"),
    notes=PS_NOTE + " Not unique on (conflict_id, year): peacesciencer lists one row per "
                    "side-A state set.",
    whole=(
        # this vintage: 5,652 rows
        Whole("ucdp_acd", floor=5_000,
              key=("conflict_id", "year", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"),
              required=("conflict_id", "year", "gwno_a"), file="ucdp_acd"),
    ),
)

GW = ["gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"]
INTS = ["conflict_id", "year", "intensity_level", "start_prec", "start_prec2", "ep_end"]
DATES = ["start_date", "start_date2", "ep_end_date"]
TEXT = ["incompatibility", "type_of_conflict"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["ucdp_acd"]
    table = read_rda(path, "ucdp_acd", [*INTS[:2], *GW, *INTS[2:], *DATES, *TEXT]).copy()
    table = to_ints(table, INTS, path, header_rows=0)
    table = to_ints(table, GW, path, header_rows=0, nullable=True)
    table = to_dates(table, DATES[:2], path)
    table = to_dates(table, DATES[2:], path, nullable=True)
    table = table.astype({c: "string" for c in TEXT})
    gw = gw_states.parse({"gwstates": files["gwstates"]}, vocab)["gw_states"]
    concordance = gw_states.gw_concordance(gw, vocab)
    for column in GW:
        table[column.replace("gwno", "ccode")] = gw_states.gw_to_cow(
            table[column], table["year"], concordance, vocab)
    return {"ucdp_acd": table}
