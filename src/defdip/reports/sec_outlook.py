"""Section "Outlook": trends by instrument; a forecast only where it beats a naive forecast
(the last value carried forward) in the backtest, else one sentence why there is none; the
state's standing in the engagement network."""

from __future__ import annotations

import pandas as pd

from defdip import analysis
from defdip.analysis.inference import naive_errors
from defdip.errors import DefdipError
from defdip.reports import charts
from defdip.reports.facts import BriefContext
from defdip.reports.model import Section

__all__ = ["SERIES_WORDS", "outlook_section"]

SERIES_WORDS = {"arms_out_tiv": "arms exports (TIV m)", "arms_in_tiv": "arms imports (TIV m)",
                "exercises": "multinational exercises (MME)",
                "peacekeepers": "UN peacekeepers (monthly average)",
                "embassies": "embassies abroad (Lowy)",
                "diplomatic_posts": "diplomatic posts (Lowy)"}


def outlook_section(ctx: BriefContext) -> Section:
    section = Section("outlook", "Outlook")
    end = ctx.last("sipri_deliveries") or (ctx.end or 2024)
    try:
        result = analysis.trends(ctx.store, ctx.focal.iso3, start=ctx.start, end=end)
    except DefdipError as exc:
        section.omitted = f"No trends: {exc}"
        return section
    rows = []
    for row in result.backtest.itertuples():
        part = result.series[result.series["instrument"] == row.instrument]
        words = SERIES_WORDS.get(str(row.instrument), str(row.instrument))
        if pd.isna(row.mae):
            rows.append({"series": words, "years": f"{row.first_year}–{row.last_observed}",
                         "forecast": "none", "why": "too few observed years"})
            continue
        naive_mae, _ = naive_errors(part["value"].to_numpy(), int(row.holdout_years))
        if int(row.last_observed) < end - 1:
            rows.append({"series": words, "years": f"{row.first_year}–{row.last_observed}",
                         "model error (MAE)": round(float(row.mae), 1),
                         "naive error (MAE)": round(float(naive_mae), 1), "forecast": "none",
                         "why": f"the data end in {row.last_observed}: a forecast would be of "
                                "years already past"})
            continue
        beats = row.mae < naive_mae
        rows.append({"series": words, "years": f"{row.first_year}–{row.last_observed}",
                     "model error (MAE)": round(float(row.mae), 1),
                     "naive error (MAE)": round(float(naive_mae), 1),
                     "forecast": "shown" if beats else "none",
                     "why": "beats carrying the last value forward" if beats else
                     "does not beat carrying the last value forward"})
        fc = result.forecasts[result.forecasts["instrument"] == row.instrument]
        if beats and len(fc):
            section.figures.append(charts.lines(
                f"{words}: observed and {len(fc)}-year forecast",
                [{"name": "observed", "x": part["year"].tolist(),
                  "y": part["value"].round(1).tolist()},
                 {"name": "forecast", "x": fc["year"].tolist(),
                  "y": fc["mean"].round(1).tolist(), "dash": True}],
                y_label=words, bands=[{"name": "95% prediction interval",
                                       "x": fc["year"].tolist(), "low": fc["pi_low"].tolist(),
                                       "high": fc["pi_high"].tolist()}],
                note=f"Exponential smoothing with trend; backtest on the last "
                     f"{int(row.holdout_years)} observed years: model MAE {row.mae:,.1f} vs "
                     f"naive {naive_mae:,.1f}."))
            last = fc.iloc[-1]
            section.find(f"{words}: forecast {last['mean']:,.0f} in {int(last['year'])} (95% "
                         f"interval {last['pi_low']:,.0f}–{last['pi_high']:,.0f}); the model "
                         "beat a naive forecast in its backtest.", "weak", rank=80)
    if rows:
        section.tables["Forecasts: shown only where the model beats a naive forecast"] = \
            pd.DataFrame(rows)
        if not any(r["forecast"] == "shown" for r in rows):
            section.text.append("No forecast is shown: for no series did the model beat "
                                "carrying the last observed value forward in the backtest, so "
                                "a forecast line would claim more than the data support.")
    _standing(ctx, section)
    return section


def _standing(ctx: BriefContext, section: Section) -> None:
    if not ctx.store.has("network_standing") or ctx.focal.ccode is None:
        return
    frame = ctx.store.sql("SELECT year, rank, partners FROM network_standing WHERE ccode = ? "
                          "ORDER BY year", [ctx.focal.ccode])
    sizes = ctx.store.sql("SELECT year, count(*) AS states FROM network_standing GROUP BY 1")
    full = set(sizes.loc[sizes["states"] >= 0.75 * sizes["states"].max(), "year"])
    frame = frame[frame["year"].isin(full) & (frame["year"] >= ctx.start)]
    if frame.empty:
        return
    section.figures.append(charts.lines(
        f"{ctx.focal.name}'s rank in the engagement network (1 = most central)",
        [{"name": "rank (PageRank)", "x": frame["year"].tolist(),
          "y": frame["rank"].tolist()}], y_label="rank",
        note="Only years in which the engagement data cover at least three quarters of "
             "the states; data that cover every state only."))
    last = frame.iloc[-1]
    section.text.append(f"In {int(last['year'])} it ranked {int(last['rank'])} in the "
                        f"engagement network ({int(last['partners'])} partners).")
