"""MME v7, JME v3 and US defense visits parsed from the mirror.

Expected numbers come from ../shared/data/military_exercises_mme/README.md ("Sanity checks")
unless a comment says otherwise.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.sources import jme_exercises, mme_exercises, us_defense_visits

MME = "military_exercises_mme/mme_v7_wide.csv"
JME = "military_exercises_mme/jme_v3.csv"


@pytest.fixture(scope="module")
def mme(mirror: Path, vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    return mme_exercises.parse({"mme_wide": mirror / MME}, vocab)


@pytest.fixture(scope="module")
def jme(mirror: Path, vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    return jme_exercises.parse({"jme": mirror / JME}, vocab)


def test_mme_rows_and_repeated_ids(mme: dict[str, pd.DataFrame]) -> None:
    exercises = mme["mme_exercises"]
    assert len(exercises) == 3707  # README: 3,707 rows, 3,704 distinct MMEIDs
    assert exercises["mme_id_raw"].nunique() == 3704
    assert exercises["mme_id"].is_unique
    repeated = exercises[exercises["mme_id_raw"].eq("mme3460")]
    assert repeated["mme_id"].tolist() == ["mme3460", "mme3460_2"]


def test_mme_type_flags(mme: dict[str, pd.DataFrame]) -> None:
    totals = mme["mme_exercises"][["warfighting", "sea", "land", "air", "peacekeeping",
                                   "humanitarian"]].sum().to_dict()
    assert totals == {"warfighting": 3112, "sea": 1495, "land": 1243, "air": 1096,
                      "peacekeeping": 327, "humanitarian": 413}


def test_mme_turkey_and_anatolian_eagle(mme: dict[str, pd.DataFrame]) -> None:
    participants = mme["mme_participants"]
    assert participants.loc[participants["ccode"].eq(640), "mme_id"].nunique() == 331
    eagle = participants[participants["mme_id"].eq("mme1989")]
    assert sorted(eagle["iso3"]) == ["ISR", "TUR", "USA"]
    row = mme["mme_exercises"].set_index("mme_id").loc["mme1989"]
    assert row["start_year"] == 2001 and "Anatolian Eagle" in row["name"]
    names = mme["mme_exercises"]["name"].fillna("")
    # README counts rows mentioning the name (one is "Nasim-i-Bahr [Sea Breeze]")
    assert names.str.contains("Sea Breeze").sum() == 11
    assert names.str.contains("Dynamic Mix").sum() == 3
    assert not names.str.contains("EFES|Ephesus", case=False).any()


def test_mme_partial_dates(mme: dict[str, pd.DataFrame]) -> None:
    # mme88 in the raw file: s.year 1980, s.month 1, s.day xx (unknown day)
    row = mme["mme_exercises"].set_index("mme_id").loc["mme88"]
    assert (row["start"], row["start_precision"]) == (dt.date(1980, 1, 1), "month")
    assert (row["end"], row["end_precision"]) == (dt.date(1980, 1, 31), "month")
    row = mme["mme_exercises"].set_index("mme_id").loc["mme87"]  # 1/14/80 - 1/21/80
    assert (row["start"], row["end"]) == (dt.date(1980, 1, 14), dt.date(1980, 1, 21))


def test_mme_non_state_participants(mme: dict[str, pd.DataFrame], vocab: Vocabulary) -> None:
    participants = mme["mme_participants"]
    stateless = participants.loc[participants["ccode"].isna(), "label"].unique()
    assert {"-9", "NATO"} <= set(stateless)
    assert vocab.try_resolve("NATO").kind == "io"
    # FRG before unification: COW 260, not 255 (year-dependent code)
    frg = participants[participants["label"].eq("Federal Republic of Germany")]
    assert set(frg["ccode"]) == {260}


def test_jme_rows_turkey_midlink(jme: dict[str, pd.DataFrame]) -> None:
    exercises, participants = jme["jme_exercises"], jme["jme_participants"]
    assert len(exercises) == 1790
    assert participants.loc[participants["iso3"].eq("TUR"), "jme_id"].nunique() == 127
    midlink = exercises[exercises["name"].eq("Midlink 74")].iloc[0]
    assert (midlink["start"], midlink["start_precision"]) == (dt.date(1974, 11, 1), "month")
    codes = participants.loc[participants["jme_id"].eq(midlink["jme_id"]), "iso3"]
    assert codes.tolist() == ["USA", "TUR", "PAK", "GBR"]
    assert "AUS" not in exercises.columns


def test_jme_hosts(jme: dict[str, pd.DataFrame]) -> None:
    hosts = jme["jme_exercises"].dropna(subset=["host_label"])
    # independent count: the raw column "Which state hosted the exercise?" has 13 non-empty
    # cells, two of them "Turkey" and one "AUS ; USA"
    assert len(hosts) == 13
    assert hosts["host_iso3"].eq("TUR").sum() == 2
    assert "AUS;USA" in set(hosts["host_iso3"])


def test_visits(mirror: Path, vocab: Vocabulary) -> None:
    path = mirror / "military_exercises_mme/us_defense_official_visits.csv"
    visits = us_defense_visits.parse({"visits": path}, vocab)["us_defense_visits"]
    assert len(visits) == 377 and visits["visit_id"].is_unique
    assert visits["iso3"].eq("TUR").sum() == 2
    assert visits["title"].value_counts()["Secretary of the Army"] == 178
    assert visits["iso3"].notna().all()
    assert visits["start_precision"].eq("day").all()  # every trip in the file gives its days


def test_visit_with_an_unknown_day_keeps_month_precision(mirror: Path, tmp_path: Path,
                                                         vocab: Vocabulary) -> None:
    raw = pd.read_csv(mirror / "military_exercises_mme/us_defense_official_visits.csv",
                      dtype=str, keep_default_na=False)
    raw.loc[0, "Start Day"] = "xx"
    path = tmp_path / "visits.csv"
    raw.to_csv(path, index=False)
    visits = us_defense_visits.parse({"visits": path}, vocab)["us_defense_visits"]
    first = visits.iloc[0]
    assert first["start_precision"] == "month" and first["start"].day == 1
    assert first["start"].month == int(raw.loc[0, "Start Month"])
    assert visits["start_precision"].iloc[1:].eq("day").all()


def _corrupt(mirror: Path, tmp_path: Path, relative: str, old: str, new: str) -> Path:
    target = tmp_path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(mirror / relative, target)
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def test_mme_missing_column(mirror: Path, tmp_path: Path, vocab: Vocabulary) -> None:
    bad = _corrupt(mirror, tmp_path, MME, "MMEID,", "ID,")
    with pytest.raises(SourceFormatError) as caught:
        mme_exercises.parse({"mme_wide": bad}, vocab)
    assert str(caught.value).startswith(f"{bad}, column 'MMEID': missing columns ['MMEID']. ")


def test_mme_unknown_participant_names_row(mirror: Path, tmp_path: Path,
                                           vocab: Vocabulary) -> None:
    bad = _corrupt(mirror, tmp_path, MME, ",Netherlands,United Kingdom,", ",Narnia,United Kingdom,")
    with pytest.raises(SourceFormatError) as caught:
        mme_exercises.parse({"mme_wide": bad}, vocab)
    assert str(caught.value).startswith(
        f"{bad}, row 2, column 'StateA': actor name 'Narnia' is neither a known state nor a "
        "declared non-state actor.")


def test_jme_missing_column(mirror: Path, tmp_path: Path, vocab: Vocabulary) -> None:
    bad = _corrupt(mirror, tmp_path, JME, "JME Type", "Kind")
    with pytest.raises(SourceFormatError, match=r"column 'JME Type': missing columns"):
        jme_exercises.parse({"jme": bad}, vocab)
