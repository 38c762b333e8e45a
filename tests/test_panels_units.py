"""Units of analysis, filters and writers (create_*, filter_*, Panel I/O) on the real data."""

from __future__ import annotations

import pandas as pd
import pytest

from defdip.errors import InvalidArgument, NotLoaded
from defdip.panels import (
    add_atop_alliance,
    add_contiguity,
    add_cow_majors,
    create_dyad_years,
    create_state_years,
    filter_country,
    filter_prd,
    filter_years,
)


def test_state_years_match_the_readme_counts(loaded_store):
    # state_system_panels/README.md: 23 in 1816, 42 in 1900, 64 in 1945, 164 in 1990, 195 in
    # 2016; that country-year file ends West Germany (260) in 1989, but its membership spell
    # (cow_states_v2016.csv) runs to 2 October 1990, so 1990 has 165 members on some day.
    frame = create_state_years(loaded_store, start=1816, end=2016).to_pandas()
    per_year = frame.groupby("year").size()
    assert per_year.loc[[1816, 1900, 1945, 1990, 2016]].tolist() == [23, 42, 64, 165, 195]
    assert 260 in set(frame[frame.year == 1990].ccode)
    assert frame["ccode"].nunique() == 217
    assert (frame["ccode"] == 640).sum() == 201  # Türkiye in all 201 years


def test_dyad_years_pair_the_members_that_met(loaded_store):
    # Independent count: sum over years of n(n-1) from the stored countrycode country-year
    # table (which ends West Germany in 1989), plus West Germany's 1990, minus the 60
    # directed dyad-years of members that never met (peacesciencer's false_cow_dyads, of
    # which 255-260 and 260-255 involve West Germany's 1990).
    system = loaded_store.table("cow_system")
    n = system.groupby("year").size()
    directed = create_dyad_years(loaded_store, start=1816, end=2016)
    undirected = create_dyad_years(loaded_store, start=1816, end=2016, directed=False)
    with_west = int((n * (n - 1)).sum()) + 2 * int(n.loc[1990])  # 260 x 164 others, twice
    assert directed.count() == with_west - 60 == 1_912_290
    assert undirected.count() == 1_912_290 // 2
    sample = undirected.expr.filter(undirected.expr.year == 2016).execute()
    assert (sample.ccode_1 < sample.ccode_2).all() and len(sample) == 195 * 194 // 2


def test_members_that_never_met_are_not_paired(loaded_store):
    frame = create_dyad_years(loaded_store, start=1990, end=1990).to_pandas()
    pairs = set(zip(frame.ccode_1, frame.ccode_2, strict=True))
    # cow_states: West Germany (260) ends 1990-10-02, Germany (255) begins 1990-10-03;
    # North and South Yemen (678, 680) end 1990-05-21, Yemen (679) begins 1990-05-22.
    assert (255, 260) not in pairs and (260, 255) not in pairs
    assert (678, 679) not in pairs and (679, 680) not in pairs
    assert (260, 678) in pairs and (255, 679) in pairs and (260, 2) in pairs
    assert len(frame[frame.ccode_1 == 260]) == 163


def test_no_state_leaves_and_returns_within_a_year(loaded_store):
    # units.system_states takes a state-year's member days as one interval; that holds when no
    # state has two spells touching the same calendar year, in either list.
    for table, code in (("cow_states", "ccode"), ("gw_states", "gwcode")):
        spells = loaded_store.table(table)
        last = pd.to_datetime(spells["end"]).dt.year.fillna(9999)
        frame = spells.assign(first=pd.to_datetime(spells["start"]).dt.year, last=last)
        frame = frame.sort_values([code, "first"])
        following = frame.groupby(code)["first"].shift(-1)
        assert not (following <= frame["last"]).any(), table


def test_years_after_2016_carry_the_2016_members_forward(loaded_store):
    frame = create_state_years(loaded_store, start=2015, end=2018).to_pandas()
    members = {y: set(g.ccode) for y, g in frame.groupby("year")}
    assert members[2017] == members[2018] == members[2016]
    assert len(members[2018]) == 195
    only_later = create_dyad_years(loaded_store, start=2020, end=2020)
    assert only_later.count() == 195 * 194


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"start": 2000, "end": 1990}, "start 2000 is after end 1990; give start <= end."),
    ({"start": 1800, "end": 1900}, "start 1800 is before the state system begins (1816); "
                                   "use start >= 1816."),
    ({"start": 2000, "end": 2001, "system": "gwx"}, "system 'gwx' is not supported; use one of "
                                                    "['cow', 'gw'] (Correlates of War or "
                                                    "Gleditsch-Ward)."),
    ({"start": "1990", "end": 2001}, "start must be a year (int), got '1990'."),
])
def test_bad_arguments_say_what_to_do(loaded_store, kwargs, message):
    with pytest.raises(InvalidArgument) as caught:
        create_dyad_years(loaded_store, **kwargs)
    assert str(caught.value) == message


def test_an_empty_store_names_the_source_to_load(store):
    with pytest.raises(NotLoaded) as caught:
        create_state_years(store, start=2000, end=2001)
    assert str(caught.value) == ("Table 'cow_states' is not in the store. "
                                 "Run `defdip load cow_states` first.")


