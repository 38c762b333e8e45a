"""UN alignment: hand-computed small cases, a brute-force check, and the Voeten README figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from defdip.countries import Vocabulary
from defdip.errors import InvalidArgument, UnknownCountry
from defdip.measures.alignment import (
    ALIGNMENT_COLUMNS,
    MIN_JOINT_VOTES,
    alignment,
    dyad_alignment,
    partner_agreement,
    un_alignment,
)
from defdip.store import Store

# 3 states × 5 roll calls in 2000 (1 yes, 2 abstain, 3 no; state 30 is absent on roll call 4):
#   rc:   1  2  3  4  5
#   2:    1  1  2  3  1
#   20:   1  3  2  3  2
#   30:   1  1  1  -  3
HAND = {2: [1, 1, 2, 3, 1], 20: [1, 3, 2, 3, 2], 30: [1, 1, 1, None, 3]}
IDEAL = {2: 1.0, 20: -0.5, 30: 0.25}

# Worked by hand (n joint votes; d = Σ|v_i − v_j|; S = 1 − 2d/d_max with d_max = 2n;
# κ = 1 − D_o/D_e with D_o = d/n and D_e = Σ_a Σ_b p_i(a) p_j(b) |a − b| over joint votes):
#  2–20: n=5, identical rc1,3,4 → 3/5 = 0.6; d = 0+2+0+0+1 = 3 → S = 1 − 6/10 = 0.4.
#        p_2 = (.6,.2,.2), p_20 = (.2,.4,.4): D_e = .6(.4+.8) + .2(.2+.4) + .2(.4+.4) = 1.0,
#        κ = 1 − .6/1 = 0.4; nominal p_e = .12+.08+.08 = .28 → (.6−.28)/.72 = 0.4444….
#  2–30: n=4 (rc 1,2,3,5), identical rc1,2 → 0.5; d = 0+0+1+2 = 3 → S = 1 − 3/4 = 0.25.
#        p_2 = (.75,.25,0), p_30 = (.75,0,.25): D_e = .75(.25·2) + .25(.75+.25) = .625,
#        κ = 1 − .75/.625 = −0.2; nominal p_e = .5625 → (.5−.5625)/.4375 = −0.142857….
#  20–30: n=4, identical rc1 → 0.25; d = 0+2+1+1 = 4 → S = 0.
#        p_20 = (.25,.5,.25), p_30 = (.75,0,.25): D_e = .25(.5) + .5(1) + .25(1.5) = 1.0,
#        κ = 1 − 1/1 = 0; nominal p_e = .1875+.0625 = .25 → 0.
EXPECTED = {  # (ccode_1, ccode_2): (n, agree, S, kappa, kappa_nominal, idealpoint_dist)
    (2, 20): (5, 0.6, 0.4, 0.4, 0.32 / 0.72, 1.5),
    (2, 30): (4, 0.5, 0.25, -0.2, -0.0625 / 0.4375, 0.75),
    (20, 30): (4, 0.25, 0.0, 0.0, 0.0, 0.75),
}


def _votes(table: dict[int, list[int | None]], year: int, rc0: int = 1) -> pd.DataFrame:
    rows = [(rc0 + k, ccode, vote, year) for ccode, votes in table.items()
            for k, vote in enumerate(votes) if vote is not None]
    return pd.DataFrame(rows, columns=["rcid", "ccode", "vote", "year"])


@pytest.fixture(scope="module")
def hand() -> pd.DataFrame:
    ideal = pd.DataFrame([(c, 2000, v) for c, v in IDEAL.items()],
                         columns=["ccode", "year", "ideal_point"])
    return dyad_alignment(_votes(HAND, 2000), ideal, min_votes=1)  # the formulas, any n


def test_hand_computed_measures(hand: pd.DataFrame) -> None:
    assert list(hand.columns) == list(ALIGNMENT_COLUMNS)
    assert len(hand) == 6  # 3 unordered pairs, both orders; nobody paired with itself
    assert not (hand["ccode_1"] == hand["ccode_2"]).any()
    for (a, b), (n, agree, s, kappa, nominal, dist) in EXPECTED.items():
        for one, two in ((a, b), (b, a)):
            row = hand[(hand["ccode_1"] == one) & (hand["ccode_2"] == two)].iloc[0]
            assert row["un_nvotes"] == n
            assert row[["un_agree", "un_sscore", "un_kappa", "un_kappa_nominal",
                        "idealpoint_dist"]].tolist() == pytest.approx(
                [agree, s, kappa, nominal, dist])


def test_unanimous_pair_has_undefined_kappa() -> None:
    # Both always yes: agreement 1 and S 1, but no variation, so chance agreement is total
    # (D_e = 0, 1 − p_e = 0) and kappa is undefined.
    out = dyad_alignment(_votes({5: [1, 1, 1], 6: [1, 1, 1]}, 1950), min_votes=1)
    assert out["un_agree"].tolist() == [1.0, 1.0]
    assert out["un_sscore"].tolist() == [1.0, 1.0]
    assert out["un_kappa"].isna().all() and out["un_kappa_nominal"].isna().all()
    assert out["idealpoint_dist"].isna().all()


def test_pairs_without_joint_votes_have_no_row() -> None:
    out = dyad_alignment(_votes({5: [1, None], 6: [None, 3]}, 1950))
    assert out.empty


def test_years_are_kept_apart() -> None:
    votes = pd.concat([_votes(HAND, 2000), _votes({2: [3, 3], 20: [1, 1]}, 2001, rc0=10)])
    out = dyad_alignment(votes, min_votes=1)
    later = out[out["year"] == 2001]
    assert len(later) == 2 and (later["un_nvotes"] == 2).all()
    assert later["un_sscore"].tolist() == [-1.0, -1.0]  # yes against no, every time
    assert len(out[out["year"] == 2000]) == 6


def test_agrees_with_brute_force_on_random_votes() -> None:
    # Independent computation: a plain Python loop over pairs and votes with the textbook
    # formulas, on random votes with absences.
    rng = np.random.default_rng(7)
    matrix = rng.choice([0, 1, 2, 3], size=(12, 40), p=[0.2, 0.5, 0.2, 0.1])
    table = {100 + s: [int(v) if v else None for v in matrix[s]] for s in range(12)}
    out = dyad_alignment(_votes(table, 1999), min_votes=1).set_index(["ccode_1", "ccode_2"])
    for a in table:
        for b in table:
            pairs = [(x, y) for x, y in zip(table[a], table[b], strict=True)
                     if a != b and x and y]
            if not pairs:
                assert (a, b) not in out.index
                continue
            n = len(pairs)
            agree = sum(x == y for x, y in pairs) / n
            s = 1 - 2 * sum(abs(x - y) for x, y in pairs) / (2 * n)
            pa = {v: sum(x == v for x, _ in pairs) / n for v in (1, 2, 3)}
            pb = {v: sum(y == v for _, y in pairs) / n for v in (1, 2, 3)}
            de = sum(pa[u] * pb[v] * abs(u - v) for u in pa for v in pb)
            kappa = 1 - (sum(abs(x - y) for x, y in pairs) / n) / de
            row = out.loc[(a, b)]
            assert row["un_nvotes"] == n
            assert [row["un_agree"], row["un_sscore"], row["un_kappa"]] == pytest.approx(
                [agree, s, kappa])


def test_fewer_joint_votes_than_the_minimum_give_null_measures() -> None:
    # 9 joint votes (one short of MIN_JOINT_VOTES = 10): the count stays, the measures go.
    few = dyad_alignment(_votes({5: [1] * 9, 6: [1] * 8 + [3]}, 1990))
    assert MIN_JOINT_VOTES == 10
    assert few["un_nvotes"].tolist() == [9, 9]
    assert few[["un_agree", "un_sscore", "un_kappa", "un_kappa_nominal"]].isna().all().all()
    enough = dyad_alignment(_votes({5: [1] * 10, 6: [1] * 9 + [3]}, 1990))
    assert enough["un_agree"].tolist() == pytest.approx([0.9, 0.9])  # 9 of 10 identical
    assert enough["un_sscore"].tolist() == pytest.approx([0.8, 0.8])  # 1 − 2/10
    assert dyad_alignment(_votes({5: [1] * 9, 6: [1] * 9}, 1990), min_votes=9)[
        "un_agree"].tolist() == [1.0, 1.0]
    with pytest.raises(InvalidArgument, match=r"min_votes 0 must be at least 1 \(default 10\)"):
        dyad_alignment(_votes({5: [1], 6: [1]}, 1990), min_votes=0)


def test_ideal_points_without_votes_still_give_the_distance() -> None:
    # Votes only in 2000, ideal points also in 2001: 2001 gets rows with 0 votes and the
    # distance |1.0 − (−0.5)| = 1.5, its vote measures NULL.
    ideal = pd.DataFrame([(c, y, v) for y in (2000, 2001) for c, v in IDEAL.items()],
                         columns=["ccode", "year", "ideal_point"])
    out = dyad_alignment(_votes(HAND, 2000), ideal)
    later = out[out["year"] == 2001].set_index(["ccode_1", "ccode_2"])
    assert len(later) == 6 and (later["un_nvotes"] == 0).all()
    assert later.loc[(2, 20), "idealpoint_dist"] == pytest.approx(1.5)
    assert later[["un_agree", "un_sscore", "un_kappa"]].isna().all().all()


def test_bad_votes_are_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"vote 4 is not 1 \(yes\), 2 \(abstain\) or 3"):
        dyad_alignment(pd.DataFrame({"rcid": [1], "ccode": [2], "vote": [4], "year": [2000]}))
    with pytest.raises(InvalidArgument, match=r"votes lack column\(s\) \['year'\]"):
        dyad_alignment(pd.DataFrame({"rcid": [1], "ccode": [2], "vote": [1]}))


def test_partner_agreement_is_a_pivot(hand: pd.DataFrame) -> None:
    out = partner_agreement(hand, {"a": 2, "b": 20})
    assert len(out) == 3  # one row per state-year
    row = out[out["ccode"] == 30].iloc[0]
    assert row["agree_a"] == pytest.approx(0.5) and row["sscore_b"] == pytest.approx(0.0)
    assert row["nvotes_a"] == 4
    assert pd.isna(out.loc[out["ccode"] == 2, "agree_a"].iloc[0])  # not with itself


# ---- the real roll calls -----------------------------------------------------------------
@pytest.fixture(scope="module")
def unga_store(tmp_path_factory: pytest.TempPathFactory, mirror: Path, vocab: Vocabulary
               ) -> Store:
    store = Store(tmp_path_factory.mktemp("unga") / "defdip.duckdb")
    for name in ("unga_votes", "unga_ideal_points"):
        store.load_source(name, mirror=mirror, vocab=vocab)
    yield store
    store.close()


@pytest.fixture(scope="module")
def real(unga_store: Store) -> pd.DataFrame:
    return un_alignment(unga_store)


@pytest.mark.parametrize(("year", "share", "joint"),
                         [(2019, 0.348, 89), (2003, 0.281, 89), (1990, 0.238, 84)])
def test_turkey_usa_matches_the_readme(real: pd.DataFrame, year: int, share: float,
                                       joint: int) -> None:
    # unga_votes/README.md: "Turkey–USA identical-vote share … 2019: 0.348 on 89 joint votes;
    # 2003: 0.281 on 89; 1990: 0.238 on 84."
    for one, two in ((640, 2), (2, 640)):
        row = real[(real["ccode_1"] == one) & (real["ccode_2"] == two) & (real["year"] == year)]
        assert len(row) == 1
        assert row["un_nvotes"].iloc[0] == joint
        assert round(row["un_agree"].iloc[0], 3) == share


def test_real_table_invariants(real: pd.DataFrame) -> None:
    assert not real.duplicated(["ccode_1", "ccode_2", "year"]).any()
    assert not (real["ccode_1"] == real["ccode_2"]).any()
    # roll calls 1946-2020 (Voeten alone); the rows run on to the ideal points' last year
    assert real["year"].min() == 1946 and real["year"].max() == 2023
    assert real.loc[real["un_nvotes"] > 0, "year"].max() == 2020
    assert 1964 not in set(real["year"])  # no recorded votes (nor ideal points) in session 19
    measured = real.dropna(subset=["un_agree"])
    assert measured["un_nvotes"].min() == MIN_JOINT_VOTES
    assert measured["un_sscore"].between(-1, 1).all()
    assert measured["un_agree"].between(0, 1).all()
    assert (real["un_kappa"].dropna() <= 1 + 1e-12).all()
    mirrored = real.merge(real, left_on=["ccode_1", "ccode_2", "year"],
                          right_on=["ccode_2", "ccode_1", "year"])
    assert len(mirrored) == len(real)
    for column in ("un_nvotes", "un_agree", "un_sscore", "un_kappa", "idealpoint_dist"):
        left, right = mirrored[f"{column}_x"], mirrored[f"{column}_y"]
        assert ((left == right) | (left.isna() & right.isna())).all()


def test_ideal_point_distance_uses_session_opening_year(real: pd.DataFrame,
                                                        unga_store: Store) -> None:
    # Independent lookup: session 70 (opened September 2015) → year 2015.
    ip = unga_store.sql("SELECT ccode, ideal_point FROM unga_ideal_points WHERE session = 70 "
                        "AND ccode IN (2, 640)").set_index("ccode")["ideal_point"]
    assert ip[640] == pytest.approx(0.594, abs=5e-4)  # unga_ideal_points/README.md
    row = real[(real["ccode_1"] == 640) & (real["ccode_2"] == 2) & (real["year"] == 2015)]
    assert row["idealpoint_dist"].iloc[0] == pytest.approx(abs(ip[640] - ip[2]))


def test_one_vote_is_not_a_year_of_alignment(real: pd.DataFrame) -> None:
    # Voeten's 2020 is one roll call (2020-01-14): before the minimum it gave TUR–USA
    # agreement 1.0 and S-score 1.0; now the count stays and the measures are NULL.
    row = real[(real["ccode_1"] == 640) & (real["ccode_2"] == 2) & (real["year"] == 2020)]
    assert row["un_nvotes"].tolist() == [1]
    assert row[["un_agree", "un_sscore", "un_kappa"]].isna().all().all()
    assert row["idealpoint_dist"].notna().all()  # session 75's ideal points


def test_alignment_query(unga_store: Store, vocab: Vocabulary) -> None:
    out = alignment(unga_store, "Türkiye", partners=("USA",), start=2003, end=2003, vocab=vocab)
    assert out[["year", "partner", "un_nvotes"]].values.tolist() == [[2003, "USA", 89]]
    with pytest.raises(InvalidArgument, match=r"--from 2019 is after --to 1990"):
        alignment(unga_store, "TUR", start=2019, end=1990, vocab=vocab)
    with pytest.raises(UnknownCountry, match=r"Unknown country 'Atlantis' in the partner"):
        alignment(unga_store, "TUR", partners=("Atlantis",), vocab=vocab)


def test_alignment_cli(unga_store: Store) -> None:
    import json

    from typer.testing import CliRunner

    from defdip.cli import app

    path = str(unga_store.path)
    unga_store.close()
    result = CliRunner().invoke(app, ["alignment", "TUR", "--partner", "USA", "--from", "1990",
                                      "--to", "1990", "--store", path, "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    # unga_votes/README.md: Turkey–USA 1990, 0.238 on 84 joint votes
    assert [(r["partner"], r["un_nvotes"], round(r["un_agree"], 3)) for r in rows] == [
        ("USA", 84, 0.238)]


def test_alignment_cli_min_votes(unga_store: Store) -> None:
    import json

    from typer.testing import CliRunner

    from defdip.cli import app

    path = str(unga_store.path)
    unga_store.close()
    args = ["alignment", "TUR", "--partner", "USA", "--from", "2020", "--to", "2020",
            "--store", path, "--json"]
    default = json.loads(CliRunner().invoke(app, args).output)
    assert [(r["year"], r["un_nvotes"], r["un_agree"]) for r in default] == [(2020, 1, None)]
    loose = json.loads(CliRunner().invoke(app, [*args, "--min-votes", "1"]).output)
    assert [(r["un_nvotes"], r["un_agree"], r["un_sscore"]) for r in loose] == [(1, 1.0, 1.0)]
