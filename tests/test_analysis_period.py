"""Every analysis runs to the last year its inputs cover, never past it (analysis.period).

The rules are checked on hand-made coverages first; then each analysis on the real data: its
default last year is the one the loaded data reach (read from the store here with SQL, not a
literal), a year past the data is clipped with a note, a range wholly outside is an error
naming the argument and the covered years, and a series that stopped early is not forecast.
"""

from __future__ import annotations

import json

import pytest

from defdip.analysis import effects, event_study, region_case, tension_monitor, trends
from defdip.analysis.period import (
    FORECAST_REACH,
    Period,
    analysis_period,
    forecast_refusal,
    input_coverage,
)
from defdip.errors import InvalidArgument
from defdip.queries.coverage import Coverage, Segment
from defdip.queries.tables import Tables


def _cov(name: str, *spans: tuple[int, int], states: tuple[str, ...] | None = None
         ) -> Coverage:
    return Coverage(name, tuple(Segment(name, a, b, states) for a, b in spans))


def _period(tables: Tables, start: int | None, end: int | None, **kwargs: object) -> Period:
    covs = kwargs.pop("covs", [_cov("votes", (1946, 2026)), _cov("arms", (1995, 2024))])
    return analysis_period(tables, [], start, end, default_start=1995, extra=covs, **kwargs)


@pytest.fixture()
def no_tables(store) -> Tables:
    return Tables.from_store(store)


def test_default_end_is_the_last_covered_year_and_clipping_notes(no_tables) -> None:
    any_ = _period(no_tables, None, None)
    assert (any_.start, any_.end, any_.notes) == (1995, 2026, ())  # defaults: no note
    both = _period(no_tables, None, None, need="all")
    assert (both.start, both.end) == (1995, 2024)
    clipped = _period(no_tables, 1900, 2040)
    assert (clipped.start, clipped.end) == (1946, 2026)
    assert clipped.notes == (
        "--to 2040 is past the last year the data cover (votes, arms: 1946–2026): clipped to "
        "2026.",
        "--from 1900 is before the first year the data cover (votes, arms: 1946–2026): "
        "clipped to 1946.")
    # a state only a focal segment covers falls back to the all-state segments
    focal = _period(no_tables, None, None, covs=[_cov("votes", (1946, 2026)),
                                                 _cov("rec", (2003, 2030), states=("TUR",))],
                    iso3="GRC")
    assert focal.end == 2026


def test_a_range_outside_the_data_is_an_error_naming_the_argument(no_tables) -> None:
    with pytest.raises(InvalidArgument) as err:
        _period(no_tables, 2030, None)
    assert str(err.value) == ("--from 2030 is after the last year the data cover (1946–2026, "
                              "votes, arms); pass --from 2026 or earlier.")
    with pytest.raises(InvalidArgument) as err:
        _period(no_tables, None, 1900, options=("--year", "--year"))
    assert str(err.value) == ("--year 1900 is before the first year the data cover "
                              "(1946–2026, votes, arms); pass --year 1946 or later.")
    with pytest.raises(InvalidArgument, match="are not loaded"):
        _period(no_tables, None, None, covs=[Coverage("votes", ())])


def test_forecast_rule_is_within_two_years_of_the_end_of_the_period() -> None:
    # issue 10: "a forecast only for a series that runs to within two years of the end of the
    # period asked for" -- a series ending 2023 may be forecast in a period ending 2025.
    assert FORECAST_REACH == 2
    assert all(forecast_refusal(last, 2025) is None for last in (2023, 2024, 2025))
    assert forecast_refusal(2022, 2025) == (
        "the data end in 2022, more than 2 years before the end of the period (2025): a "
        "forecast would be of years already past")


def _last_roll_call_year(store) -> int:
    """Independently of the query layer: the last year with a roll call in either table."""
    return int(store.sql("SELECT max(year) AS y FROM (SELECT year FROM unga_roll_calls UNION "
                         "ALL SELECT year FROM dgacm_resolutions WHERE recorded_vote)")["y"][0])


def test_effects_default_reaches_the_last_vote_year_and_clips(built_store) -> None:
    last = _last_roll_call_year(built_store)
    assert last > 2019  # the old hard-coded end: the data now go further
    result = effects(built_store, "TUR")
    assert (result.period.start, result.period.end) == (1995, last)
    assert result.period.notes == ()
    assert result.years[1] <= last and "dyad-years" in result.specification
    assert "the sample is the years every instrument is observed" in result.specification
    past = effects(built_store, "TUR", start=2010, end=last + 5)
    assert past.period.end == last and past.period.notes == (
        f"--to {last + 5} is past the last year the data cover (un_votes: 1946–{last}): "
        f"clipped to {last}.",)
    assert past.to_dict()["notes"] == list(past.period.notes)
    with pytest.raises(InvalidArgument, match=rf"^--from {last + 1} is after the last year"):
        effects(built_store, "TUR", start=last + 1)
    points = int(built_store.sql("SELECT max(year) AS y FROM unga_ideal_points")["y"][0])
    ideal = effects(built_store, "TUR", outcome="idealpoint_dist", start=2010)
    assert ideal.period.end == points and ideal.years[1] <= points


