"""IPI peacekeeping, Lowy GDI, ICEWS, CAMEO, PLOVER, Natural Earth and US troops from the mirror.

Expected numbers come from each folder's README in ../shared/data ("Sanity checks"/"Sanity
facts"); the folder is named in each test.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from defdip import sources
from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.store import Store


def test_ipi_peacekeeping(parse_source) -> None:
    tables = parse_source("ipi_peacekeeping")  # un_peacekeeping_ipi/README.md
    months = tables["ipi_contributor_month"]
    assert len(months) == 25657 and months["contributor_label"].nunique() == 148
    turkey = months[months["ccode"].eq(640)].sort_values("date")
    first = turkey.iloc[0]
    assert (first["date"], first["troops"]) == (dt.date(1990, 11, 30), 2)
    row = turkey[turkey["date"].eq(dt.date(1995, 8, 31))].iloc[0]
    assert (row["troops"], row["police"], row["experts"], row["total"]) == (1493, 12, 11, 1516)
    missions = tables["ipi_mission_month"]
    assert len(missions) == 5330 and missions["mission"].nunique() == 78
    assert missions.loc[missions["date"].eq(dt.date(2017, 3, 31)), "total"].sum() == 97774
    by_mission = tables["ipi_contributor_mission_month"]
    assert len(by_mission) == 29115 and by_mission["mission"].nunique() == 25
    unifil = by_mission[by_mission["ccode"].eq(640) & by_mission["mission"].eq("UNIFIL")]
    assert unifil["total"].max() == 578
    assert by_mission["ccode"].notna().all()


def test_lowy_posts(parse_source) -> None:
    posts = parse_source("lowy_gdi")["lowy_posts"]  # lowy_global_diplomacy_index
    assert len(posts) == 35869
    turkey = posts[posts["sender_ccode"].eq(640)]
    assert turkey.groupby("year").size().to_dict() == {
        2016: 225, 2017: 228, 2019: 235, 2021: 246, 2023: 252}
    assert turkey.groupby("year")["overall_rank"].first().to_dict() == {
        2016: 5, 2017: 6, 2019: 6, 2021: 5, 2023: 3}
    top = posts[posts["year"].eq(2023)].groupby("sender_iso3").size().nlargest(3)
    assert top.to_dict() == {"CHN": 274, "USA": 271, "TUR": 252}
    t2023 = turkey[turkey["year"].eq(2023)]
    assert t2023["post_type"].value_counts().to_dict() == {
        "embassy": 145, "consulate": 93, "mission": 12, "other": 2}
    assert t2023["host_label"].nunique() == 147
    eeas = posts[posts["sender_label"].eq("European External Action Service")]
    assert len(eeas) > 0 and eeas["sender_iso3"].isna().all()
    assert posts.groupby("year")["sender_label"].nunique().to_dict() == {
        2016: 42, 2017: 60, 2019: 61, 2021: 65, 2023: 66}


def test_icews_events(parse_source) -> None:
    events = parse_source("icews_sample")["icews_events"]  # icews_events_sample
    assert len(events) == 4993 and events["cameo_code"].nunique() == 134
    assert (events["source_ccode"].eq(640) | events["target_ccode"].eq(640)).sum() == 64
    assert (events["intensity"].min(), events["intensity"].max()) == (-10.0, 10.0)
    international = events["source_iso3"].notna() & events["target_iso3"].notna() & (
        events["source_iso3"] != events["target_iso3"])
    assert international.sum() == 2305
    accuse = events[events["source_country"].eq("Armenia") & events["target_ccode"].eq(640)]
    assert ("112", -2.0) in set(zip(accuse["cameo_code"], accuse["intensity"], strict=True))
    assert events["cameo_code"].str.len().min() == 3


def test_cameo_codes(parse_source) -> None:
    codes = parse_source("cameo_codebook")["cameo_codes"]  # cameo_codebook/README.md
    assert codes["flavour"].value_counts().to_dict() == {"icews": 312, "gdelt": 280}
    weights = codes.set_index(["flavour", "code"])["goldstein"]
    for flavour in ("icews", "gdelt"):
        assert weights[flavour][["042", "043", "057", "062", "0332", "138", "190"]].tolist() == [
            1.9, 2.8, 8.0, 7.4, 5.2, -7.0, -10.0]
    assert (weights["gdelt", "016"], weights["icews", "016"]) == (3.4, -5.0)
    quad = codes.set_index(["flavour", "code"])["quad_class"]
    assert quad["icews"][["010", "057", "062", "138", "190"]].tolist() == [1, 1, 2, 3, 4]
    icews = codes[codes["flavour"].eq("icews")]["code"].str.len().value_counts().to_dict()
    assert icews == {2: 20, 3: 147, 4: 145}


def test_plover_and_natural_earth(parse_source) -> None:
    plover = parse_source("plover_codebook")  # plover_codebook/README.md
    assert {k: len(v) for k, v in plover.items()} == {
        "plover_types": 16, "plover_modes": 73, "plover_contexts": 37}
    earth = parse_source("natural_earth")["natural_earth_countries"]
    assert len(earth) == 177  # natural_earth_110m/README.md
    turkey = earth[earth["iso3"].eq("TUR")].iloc[0]
    assert (turkey["iso_n3"], turkey["ccode"]) == ("792", 640)
    assert json.loads(turkey["geometry"])["type"] == "MultiPolygon"
    assert earth.loc[earth["iso3"].eq("XKX"), "ccode"].tolist() == [347]


def test_us_troops_and_bases(parse_source) -> None:
    tables = parse_source("us_troops")  # us_troop_deployments/README.md
    troops = tables["us_troops"]
    assert len(troops) == 13135
    turkey = troops[troops["ccode"].eq(640) & troops["year"].ge(2020)]
    assert turkey.set_index("year")["troops_ad"].to_dict() == {
        2020: 1705, 2021: 1811, 2022: 1736, 2023: 1780, 2024: 1692}
    bases = tables["us_bases"]
    assert len(bases) == 414
    sites = set(bases.loc[bases["ccode"].eq(640), "basename"])
    assert len(sites) == 6 and {"Incirlik AB", "Izmir AS", "Batman AB",
                                "Ankara Admin Office"} <= sites


@pytest.mark.parametrize(("name", "key", "old", "new", "message"), [
    ("ipi_peacekeeping", "mission_month", '"Troops"', '"Soldiers"',
     "column 'Troops': missing columns ['Troops']"),
    ("lowy_gdi", "posts", "TYPE OF POST", "KIND OF POST",
     "column 'TYPE OF POST': missing columns ['TYPE OF POST']"),
    ("icews_sample", "events", "cameo_code", "cameo", "column 'cameo_code': missing columns"),
    ("cameo_codebook", "gdelt", "GoldsteinScale", "Goldstein",
     "column 'GoldsteinScale': missing columns ['GoldsteinScale']"),
    ("us_troops", "troops", "troops_ad", "troops", "column 'troops_ad': missing columns"),
])
def test_missing_columns_named(source_files, vocab: Vocabulary, tmp_path: Path, name: str,
                               key: str, old: str, new: str, message: str) -> None:
    module = sources.get(name)
    files = source_files(module)
    bad = tmp_path / files[key].name
    shutil.copyfile(files[key], bad)
    encoding = "latin-1" if name == "us_troops" else "utf-8"
    bad.write_text(bad.read_text(encoding=encoding).replace(old, new, 1), encoding=encoding)
    files[key] = bad
    with pytest.raises(SourceFormatError) as caught:
        module.parse(files, vocab)
    assert str(caught.value).startswith(f"{bad}, {message}")


def test_unknown_host_names_row(mirror: Path, vocab: Vocabulary, tmp_path: Path) -> None:
    path = mirror / "lowy_global_diplomacy_index/lowy_gdi_posts_2016_2023.csv"
    bad = tmp_path / path.name
    bad.write_text(path.read_text(encoding="utf-8").replace(
        "Algiers,Algeria,", "Algiers,Atlantis,", 1), encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        sources.get("lowy_gdi").parse({"posts": bad}, vocab)
    assert str(caught.value).startswith(
        f"{bad}, row 2, column 'host_label': actor name 'Atlantis' is neither a known state "
        "nor a declared non-state actor")


def test_all_load_into_store(mirror: Path, vocab: Vocabulary, store: Store) -> None:
    names = ["mme_exercises", "jme_exercises", "us_defense_visits", "ipi_peacekeeping",
             "lowy_gdi", "icews_sample", "cameo_codebook", "plover_codebook",
             "natural_earth", "us_troops"]
    for name in names:
        assert store.load_source(name, mirror=mirror, vocab=vocab).status == "loaded"
    assert store.sql("SELECT count(*) AS n FROM mme_participants "
                     "WHERE ccode = 640")["n"][0] == 331  # military_exercises_mme/README.md
