"""Lowy Institute Global Diplomacy Index: every diplomatic post of 66 countries, 2016-2023."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import read_csv, reject_rows

pd = lazy_import("pandas")

__all__ = ["INFO", "POST_TYPES", "fetch", "parse"]

INFO = SourceInfo(
    name="lowy_gdi",
    title="Lowy Institute Global Diplomacy Index, post-level data (2016-2023 editions)",
    publisher="Lowy Institute",
    version="DataDownload.xlsx sheets 2016, 2017, 2019, 2021, 2023 (the 2023 sheet is the "
            "February 2024 edition)",
    coverage="35,869 posts of 42-66 sending countries in 2016, 2017, 2019, 2021, 2023",
    url="https://globaldiplomacyindex.lowyinstitute.org/",
    licence="(c) Lowy Institute; free to download from the GDI website; use for research "
            "with attribution; check the Lowy Institute's terms before redistributing",
    citation="""@misc{lowy2024gdi,
  author = {{Lowy Institute}},
  title = {Global Diplomacy Index 2024},
  year = {2024}, howpublished = {\\url{https://globaldiplomacyindex.lowyinstitute.org/}},
  note = {Post-level data for the 2016, 2017, 2019, 2021 and 2023 editions}
}""",
    files=(RawFile("posts", "lowy_global_diplomacy_index/lowy_gdi_posts_2016_2023.csv",
                   "https://globaldiplomacyindex.lowyinstitute.org/"),),
    tables={"lowy_posts": "one row per post and edition year: year, sender_label, sender_iso3, "
                          "sender_ccode, overall_rank, host_label, host_iso3, host_ccode (null "
                          "for declared non-state hosts), city, post_type, post_title"},
    transformations=(
        "sheets stacked with YEAR (done in the mirror's CSV); sender and host names resolved "
        "with the edition year (Turkey/Türkiye, Czech Republic/Czechia, … are one state)",
        "European External Action Service kept as a sender (declared io, null codes)",
        "host labels for non-recognised entities (Abkhazia*, Somaliland, Jerusalem* …) kept "
        "with null codes; typos (Nigaragua, Portual) mapped in lowy.yaml",
        "TYPE OF POST coded embassy / consulate / mission / other",
        "13 rows repeat (year, sender, city, title) and are kept as published",
    ),
    whole=(
        # this vintage: 35,869 rows
        Whole("lowy_posts", floor=32_000, required=("year", "sender_label", "host_label"),
              repeats=20, why="the 2016-2023 file lists 13 posts twice, field for field; "
                              "the record counts each once"),
    ),
)

POST_TYPES = {"Embassy / High Commission": "embassy", "Consulate / Consulate-General": "consulate",
              "Permanent Mission": "mission", "Other": "other"}
REQUIRED = ["YEAR", "COUNTRY", "OVERALL RANK", "POST CITY", "POST COUNTRY", "TYPE OF POST",
            "POST TYPE TITLE"]


fetch = fetcher(INFO)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["posts"]
    raw = read_csv(path, REQUIRED, dtype=str, keep_default_na=False)
    post_type = raw["TYPE OF POST"].str.strip().map(POST_TYPES)
    reject_rows(post_type.isna(), path, lambda row: f"post type "
                f"{raw['TYPE OF POST'].iloc[row]!r} is not one of {sorted(POST_TYPES)}",
                column="TYPE OF POST")
    frame = pd.DataFrame({
        "year": pd.to_numeric(raw["YEAR"]).astype("int64"),
        "sender_label": raw["COUNTRY"].str.strip(),
        "overall_rank": pd.to_numeric(raw["OVERALL RANK"]).round().astype("Int64"),
        "host_label": raw["POST COUNTRY"].str.strip(),
        "city": raw["POST CITY"].str.strip(), "post_type": post_type,
        "post_title": raw["POST TYPE TITLE"].str.strip().replace({"": None}),
    })
    frame = attach_codes(frame, "sender_label", vocab, prefix="sender", path=path,
                         year_column="year")
    frame = attach_codes(frame, "host_label", vocab, prefix="host", path=path,
                         year_column="year")
    order = ["year", "sender_label", "sender_iso3", "sender_ccode", "overall_rank",
             "host_label", "host_iso3", "host_ccode", "city", "post_type", "post_title"]
    return {"lowy_posts": frame[order].astype({c: "string" for c in (
        "sender_label", "host_label", "city", "post_type", "post_title")})}
