"""Figure specs (plain, JSON-ready dicts) and their rendering as inline SVG.

A spec says what to draw — ``{"type": "lines" | "bars" | "intervals", "title", "x_label",
"y_label", "series": [{"name", "x", "y", "low", "high", "dash"}], "vline", "note"}`` — and
:func:`render_svg` draws it. SVG needs no script, scales to any width (a ``viewBox``, so nothing
overflows a phone screen), prints sharp on A4, and each mark carries a ``<title>`` the browser
shows on hover (year and value). The web app renders the same specs with the same function.
Maps are drawn by :mod:`defdip.reports.worldmap`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

__all__ = ["PALETTE", "bars", "fmt_number", "intervals", "lines", "render_svg"]

#: Okabe–Ito colours (distinguishable with the common colour-vision deficiencies), then greys.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442", "#7f7f7f", "#b3b3b3")
W, H = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 44


def _clean(values: Sequence[Any]) -> list[float | None]:
    out: list[float | None] = []
    for v in values:
        try:
            f = float(v)
        except (TypeError, ValueError):
            out.append(None)
            continue
        out.append(None if math.isnan(f) else f)
    return out


def lines(title: str, series: list[dict[str, Any]], *, x_label: str = "year",
          y_label: str = "", note: str = "", vline: float | None = None,
          bands: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Lines over x (years by default): each series ``{"name", "x", "y", "dash"?}``;
    ``bands``: shaded ``{"x", "low", "high", "name"}`` (prediction intervals)."""
    return {"type": "lines", "title": title, "x_label": x_label, "y_label": y_label,
            "series": series, "bands": bands or [], "vline": vline, "note": note}


def bars(title: str, series: list[dict[str, Any]], *, x_label: str = "year",
         y_label: str = "", note: str = "") -> dict[str, Any]:
    """Stacked bars per x: each series ``{"name", "x", "y"}`` is one colour of the stack."""
    return {"type": "bars", "title": title, "x_label": x_label, "y_label": y_label,
            "series": series, "note": note}


def intervals(title: str, x: Sequence[Any], y: Sequence[Any], low: Sequence[Any],
              high: Sequence[Any], *, x_label: str, y_label: str, vline: float | None = None,
              labels: Sequence[str] | None = None, note: str = "") -> dict[str, Any]:
    """Point estimates with their confidence intervals (an event study, coefficients)."""
    return {"type": "intervals", "title": title, "x_label": x_label, "y_label": y_label,
            "series": [{"name": "estimate", "x": list(x), "y": list(y), "low": list(low),
                        "high": list(high), "labels": list(labels or [])}],
            "vline": vline, "note": note}


def fmt_number(value: float, integers: bool) -> str:
    """A tick or hover value: integers without decimals, years without separators."""
    if integers or float(value).is_integer() and abs(value) >= 10:
        return f"{int(round(value)):,}"
    return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.1f}"


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if hi <= lo:
        hi = lo + 1
    step = 10 ** math.floor(math.log10((hi - lo) / n))
    for mult in (1, 2, 2.5, 5, 10):
        if (hi - lo) / (step * mult) <= n:
            step *= mult
            break
    first = math.floor(lo / step) * step
    return [float(first + i * step) for i in range(int(math.ceil((hi - first) / step)) + 1)]


