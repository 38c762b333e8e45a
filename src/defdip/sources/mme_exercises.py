"""Multinational Military Exercises (MME v7, 1980-2010): exercises and their participants."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import httpx
import pandas as pd

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import Fetched, RawFile
from defdip.sources._base import SourceInfo, attach_codes, fetch_source, unresolved

__all__ = ["INFO", "check_actors", "fetch", "parse", "partial_dates", "require_columns"]

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
)

FLAGS = {"CPX": "cpx", "Air": "air", "Land": "land", "Sea": "sea", "Amphibious": "amphibious",
         "Cyber": "cyber", "Warfighting": "warfighting", "Peacekeeping": "peacekeeping",
         "Humanitarian": "humanitarian"}
REQUIRED = ["MMEID", "Ex_Name", "Series_Name", "Location", "lat", "lon", "s.year", "s.month",
            "s.day", "e.year", "e.month", "e.day", *FLAGS, "FocusDescription", "StateA"]


def fetch(mirror: Path | None = None,
          transport: httpx.BaseTransport | None = None) -> dict[str, Fetched]:
    return fetch_source(INFO, mirror, transport)


def require_columns(frame: pd.DataFrame, required: list[str], path: Path) -> None:
    """Raise :class:`SourceFormatError` naming the first required column ``frame`` lacks."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SourceFormatError(path, f"missing columns {missing}", column=missing[0])


def check_actors(raw: pd.DataFrame, columns: list[str], vocab: Vocabulary, path: Path,
                 *, ignore: tuple[str, ...] = ("",)) -> None:
    """Raise :class:`SourceFormatError` at the first file cell whose actor does not resolve.

    Checked on the wide file (before any reshaping) so the message names the row and the
    participant column a user sees in the raw file.
    """
    values = pd.Series(raw[columns].to_numpy().ravel()).str.strip()
    bad = set(unresolved(values[~values.isin(ignore)], vocab))
    if not bad:
        return
    for position, row in enumerate(raw[columns].itertuples(index=False)):
        for column, value in zip(columns, row, strict=True):
            if str(value).strip() in bad:
                raise SourceFormatError(
                    path, f"actor name {str(value).strip()!r} is neither a known state nor a "
                    "declared non-state actor", row=position + 2, column=column,
                    fix="Add the spelling to the source's alias file in defdip/data/actors/ "
                    "(aliases: or non_state:).")


def _part(value: object, low: int, high: int) -> int | None:
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():  # 'xx', 'XX', '-9', '' = unknown
        return None
    number = int(text)
    return number if low <= number <= high else None


def _one_date(year: object, month: object, day: object, end: bool
              ) -> tuple[dt.date | None, str | None]:
    y = _part(year, 1, 9999)
    if y is None:
        return None, None
    m = _part(month, 1, 12)
    if m is None:
        return (dt.date(y, 12, 31) if end else dt.date(y, 1, 1)), "year"
    last = calendar.monthrange(y, m)[1]
    d = _part(day, 1, last)
    if d is None:
        return dt.date(y, m, last if end else 1), "month"
    return dt.date(y, m, d), "day"


def partial_dates(frame: pd.DataFrame, prefix: str, *, end: bool) -> tuple[pd.Series, pd.Series]:
    """Dates and their precision ('day', 'month', 'year') from ``{prefix}year/month/day``.

    Unknown parts ('xx', '-9', empty, out of range) widen the date to the month or year:
    a start takes the first day of that span, an end the last, so intervals stay honest.
    """
    pairs = [_one_date(y, m, d, end) for y, m, d in zip(
        frame[f"{prefix}year"], frame[f"{prefix}month"], frame[f"{prefix}day"], strict=True)]
    dates = pd.Series([p[0] for p in pairs], index=frame.index, dtype="object")
    precision = pd.Series([p[1] for p in pairs], index=frame.index, dtype="string")
    return dates, precision


def _unique_ids(ids: pd.Series) -> pd.Series:
    rank = ids.groupby(ids).cumcount() + 1
    return ids.where(rank == 1, ids + "_" + rank.astype(str)).astype("string")


def _exercises(raw: pd.DataFrame, path: Path) -> pd.DataFrame:
    start, start_precision = partial_dates(raw, "s.", end=False)
    end, end_precision = partial_dates(raw, "e.", end=True)
    if start_precision.isna().any():
        row = int(start_precision.isna().to_numpy().argmax())
        raise SourceFormatError(path, f"start year {raw['s.year'].iloc[row]!r} is not a year",
                                row=row + 2, column="s.year")
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
        bad = ~values.isin(["0", "1"])
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise SourceFormatError(path, f"type flag {values.iloc[row]!r} is not 0 or 1",
                                    row=row + 2, column=column)
        frame[name] = values.eq("1")
    frame["focus"] = raw["FocusDescription"].replace({"": None}).astype("string")
    return frame


def _participants(raw: pd.DataFrame, exercises: pd.DataFrame, vocab: Vocabulary,
                  path: Path) -> pd.DataFrame:
    state_columns = [c for c in raw.columns if c.startswith("State")]
    check_actors(raw, state_columns, vocab, path)
    wide = raw[state_columns].copy()
    wide.index = pd.RangeIndex(len(raw))
    long = wide.reset_index(names="row").melt(id_vars="row", var_name="column",
                                              value_name="label")
    long["label"] = long["label"].str.strip()
    long = long[long["label"].ne("")].sort_values("row", kind="stable")
    long = long.drop_duplicates(["row", "label"])
    long["year"] = exercises["start_year"].to_numpy()[long["row"]]
    long = attach_codes(long.reset_index(drop=True), "label", vocab, prefix="p", path=path,
                        year_column="year")
    return pd.DataFrame({
        "mme_id": exercises["mme_id"].to_numpy()[long["row"]],
        "label": long["label"].astype("string"),
        "iso3": long["p_iso3"], "ccode": long["p_ccode"],
        "year": long["year"].astype("int64"),
    }).astype({"mme_id": "string"})


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["mme_wide"]
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    require_columns(raw, REQUIRED, path)
    exercises = _exercises(raw, path)
    participants = _participants(raw, exercises, vocab, path)
    return {"mme_exercises": exercises, "mme_participants": participants}
