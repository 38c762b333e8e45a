"""The query layer's one definitions: NATO membership, the name resolver, and a state's
yearly record counts with the years their sources observe."""

from __future__ import annotations

import pytest

from defdip.analysis._common import resolve_focal
from defdip.engagements import list_records
from defdip.errors import InvalidArgument, UnknownCountry
from defdip.measures import alignment, arms_partners
from defdip.panels import add_igos, create_state_years, filter_country
from defdip.queries.instruments import coverage
from defdip.queries.memberships import membership
from defdip.queries.names import actor_key, resolve_ccode, resolve_state
from defdip.queries.tables import Tables
from defdip.queries.yearly import yearly_counts


def test_the_nato_list_names_cow_codes(vocab) -> None:
    nato = membership("NATO")
    for spell in nato.spells:  # each COW code is the state the list names
        assert vocab.by_ccode(spell.ccode).iso3 == spell.iso3, spell
    # nato.int: 12 founding members in 1949; 32 members since Sweden joined in 2024
    assert len(nato.codes(1949)) == 12 and len(nato.codes(2024)) == 32
    assert nato.codes(1948) == frozenset() and nato.codes(nato.complete_through + 1) is None
    # the Federal Republic (260) to 1990, unified Germany (255) from 3 October 1990
    assert {255, 260} <= nato.codes(1990)
    assert 255 not in nato.codes(1989) and 260 not in nato.codes(1991)
    with pytest.raises(InvalidArgument, match=r"^organisation 'Warsaw Pact' has no member "
                                              r"list; known: NATO\.$"):
        membership("Warsaw Pact")


def test_the_nato_list_agrees_with_cow_igo_but_in_1990(loaded_store) -> None:
    """COW IGO v3's NATO spells (what the panels used before) give the same members in every
    year 1816-2014 except 1990, where COW IGO has unified Germany only."""
    tables = Tables.from_store(loaded_store)
    spells = tables.table("cow_igo_spells")
    spells = spells.filter((spells.igo == "NATO") & spells.ccode.notnull())
    rows = tables.rows(spells.select("ccode", "start_year", "end_year"))
    cow = {(int(c), y) for c, a, b in rows for y in range(int(a), int(b) + 1)}
    ours = {(c, y) for y in range(1816, 2015) for c in membership("NATO").codes(y)}
    assert cow ^ ours == {(260, 1990)}


def test_the_panel_nato_flag_is_the_list(loaded_store) -> None:
    nato = membership("NATO")
    panel = add_igos(create_state_years(loaded_store, start=1946, end=2026)).to_pandas()
    for year, rows in panel.groupby("year"):
        if year > nato.complete_through:  # the list does not reach: unknown, not 0
            assert rows["nato"].isna().all(), year
            continue
        members = set(rows.loc[rows["nato"] == 1, "ccode"])
        assert members == nato.codes(year) & set(rows["ccode"]), year
        assert rows["nato"].notna().all(), year


def test_one_resolver_one_message_style(built_store) -> None:
    vocab = built_store.vocabulary()
    with pytest.raises(UnknownCountry, match=r"^Unknown country 'Narnia' in --country\. "
                                             r"Closest matches: "):
        resolve_state("Narnia", vocab, "--country")
    with pytest.raises(InvalidArgument, match=r"^--country 'Puerto Rico' is Puerto Rico \(PRI\)"
                                              r", which has no COW code, so no COW-coded data; "
                                              r"pass a state with one \(e\.g\. 'TUR' or 640\)\.$"):
        resolve_state("Puerto Rico", vocab, "--country")
    with pytest.raises(InvalidArgument, match=r"is 'PKK \(Turkiye\)\*', a declared non-state "
                                              r"actor, not a state"):
        resolve_ccode("PKK (Turkiye)*", vocab)
    assert actor_key("PKK (Turkiye)*", vocab) == "PKK (Turkiye)*"
    assert actor_key("Turkey", vocab) == "TUR" and actor_key(" tur ", None) == "TUR"
    # every face that takes a country asks the same resolver, so fails the same way
    faces = {
        "analysis": lambda: resolve_focal(built_store, "Narnia"),
        "arms": lambda: arms_partners(built_store, "Narnia", "supplier", 2020, 2024),
        "record": lambda: list_records(built_store, country="Narnia"),
        "alignment": lambda: alignment(built_store, "Narnia"),
        "panel": lambda: filter_country(create_state_years(built_store, start=2000, end=2001),
                                        "Narnia"),
    }
    for face, call in faces.items():
        with pytest.raises(UnknownCountry, match=r"^Unknown country 'Narnia' in "):
            call()
            pytest.fail(f"{face} resolved 'Narnia'")


@pytest.mark.parametrize(("iso3", "year"), [("TUR", 2008), ("TUR", 2019), ("NGA", 2008),
                                            ("PAK", 2008)])
def test_yearly_exercise_counts_are_record_list_counts(built_store, iso3, year) -> None:
    """Independent count: the exercise records `record list` returns for the year in which
    the state takes part (host, participant or organiser; observers do not)."""
    ccode = built_store.vocabulary().resolve(iso3).ccode
    counts, seen = yearly_counts(Tables.from_store(built_store), "exercises", ccode, iso3,
                                 year, year)
    rows = list_records(built_store, country=iso3, kind="exercise", year_from=year,
                        year_to=year)
    taking_part = sum(any(a["country"] == iso3 and a["role"] in ("host", "participant",
                                                                 "organiser") for a in actors)
                      for actors in rows["actors"])
    assert counts == {year: taking_part}
    assert seen.years == (year,)


def test_an_unobserved_year_is_left_out_not_zero(built_store) -> None:
    # after 2010 only the curated record (Türkiye) observes exercises
    tables = Tables.from_store(built_store)
    counts, seen = yearly_counts(tables, "exercises", 475, "NGA", 2008, 2015)
    assert sorted(counts) == [2008, 2009, 2010] and seen.years == (2008, 2009, 2010)
    assert "jme_exercises" in seen.describe() and "curated" not in seen.describe()
    tur, tur_seen = yearly_counts(tables, "exercises", 640, "TUR", 2008, 2015)
    assert sorted(tur) == list(range(2008, 2016))
    assert tur_seen.source_change(2008, 2015) == (
        "curated, jme_exercises, mme_exercises to 2010, curated from 2011")
    # military_exercises_mme/README.md: JME v3 1974–2010, MME v7 1980–2010 (all states)
    assert coverage(tables, "exercises").global_years() == (1974, 2010)
