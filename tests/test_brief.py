"""The country brief as data: sections in reading order, key numbers that are the library's
own answers, roles respected on the map, restrictions cited, honest analysis."""

from __future__ import annotations

import json

import pytest

from defdip.errors import AmbiguousCountry, InvalidArgument, InvalidRecord
from defdip.reports import build_brief, write_brief
from defdip.reports.brief import SECTIONS


@pytest.fixture(scope="module")
def brief(built_store):
    return build_brief(built_store, "TUR")


def test_sections_in_reading_order_with_a_first_page(brief):
    assert [s.id for s in brief.sections] == list(SECTIONS)
    assert brief.country.name == "Türkiye" and brief.country.ccode == 640
    assert 5 <= len(brief.findings) <= 8
    ids = {s.id for s in brief.sections}
    assert all(f.section in ids and f.strength in ("strong", "moderate", "weak")
               for f in brief.findings)
    assert {r["source"] for r in brief.as_of} >= {"SIPRI arms transfers (deliveries)",
                                                  "SIPRI military expenditure"}


def test_key_numbers_are_the_library_answers(brief, built_store):
    from defdip.measures import arms_ranking

    numbers = {n.key: n for n in brief.numbers}
    last = int(built_store.sql("SELECT max(year) AS y FROM sipri_deliveries")["y"][0])
    ranking = arms_ranking(built_store, "supplier", last - 4, last)
    row = ranking[ranking["country"] == "TUR"].iloc[0]
    assert numbers["arms_exports"].rank == int(row["rank"])
    assert numbers["arms_exports"].value == pytest.approx(round(float(row["tiv"]), 1))
    assert numbers["arms_exports"].shown().endswith("TIV m")
    assert "." not in numbers["partners"].shown()  # integers as integers


def test_third_parties_are_not_hosts_and_north_cyprus_is_not_cyprus(built_store):
    from defdip.reports.facts import BriefContext
    from defdip.reports.partners import partner_table

    vocab = built_store.vocabulary()
    ctx = BriefContext(built_store, vocab.resolve("TUR"), vocab)
    table = partner_table(ctx, 1995, 2024)
    # curated engagements_bases.yaml: Russia and Iran are 'party' to the Idlib posts and
    # Russia to the Aghdam centre; Azerbaijan hosts the centre.
    for iso3 in ("RUS", "IRN"):
        classes = set(table.loc[table["key"] == iso3, "class"])
        assert "third_party" in classes and "hosts_forces" not in classes
    assert "hosts_forces" in set(table.loc[table["key"] == "AZE", "class"])
    # Lowy 2023 places Türkiye's embassy in Nicosia in 'Northern Cyprus*'.
    assert "diplomatic_post" in set(table.loc[table["key"] == "TRNC", "class"])
    assert "diplomatic_post" not in set(table.loc[table["key"] == "CYP", "class"])


def test_restrictions_on_the_state_itself_are_cited(brief):
    challenges = next(s for s in brief.sections if s.id == "challenges")
    table = next(v for k, v in challenges.tables.items() if k.startswith("Restrictions"))
    years = {str(s)[:4] for s in table["from"]}
    assert {"1975", "2019", "2020"} <= years
    assert all(str(s).startswith("http") for s in table["source"])


def test_breakpoints_corrected_and_degenerate_tests_left_out(brief):
    challenges = next(s for s in brief.sections if s.id == "challenges")
    table = next(v for k, v in challenges.tables.items() if "Holm" in k)
    assert ((table["F"] == 0) & (table["p"] == 1)).sum() == 0
    assert (table["p (Holm)"] >= table["p"] - 1e-9).all()


def test_event_study_summary_is_the_mean_of_what_is_plotted(built_store):
    from defdip import analysis

    study = analysis.event_study(built_store, "TUR", onset="exercise", end=2019)
    post = study.table[study.table["event_time"] >= 0]["att"].mean()
    assert study.post_mean is not None and study.post_mean[0] == pytest.approx(post)
    assert study.pretest is not None and 0 <= study.pretest[2] <= 1
    assert study.pretest[1] == int((study.table["event_time"] < -1).sum())


def test_ambiguous_names_stop_with_candidates(built_store):
    with pytest.raises(AmbiguousCountry, match=r"'Korea' in the brief names more than one "
                                               r"state: South Korea \(KOR\), North Korea \(PRK\)"):
        build_brief(built_store, "Korea")
    with pytest.raises(AmbiguousCountry, match=r"\(COD\)"):
        build_brief(built_store, "Congo")


