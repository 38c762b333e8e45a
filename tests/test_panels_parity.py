"""Parity with peacesciencer: same rows and values for the same inputs and years.

References: peacesciencer's own derived files in the mirror (ATOP dyad-years, COW IGO counts)
and, for contiguity, majors, capital distance and MIDs, an independent pandas recomputation
from peacesciencer's raw .rda files following its R code (expand spells to years, join, fill).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadr
import pytest

from defdip.panels import (
    add_atop_alliance,
    add_capital_distance,
    add_contiguity,
    add_cow_majors,
    add_igos,
    add_mids,
    create_dyad_years,
    create_state_years,
)

YEARS = (1816, 1870, 1914, 1946, 1990, 2014, 2016)
KEYS = ["ccode_1", "ccode_2", "year"]


def _rda(mirror, name: str) -> pd.DataFrame:
    return pyreadr.read_r(mirror / "peacesciencer_data" / f"{name}.rda")[name]


def _panel(store, add, *, directed: bool = True) -> pd.DataFrame:
    frames = []
    for year in YEARS:
        frames.append(add(create_dyad_years(store, start=year, end=year,
                                            directed=directed)).to_pandas())
    # a column that is all NULL in some year (e.g. dyadigos after 2014) comes back as object;
    # as float it concatenates to the dtype the other years give, without pandas' warning
    frames = [f.astype({c: "float64" for c in f.columns if f[c].isna().all()}) for f in frames]
    return pd.concat(frames, ignore_index=True)


def _base(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[KEYS].copy()


def test_atop_matches_peacesciencer_file(loaded_store, mirror):
    ours = _panel(loaded_store, add_atop_alliance)
    ps = pd.read_csv(mirror / "atop" / "peacesciencer_atop_alliance_dyad_year.csv")
    cols = [c for c in ps.columns if c.startswith("atop_")]
    ref = _base(ours).merge(ps.rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"}),
                            on=KEYS, how="left")
    inside = ref.year.between(1815, 2018)
    ref.loc[inside, cols] = ref.loc[inside, cols].fillna(0)
    pd.testing.assert_frame_equal(ours[KEYS + cols], ref[KEYS + cols], check_dtype=False)
    assert ours.atop_defense.sum() > 0
    us_tur = ours[(ours.ccode_1 == 2) & (ours.ccode_2 == 640) & (ours.year == 1990)]
    assert us_tur.atop_defense.tolist() == [1]  # NATO


def test_atop_undirected_takes_either_direction(loaded_store, mirror):
    # peacesciencer ndir = TRUE: the highest value of the pair in either direction.
    ours = _panel(loaded_store, add_atop_alliance, directed=False)
    ps = pd.read_csv(mirror / "atop" / "peacesciencer_atop_alliance_dyad_year.csv")
    ps["lo"], ps["hi"] = ps[["ccode1", "ccode2"]].min(axis=1), ps[["ccode1", "ccode2"]].max(axis=1)
    cols = [c for c in ps.columns if c.startswith("atop_")]
    either = ps.groupby(["lo", "hi", "year"], as_index=False)[cols].max().rename(
        columns={"lo": "ccode_1", "hi": "ccode_2"})
    ref = _base(ours).merge(either, on=KEYS, how="left")
    ref[cols] = ref[cols].fillna(0)
    pd.testing.assert_frame_equal(ours[KEYS + cols], ref[KEYS + cols], check_dtype=False)


def test_dyadigos_match_peacesciencer_file(loaded_store, mirror):
    ours = _panel(loaded_store, add_igos)
    ps = pd.read_parquet(mirror / "cow_igo" / "peacesciencer_cow_igo_dyad_year_counts.parquet")
    both = pd.concat([ps, ps.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
    ref = _base(ours).merge(both.rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"}),
                            on=KEYS, how="left")
    pd.testing.assert_series_equal(ours.dyadigos, ref.dyadigos, check_dtype=False)
    assert ours.dyadigos.notna().sum() > 10_000


def test_state_igo_counts_match_peacesciencer_file(loaded_store, mirror):
    ours = add_igos(create_state_years(loaded_store, start=1816, end=2014)).to_pandas()
    ps = pd.read_csv(mirror / "cow_igo" / "peacesciencer_cow_igo_state_year_counts.csv")
    cols = [c for c in ps.columns if c.startswith("sum_igo")]
    ref = ours[["ccode", "year"]].merge(ps, on=["ccode", "year"], how="left")
    pd.testing.assert_frame_equal(ours[cols], ref[cols], check_dtype=False)
    turkey = ours[ours.ccode == 640].set_index("year")
    # cow_igo/README.md: Turkey 31 full IGOs in 1950, 63 in 1990, 78 in 2014
    assert turkey.loc[[1950, 1990, 2014], "sum_igo_full"].tolist() == [31, 63, 78]
    assert turkey.loc[2014, "nato"] == 1 and turkey.loc[1950, "nato"] == 0  # joined 1952


def _spell_years(frame: pd.DataFrame, first: pd.Series, last: pd.Series) -> pd.DataFrame:
    out = frame.assign(year=[list(range(int(a), int(b) + 1)) for a, b in zip(first, last,
                                                                              strict=True)])
    return out.explode("year").astype({"year": "int64"})


def test_contiguity_matches_recomputation(loaded_store, mirror):
    ours = _panel(loaded_store, add_contiguity)
    raw = _rda(mirror, "cow_contdir")
    years = _spell_years(raw, pd.to_datetime(raw.stdate).dt.year,
                         pd.to_datetime(raw.enddate).dt.year)
    closest = years.groupby(["ccode1", "ccode2", "year"], as_index=False).conttype.min()
    closest = closest.rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"}).astype("int64")
    ref = _base(ours).merge(closest, on=KEYS, how="left").fillna({"conttype": 0})
    pd.testing.assert_series_equal(ours.conttype, ref.conttype, check_dtype=False)
    grc_tur = ours[(ours.ccode_1 == 350) & (ours.ccode_2 == 640) & (ours.year == 2016)]
    assert grc_tur.conttype.tolist() == [1]  # peacesciencer_data/README.md


def test_majors_match_recomputation(loaded_store, mirror):
    ours = _panel(loaded_store, add_cow_majors)
    raw = _rda(mirror, "cow_majors")
    majors = set(map(tuple, _spell_years(raw, raw.styear, raw.endyear)[["ccode", "year"]]
                     .astype("int64").to_numpy()))
    for side in ("1", "2"):
        expected = [int((c, y) in majors) for c, y in zip(ours[f"ccode_{side}"], ours.year,
                                                          strict=True)]
        assert ours[f"cowmaj_{side}"].tolist() == expected
    assert ours.cowmaj_1.sum() > 0


def test_capital_distance_matches_recomputation(loaded_store, mirror):
    ours = _panel(loaded_store, add_capital_distance)
    raw = _rda(mirror, "cow_capitals")
    years = _spell_years(raw, pd.to_datetime(raw.stdate).dt.year,
                         pd.to_datetime(raw.enddate).dt.year)
    first = years.groupby(["ccode", "year"], as_index=False).first()  # the 1 January capital
    first["ccode"] = first.ccode.astype("int64")
    ref = _base(ours)
    for side in ("1", "2"):
        ref = ref.merge(first[["ccode", "year", "lat", "lng"]].rename(
            columns={"ccode": f"ccode_{side}", "lat": f"lat{side}", "lng": f"lng{side}"}),
            on=[f"ccode_{side}", "year"], how="left")
    p1, p2 = np.radians(ref.lat1), np.radians(ref.lat2)
    dl = np.radians(ref.lng2 - ref.lng1)
    num = np.hypot(np.cos(p2) * np.sin(dl), np.cos(p1) * np.sin(p2) -
                   np.sin(p1) * np.cos(p2) * np.cos(dl))
    den = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    expected = np.arctan2(num, den) * 6378137.0 / 1000
    np.testing.assert_allclose(ours.capdist.to_numpy(dtype=float), expected, rtol=1e-9)
    ank_ath = ours[(ours.ccode_1 == 640) & (ours.ccode_2 == 350) & (ours.year == 2016)]
    assert ank_ath.capdist.iloc[0] == pytest.approx(818.2, abs=1.0)  # Ankara-Athens ≈ 818 km


def test_mids_match_recomputation(loaded_store, mirror):
    ours = _panel(loaded_store, add_mids)
    raw = _rda(mirror, "cow_mid_ddydisps")[["ccode1", "ccode2", "year", "cowmidonset",
                                            "cowmidongoing"]].astype("int64")
    ref = _base(ours).merge(raw.rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"}),
                            on=KEYS, how="left")
    inside = ref.year.between(1816, 2014)
    for column in ("cowmidonset", "cowmidongoing"):
        ref.loc[inside, column] = ref.loc[inside, column].fillna(0)
        pd.testing.assert_series_equal(ours[column].astype("float64"),  # NULL outside 1816-2014
                                       ref[column].astype("float64"))
    assert ours.cowmidongoing.sum() > 0