class _Frame:
    """Maps data to the plot area and draws the axes."""

    def __init__(self, xs: list[float], ys: list[float], year_axis: bool, zero: bool) -> None:
        self.x0, self.x1 = min(xs), max(xs)
        if self.x0 == self.x1:
            self.x0, self.x1 = self.x0 - 1, self.x1 + 1
        lo, hi = min(ys), max(ys)
        if zero:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        self.yt = _ticks(lo, hi)
        self.y0, self.y1 = self.yt[0], self.yt[-1]
        self.year_axis = year_axis
        self.integers = all(float(v).is_integer() for v in ys)

    def px(self, x: float) -> float:
        pad = 0.5 if self.year_axis else 0.0
        return LEFT + (x - self.x0 + pad) / (self.x1 - self.x0 + 2 * pad) * (W - LEFT - RIGHT)

    def py(self, y: float) -> float:
        return TOP + (self.y1 - y) / (self.y1 - self.y0) * (H - TOP - BOTTOM)

    def axes(self, x_label: str, y_label: str) -> list[str]:
        out = []
        for t in self.yt:
            y = self.py(t)
            out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                       f'class="grid"/><text x="{LEFT - 6}" y="{y + 4:.1f}" '
                       f'text-anchor="end">{fmt_number(t, self.integers and t.is_integer())}'
                       "</text>")
        span = self.x1 - self.x0
        step = max(1, int(_ticks(0, span, 8)[1])) if span > 8 else 1
        first = math.ceil(self.x0 / step) * step
        x = first
        while x <= self.x1 + 1e-9:
            label = str(int(x)) if float(x).is_integer() else f"{x:g}"
            out.append(f'<text x="{self.px(x):.1f}" y="{H - BOTTOM + 16}" '
                       f'text-anchor="middle">{label}</text>')
            x += step
        out.append(f'<text x="{(LEFT + W - RIGHT) / 2:.0f}" y="{H - 6}" text-anchor="middle" '
                   f'class="axis">{html.escape(x_label)}</text>')
        out.append(f'<text transform="translate(14 {(TOP + H - BOTTOM) / 2:.0f}) rotate(-90)" '
                   f'text-anchor="middle" class="axis">{html.escape(y_label)}</text>')
        return out


def _hover(name: str, x: float, y: float, integers: bool, extra: str = "") -> str:
    xs = str(int(x)) if float(x).is_integer() else f"{x:g}"
    return html.escape(f"{name} · {xs}: {fmt_number(y, integers)}{extra}")


def _legend(names: list[str], dashed: set[str] | None = None) -> str:
    items = []
    for i, name in enumerate(names):
        colour = PALETTE[i % len(PALETTE)]
        style = "border-top-style:dashed;" if dashed and name in dashed else ""
        items.append(f'<span><i style="border-color:{colour};{style}"></i>'
                     f"{html.escape(name)}</span>")
    return f'<div class="legend">{"".join(items)}</div>' if len(names) > 1 else ""


def render_svg(spec: dict[str, Any]) -> str:
    """The spec as a ``<figure>`` holding an SVG, its legend and its note."""
    kind = spec["type"]
    series = spec.get("series") or []
    points = [(x, y) for s in series for x, y in zip(_clean(s["x"]), _clean(s["y"]),
                                                      strict=True) if x is not None and
              y is not None]
    if not points:
        return ""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    for s in series:
        ys += [v for v in _clean(s.get("low") or []) + _clean(s.get("high") or [])
               if v is not None]
    for band in spec.get("bands") or []:
        ys += [v for v in _clean(band["low"]) + _clean(band["high"]) if v is not None]
    if kind == "bars":
        totals: dict[float, float] = {}
        for x, y in points:
            totals[x] = totals.get(x, 0.0) + y
        ys = list(totals.values()) + [0.0]
    year_axis = spec.get("x_label", "year") == "year" or kind == "bars"
    frame = _Frame(xs, ys, year_axis, zero=kind != "lines" or min(ys) >= 0)
    body = frame.axes(spec.get("x_label", ""), spec.get("y_label", ""))
    if spec.get("vline") is not None:
        x = frame.px(float(spec["vline"]))
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{H - BOTTOM}" '
                    'class="ref"/>')
    if frame.y0 < 0 < frame.y1:
        body.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{frame.py(0):.1f}" '
                    f'y2="{frame.py(0):.1f}" class="zero"/>')
    draw = {"lines": _draw_lines, "bars": _draw_bars, "intervals": _draw_intervals}[kind]
    body += draw(spec, frame)
    title = html.escape(spec.get("title", ""))
    names = [s["name"] for s in series] if kind != "intervals" else []
    dashed = {s["name"] for s in series if s.get("dash")}
    note = f'<figcaption class="note">{html.escape(spec["note"])}</figcaption>' \
        if spec.get("note") else ""
    return (f'<figure class="chart"><div class="chart-title">{title}</div>'
            f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{title}" '
            f'preserveAspectRatio="xMidYMid meet">{"".join(body)}</svg>'
            f"{_legend(names, dashed)}{note}</figure>")


