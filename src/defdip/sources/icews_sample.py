"""ICEWS coded event data: a real three-day sample (1-3 June 2018) from the R package icews."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import iso_dates, read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="icews_sample",
    title="ICEWS Coded Event Data: sample of 1-3 June 2018 (R package icews)",
    publisher="Boschee et al., Harvard Dataverse (producer Leidos, Inc.); sample shipped in "
              "Andreas Beger's R package icews",
    version="icews commit 3746c72 (2023-06-06), data/icews_sample.rda as CSV",
    coverage="4,993 events, 2018-06-01 to 2018-06-03",
    url="https://doi.org/10.7910/DVN/28075",
    licence="R package icews MIT (code); the data's terms are those of the ICEWS Dataverse "
            "entry (not checked); attribute and cite Boschee et al. (2015)",
    citation="""@data{boschee2015icews,
  author = {Boschee, Elizabeth and Lautenschlager, Jennifer and O'Brien, Sean and
            Shellman, Steve and Starz, James and Ward, Michael},
  title = {{ICEWS} Coded Event Data}, publisher = {Harvard Dataverse}, year = {2015},
  doi = {10.7910/DVN/28075}
}""",
    files=(RawFile("events", "icews_events_sample/icews_sample.csv",
                   "https://github.com/andybega/icews/raw/master/data/icews_sample.rda"),),
    tables={"icews_events": "one row per event: event_id, event_date, source_name, "
                            "source_country, source_iso3, source_ccode, cameo_code (VARCHAR, "
                            "zero-padded), event_text, intensity, target_name, target_country, "
                            "target_iso3, target_ccode, country (location), country_iso3"},
    transformations=(
        "read every column as text; cameo_code kept as a string and zero-padded to 3 digits",
        "source, target and location country names resolved to iso3/ccode with the event "
        "year; empty names (actors without a country) stay null",
    ),
    whole=(
        # this vintage: 4,993 rows
        Whole("icews_events", floor=4_400, key=("event_id",)),
    ),
)

REQUIRED = ["event_id", "event_date", "source_name", "source_country", "event_text",
            "cameo_code", "intensity", "target_name", "target_country", "country"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["events"]
    raw = read_csv(path, REQUIRED, dtype=str, keep_default_na=False)
    codes = raw["cameo_code"].str.strip()
    reject_rows(~codes.str.fullmatch(r"\d{2,4}"), path,
                lambda row: f"CAMEO code {codes.iloc[row]!r} is not 2-4 digits",
                column="cameo_code")
    dates = iso_dates(raw, "event_date", path)
    blank = {"": None}
    frame = pd.DataFrame({
        "event_id": raw["event_id"].astype("int64"), "event_date": dates.dt.date,
        "year": dates.dt.year.astype("int64"),
        "source_name": raw["source_name"].replace(blank),
        "source_country": raw["source_country"].replace(blank),
        "cameo_code": codes.str.zfill(3),
        "event_text": raw["event_text"],
        "intensity": pd.to_numeric(raw["intensity"]),
        "target_name": raw["target_name"].replace(blank),
        "target_country": raw["target_country"].replace(blank),
        "country": raw["country"].replace(blank),
    })
    for column, prefix in (("source_country", "source"), ("target_country", "target"),
                           ("country", "country")):
        frame = attach_codes(frame, column, vocab, prefix=prefix, path=path,
                             year_column="year")
    text = ["source_name", "source_country", "cameo_code", "event_text", "target_name",
            "target_country", "country"]
    return {"icews_events": frame.astype({c: "string" for c in text})}
