"""Render a brief (a list of sections) as one self-contained HTML file."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from defdip.reports.assets import GEO_BOOTSTRAP, plotly_js

__all__ = ["Section", "render_html", "table_html"]


@dataclass
class Section:
    """One part of the brief: prose, figures (Plotly JSON) and tables (DataFrames)."""

    id: str
    title: str
    text: list[str] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2733;
background:#f5f7fa}header{background:#13294b;color:#fff;padding:24px 40px}
header h1{margin:0 0 6px;font-size:28px}header p{margin:0;opacity:.85}
nav{background:#fff;border-bottom:1px solid #dde3ea;padding:8px 40px;position:sticky;top:0;
z-index:5}nav a{margin-right:14px;color:#13294b;text-decoration:none;font-size:14px}
main{padding:8px 40px 40px;max-width:1280px}section{background:#fff;border:1px solid #dde3ea;
border-radius:8px;margin:18px 0;padding:18px 24px}h2{margin-top:0;color:#13294b}
ul.findings li{margin:4px 0}.figure{width:100%;min-height:420px}
table{border-collapse:collapse;font-size:13px;margin:8px 0 16px}caption{text-align:left;
font-weight:600;padding:4px 0}th,td{border-bottom:1px solid #e6ebf0;padding:4px 10px;
text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#5b6b7c;font-size:13px}footer{padding:0 40px 40px;font-size:12px;color:#5b6b7c}
pre{white-space:pre-wrap;font-size:11px;background:#f5f7fa;padding:8px}
"""


def _cell(value: Any, column: str = "") -> tuple[str, bool]:
    if isinstance(value, int) and "year" in column:
        return str(value), True  # 2019, not 2,019
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return "", False
    if isinstance(value, float):
        return (f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"), True
    if isinstance(value, int):
        return f"{value:,}", True
    return html.escape(str(value)), False


def table_html(frame: pd.DataFrame, caption: str, max_rows: int = 25) -> str:
    """A compact HTML table of the first ``max_rows`` rows, values escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.head(max_rows).itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            text, numeric = _cell(value.item() if hasattr(value, "item") else value, str(column))
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (f'<p class="note">{len(frame) - max_rows:,} more rows in the JSON format.</p>'
            if len(frame) > max_rows else "")
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{more}")


def _shared_geojson(figures: list[tuple[str, dict[str, Any]]]
                    ) -> tuple[list[Any], list[tuple[str, dict[str, Any]]]]:
    """Each distinct GeoJSON once: a map draws its countries in several traces (one per
    colour), and plotly's JSON repeats the whole shape set in every one of them. Traces keep
    ``{"defdipGeo": i}``, which the page's script swaps back for shape set ``i``."""
    index: dict[str, int] = {}
    shapes: list[Any] = []
    out = []
    for div, figure in figures:
        data = []
        for trace in figure.get("data", []):
            geo = trace.get("geojson")
            if isinstance(geo, dict):
                key = json.dumps(geo, sort_keys=True, separators=(",", ":"))
                if key not in index:
                    index[key] = len(shapes)
                    shapes.append(geo)
                trace = {**trace, "geojson": {"defdipGeo": index[key]}}
            data.append(trace)
        out.append((div, {**figure, "data": data}))
    return shapes, out


def render_html(title: str, subtitle: str, sections: list[Section],
                footer_html: str) -> str:
    """The whole brief: styles, plotly.js and every figure inline; no external request."""
    nav = "".join(f'<a href="#{s.id}">{html.escape(s.title)}</a>' for s in sections)
    body, figures = [], []
    for section in sections:
        parts = [f'<section id="{section.id}"><h2>{html.escape(section.title)}</h2>']
        if section.text:
            items = "".join(f"<li>{html.escape(t)}</li>" for t in section.text)
            parts.append(f'<ul class="findings">{items}</ul>')
        for number, figure in enumerate(section.figures):
            div = f"fig-{section.id}-{number}"
            parts.append(f'<div class="figure" id="{div}"></div>')
            figures.append((div, figure))
        for caption, frame in section.tables.items():
            parts.append(table_html(frame, caption))
        parts.extend(f'<p class="note">{html.escape(n)}</p>' for n in section.notes)
        parts.append("</section>")
        body.append("".join(parts))
    shapes, figures = _shared_geojson(figures)
    payload = json.dumps({div: fig for div, fig in figures}, separators=(",", ":"))
    geo = json.dumps(shapes, separators=(",", ":"))
    script = (
        "const GEO=" + geo.replace("</", "<\\/") + ";"
        "const FIGS=" + payload.replace("</", "<\\/") + ";"
        "for(const f of Object.values(FIGS))for(const t of f.data||[])"
        "if(t.geojson&&t.geojson.defdipGeo!==undefined)t.geojson=GEO[t.geojson.defdipGeo];"
        "const jobs=Object.entries(FIGS).map(([id,f])=>Plotly.newPlot(id,f.data,f.layout,"
        "{responsive:true,displaylogo:false}));"
        "Promise.all(jobs).then(()=>{document.body.dataset.rendered=String(jobs.length)});"
    )
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f"<script>{GEO_BOOTSTRAP}</script><script>{plotly_js()}</script></head><body>"
        f"<header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>"
        f"<nav>{nav}</nav><main>{''.join(body)}</main><footer>{footer_html}</footer>"
        f"<script>{script}</script></body></html>"
    )
