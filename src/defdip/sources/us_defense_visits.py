"""US defense-official foreign visits (1992-2012): an illustrative high-level-visits table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import check_actors, partial_dates, read_csv

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="us_defense_visits",
    title="US defense-official foreign visits, 1992-2012 (troopdata visits.xls)",
    publisher="Michael E. Flynn et al., R package troopdata (data-raw/visits.xls)",
    version="troopdata commit bcb9146 (2024-06-11), sheet 1 as CSV",
    coverage="377 trips of US service secretaries and combatant commanders, 1992-2012",
    url="https://github.com/meflynn/troopdata",
    licence="Shipped in the R package troopdata (GPL >= 3); no documentation, licence or "
            "citation of its own; use only as an illustrative sample",
    citation="""@article{allen2022troopdata,
  author = {Allen, Michael A. and Flynn, Michael E. and Martinez Machain, Carla},
  title = {Global {U.S.} military deployment data: 1950-2020},
  journal = {Conflict Management and Peace Science}, volume = {39}, number = {3},
  pages = {351--370}, year = {2022},
  note = {Visits file: troopdata data-raw/visits.xls, undocumented}
}""",
    files=(RawFile("visits", "military_exercises_mme/us_defense_official_visits.csv",
                   "https://raw.githubusercontent.com/meflynn/troopdata/main/data-raw/"
                   "visits.xls"),),
    tables={"us_defense_visits": "one row per trip and visited state: visit_id (v0001.. in "
                                 "file order), title, name, start, start_precision, end, "
                                 "end_precision, city, label, iso3, ccode"},
    transformations=(
        "visit_id derived from the row order (the file has no id; one row repeats exactly)",
        "start/end assembled from day, month, year columns, with their precision (an "
        "unknown day or month widens the date); dates kept as published even where the end "
        "precedes the start (2 rows)",
        "'State Visit' holds ISO3 codes plus a few names (Nassau, Saint Thomas, Wake Island) "
        "and GNL for Greenland: mapped in troopdata.yaml",
    ),
    whole=(
        # this vintage: 377 rows
        Whole("us_defense_visits", floor=330, generated=("visit_id",),
              required=("visit_id", "label"), repeats=3,
              why="the file lists one trip twice (Gordon England, Bahrain, 2004-11-19)"),
    ),
)

REQUIRED = ["Title", "Name", "Start Day", "Start Month", "Start Year", "City Visited",
            "State Visit", "End Day", "End Month", "End Year"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["visits"]
    raw = read_csv(path, REQUIRED, dtype=str, keep_default_na=False)
    check_actors(raw, ["State Visit"], vocab, path)
    parts = raw.rename(columns={"Start Year": "s.year", "Start Month": "s.month",
                                "Start Day": "s.day", "End Year": "e.year",
                                "End Month": "e.month", "End Day": "e.day"})
    start, start_precision = partial_dates(parts, "s.", end=False)
    end, end_precision = partial_dates(parts, "e.", end=True)
    frame = pd.DataFrame({
        "visit_id": [f"v{i:04d}" for i in range(1, len(raw) + 1)],
        "title": raw["Title"].str.strip(), "name": raw["Name"].str.strip(),
        "start": start, "start_precision": start_precision,
        "end": end, "end_precision": end_precision,
        "city": raw["City Visited"].str.strip().replace({"": None}),
        "label": raw["State Visit"].str.strip(),
        "year": pd.Series([d.year if d else None for d in start], dtype="Int64"),
    }).astype({"visit_id": "string", "title": "string", "name": "string", "city": "string",
               "label": "string"})
    frame = attach_codes(frame, "label", vocab, prefix="v", path=path, year_column="year")
    return {"us_defense_visits": frame.rename(columns={"v_iso3": "iso3", "v_ccode": "ccode"})}
