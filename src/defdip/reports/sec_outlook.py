"""Section "Outlook": trends by instrument; a forecast only where it beats a naive forecast
(the last value carried forward) in the backtest, else one sentence why there is none; the
state's standing in the engagement network."""

from __future__ import annotations

import pandas as pd

from defdip.analysis._common import Focal
from defdip.analysis.inference import naive_errors
from defdip.analysis.period import analysis_period, forecast_refusal
from defdip.analysis.trends import (
    _LOG_SERIES,
    TREND_INPUTS,
    engagement_series,
    forecast_series,
)
from defdip.errors import DefdipError
from defdip.queries import state_facts
from defdip.queries.yearly import StateCoverage
from defdip.reports import charts
from defdip.reports.facts import BriefContext
from defdip.reports.model import Section

__all__ = ["HOLDOUT", "SERIES_WORDS", "exercise_words", "outlook_section"]

#: Years held out in the backtest (as ``defdip trends`` does by default).
HOLDOUT = 3

SERIES_WORDS = {"arms_out_tiv": "arms exports (TIV m)", "arms_in_tiv": "arms imports (TIV m)",
                "exercises": "multinational exercises",
                "peacekeepers": "UN peacekeepers (monthly average)",
                "embassies": "embassies abroad (Lowy)",
                "diplomatic_posts": "diplomatic posts (Lowy)"}


#: The exercise series' sources in words (``queries.yearly.StateCoverage`` segments).
SOURCE_WORDS = {"mme_exercises": "MME", "jme_exercises": "JME", "curated": "curated record"}


def exercise_words(coverage: list[StateCoverage], first: int, last: int) -> str:
    """"multinational exercises (MME and JME 1995–2010; curated record 2003–2025)": the
    sources that observe the state's exercise series, each clipped to ``first``..``last``
    (after 2010 only the curated record, which covers its focal states only)."""
    spans: dict[tuple[int, int], list[str]] = {}
    for cov in coverage:
        if cov.instrument != "exercises":
            continue
        for seg in sorted(cov.segments, key=lambda s: (s.first, s.source)):
            lo, hi = max(seg.first, first), min(seg.last, last)
            if lo <= hi:
                spans.setdefault((lo, hi), []).append(SOURCE_WORDS.get(seg.source, seg.source))
    parts = [f"{' and '.join(sorted(names, key=lambda n: n != 'MME'))} "
             + (f"{lo}–{hi}" if lo != hi else str(lo)) for (lo, hi), names in spans.items()]
    return "multinational exercises" + (f" ({'; '.join(parts)})" if parts else "")


def outlook_section(ctx: BriefContext) -> Section:
    section = Section("outlook", "Outlook")
    focal = Focal(int(ctx.focal.ccode or 0), ctx.focal.iso3, ctx.focal.name)
    if ctx.focal.ccode is None:
        section.omitted = f"{ctx.focal.name} has no COW code: the trend series need one."
        return section
    period = analysis_period(ctx.tables, TREND_INPUTS, None, ctx.end,
                             default_start=ctx.start, iso3=ctx.focal.iso3)
    end = period.end
    series, coverage = engagement_series(ctx.store, focal, period.start, end)
    rows = []
    for name, part in series.groupby("instrument", sort=True):
        first, last_seen = int(part["year"].min()), int(part["year"].max())
        words = exercise_words(coverage, first, last_seen) if name == "exercises" else \
            SERIES_WORDS.get(str(name), str(name))
        row = {"series": words, "years": f"{first}–{last_seen}"}
        refusal = forecast_refusal(last_seen, end)  # the one rule, as `defdip trends`
        if refusal is not None:
            rows.append({**row, "forecast": "none", "why": refusal})
            continue
        try:
            fc = forecast_series(part["year"].to_numpy(), part["value"].to_numpy(),
                                 horizon=5, holdout=HOLDOUT, log=name in _LOG_SERIES)
        except DefdipError as exc:
            rows.append({**row, "forecast": "none", "why": str(exc)})
            continue
        naive_mae, _ = naive_errors(part["value"].to_numpy(), HOLDOUT)
        beats = fc.mae < naive_mae
        rows.append({**row, "model error (MAE)": round(float(fc.mae), 1),
                     "naive error (MAE)": round(float(naive_mae), 1),
                     "forecast": "shown" if beats else "none",
                     "why": "beats carrying the last value forward" if beats else
                     "does not beat carrying the last value forward"})
        table = fc.table
        if beats and len(table):
            section.figures.append(charts.lines(
                f"{words}: observed and {len(table)}-year forecast",
                [{"name": "observed", "x": part["year"].tolist(),
                  "y": part["value"].round(1).tolist()},
                 {"name": "forecast", "x": table["year"].tolist(),
                  "y": table["mean"].round(1).tolist(), "dash": True}],
                y_label=words, bands=[{"name": "95% prediction interval",
                                       "x": table["year"].tolist(),
                                       "low": table["pi_low"].tolist(),
                                       "high": table["pi_high"].tolist()}],
                note=f"Exponential smoothing with trend; backtest on the last {HOLDOUT} "
                     f"observed years: model MAE {fc.mae:,.1f} vs naive {naive_mae:,.1f}."))
            last = table.iloc[-1]
            section.find(f"{words}: forecast {last['mean']:,.0f} in {int(last['year'])} (95% "
                         f"interval {last['pi_low']:,.0f}–{last['pi_high']:,.0f}); the model "
                         "beat a naive forecast in its backtest.", "weak", rank=80)
    if rows:
        section.tables["Forecasts: shown only where the model beats a naive forecast"] = \
            pd.DataFrame(rows)
        if not any(r["forecast"] == "shown" for r in rows):
            section.text.append("No forecast is shown: where a series reaches the present, "
                                "the model did not beat carrying the last observed value "
                                "forward in the backtest, and the other series end too early or "
                                "are too short (table), so a forecast line would claim more "
                                "than the data support.")
    _standing(ctx, section)
    return section


def _standing(ctx: BriefContext, section: Section) -> None:
    if not ctx.store.has("network_standing") or ctx.focal.ccode is None:
        return
    frame = state_facts.network_standing(ctx.tables, int(ctx.focal.ccode or 0))
    sizes = state_facts.network_sizes(ctx.tables)
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
