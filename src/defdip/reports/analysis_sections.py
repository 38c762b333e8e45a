"""Brief sections drawn from the analysis layer: effects, challenges, regions, trends."""

from __future__ import annotations

import pandas as pd

from defdip import analysis
from defdip.analysis.effects import INSTRUMENTS
from defdip.countries import Country
from defdip.queries.tables import Tables, to_frame
from defdip.reports import figures
from defdip.reports.html import Section
from defdip.store import Store

__all__ = [
    "challenges_section",
    "effects_section",
    "regions_section",
    "standing_section",
    "trends_section",
]


def effects_section(store: Store, focal: Country, start: int, end: int) -> Section:
    section = Section("effects", "Does engagement move partners' UN votes?")
    # Lowy embassy data exist only for 2016-2023 editions: too few years for a lagged
    # within-dyad estimate, so the brief's specification leaves that instrument out.
    instruments = [i for i in list(INSTRUMENTS) if i != "embassy_1in2"]
    result = analysis.effects(store, focal.iso3, outcome="un_sscore", start=start, end=end,
                              instruments=instruments)
    table = result.table.copy()
    section.tables[f"Two-way fixed effects: {result.outcome} on lagged engagement "
                   f"(N = {result.n_obs:,}, {result.n_clusters:,} dyads)"] = table
    section.text.append(result.specification)
    significant = table[(table["ci_low"] > 0) | (table["ci_high"] < 0)]
    for row in significant.itertuples():
        sign = "higher" if row.estimate > 0 else "lower"
        section.text.append(f"{row.term}: {sign} S-score the next year "
                            f"({row.estimate:+.4f}, 95% CI {row.ci_low:+.4f} to "
                            f"{row.ci_high:+.4f}).")
    if significant.empty:
        section.text.append("No instrument's coefficient is distinguishable from zero at 95%.")
    study = analysis.event_study(store, focal.iso3, onset="exercise", outcome="un_sscore",
                                 start=1980, end=end)
    section.figures.append(figures.event_study_plot(
        study.table.rename(columns={"att": "estimate"}),
        f"Event study: S-score around the first joint exercise "
        f"({study.n_treated} treated partners, {study.n_never_treated} never treated)"))
    section.text.append(
        f"Event study (first joint exercise): overall ATT {study.overall_att:+.4f} "
        f"(95% CI {study.overall_ci[0]:+.4f} to {study.overall_ci[1]:+.4f}); leads "
        f"{'show no pre-trend' if study.pretrend_ok() else 'suggest a pre-trend'}. "
        f"{study.specification}")
    section.notes.extend(result.dropped and [f"Dropped: {', '.join(result.dropped)}"] or [])
    return section


def challenges_section(store: Store, focal: Country, start: int, end: int) -> Section:
    section = Section("challenges", "Challenges: tension, legal limits, domestic breaks")
    tension = analysis.tension_monitor(store, focal.iso3, start=start, end=end)
    coexisting = tension.coexisting()
    section.tables["Partners where engagement and tension coexist"] = coexisting
    if len(coexisting):
        names = ", ".join(str(v) for v in coexisting["name_2"].head(8))
        section.text.append(f"{len(coexisting)} partners combine engagement with tension "
                            f"in {start}–{end}: {names}.")
    if tension.events is not None:
        months = tension.events.months
        if len(months):
            section.tables["Event balance with partners (interstate events, both directions, "
                           "covered months only)"] = _event_totals(months)
        section.text.append(tension.events.note)
    hits = analysis.screen(store, country=focal.iso3, role="any")
    section.tables["Deliveries into UN arms-embargo windows (SIPRI × curated embargoes)"] = hits
    section.text.append(f"{len(hits)} SIPRI delivery-years involving {focal.name} fall "
                        "inside a UN Security Council arms-embargo window (partial embargoes "
                        "are flagged, not judged).")
    breaks = analysis.breakpoint_tests(store, focal.iso3)
    section.tables["Chow tests at domestic political breakpoints"] = breaks.table
    if "p_value" in breaks.table:
        strong = breaks.table[breaks.table["p_value"] < 0.05]
        section.text.append(f"{len(strong)} of {len(breaks.table)} breakpoint tests reject "
                            "'no break' at 5%.")
    return section


def _event_totals(months: pd.DataFrame) -> pd.DataFrame:
    """Partner totals over the covered months, most events first."""
    counts = ["events", "verbal_coop", "material_coop", "verbal_conflict", "material_conflict",
              "net_coop", "goldstein_sum"]
    totals = months.groupby(["iso3_2", "name_2"], dropna=False)[counts].sum().reset_index()
    totals["goldstein_mean"] = totals["goldstein_sum"] / totals["events"].where(
        totals["events"] > 0)
    totals = totals.drop(columns="goldstein_sum")
    return totals.sort_values("events", ascending=False).head(15).reset_index(drop=True)


