"""Derivations on the real data in the mirror; expected values from each folder's README."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from defdip.engagements import build_record, list_records, profile
from defdip.engagements.curated import curated_files
from defdip.engagements.derive_exercises import derive_jme
from defdip.store import Store

SOURCES = ("country_codes", "cow_states", "mme_exercises", "jme_exercises", "us_defense_visits",
           "sipri_transfers", "sipri_deliveries", "ipi_peacekeeping", "un_peacekeeping_monthly",
           "atop", "cow_igo", "dcad_agreements", "lowy_gdi", "us_troops")


@pytest.fixture(scope="module")
def record(tmp_path_factory, mirror, vocab):
    """A store with the sources the record derives from, and the record built."""
    store = Store(tmp_path_factory.mktemp("record") / "defdip.duckdb")
    for name in SOURCES:
        store.load_source(name, mirror=mirror, vocab=vocab)
    summary = build_record(store, vocab)
    yield store, summary
    store.close()


def _tur(store, kind, **filters) -> pd.DataFrame:
    return list_records(store, country="TUR", kind=kind, **filters)


def _with_role(frame, iso3, role) -> pd.DataFrame:
    return frame[[any(a["country"] == iso3 and a["role"] == role for a in actors)
                  for actors in frame["actors"]]]


def test_turkiye_has_records_in_at_least_eight_kinds(record):
    store, summary = record
    kinds = list_records(store, country="TUR")["kind"].unique()
    assert len(kinds) >= 8, kinds
    assert not any("skipped" in n for n in summary["notes"])


def test_ids_unique_and_every_record_has_actors(record):
    store, _ = record
    checks = store.sql("""
        SELECT count(*) - count(DISTINCT id) AS dup_ids,
               count(*) FILTER (id NOT IN (SELECT engagement_id FROM engagement_actors)
                                AND source NOT IN ('mme_exercises', 'jme_exercises'))
                   AS no_actors,
               (SELECT count(*) - count(DISTINCT (engagement_id, iso3, role))
                FROM engagement_actors) AS dup_actors,
               count(*) FILTER (origin = 'derived' AND (citation IS NULL OR url IS NULL))
                   AS no_provenance
        FROM engagements""").iloc[0]
    assert checks.to_dict() == {"dup_ids": 0, "no_actors": 0, "dup_actors": 0,
                                "no_provenance": 0}
    # exercises without actors are exactly those MME lists only unknown ('-9') participants for
    unknown = store.sql("""
        SELECT count(*) AS n FROM mme_exercises WHERE mme_id NOT IN
            (SELECT mme_id FROM mme_participants WHERE trim(label) <> '-9')""")["n"].iloc[0]
    bare = store.sql("""
        SELECT count(*) AS n FROM engagements WHERE source = 'mme_exercises'
        AND id NOT IN (SELECT engagement_id FROM engagement_actors)""")["n"].iloc[0]
    assert bare == unknown


def test_mme_exercises_with_turkey_and_curated_after_2010(record):
    store, _ = record
    exercises = _tur(store, "exercise", year_from=1980, year_to=2024)
    # military_exercises_mme/README.md: 331 exercises list Turkey as a participant
    assert (exercises["source"] == "mme_exercises").sum() == 331
    curated = exercises[exercises["source"] == "curated"]
    after = curated[pd.to_datetime(curated["start"]).dt.year > 2010]
    assert len(after) >= 10
    # README: Anatolian Eagle 2001 (mme1989), Konya: Israel, Turkey, United States
    eagle = exercises[exercises["name"].str.contains("Anatolian Eagle", na=False)
                      & (exercises["source"] == "mme_exercises")
                      & (pd.to_datetime(exercises["start"]).dt.year == 2001)]
    assert {"ISR", "TUR", "USA"} <= {a["country"] for a in eagle.iloc[0]["actors"]}


def test_efes_2022_lists_participants_and_observers_as_curated(record):
    store, _ = record
    efes = _tur(store, "exercise", year_from=2022, year_to=2022)
    efes = efes[efes["name"] == "EFES-2022"].iloc[0]
    expected = next(r for path in curated_files()
                    for r in (yaml.safe_load(path.read_text(encoding="utf-8")) or {})
                    .get("records", []) if r.get("name") == "EFES-2022")
    # an independent reading of the curated file: the same (country, role) pairs
    assert sorted((a["country"], a["role"]) for a in efes["actors"]) == sorted(
        (a["country"], a["role"]) for a in expected["actors"])
    roles = {a["role"] for a in efes["actors"]}
    assert {"host", "participant", "observer"} <= roles


def test_jme_alone_counts_turkey_as_readme(tmp_path, mirror, vocab):
    store = Store(tmp_path / "jme.duckdb")
    store.load_source("jme_exercises", mirror=mirror, vocab=vocab)
    derived = derive_jme(store)
    store.close()
    with_tur = derived.actors.loc[derived.actors["iso3"] == "TUR", "engagement_id"].nunique()
    assert with_tur == 127  # military_exercises_mme/README.md: 127 JME exercises include TUR


def test_sipri_deals_as_transfers(record):
    store, _ = record
    deals = _tur(store, ["arms_transfer", "technology_transfer"])
    deals = deals[deals["source"] == "sipri_transfers"]
    # sipri_arms_transfers/README.md: Turkiye supplier in 244 records, recipient in 582
    assert len(_with_role(deals, "TUR", "supplier")) == 244
    assert len(_with_role(deals, "TUR", "recipient")) == 582
    s400 = _with_role(deals[deals["name"].str.startswith("S-400", na=False)], "RUS", "supplier")
    s400 = s400.iloc[0]
    assert (s400["start"].year, s400["end"].year, s400["units"]) == (2017, 2019, 2)


def test_peacekeeping_memberships_posts_and_bases(record):
    store, _ = record
    pko = _tur(store, "peacekeeping_deployment")
    unifil = pko[pko["name"] == "UNIFIL"]
    # one spell from IPI's first mission month to the UN reports' last: Türkiye is in UNIFIL
    # in every month with a mission split (un_peacekeeping_monthly/README.md: all 122 months)
    assert len(unifil) == 1 and unifil["source"].iloc[0] == "un_peacekeeping_monthly"
    assert (str(unifil["start"].iloc[0]), str(unifil["end"].iloc[0])) == ("2009-11-01",
                                                                          "2025-07-01")
    assert unifil["citation"].iloc[0] == "perry2013ipi; undpo2025contributions"
    assert set(unifil["start_precision"]) == {"month"}
    assert unifil["personnel"].iloc[0] == 578  # un_peacekeeping_ipi/README.md
    first = pko[pko["subtype"] == "all_missions"].sort_values("start").iloc[0]
    assert str(first["start"]) == "1990-11-01"  # README: first record 1990-11-30
    members = _tur(store, "membership")
    atop = members[members["source"] == "atop"]
    assert len(atop) == 54 and atop["series"].nunique() == 48  # atop/README.md
    nato = atop[atop["series"] == "ATOP 3180"].iloc[0]
    assert (nato["start"].year, nato["start"].month) == (1951, 10) and pd.isna(nato["end"])
    igo = members[members["source"] == "cow_igo"]
    assert len(igo) == 98  # cow_igo/README.md: 98 full-membership spells
    nato = igo[igo["series"] == "NATO"].iloc[0]
    assert (nato["start"].year, nato["end"].year) == (1952, 2014)
    posts = _with_role(_tur(store, "diplomatic_post"), "TUR", "sender")
    by_year = pd.to_datetime(posts["start"]).dt.year.value_counts().sort_index()
    # lowy_global_diplomacy_index/README.md: Turkey's total posts per edition
    assert by_year.to_dict() == {2016: 225, 2017: 228, 2019: 235, 2021: 246, 2023: 252}
    bases = _tur(store, "base_presence")
    troops = bases[(bases["source"] == "us_troops") & (bases["subtype"] == "troops")]
    per_year = dict(zip(pd.to_datetime(troops["start"]).dt.year, troops["personnel"],
                        strict=True))
    # us_troop_deployments/README.md: 1,705 (2020) … 1,692 (2024)
    assert [per_year[y] for y in range(2020, 2025)] == [1705, 1811, 1736, 1780, 1692]
    vine = bases[bases["series"] == "US bases (Vine)"]
    assert len(vine) == 6 and "Incirlik AB" in set(vine["name"])
    visits = _tur(store, "visit")
    assert (visits["source"] == "us_defense_visits").sum() == 2  # README: 2 trips to TUR


def test_rebuild_after_reload_gives_the_same_ids(record, mirror, vocab):
    store, _ = record
    before = store.sql("SELECT id, origin FROM engagements ORDER BY id")
    store.load_source("mme_exercises", mirror=mirror, vocab=vocab, force=True)
    build_record(store, vocab)
    after = store.sql("SELECT id, origin FROM engagements ORDER BY id")
    pd.testing.assert_frame_equal(before, after)


def test_profile_agrees_with_list_and_deliveries(record):
    store, _ = record
    frame = profile(store, "TUR", 2022)
    assert {"arms_transfer", "exercise", "membership", "base_presence"} <= set(frame["kind"])
    assert "diplomatic_post" not in set(frame["kind"])  # Lowy editions: 2021 and 2023, no 2022
    pak = frame[(frame["kind"] == "arms_transfer") & (frame["partner"] == "PAK")].iloc[0]
    listed = list_records(store, country="TUR", partner="PAK", kind="arms_transfer",
                          year_from=2022, year_to=2022)
    assert pak["records"] == len(listed)
    # independent: TIV Türkiye delivered to Pakistan in 2022 straight from the deliveries
    delivered = store.sql("SELECT sum(tiv) AS t FROM sipri_deliveries WHERE year = 2022 "
                          "AND supplier_iso3 = 'TUR' AND recipient_iso3 = 'PAK'")["t"].iloc[0]
    assert pak["tiv_to_partner"] == pytest.approx(delivered)
    # atop/README.md: Turkey's NATO entry (3180) has no exit. ATOP observes to 2018, so the
    # one rule holds it in force through 2018 and unknown after (docs/core.md); in 2022 NATO
    # membership comes from the curated record, which covers Türkiye to its latest entry.
    members = frame[frame["kind"] == "membership"]
    assert "ATOP 3180" not in set(members["partner"]) and "NATO" in set(members["partner"])
    in_2018 = profile(store, "TUR", 2018)
    nato = in_2018[(in_2018["kind"] == "membership") & (in_2018["partner"] == "ATOP 3180")]
    assert nato["records"].tolist() == [1]


def test_us_presence_names_join_the_spellings_in_sorted_order(record):
    """us_troops spells some hosts two ways in a year; the record's name joins them sorted,
    so a rebuild on any number of threads gives the same text (string_agg ORDER BY)."""
    store, _ = record
    raw = store.sql("SELECT iso3, year, country_label FROM us_troops WHERE troops_ad > 0")
    spellings = raw.groupby(["iso3", "year"])["country_label"].agg(lambda s: sorted(set(s)))
    doubled = spellings[spellings.map(len) > 1]
    assert len(doubled) > 0  # the data have such host-years (e.g. Antigua, 2008)
    names = store.sql("SELECT name FROM engagements WHERE kind = 'base_presence' "
                      "AND series = 'US forces abroad'")["name"]
    for (_, year), labels in doubled.items():
        assert f"US forces in {' / '.join(labels)} ({year})" in set(names)


def test_peacekeeping_spells_for_every_contributor(record):
    store, _ = record
    spells = store.sql("""
        SELECT e.id, e.source, e.start, e."end", a.iso3 FROM engagements e
        JOIN engagement_actors a ON a.engagement_id = e.id AND a.role = 'contributor'
        WHERE e.kind = 'peacekeeping_deployment' AND e.subtype = 'un_mission'""")
    # every contributor with personnel in a mission in the series has a spell
    contributors = store.sql("""
        SELECT count(DISTINCT coalesce(iso3, contributor_label)) AS n FROM (
            SELECT iso3, contributor_label FROM ipi_contributor_mission_month WHERE total > 0
            UNION SELECT iso3, contributor_label FROM un_pko_monthly
            WHERE mission IS NOT NULL)""")["n"].iloc[0]
    assert spells["iso3"].nunique() == contributors
    assert set(spells["source"]) == {"ipi_peacekeeping", "un_peacekeeping_monthly"}
    assert pd.to_datetime(spells["end"]).max() == pd.Timestamp("2025-07-01")
    assert spells["id"].is_unique


def test_dcad_agreements_for_every_state(record):
    store, summary = record
    dcad = store.sql("""
        SELECT e.*, list(a.iso3 ORDER BY a.iso3) AS parties FROM engagements e
        JOIN engagement_actors a ON a.engagement_id = e.id AND a.role = 'party'
        WHERE e.source = 'dcad_agreements' GROUP BY ALL""")
    # defence_cooperation_agreements/README.md: 1,871 agreements, 160 states; three rows
    # name one state on both sides (counted from the file) and are left out of the record
    table = store.table("dcad_agreements")
    same = table[table["ccode_1"] == table["ccode_2"]]
    assert list(same["dcad_id"]) == ["DCADv1.0-0297", "DCADv1.0-1625", "DCADv1.0-1847"]
    assert len(dcad) == 1871 - 3 and (dcad["kind"] == "defence_agreement").all()
    ccodes = store.sql("SELECT count(DISTINCT a.ccode) AS n FROM engagement_actors a JOIN "
                       "engagements e ON e.id = a.engagement_id WHERE e.source = "
                       "'dcad_agreements'")["n"].iloc[0]
    assert ccodes == 160
    assert dcad["parties"].map(len).eq(2).all()
    deca = dcad[(dcad["start"] == pd.Timestamp("1980-03-29"))
                & dcad["parties"].map(lambda p: list(p) == ["TUR", "USA"])]
    assert sorted(deca["subtype"]) == ["defence_industry", "framework"]  # DIC and DCA
    assert deca["confidence"].eq("high").all()  # treaty-sourced
    israel = dcad[dcad["parties"].map(lambda p: list(p) == ["ISR", "TUR"])
                  & (pd.to_datetime(dcad["start"]).dt.year == 1996)]
    assert sorted(israel["subtype"]) == ["framework", "research"]
    assert israel["confidence"].eq("low").all()  # news-sourced, category confidence low
    assert dcad["citation"].str.startswith("kinne2020dcad, DCADv1.0-").all()
    # ended before DCAD's last year -> an end; in force in 2010 -> open
    table = table[table["ccode_1"] != table["ccode_2"]]
    ended = table["terminated"].eq(1) | table["end_year_estimate"].lt(2010)
    assert dcad["end"].notna().sum() == int(ended.sum())
    assert any(n.startswith("dcad_agreements: 1868 bilateral") for n in summary["notes"])
    assert any("left out 3 agreement(s)" in n for n in summary["notes"])


def test_spells_break_on_an_observed_absence_not_on_a_gap():
    from defdip.engagements.derive_peacekeeping import spells

    # Months with a mission split: Jan-Feb 2014, then (after a gap with no data) Jan-Mar
    # 2015. A is present Jan 2014, Feb 2014, Jan 2015 (one spell across the gap), absent in
    # Feb 2015 (observed), back in Mar 2015 (a second spell). B is present only in Feb 2014.
    split = pd.Series(pd.to_datetime(["2014-01-01", "2014-02-01", "2015-01-01", "2015-02-01",
                                      "2015-03-01"]))
    months = pd.DataFrame({
        "actor": ["A", "A", "A", "A", "B"], "mission": ["M"] * 5,
        "month": pd.to_datetime(["2014-01-01", "2014-02-01", "2015-01-01", "2015-03-01",
                                 "2014-02-01"]),
        "personnel": [5, 7, 6, 2, 1], "origin": ["ipi", "ipi", "un_monthly", "un_monthly",
                                                 "ipi"]})
    out = spells(months, split)
    got = [(a, s.strftime("%Y-%m"), e.strftime("%Y-%m"), p, n, o) for a, s, e, p, n, o in zip(
        out["actor"], out["start"], out["end"], out["personnel"], out["months"], out["origins"],
        strict=True)]
    assert got == [("A", "2014-01", "2015-01", 7, 3, "ipi+un_monthly"),
                   ("A", "2015-03", "2015-03", 2, 1, "un_monthly"),
                   ("B", "2014-02", "2014-02", 1, 1, "ipi")]