def test_add_on_the_wrong_unit_or_system_is_refused(loaded_store):
    states = create_state_years(loaded_store, start=2000, end=2001)
    with pytest.raises(InvalidArgument) as caught:
        add_atop_alliance(states)
    assert str(caught.value) == ("add_atop_alliance() works on dyad_year panels, not on a "
                                 "'state_year' panel. Start from create_dyad_years().")
    twice = add_cow_majors(create_dyad_years(loaded_store, start=2000, end=2000))
    with pytest.raises(InvalidArgument, match=r"would add \['cowmaj_1', 'cowmaj_2'\]"):
        add_cow_majors(twice)
    gw = create_dyad_years(loaded_store, start=2000, end=2000, system="gw")
    with pytest.raises(InvalidArgument) as caught:
        add_contiguity(gw)
    assert str(caught.value) == ("add_contiguity() joins on COW codes (ccode), which a 'gw' "
                                 "panel (keyed by gwcode) does not have. Build the panel with "
                                 "system='cow'.")


def test_contiguity_rule_must_be_known(loaded_store):
    panel = create_dyad_years(loaded_store, start=2000, end=2000)
    with pytest.raises(InvalidArgument) as caught:
        add_contiguity(panel, rule="min")
    assert str(caught.value) == ("rule 'min' is not one of ['first', 'last', 'lowest', "
                                 "'highest']: 'first' (the type in force at the start of the "
                                 "year, peacesciencer's default), 'last', 'lowest' or "
                                 "'highest'.")


def test_gleditsch_ward_units(loaded_store):
    states = create_state_years(loaded_store, start=2006, end=2006, system="gw").to_pandas()
    assert states.columns.tolist() == ["gwcode", "year", "microstate"]
    assert {340, 345} <= set(states.gwcode)  # Serbia from 5 June, Yugoslavia to 4 June
    assert 347 not in set(states.gwcode)  # Kosovo from 2008 (gwstates.csv)
    assert states.set_index("gwcode").microstate.loc[[221, 640]].tolist() == [1, 0]  # Monaco
    dyads = create_dyad_years(loaded_store, start=2006, end=2006, system="gw")
    assert dyads.keys == ("gwcode_1", "gwcode_2", "year")
    turkey = filter_country(dyads, "TUR", side="1").to_pandas()
    assert set(turkey.gwcode_1) == {640} and len(turkey) == len(states) - 1


def test_filter_prd_keeps_contiguous_or_major_power_dyads(loaded_store):
    panel = add_contiguity(add_cow_majors(create_dyad_years(loaded_store, start=2000,
                                                            end=2001)))
    full = panel.to_pandas()
    kept = filter_prd(panel).to_pandas()
    expected = full[full.conttype.between(1, 5) | (full.cowmaj_1 == 1) | (full.cowmaj_2 == 1)]
    pd.testing.assert_frame_equal(kept, expected.reset_index(drop=True))
    assert 0 < len(kept) < len(full)
    with pytest.raises(InvalidArgument, match=r"run add_contiguity\(\) and add_cow_majors"):
        filter_prd(create_dyad_years(loaded_store, start=2000, end=2000))


def test_filter_years_and_country(loaded_store):
    panel = create_dyad_years(loaded_store, start=1990, end=2000)
    narrowed = filter_years(panel, start=1995, end=1996)
    assert (narrowed.start, narrowed.end) == (1995, 1996)
    assert set(narrowed.to_pandas().year) == {1995, 1996}
    turkey = filter_country(narrowed, "TUR", side="1").to_pandas()
    states = create_state_years(loaded_store, start=1995, end=1996).to_pandas()
    assert len(turkey) == len(states) - 2  # every other member, each of the two years
    assert set(turkey.ccode_1) == {640}
    either = filter_country(narrowed, 640).count()
    assert either == 2 * len(turkey)
    with pytest.raises(InvalidArgument, match="side 'left' is not one of"):
        filter_country(narrowed, 640, side="left")


def test_writers_round_trip(loaded_store, tmp_path):
    panel = add_contiguity(create_dyad_years(loaded_store, start=2010, end=2011,
                                             directed=False))
    frame = panel.to_pandas()
    parquet = pd.read_parquet(panel.to_parquet(tmp_path / "p.parquet"))
    csv = pd.read_csv(panel.to_csv(tmp_path / "p.csv"))
    pd.testing.assert_frame_equal(parquet, frame, check_dtype=False)
    pd.testing.assert_frame_equal(csv, frame, check_dtype=False)
    assert panel.sources == ("cow_states", "cow_contiguity")
    assert create_dyad_years(loaded_store, start=2010, end=2010, system="gw").sources == \
        ("gw_states",)
    assert panel.columns == ["ccode_1", "ccode_2", "year", "conttype"]


def test_majors_are_null_after_the_spells_end(loaded_store):
    """COW's major-power list (cow_majors.rda, "COW major powers 2016") ends in 2016: a
    state-year after it is not known to be a minor power, so ``cowmaj`` is NULL there, not 0."""
    majors = loaded_store.table("cow_majors")
    last = int(pd.to_datetime(majors["end"]).dt.year.max())
    assert last == 2016
    frame = add_cow_majors(create_state_years(loaded_store, start=last - 1,
                                              end=last + 2)).to_pandas()
    assert set(frame.loc[frame.year <= last, "cowmaj"]) == {0, 1}
    assert frame.loc[frame.year > last, "cowmaj"].isna().all()
    usa = frame[(frame.ccode == 2) & (frame.year == last)]
    assert usa["cowmaj"].tolist() == [1]