def regions_section(store: Store, focal: Country, start: int, end: int,
                    regions: tuple[str, ...] = ("nato", "middle_east", "africa")) -> Section:
    section = Section("regions", "Case studies: NATO allies, the Middle East, Africa")
    for region in regions:
        case = analysis.region_case(store, focal.iso3, region, start=start, end=end)
        section.tables[f"{case.description}: top partners"] = case.top_partners
        if len(case.top_partners) and "name" in case.top_partners:
            top = ", ".join(case.top_partners["name"].astype(str).head(3))
            section.text.append(f"{case.description}: top partners {top} "
                                f"({len(case.members)} states in the region).")
        if len(case.engagement):
            section.figures.append(figures.line_plot(
                case.engagement.melt(id_vars="year", var_name="instrument", value_name="v")
                .dropna(), "year", "v", "instrument",
                f"{case.description}: engagement by instrument", "volume"))
        section.notes.extend(case.notes)
    return section


def trends_section(store: Store, focal: Country, end: int, horizon: int = 5) -> Section:
    section = Section("trends", "Trends and five-year forecasts")
    result = analysis.trends(store, focal.iso3, start=1995, end=end, horizon=horizon)
    section.tables["Backtest on held-out final years"] = result.backtest
    for row in result.backtest.dropna(subset=["mae"]).itertuples():
        ahead = result.forecasts[result.forecasts["instrument"] == row.instrument]
        if ahead.empty:
            continue
        last = ahead.iloc[-1]
        section.text.append(
            f"{str(row.instrument).replace('_', ' ')}: forecast {last['mean']:,.0f} in "
            f"{int(last['year'])} (95% PI {last['pi_low']:,.0f}–{last['pi_high']:,.0f}); "
            f"backtest on the last {int(row.holdout_years)} observed years: MAE "
            f"{row.mae:,.1f}, MAPE {row.mape:.0f}%.")
    for instrument, history in result.series.groupby("instrument", sort=True):
        forecast = result.forecasts[result.forecasts["instrument"] == instrument]
        if forecast.empty:
            continue
        section.figures.append(figures.forecast_plot(
            history.dropna(subset=["value"]),
            forecast.rename(columns={"pi_low": "lower", "pi_high": "upper"}),
            f"{str(instrument).replace('_', ' ')}: observed and {len(forecast)}-year forecast",
            str(instrument)))
    section.tables["Forecasts with 95% prediction intervals"] = result.forecasts
    return section


def standing_section(store: Store, focal: Country) -> Section:
    section = Section("standing", "Standing and soft power")
    tables = Tables.from_store(store)
    frame, sizes = pd.DataFrame(), pd.DataFrame()
    if tables.has("network_standing"):
        standing = tables.table("network_standing")
        frame = to_frame(standing.filter(standing.ccode == focal.ccode).order_by("year"))
        sizes = to_frame(standing.group_by("year").aggregate(states=standing.count()))
    if len(frame):
        full = set(sizes.loc[sizes["states"] >= 0.75 * sizes["states"].max(), "year"])
        frame = frame[frame["year"].isin(full)]
        section.figures.append(figures.line_plot(
            frame.assign(series="network rank (PageRank)"), "year", "rank", "series",
            "Rank in the engagement graph (1 = most central)", "rank"))
        last = frame.iloc[-1]
        section.text.append(f"{int(last['year'])}: rank {int(last['rank'])} by PageRank "
                            f"centrality, {int(last['partners'])} partners.")
        section.tables["Network standing by year"] = frame.sort_values("year", ascending=False)
        section.notes.append("Only years in which the engagement graph covers at least three "
                             "quarters of the states are shown: in other years fewer sources "
                             "report (Lowy editions are biennial; curated records only after "
                             "2023), and ranks are not comparable.")
    lowy = tables.table("lowy_posts")
    lowy = lowy.filter(lowy.sender_iso3 == focal.iso3)
    posts = to_frame(lowy.group_by("year").aggregate(
        posts=lowy.count(), host_countries=lowy.host_iso3.nunique(),
        lowy_rank=lowy.overall_rank.min()).order_by("year"))
    if len(posts):
        section.tables["Diplomatic network (Lowy Global Diplomacy Index)"] = posts
        last = posts.iloc[-1]
        section.text.append(f"{int(last['year'])}: {int(last['posts'])} diplomatic posts in "
                            f"{int(last['host_countries'])} host countries, Lowy rank "
                            f"{int(last['lowy_rank'])}.")
    return section
