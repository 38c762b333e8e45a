"""One question, one answer: the same count through every face of defdip.

For three states and two years (one inside the all-state exercise data, MME/JME to 2010, one
after), the records each partner shares are counted from ``record list`` (counted here, in
pandas, from its rows) and compared with the panel's columns, the engagement index's
components, the profile and the brief's partner table (``reports.partners``, what its map,
partner tables and summary count). Any disagreement means one of them has its
own rule for "active in a year", for who takes part, or for which sources count.
"""

from __future__ import annotations

import pandas as pd
import pytest

from defdip.engagements import list_records, profile
from defdip.measures import engagement_index
from defdip.panels import add_agreements, add_exercises, create_dyad_years
from defdip.queries.coverage import FOCAL_ORIGINS
from defdip.reports.facts import BriefContext
from defdip.reports.partners import partner_table

#: the brief's partner classes that split a record kind by the roles taken (observers of an
#: exercise; host, sender or third party of a base): each record is in one class per partner
KIND_OF_CLASS = {"exercise_observer": "exercise", "hosts_forces": "base_presence",
                 "forces_present": "base_presence", "forces_in_focal": "base_presence",
                 "third_party": "base_presence"}


def partner_counts(store, iso3: str, year: int) -> pd.DataFrame:
    """The brief's partners in ``year`` as (iso3, kind, records), from its partner table."""
    ctx = BriefContext(store, store.vocabulary().resolve(iso3), store.vocabulary(), year, year)
    table = partner_table(ctx, year, year)
    table = table.assign(kind=table["class"].map(lambda c: KIND_OF_CLASS.get(c, c)))
    return table.groupby(["key", "kind"], as_index=False)["records"].sum() \
        .rename(columns={"key": "iso3"})

STATES = ("TUR", "PAK", "NGA")
YEARS = (2008, 2019)
TAKING_PART = {"exercise": {"host", "participant", "organiser"}, "defence_agreement": {"party"}}


def _from_list(store, iso3: str, year: int, kind: str, *, roles: set[str] | None,
               global_only: bool = False) -> dict[int, int]:
    """Partner ccode → records, counted from `record list`'s own rows."""
    rows = list_records(store, country=iso3, kind=kind, year_from=year, year_to=year)
    if global_only:
        rows = rows[~rows["origin"].isin(FOCAL_ORIGINS)]
    counts: dict[int, int] = {}
    for actors in rows["actors"]:
        mine = [a for a in actors if a["country"] == iso3]
        if roles is not None and not any(a["role"] in roles for a in mine):
            continue
        partners = {a["country"] for a in actors if a["country"] != iso3
                    and (roles is None or a["role"] in roles)}
        for partner in partners:
            code = store.vocabulary().try_resolve(partner)
            if code is not None and getattr(code, "ccode", None) is not None:
                counts[code.ccode] = counts.get(code.ccode, 0) + 1
    return counts


def _panel(store, year: int) -> pd.DataFrame:
    panel = add_agreements(add_exercises(create_dyad_years(store, start=year, end=year,
                                                           directed=True)))
    return panel.to_pandas()


@pytest.fixture(scope="module")
def panels(built_store) -> dict[int, pd.DataFrame]:
    return {year: _panel(built_store, year) for year in YEARS}


@pytest.fixture(scope="module")
def index(built_store) -> pd.DataFrame:
    return engagement_index(built_store, start=min(YEARS), end=max(YEARS))


@pytest.mark.parametrize("iso3", STATES)
@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize(("kind", "column"), [("exercise", "exercises_joint"),
                                              ("defence_agreement", "agreements_in_force")])
def test_panel_counts_are_record_list_counts(built_store, panels, iso3, year, kind, column):
    ccode = built_store.vocabulary().resolve(iso3).ccode
    frame = panels[year]
    mine = frame[(frame["ccode_1"] == ccode) & frame[column].notna() & (frame[column] > 0)]
    got = {int(c): int(v) for c, v in zip(mine["ccode_2"], mine[column], strict=True)}
    want = _from_list(built_store, iso3, year, kind, roles=TAKING_PART[kind])
    observed = set(frame.loc[(frame["ccode_1"] == ccode) & frame[column].notna(), "ccode_2"])
    assert got == {c: n for c, n in want.items() if c in observed}


@pytest.mark.parametrize("iso3", STATES)
@pytest.mark.parametrize("year", YEARS)
def test_index_exercises_are_the_all_state_records(built_store, index, iso3, year):
    ccode = built_store.vocabulary().resolve(iso3).ccode
    rows = index[(index["ccode_1"] == ccode) & (index["year"] == year)]
    got = {int(c): int(v) for c, v in zip(rows["ccode_2"], rows["exercises"], strict=True)
           if pd.notna(v) and v > 0}
    want = _from_list(built_store, iso3, year, "exercise", roles=TAKING_PART["exercise"],
                      global_only=True)
    assert got == want
    if year > 2010:  # no all-state exercise data after MME/JME: unknown, not zero
        assert rows["exercises"].isna().all()


@pytest.mark.parametrize("iso3", STATES)
@pytest.mark.parametrize("year", YEARS)
def test_profile_and_brief_partners_are_record_list(built_store, iso3, year):
    brief = partner_counts(built_store, iso3, year)
    prof = profile(built_store, iso3, year)
    for kind in ("exercise", "defence_agreement", "arms_transfer", "base_presence"):
        want = _from_list(built_store, iso3, year, kind, roles=None)
        from_brief = brief[brief["kind"] == kind]
        got = {built_store.vocabulary().resolve(p).ccode: int(n)
               for p, n in zip(from_brief["iso3"], from_brief["records"], strict=True)
               if built_store.vocabulary().try_resolve(p) is not None
               and getattr(built_store.vocabulary().try_resolve(p), "ccode", None)}
        assert got == want, kind
        from_profile = prof[prof["kind"] == kind]
        got = {built_store.vocabulary().resolve(p).ccode: int(n)
               for p, n in zip(from_profile["partner"], from_profile["records"], strict=True)
               if built_store.vocabulary().try_resolve(p) is not None
               and getattr(built_store.vocabulary().try_resolve(p), "ccode", None)}
        assert got == want, kind


def test_memberships_in_force_reach_the_brief(built_store):
    """An open membership (no end) is in force in every later year: NATO appears for Türkiye
    in 2019 in record list, the profile and the brief alike (the old footprint used to drop
    every membership without an end)."""
    rows = list_records(built_store, country="TUR", kind="membership", year_from=2019,
                        year_to=2019)
    assert "NATO" in set(rows["series"])
    prof = profile(built_store, "TUR", 2019)
    assert "NATO" in set(prof.loc[prof["kind"] == "membership", "partner"])
    brief = partner_counts(built_store, "TUR", 2019)
    assert brief.loc[brief["kind"] == "membership", "records"].sum() > 0
