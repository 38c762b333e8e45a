"""UNGA roll-call votes and ideal points parsed from the mirror.

Expected numbers come from ../shared/data/unga_votes/README.md and
../shared/data/unga_ideal_points/README.md ("Sanity checks run here") unless a comment says
otherwise.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.sources import unga_ideal_points, unga_votes
from defdip.store import Store

UNGA = "unga_votes"
IDEAL = "unga_ideal_points/IdealpointestimatesAll_Jun2024.csv"


@pytest.fixture(scope="module")
def unga(parse_source) -> dict[str, pd.DataFrame]:
    return parse_source(unga_votes)


def test_vote_totals(unga: dict[str, pd.DataFrame]) -> None:
    votes = unga["unga_votes"]
    assert len(votes) == 870109
    assert votes["vote"].value_counts().to_dict() == {1: 693664, 2: 110897, 3: 65548}
    assert votes["ccode"].notna().all()
    assert not votes.duplicated(["rcid", "ccode"]).any()
    assert votes["ccode"].nunique() == 200  # README: 200 distinct countries


def test_turkey_votes(unga: dict[str, pd.DataFrame]) -> None:
    turkey = unga["unga_votes"][unga["unga_votes"]["ccode"].eq(640)]
    assert len(turkey) == 6058
    assert turkey["vote"].value_counts().to_dict() == {1: 4269, 2: 986, 3: 803}
    assert (turkey["year"].min(), turkey["year"].max()) == (1946, 2020)


@pytest.mark.parametrize(("year", "share", "joint"),
                         [(2019, 0.348, 89), (2003, 0.281, 89), (1990, 0.238, 84)])
def test_turkey_usa_identical_votes(unga: dict[str, pd.DataFrame], year: int, share: float,
                                    joint: int) -> None:
    votes = unga["unga_votes"]
    votes = votes[votes["year"].eq(year) & votes["ccode"].isin([640, 2])]
    wide = votes.pivot(index="rcid", columns="ccode", values="vote").dropna()
    assert len(wide) == joint
    assert round(float((wide[640] == wide[2]).mean()), 3) == share


def test_codes_resolved_by_name_and_year(unga: dict[str, pd.DataFrame]) -> None:
    codes = unga["unga_votes"].groupby("country_label")["ccode"].unique()
    # README: the country_code is empty for these three; COW codes from cow_states_v2016.csv
    assert list(codes["Federal Republic of Germany"]) == [260]
    assert list(codes["Yemen Arab Republic"]) == [678]
    assert list(codes["Zanzibar"]) == [511]
    assert list(codes["Germany"]) == [255] and list(codes["Namibia"]) == [565]
    empty = unga["unga_votes"]["country_code"].isna().sum()
    assert empty == 5444


def test_roll_calls_and_issues(unga: dict[str, pd.DataFrame]) -> None:
    roll_calls, issues = unga["unga_roll_calls"], unga["unga_issues"]
    assert len(roll_calls) == 6203 and roll_calls["rcid"].is_unique
    assert (roll_calls["year"].min(), roll_calls["year"].max()) == (1946, 2020)
    assert roll_calls["session"].max() == 74
    assert len(issues) == 5745
    counts = issues["issue"].value_counts()
    assert counts["Arms control and disarmament"] == 1092
    assert counts["Palestinian conflict"] == 1061
    assert counts["Economic development"] == 765


def test_bad_vote_names_row(mirror: Path, source_files, tmp_path: Path,
                            vocab: Vocabulary) -> None:
    files = source_files(unga_votes)
    bad = tmp_path / UNGA / "un_votes.csv.gz"
    bad.parent.mkdir(parents=True)
    with gzip.open(mirror / UNGA / "un_votes.csv.gz", "rt", encoding="utf-8") as handle:
        text = handle.read()
    with gzip.open(bad, "wt", encoding="utf-8") as handle:
        handle.write(text.replace("3,Canada,CA,no", "3,Canada,CA,maybe", 1))
    files["votes"] = bad
    with pytest.raises(SourceFormatError) as caught:
        unga_votes.parse(files, vocab)
    assert str(caught.value).startswith(
        f"{bad}, row 3, column 'vote': vote 'maybe' is not yes, abstain or no. ")


def test_missing_roll_call_column(mirror: Path, source_files, tmp_path: Path,
                                  vocab: Vocabulary) -> None:
    files = source_files(unga_votes)
    bad = tmp_path / "un_roll_calls.csv"
    text = (mirror / UNGA / "un_roll_calls.csv").read_text(encoding="utf-8")
    bad.write_text(text.replace("rcid,session,", "rcid,sess,", 1), encoding="utf-8")
    files["roll_calls"] = bad
    with pytest.raises(SourceFormatError) as caught:
        unga_votes.parse(files, vocab)
    assert str(caught.value).startswith(
        f"{bad}, column 'session': missing columns ['session']. ")


@pytest.fixture(scope="module")
def ideal(mirror: Path, vocab: Vocabulary) -> pd.DataFrame:
    path = mirror / IDEAL
    return unga_ideal_points.parse({"ideal_points": path}, vocab)["unga_ideal_points"]


def test_ideal_points_turkey(ideal: pd.DataFrame) -> None:
    assert len(ideal) == 11238 and ideal["ccode"].nunique() == 199
    assert not ideal.duplicated(["ccode", "session"]).any()
    turkey = ideal[ideal["ccode"].eq(640)].set_index("session")
    assert turkey.loc[[50, 70, 77], "ideal_point"].round(3).tolist() == [0.816, 0.594, 0.578]
    assert turkey.loc[[50, 70, 76, 77], "agree_us"].round(3).tolist() == [
        0.375, 0.417, 0.440, 0.541]
    assert turkey.loc[50, "year"] == 1995 and turkey.loc[50, "iso3"] == "TUR"
    session77 = ideal[ideal["session"].eq(77)].set_index("ccode")["ideal_point"].round(3)
    assert session77[[2, 365, 710]].tolist() == [2.510, -0.506, -1.092]


def test_ideal_points_flags_turkey_session_78(ideal: pd.DataFrame) -> None:
    flagged = ideal[ideal["unreliable"]]
    assert flagged[["ccode", "session", "nvotes"]].values.tolist() == [[640, 78, 2]]
    assert ideal.loc[ideal["ccode"].eq(2), "agree_us"].eq(1).all()
    assert "q00" in ideal.columns  # from the column literally named 'QO%All'


def test_ideal_points_missing_quantile(mirror: Path, tmp_path: Path,
                                       vocab: Vocabulary) -> None:
    bad = tmp_path / "ideal.csv"
    text = (mirror / IDEAL).read_text(encoding="utf-8")
    bad.write_text(text.replace('"QO%All"', '"Q0%All"', 1), encoding="utf-8")
    with pytest.raises(SourceFormatError) as caught:
        unga_ideal_points.parse({"ideal_points": bad}, vocab)
    assert str(caught.value).startswith(f"{bad}, column 'QO%All': missing columns ['QO%All']")


def test_load_into_store(mirror: Path, vocab: Vocabulary, store: Store) -> None:
    for name in ("unga_votes", "unga_ideal_points"):
        result = store.load_source(name, mirror=mirror, vocab=vocab)
        assert result.status == "loaded"
    assert store.sql("SELECT count(*) AS n FROM unga_votes")["n"][0] == 870109