def _draw_lines(spec: dict[str, Any], frame: _Frame) -> list[str]:
    out = []
    for band in spec.get("bands") or []:
        pts = [(x, lo, hi) for x, lo, hi in zip(_clean(band["x"]), _clean(band["low"]),
                                                 _clean(band["high"]), strict=True)
               if None not in (x, lo, hi)]
        if pts:
            path = " ".join(f"{frame.px(x):.1f},{frame.py(hi):.1f}" for x, _, hi in pts)
            back = " ".join(f"{frame.px(x):.1f},{frame.py(lo):.1f}" for x, lo, _ in pts[::-1])
            out.append(f'<polygon points="{path} {back}" class="band"><title>'
                       f'{html.escape(band.get("name", "interval"))}</title></polygon>')
    for i, s in enumerate(spec["series"]):
        colour = PALETTE[i % len(PALETTE)]
        pts = [(x, y) for x, y in zip(_clean(s["x"]), _clean(s["y"]), strict=True)
               if x is not None and y is not None]
        segments: list[list[tuple[float, float]]] = [[]]
        for k, (x, y) in enumerate(pts):  # a gap of years is a gap in the line
            if k and frame.year_axis and x - pts[k - 1][0] > 1:
                segments.append([])
            segments[-1].append((x, y))
        dash = ' stroke-dasharray="5 4"' if s.get("dash") else ""
        for seg in segments:
            if len(seg) > 1:
                path = " ".join(f"{frame.px(x):.1f},{frame.py(y):.1f}" for x, y in seg)
                out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                           f'stroke-width="2"{dash}/>')
        integers = frame.integers
        for x, y in pts:
            out.append(f'<circle cx="{frame.px(x):.1f}" cy="{frame.py(y):.1f}" r="2.6" '
                       f'fill="{colour}"><title>{_hover(s["name"], x, y, integers)}</title>'
                       "</circle>")
    return out


def _draw_bars(spec: dict[str, Any], frame: _Frame) -> list[str]:
    out = []
    base: dict[float, float] = {}
    width = max(2.0, (frame.px(1) - frame.px(0)) * 0.8) if frame.x1 > frame.x0 else 20.0
    for i, s in enumerate(spec["series"]):
        colour = PALETTE[i % len(PALETTE)]
        for x, y in zip(_clean(s["x"]), _clean(s["y"]), strict=True):
            if x is None or not y:
                continue
            below = base.get(x, 0.0)
            top, bottom = frame.py(below + y), frame.py(below)
            base[x] = below + y
            out.append(f'<rect x="{frame.px(x) - width / 2:.1f}" y="{top:.1f}" '
                       f'width="{width:.1f}" height="{max(bottom - top, 0.5):.1f}" '
                       f'fill="{colour}"><title>{_hover(s["name"], x, y, True)}</title></rect>')
    return out


def _draw_intervals(spec: dict[str, Any], frame: _Frame) -> list[str]:
    out = []
    s = spec["series"][0]
    labels = s.get("labels") or [""] * len(s["x"])
    for x, y, lo, hi, label in zip(_clean(s["x"]), _clean(s["y"]), _clean(s["low"]),
                                   _clean(s["high"]), labels, strict=True):
        if None in (x, y, lo, hi):
            continue
        px = frame.px(x)
        extra = f" (95% CI {lo:+.3f} to {hi:+.3f}){' · ' + label if label else ''}"
        out.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{frame.py(lo):.1f}" '
                   f'y2="{frame.py(hi):.1f}" stroke="{PALETTE[0]}" stroke-width="2"/>'
                   f'<circle cx="{px:.1f}" cy="{frame.py(y):.1f}" r="4" fill="{PALETTE[0]}">'
                   f"<title>{html.escape(f'event time {int(x)}: {y:+.3f}')}"
                   f"{html.escape(extra)}</title></circle>")
    return out
