"""Multinational Military Exercises (MME v7, 1980-2010): exercises and their participants."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, fetcher
from defdip.sources._checks import partial_dates, participants, read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

_TROOPDATA = "https://raw.githubusercontent.com/meflynn/troopdata/main/data-raw/"

INFO = SourceInfo(
    name="mme_exercises",
    title="Multinational Military Exercises, 1980-2010 (MME v7)",
    publisher="Vito D'Orazio and Kevin Galambos (Harvard Dataverse); distributed in the "
              "R package troopdata",
    version="v7 (troopdata commit 788b374, 2026-04-30)",
    coverage="3,707 exercise rows (3,704 distinct MMEIDs), start years 1980-2010",
    url="https://doi.org/10.7910/DVN/KHFODX",
    licence="Shipped in the R package troopdata (GPL >= 3); no separate data licence seen; "
            "cite D'Orazio & Galambos (2021)",
    citation="""@misc{dorazio2021mme,
  author = {D'Orazio, Vito and Galambos, Kevin},
  title = {Multinational Military Exercises, 1980-2010},
  year = {2021}, publisher = {Harvard Dataverse}, version = {V1},
  doi = {10.7910/DVN/KHFODX}
}""",
    files=(RawFile("mme_wide", "military_exercises_mme/mme_v7_wide.csv",
                   _TROOPDATA + "mme_v7.csv"),),
    tables={
        "mme_exercises": "one row per exercise: mme_id, name, series, location, lat, lon, "
                         "start/end (DATE) with precision, start_year, type flags, focus",
        "mme_participants": "one row per exercise and named participant (StateA..StateAM): "
                            "mme_id, label, iso3, ccode (null for non-state), year",
    },
    transformations=(
        "the 3 repeated MMEIDs (mme3457, mme3458, mme3460) keep their first row's id; later "
        "rows get a suffix '_2' (file order); mme_id_raw keeps the published id",
        "start/end assembled from s./e.year, month, day; 'xx' = unknown part; unknown day "
        "→ first (start) or last (end) day of the month, with start_precision/end_precision",
        "0/1 type flags typed as BOOLEAN",
        "participant columns StateA..StateAM melted to one row per participant; '-9' "
        "(unknown participant), NATO and other non-states kept as declared non-state actors; a "
        "label repeated within one exercise (two '-9' in one row) is kept once",
    ),
    whole=(
        # this vintage: 3,707 rows
        Whole("mme_exercises", floor=3_300, generated=("mme_id",), required=("mme_id",)),
        # this vintage: 13,864 rows
        Whole("mme_participants", floor=12_000, key=("mme_id", "label")),
    ),
)

FLAGS = {"CPX": "cpx", "Air": "air", "Land": "land", "Sea": "sea", "Amphibious": "amphibious",
         "Cyber": "cyber", "Warfighting": "warfighting", "Peacekeeping": "peacekeeping",
         "Humanitarian": "humanitarian"}
REQUIRED = ["MMEID", "Ex_Name", "Series_Name", "Location", "lat", "lon", "s.year", "s.month",
            "s.day", "e.year", "e.month", "e.day", *FLAGS, "FocusDescription", "StateA"]


fetch = fetcher(INFO)


def _unique_ids(ids: pd.Series) -> pd.Series:
    rank = ids.groupby(ids).cumcount() + 1
    return ids.where(rank == 1, ids + "_" + rank.astype(str)).astype("string")


def _exercises(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    start, start_precision = partial_dates(raw, "s.", end=False)
    end, end_precision = partial_dates(raw, "e.", end=True)
    reject_rows(start_precision.isna(), path,
                lambda row: f"start year {raw['s.year'].iloc[row]!r} is not a year",
                column="s.year")
    frame = pd.DataFrame({
        "mme_id": _unique_ids(raw["MMEID"].astype("string")),
        "mme_id_raw": raw["MMEID"].astype("string"),
        "name": raw["Ex_Name"].replace({"": None}).astype("string"),
        "series": raw["Series_Name"].replace({"": None}).astype("string"),
        "location": raw["Location"].replace({"": None}).astype("string"),
        "lat": pd.to_numeric(raw["lat"], errors="coerce"),
        "lon": pd.to_numeric(raw["lon"], errors="coerce"),
        "start": start, "start_precision": start_precision,
        "end": end, "end_precision": end_precision,
        "start_year": pd.Series([d.year for d in start], index=raw.index, dtype="int64"),
    })
    for column, name in FLAGS.items():
        values = raw[column].str.strip()
        reject_rows(~values.isin(["0", "1"]), path,
                    lambda row, v=values: f"type flag {v.iloc[row]!r} is not 0 or 1",
                    column=column)
        frame[name] = values.eq("1")
    frame["focus"] = raw["FocusDescription"].replace({"": None}).astype("string")
    return frame


def _participants(raw: pd.DataFrame, exercises: pd.DataFrame, vocab: Vocabulary,
                  path: Path) -> pd.DataFrame:
    state_columns = [c for c in raw.columns if c.startswith("State")]
    long = participants(raw, state_columns, exercises["start_year"], vocab, path)
    return pd.DataFrame({
        "mme_id": exercises["mme_id"].to_numpy()[long["row"]],
        "label": long["label"].astype("string"),
        "iso3": long["p_iso3"], "ccode": long["p_ccode"],
        "year": long["year"].astype("int64"),
    }).astype({"mme_id": "string"})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["mme_wide"]
    raw = read_csv(path, REQUIRED, dtype=str, keep_default_na=False)
    exercises = _exercises(raw, path)
    participants = _participants(raw, exercises, vocab, path)
    return {"mme_exercises": exercises, "mme_participants": participants}