def test_files_are_named_by_iso3_and_json_has_the_same_content(brief, built_store, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = write_brief(built_store, "Greece", fmt="json")
    assert path.name == "brief-GRC.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [s["id"] for s in data["sections"]] == list(SECTIONS)
    assert data["summary"]["findings"] and data["summary"]["numbers"]


def test_small_state_without_data_omits_sections_with_a_reason(built_store, tmp_path):
    path = write_brief(built_store, "Tuvalu", tmp_path / "b.html")
    text = path.read_text(encoding="utf-8")
    assert "Left out" in text and "Tuvalu" in text


def test_bad_format_is_refused(built_store, tmp_path):
    with pytest.raises(InvalidArgument, match=r"--format 'docx' must be one of html, json, "
                                              r"pdf"):
        write_brief(built_store, "TUR", tmp_path / "x.docx", fmt="docx")


def test_restrictions_file_is_validated(tmp_path):
    from defdip.analysis.restrictions import load_restrictions

    bad = tmp_path / "r.yaml"
    bad.write_text("restrictions:\n  - {target: TUR, name: x, kind: ban, start: 2019-13}\n")
    with pytest.raises(InvalidRecord) as err:
        load_restrictions(bad)
    assert "kind 'ban' must be one of" in str(err.value)
    assert "field 'sources' is required" in str(err.value)
    assert "start '2019-13'" not in str(err.value) or "is not YYYY" in str(err.value)


def test_the_service_layer_serves_the_brief(built_store):
    from defdip.service.context import Context
    from defdip.service.reads import brief as service_brief

    result = service_brief(Context(built_store.path), "NGA")
    assert result.document["country"]["iso3"] == "NGA" and result.vintage
    assert [s.id for s in result.detail.sections] == list(SECTIONS)


def test_data_as_of_lines_cover_the_combined_series(brief, built_store):
    """The UN votes and peacekeeping lines name both series each joins and end where the
    data the brief uses end (independent SQL on the loaded tables; mirror READMEs: Voeten's
    last vote 2020-01-14, the DGACM votes to 2026, IPI to 2014-03, UN monthly reports to
    2025-07)."""
    lines = {r["source"].split(" (")[0]: r for r in brief.as_of}
    votes = lines["UN General Assembly roll-call votes"]
    last_vote = built_store.sql(
        "SELECT max(d) AS d FROM (SELECT max(date) AS d FROM unga_roll_calls UNION ALL "
        "SELECT max(date) FROM dgacm_resolutions WHERE recorded_vote)")["d"][0]
    assert votes["data as of"] == str(last_vote)[:10]
    assert "Voeten et al. 1946–" in votes["source"]
    assert "UN DGACM recorded votes" in votes["source"]
    assert "last vote 2020-01-14" in votes["version"]
    pko = lines["UN peacekeeping contributions, monthly"]
    last_month = built_store.sql("SELECT max(month) AS m FROM un_pko_monthly")["m"][0]
    assert pko["data as of"] == str(last_month)[:7]
    assert "IPI 1990-" in pko["source"] and "to 2014-03" in pko["source"]
    number = {n.key: n for n in brief.numbers}["peacekeepers"]
    assert number.label.endswith(pko["data as of"])


def test_outlook_labels_the_exercise_series_by_its_sources(brief, built_store):
    """MME and JME end in 2010 (mirror military_exercises_mme README); after that only the
    curated record, which covers Türkiye (coverage.yaml) and not Pakistan."""
    from defdip.reports.facts import BriefContext
    from defdip.reports.sec_outlook import outlook_section

    outlook = next(s for s in brief.sections if s.id == "outlook")
    (table,) = outlook.tables.values()
    label = next(s for s in table["series"] if s.startswith("multinational exercises"))
    assert "MME and JME 1995–2010" in label and "curated record 2003–" in label
    vocab = built_store.vocabulary()
    pak = outlook_section(BriefContext(built_store, vocab.resolve("PAK"), vocab))
    (table,) = pak.tables.values()
    labels = [s for s in table["series"] if s.startswith("multinational exercises")]
    assert labels == ["multinational exercises (MME and JME 1995–2010)"]


def test_timeline_peacekeepers_are_the_series_the_trends_forecast(built_store):
    """The timeline's yearly personnel and `defdip trends`' peacekeepers series are one
    definition (the mean over the months reported; a reported month without Pakistan counts
    0), so the brief's figure and its outlook say the same of every year."""
    from defdip.analysis._common import Focal
    from defdip.analysis.trends import engagement_series
    from defdip.reports.facts import BriefContext
    from defdip.reports.sec_timeline import timeline_section

    vocab = built_store.vocabulary()
    section = timeline_section(BriefContext(built_store, vocab.resolve("PAK"), vocab))
    (figure,) = [f for f in section.figures if "UN peace operations" in f["title"]]
    (line,) = figure["series"]
    plotted = dict(zip(line["x"], line["y"], strict=True))
    series, _ = engagement_series(built_store, Focal(770, "PAK", "Pakistan"), min(plotted),
                                  max(plotted))
    trend = series[series["instrument"] == "peacekeepers"].set_index("year")["value"]
    assert sorted(plotted) == sorted(int(y) for y in trend.index)
    assert all(plotted[int(y)] == round(v) for y, v in trend.items())


def test_un_voting_finding_is_the_alignment_commands_read(built_store):
    """Pakistan's "voted like" finding gives, for its last year, the shares and joint-vote
    count `defdip alignment` gives (measures.alignment, the same minimum-votes rule)."""
    import re

    from defdip.measures import alignment
    from defdip.measures.alignment import MIN_JOINT_VOTES
    from defdip.reports.facts import BriefContext
    from defdip.reports.sec_effects import effects_section

    vocab = built_store.vocabulary()
    ctx = BriefContext(built_store, vocab.resolve("PAK"), vocab)
    section = effects_section(ctx)
    (text,) = [f.text for f in section.findings if "voted like" in f.text]
    year = int(re.match(r"In (\d{4}) ", text).group(1))
    shares = dict(re.findall(r"([A-Z][\w ]+?) (\d+)%", text.split("voted like: ")[1]))
    assert "United States" in shares  # the largest powers are always among the partners
    names = {ctx.name(k): k for k in vocab.countries}
    frame = alignment(built_store, "PAK", partners=tuple(names[n] for n in shares))
    frame = frame[frame["year"] == year]
    assert len(frame) == len(shares)
    for name, pct in shares.items():
        row = frame[frame["partner"] == names[name]].iloc[0]
        assert row["un_nvotes"] >= MIN_JOINT_VOTES
        assert int(pct) == round(100 * row["un_agree"])
        assert f"of {int(row['un_nvotes'])} joint" in text or f"{name} {pct}% of " \
            f"{int(row['un_nvotes'])}" in text
    # the year is the last with a session's worth of joint votes with every partner; a later
    # year in progress (the mirror's votes run into 2026) is named with its count, not used
    from defdip.reports.sec_effects import FULL_SESSION_VOTES

    (finding,) = [f for f in section.findings if "voted like" in f.text]
    full = frame["un_nvotes"].min() >= FULL_SESSION_VOTES
    assert finding.strength == ("strong" if full else "moderate")
    later = alignment(built_store, "PAK", partners=tuple(names[n] for n in shares))
    later = later[later["year"] > year].dropna(subset=["un_agree"])
    if len(later):
        assert f"{int(later['year'].max())} so far: " in text


def test_challenges_show_the_event_balance_where_events_are_loaded(built_store, mirror,
                                                                   tmp_path):
    """The mirror's ICEWS sample covers June 2018 only (icews_events_sample README). Loaded:
    the challenges section shows Türkiye's balance with its tension partners for that month,
    the counts `defdip tension TUR --year 2018` gives from the same files. Not loaded: one
    sentence saying so and how to load them."""
    from defdip.analysis import tension_monitor
    from defdip.events import ReadContext
    from defdip.reports.facts import BriefContext
    from defdip.reports.sec_challenges import challenges_section
    from defdip.store.events import EventStore, cameo_books

    vocab = built_store.vocabulary()
    empty = BriefContext(built_store, vocab.resolve("TUR"), vocab,
                         events=EventStore(tmp_path / "none"))
    section = challenges_section(empty)
    assert not any(k.startswith("Event balance") for k in section.tables)
    assert sum("Event data: none loaded" in t and "`defdip events load FILES`" in t
               for t in section.text) == 1

    dataset = EventStore(tmp_path / "events")
    dataset.load([mirror / "icews_events_sample" / "events.2018.sample.tab"],
                 ReadContext(vocab, cameo_books(built_store)))
    ctx = BriefContext(built_store, vocab.resolve("TUR"), vocab, events=dataset)
    section = challenges_section(ctx)
    assert not any("Event data: none loaded" in t for t in section.text)
    (title,) = [k for k in section.tables if k.startswith("Event balance")]
    assert "2018-06" in title
    table = section.tables[title]
    assert len(table) >= 1  # Syria, a tension partner, has events in June 2018
    monthly = tension_monitor(built_store, "TUR", year=2018, events=dataset).events.months
    for row in table.itertuples():
        theirs = monthly[monthly["name_2"] == row.partner]
        assert len(theirs) == 1 and row._2 == 1  # one month with events: 2018-06
        assert row.events == int(theirs["events"].iloc[0])
        assert row.cooperation == int(theirs["verbal_coop"].iloc[0]
                                      + theirs["material_coop"].iloc[0])
        assert row.conflict == int(theirs["verbal_conflict"].iloc[0]
                                   + theirs["material_conflict"].iloc[0])
    assert any(f.text.startswith("Event balance, 1 month (2018-06)") for f in section.findings)