def test_event_study_runs_while_onsets_are_observed(built_store) -> None:
    # Greece: only all-state exercise sources (MME, JME) observe it; they end in this year
    ended = int(built_store.sql("SELECT greatest((SELECT max(year) FROM mme_participants), "
                                "(SELECT max(start_year) FROM jme_exercises)) AS y")["y"][0])
    result = event_study(built_store, "GRC", onset="exercise")
    assert result.period.end == ended
    assert f"1980–{ended} (the years the onset's data cover)" in result.specification


def test_trends_run_to_the_data_and_refuse_forecasts_of_ended_series(built_store) -> None:
    result = trends(built_store, "PAK")
    backtest = result.backtest.set_index("instrument")
    # the period ends at the last year a series reaches, each series at its own last year
    assert result.period.end == int(backtest["last_observed"].max())
    months = built_store.sql("SELECT max(year(month)) AS y FROM un_pko_monthly "
                             "WHERE iso3 = 'PAK'")
    assert backtest.loc["peacekeepers", "last_observed"] == int(months["y"][0])
    ended = int(built_store.sql("SELECT greatest((SELECT max(year) FROM mme_participants), "
                                "(SELECT max(start_year) FROM jme_exercises)) AS y")["y"][0])
    assert backtest.loc["exercises", "last_observed"] == ended
    assert backtest.loc["exercises", "note"] == \
        "no forecast: " + forecast_refusal(ended, result.period.end)
    assert "exercises" not in set(result.forecasts["instrument"])
    assert "peacekeepers" in set(result.forecasts["instrument"])
    assert result.forecasts.groupby("instrument")["year"].min().min() > ended


def test_region_and_tension_defaults_and_clipping(built_store) -> None:
    tables = Tables.from_store(built_store)
    case = region_case(built_store, "TUR", "middle_east")
    spans = [input_coverage(tables, n) for n in ("arms", "exercises", "embassies",
                                                 "ideal_points")]
    covered = max(s.last for c in spans for s in c.segments
                  if s.states is None or "TUR" in s.states)
    assert case.years == (1995, covered) and case.engagement["year"].max() == covered
    sipri = int(built_store.sql("SELECT max(year) AS y FROM sipri_deliveries")["y"][0])
    arms = case.engagement.set_index("year")["arms_out_tiv"]
    assert arms.loc[:sipri].notna().all() and arms.loc[sipri + 1:].isna().all()  # not 0
    assert any(n.startswith("sample: Türkiye and ") for n in case.notes)
    # peacekeeping by mission runs on into the UN's monthly reports (IPI's split ends in 2014)
    unifil = int(built_store.sql("SELECT max(year) AS y FROM un_pko_monthly WHERE iso3 = 'TUR' "
                                 "AND mission = 'UNIFIL' AND total > 0")["y"][0])
    assert unifil > 2014
    assert case.peacekeeping.groupby("mission")["year"].max()["UNIFIL"] == unifil
    signals = int(built_store.sql(
        "SELECT greatest((SELECT max(year) FROM cow_mid_directed), (SELECT max(year) FROM "
        "cow_war_inter), (SELECT max(endyear) FROM td_rivalries), (SELECT max(\"end\") FROM "
        "tss_rivalries)) AS y")["y"][0])
    monitor = tension_monitor(built_store, "TUR", start=2000, end=signals + 3)
    assert monitor.years == (2000, signals) and monitor.dyad_years["year"].max() <= signals
    assert monitor.period.notes[0].startswith(f"--to {signals + 3} is past the last year")
    assert "states with a tension or engagement signal" in monitor.sample
    with pytest.raises(InvalidArgument, match=rf"^--year {signals + 1} is after the last"):
        tension_monitor(built_store, "TUR", year=signals + 1)


def test_cli_prints_the_clipping_note(built_store, defdip_cli) -> None:
    last = _last_roll_call_year(built_store)
    done = defdip_cli("effects", "TUR", "--from", "2010", "--to", str(last + 3), "--json",
                      "--store", str(built_store.path))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["notes"] == [f"--to {last + 3} is past the last year the data cover "
                               f"(un_votes: 1946–{last}): clipped to {last}."]
    assert answer["period"]["text"].startswith(f"period 2010–{last}; its inputs for TUR: "
                                               "un_votes:")
    assert answer["period"]["end"] == last and answer["focal"]["iso3"] == "TUR"
    shown = defdip_cli("effects", "TUR", "--from", "2010", "--to", str(last + 3),
                       "--store", str(built_store.path))
    assert shown.returncode == 0, shown.stderr
    assert "note: --to" in shown.stdout and "Sample: period 2010" in shown.stdout


def test_standing_states_its_sample(built_store, defdip_cli) -> None:
    last, states = built_store.sql("SELECT year, count(*) AS n FROM network_standing GROUP BY "
                                   "year ORDER BY year DESC LIMIT 1").iloc[0]
    done = defdip_cli("standing", "--year", str(last), "--top", "3", "--store",
                      str(built_store.path), env={"COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    assert f"Sample: {states} states ranked; engagement index {last} from data" in done.stdout
