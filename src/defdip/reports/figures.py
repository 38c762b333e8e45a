"""Plotly figures for the brief, each returned as plain JSON-ready dicts."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import plotly.graph_objects as go

__all__ = ["INSTRUMENT_COLOURS", "bars_by_year", "event_study_plot", "forecast_plot",
           "line_plot", "world_map"]

INSTRUMENT_COLOURS = {
    "exercise": "#1f77b4", "arms_transfer": "#d62728", "technology_transfer": "#ff7f0e",
    "defence_agreement": "#2ca02c", "peacekeeping_deployment": "#17becf",
    "operation": "#9467bd", "base_presence": "#8c564b", "membership": "#7f7f7f",
    "diplomatic_post": "#bcbd22", "attache_post": "#e377c2", "training_programme": "#aec7e8",
    "visit": "#98df8a", "port_call": "#c5b0d5",
}
LAYOUT = dict(template="plotly_white", margin=dict(l=40, r=20, t=50, b=40), height=440)


def _plain(fig: go.Figure) -> dict[str, Any]:
    return json.loads(fig.to_json())


def world_map(partners: pd.DataFrame, features: list[dict[str, Any]], focal_iso3: str,
              title: str, markers: pd.DataFrame | None = None) -> dict[str, Any]:
    """Partners coloured by their main instrument; the focal state dark; others grey.

    ``partners``: iso3, name, instrument (the main one), hover (text). ``features``: GeoJSON
    features with ``properties.iso_a3``. ``markers``: iso3, name, lat, lon, instrument for
    partners too small for the 1:110m map.
    """
    geojson = {"type": "FeatureCollection", "features": features}
    all_iso = [f["properties"]["iso_a3"] for f in features]
    fig = go.Figure(go.Choropleth(
        geojson=geojson, featureidkey="properties.iso_a3", locations=all_iso,
        z=[0] * len(all_iso), colorscale=[[0, "#e9edf1"], [1, "#e9edf1"]], showscale=False,
        marker_line_color="#ffffff", marker_line_width=0.5, hoverinfo="skip", name="other"))
    for instrument, group in partners.groupby("instrument", sort=True):
        colour = INSTRUMENT_COLOURS.get(str(instrument), "#444444")
        fig.add_trace(go.Choropleth(
            geojson=geojson, featureidkey="properties.iso_a3", locations=group["iso3"],
            z=[1] * len(group), colorscale=[[0, colour], [1, colour]], showscale=False,
            marker_line_color="#ffffff", marker_line_width=0.5, text=group["hover"],
            hovertemplate="%{text}<extra></extra>", name=str(instrument).replace("_", " "),
            showlegend=True))
    fig.add_trace(go.Choropleth(
        geojson=geojson, featureidkey="properties.iso_a3", locations=[focal_iso3], z=[1],
        colorscale=[[0, "#13294b"], [1, "#13294b"]], showscale=False, name=focal_iso3,
        hovertemplate=f"{focal_iso3}<extra></extra>"))
    if markers is not None and len(markers):
        fig.add_trace(go.Scattergeo(
            lat=markers["lat"], lon=markers["lon"], text=markers["hover"], mode="markers",
            marker=dict(size=7, color=[INSTRUMENT_COLOURS.get(i, "#444")
                                       for i in markers["instrument"]],
                        line=dict(color="#fff", width=1)),
            hovertemplate="%{text}<extra></extra>", name="small states", showlegend=False))
    fig.update_geos(showland=False, showcoastlines=False, showcountries=False,
                    showocean=False, showlakes=False, showrivers=False, showframe=False,
                    projection_type="natural earth", lataxis_range=[-58, 85])
    fig.update_layout(title=title, legend=dict(orientation="h", y=-0.05), height=520,
                      margin=dict(l=0, r=0, t=50, b=0), template="plotly_white")
    return _plain(fig)


def bars_by_year(frame: pd.DataFrame, x: str, y: str, colour: str,
                 title: str, y_title: str) -> dict[str, Any]:
    fig = go.Figure()
    for key, group in frame.groupby(colour, sort=True):
        fig.add_trace(go.Bar(x=group[x], y=group[y], name=str(key).replace("_", " "),
                             marker_color=INSTRUMENT_COLOURS.get(str(key))))
    fig.update_layout(barmode="stack", title=title, yaxis_title=y_title, **LAYOUT)
    return _plain(fig)


def line_plot(frame: pd.DataFrame, x: str, y: str, colour: str, title: str,
              y_title: str) -> dict[str, Any]:
    fig = go.Figure()
    for key, group in frame.groupby(colour, sort=True):
        fig.add_trace(go.Scatter(x=group[x], y=group[y], mode="lines+markers",
                                 name=str(key), marker=dict(size=4)))
    fig.update_layout(title=title, yaxis_title=y_title, **LAYOUT)
    return _plain(fig)


def event_study_plot(frame: pd.DataFrame, title: str) -> dict[str, Any]:
    """Event-time estimates with confidence intervals; leads left of the dashed line."""
    fig = go.Figure(go.Scatter(
        x=frame["event_time"], y=frame["estimate"], mode="markers+lines",
        error_y=dict(type="data", symmetric=False,
                     array=frame["ci_high"] - frame["estimate"],
                     arrayminus=frame["estimate"] - frame["ci_low"]),
        name="estimate"))
    fig.add_hline(y=0, line_color="#888")
    fig.add_vline(x=-0.5, line_dash="dash", line_color="#888")
    fig.update_layout(title=title, xaxis_title="years relative to onset",
                      yaxis_title="effect on the outcome", **LAYOUT)
    return _plain(fig)


def forecast_plot(history: pd.DataFrame, forecast: pd.DataFrame, title: str,
                  y_title: str) -> dict[str, Any]:
    """History (year, value) and forecast (year, mean, lower, upper) with its interval."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=history["year"], y=history["value"], mode="lines+markers",
                             name="observed"))
    fig.add_trace(go.Scatter(
        x=list(forecast["year"]) + list(forecast["year"])[::-1],
        y=list(forecast["upper"]) + list(forecast["lower"])[::-1], fill="toself",
        fillcolor="rgba(31,119,180,0.18)", line=dict(width=0), name="prediction interval",
        hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=forecast["year"], y=forecast["mean"], mode="lines",
                             line=dict(dash="dash"), name="forecast"))
    fig.update_layout(title=title, yaxis_title=y_title, **LAYOUT)
    return _plain(fig)
