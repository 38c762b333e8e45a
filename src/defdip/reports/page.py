"""Render a brief as one self-contained HTML page: a first page (key numbers, findings with
their evidence and section links, data as of), then the sections, then the sources.

No script and no external request: figures are inline SVG (``charts``, ``worldmap``), so the
page paints at once, scales from a phone (390 px) to a desktop (1,440 px) without horizontal
overflow (wide tables scroll inside their own box), and prints on A4 with nothing cut (print
CSS: tables wrap, figures shrink to the page and never split).
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd

from defdip.reports.charts import render_svg
from defdip.reports.model import EVIDENCE, Finding, KeyNumber, Section
from defdip.reports.worldmap import render_map

__all__ = ["STYLE", "cell_html", "render_page", "table_html"]

STYLE = """
*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1d2733;
background:#f5f7fa;line-height:1.45;overflow-wrap:anywhere}
header{background:#13294b;color:#fff;padding:20px 5vw}header h1{margin:0 0 6px;font-size:26px}
header p{margin:0;opacity:.85;font-size:14px}
nav{background:#fff;border-bottom:1px solid #dde3ea;padding:6px 5vw;font-size:14px}
nav a{margin-right:12px;color:#13294b;text-decoration:none;display:inline-block}
main{padding:4px 5vw 24px;max-width:1180px}
section{background:#fff;border:1px solid #dde3ea;border-radius:8px;margin:16px 0;
padding:14px 20px;min-width:0}
h2{margin:0 0 8px;color:#13294b;font-size:20px}h3{font-size:15px;margin:14px 0 6px}
.numbers{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:10px;
margin:8px 0 14px}.number{border:1px solid #dde3ea;border-radius:6px;padding:8px 10px}
.number b{display:block;font-size:21px;color:#13294b;font-variant-numeric:tabular-nums}
.number span{font-size:13px}.number small{display:block;color:#5b6b7c;font-size:12px}
ul.findings{padding-left:20px}ul.findings li{margin:5px 0}
.ev{display:inline-block;font-size:11px;border-radius:9px;padding:0 7px;margin-right:6px;
color:#fff;white-space:nowrap}.ev-strong{background:#1a7f37}.ev-moderate{background:#9a6700}
.ev-weak{background:#6e7781}
figure{margin:12px 0;break-inside:avoid;page-break-inside:avoid}
figure svg{width:100%;height:auto;display:block;max-width:100%}
.chart svg text{font-size:12px;fill:#33414f}.chart svg .axis{font-size:12px;fill:#5b6b7c}
.chart .grid{stroke:#e6ebf0}.chart .zero{stroke:#888}.chart .ref{stroke:#888;
stroke-dasharray:4 4}.chart .band{fill:#0072B2;opacity:.15}
.chart-title{font-weight:600;font-size:14px;margin-bottom:4px}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;margin-top:4px}
.legend i{display:inline-block;width:18px;border-top:3px solid;margin-right:5px;
vertical-align:middle}.legend b{display:inline-block;width:12px;height:12px;margin-right:5px;
vertical-align:middle;border:1px solid #c7ced6}
.table-wrap{max-width:100%;overflow-x:auto;margin:6px 0 14px}
table{border-collapse:collapse;font-size:13px;width:100%}caption{text-align:left;
font-weight:600;padding:4px 0;caption-side:top}th,td{border-bottom:1px solid #e6ebf0;
padding:4px 8px;text-align:left;vertical-align:top}th{background:#f5f7fa}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.note,figcaption{color:#5b6b7c;font-size:13px}
.omitted{color:#5b6b7c;font-size:14px}footer{padding:0 5vw 32px;font-size:12px;
color:#5b6b7c}footer li{margin:3px 0}a{color:#0b4f9c}
@media (max-width:600px){header h1{font-size:21px}section{padding:10px 12px}
table{font-size:12px}}
@media print{@page{size:A4;margin:14mm 12mm}body{background:#fff;font-size:11pt;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
nav{display:none}header{background:#fff;color:#13294b;padding:0 0 6px}
main,footer{padding:0;max-width:none}section{border:none;padding:0;margin:0 0 10px}
#summary{break-after:page}.table-wrap{overflow:visible}table{table-layout:fixed;
font-size:8.5pt}td.num{white-space:normal}th,td{padding:2px 4px}
tr,figure{break-inside:avoid}a{color:#1d2733;text-decoration:none}
.number{break-inside:avoid}}
"""

_YEARISH = re.compile(r"year|first|last|since|until|from|ordered|joined|left_in|break|"
                      r"\bid\b", re.IGNORECASE)


def cell_html(value: Any, column: str = "") -> tuple[str, bool]:
    """A table cell: (HTML, is-number). Integers as integers, years without separators,
    missing as a dash, URLs as links."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return "—", False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15 and \
            _YEARISH.search(column):
        value = int(value)
    if isinstance(value, int):
        plain = _YEARISH.search(column) and (1000 <= value <= 2200 or " id" in f" {column}")
        text = str(value) if plain else f"{value:,}"
        return text, True
    if isinstance(value, float):
        places = next((d for d in range(3) if abs(round(value, d) - value) < 1e-9), 3)
        return f"{value:,.{places}f}", True
    text = str(value)
    if text.startswith("http"):
        return " ".join(f'<a href="{html.escape(u)}">{html.escape(_short(u))}</a>'
                        for u in text.split()), False
    return html.escape(text), False


def _short(url: str) -> str:
    host = re.sub(r"^https?://(www\.)?", "", url).split("/")[0]
    return host or url


def table_html(frame: pd.DataFrame, caption: str, max_rows: int = 25) -> str:
    """A table in its own scroll box (so a wide table never widens the page)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.head(max_rows).itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            text, numeric = cell_html(value, str(column))
            cells.append(f'<td class="num">{text}</td>' if numeric else f"<td>{text}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    more = (f'<p class="note">{len(frame) - max_rows:,} more rows in the JSON format.</p>'
            if len(frame) > max_rows else "")
    return (f'<div class="table-wrap"><table><caption>{html.escape(caption)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>{more}")


def _finding(f: Finding, link: bool) -> str:
    badge = f'<span class="ev ev-{f.strength}" title="{html.escape(EVIDENCE[f.strength])}">' \
            f"{f.strength} evidence</span>"
    more = f' <a href="#{f.section}">→ section</a>' if link else ""
    return f"<li>{badge}{html.escape(f.text)}{more}</li>"


def _numbers(numbers: list[KeyNumber]) -> str:
    cards = "".join(
        f'<div class="number" data-key="{n.key}"><b>{html.escape(n.shown())}</b>'
        f"<span>{html.escape(n.label)}</span><small>{html.escape(n.note)}</small></div>"
        for n in numbers)
    return f'<div class="numbers">{cards}</div>'


def _section(section: Section, shapes: dict[str, str]) -> str:
    parts = [f'<section id="{section.id}"><h2>{html.escape(section.title)}</h2>']
    if section.findings:
        parts.append('<ul class="findings">' + "".join(_finding(f, False)
                                                     for f in section.findings) + "</ul>")
    parts += [f"<p>{html.escape(t)}</p>" for t in section.text]
    for spec in section.figures:
        parts.append(render_map(spec, shapes) if spec["type"] == "map" else render_svg(spec))
    for caption, frame in section.tables.items():
        parts.append(table_html(frame, caption))
    parts += [f'<p class="note">{html.escape(n)}</p>' for n in section.notes]
    return "".join(parts) + "</section>"


def render_page(title: str, subtitle: str, numbers: list[KeyNumber],
                findings: list[Finding], as_of: list[dict[str, Any]], sections: list[Section],
                shapes: dict[str, str], footer_html: str, reading: list[str]) -> str:
    """The whole brief as HTML (every string escaped; figures inline SVG)."""
    shown = [s for s in sections if s.omitted is None]
    left = [s for s in sections if s.omitted is not None]
    nav = '<a href="#summary">Summary</a>' + "".join(
        f'<a href="#{s.id}">{html.escape(s.title.split(":")[0])}</a>' for s in shown)
    summary = (
        '<section id="summary"><h2>Summary</h2>' + _numbers(numbers)
        + "<h3>Findings</h3><ul class=\"findings\">"
        + "".join(_finding(f, True) for f in findings) + "</ul>"
        + "".join(f'<p class="note">{html.escape(r)}</p>' for r in reading)
        + table_html(pd.DataFrame(as_of), "Data as of (the last year or month each source "
                     "holds)", max_rows=40)
        + ("<h3>Left out</h3><ul>" + "".join(
            f'<li class="omitted">{html.escape(s.title)}: {html.escape(str(s.omitted))}</li>'
            for s in left) + "</ul>" if left else "")
        + "</section>")
    body = "".join(_section(s, shapes) for s in shown)
    return ("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<header><h1>{html.escape(title)}</h1><p>{html.escape(subtitle)}</p></header>"
            f"<nav>{nav}</nav><main>{summary}{body}</main><footer>{footer_html}</footer>"
            "</body></html>")
