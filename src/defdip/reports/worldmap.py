"""The world map of a brief: a spec (which country gets which class, with hover text) and its
rendering as inline SVG over Natural Earth 1:110m shapes (Equal Earth projection).

Shapes are keyed by ISO3. Two Natural Earth features have no ISO3 code: "N. Cyprus" is keyed
``TRNC`` — the label the record uses for the Turkish Cypriot administration, so a post or
presence there never colours the Republic of Cyprus — and "Somaliland" is drawn as part of
Somalia (``SOM``), the state every source in the store codes it to.
"""

from __future__ import annotations

import html
import json
import math
from typing import Any

from defdip.store import Store

__all__ = ["UNNAMED_FEATURES", "map_shapes", "map_spec", "render_map"]

#: Natural Earth features without an ISO3 code → the key the brief uses for them.
UNNAMED_FEATURES = {"N. Cyprus": "TRNC", "Somaliland": "SOM"}
W, H = 760, 390
FOCAL_COLOUR = "#13294b"
OTHER_COLOUR = "#e3e8ee"


def _project(lon: float, lat: float) -> tuple[float, float]:
    """Equal Earth (Šavrič, Patterson & Jenny 2018), scaled to the map's box."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = math.sqrt(3) / 2
    lam, phi = math.radians(lon), math.radians(max(min(lat, 89.9), -89.9))
    theta = math.asin(m * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (m * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    scale = W / (2 * 2.7066)  # x spans ±2.7066 at the equator
    return W / 2 + x * scale, H * 0.53 - y * scale


def _ring(coords: list[list[float]]) -> str:
    """One ring as SVG path data; a ring that crosses the antimeridian (Russia, Fiji) is cut
    where it jumps across the map, so no line is drawn from one edge to the other."""
    parts: list[list[str]] = [[]]
    last = None
    prev_lon = None
    for lon, lat in coords:
        if prev_lon is not None and abs(lon - prev_lon) > 180:
            parts.append([])
            last = None
        prev_lon = lon
        x, y = _project(lon, lat)
        p = (round(x, 1), round(y, 1))
        if p != last:
            parts[-1].append(f"{p[0]:g},{p[1]:g}")
            last = p
    return "".join("M" + "L".join(pts) + "Z" for pts in parts if len(pts) > 2)


def map_shapes(store: Store) -> dict[str, str]:
    """Key (ISO3, or :data:`UNNAMED_FEATURES`) → SVG path data of the country's shape."""
    from defdip.queries.state_facts import map_features
    from defdip.queries.tables import Tables

    rows = map_features(Tables.from_store(store))
    shapes: dict[str, str] = {}
    for iso3, name, text in zip(rows["iso3"], rows["name"], rows["geometry"], strict=True):
        key = iso3 if isinstance(iso3, str) else UNNAMED_FEATURES.get(str(name))
        if key is None:
            continue
        shape = json.loads(text)
        geometry = shape.get("geometry", shape) if shape.get("type") == "Feature" else shape
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else \
            [geometry["coordinates"]]
        path = "".join(_ring(ring) for polygon in polygons for ring in polygon)
        shapes[key] = shapes.get(key, "") + path
    return shapes


def map_spec(title: str, focal: str, areas: list[dict[str, Any]],
             legend: list[dict[str, str]], points: list[dict[str, Any]] | None = None,
             note: str = "") -> dict[str, Any]:
    """``areas``: ``{"key", "class", "hover"}``; ``legend``: ``{"class", "label", "colour"}``
    in order — only classes some area or point uses are kept, so no legend entry is empty;
    ``points``: ``{"lat", "lon", "class", "hover"}`` for states too small for the map."""
    points = points or []
    used = {a["class"] for a in areas} | {p["class"] for p in points}
    return {"type": "map", "title": title, "focal": focal, "areas": areas,
            "points": points, "legend": [item for item in legend if item["class"] in used],
            "note": note}


def render_map(spec: dict[str, Any], shapes: dict[str, str]) -> str:
    """The map spec as a ``<figure>`` with an SVG (hover: ``<title>``) and its legend."""
    colours = {item["class"]: item["colour"] for item in spec["legend"]}
    areas = {a["key"]: a for a in spec["areas"]}
    parts = []
    for key, path in sorted(shapes.items()):
        if key == spec["focal"]:
            parts.append(f'<path d="{path}" fill="{FOCAL_COLOUR}" data-key="{key}">'
                         f"<title>{html.escape(spec.get('focal_name', key))}</title></path>")
            continue
        area = areas.get(key)
        if area is None:
            parts.append(f'<path d="{path}" fill="{OTHER_COLOUR}" data-key="{key}"/>')
            continue
        parts.append(f'<path d="{path}" fill="{colours[area["class"]]}" data-key="{key}">'
                     f"<title>{html.escape(area['hover'])}</title></path>")
    for point in spec["points"]:
        x, y = _project(float(point["lon"]), float(point["lat"]))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" '
                     f'fill="{colours[point["class"]]}" stroke="#fff" stroke-width="0.8">'
                     f"<title>{html.escape(point['hover'])}</title></circle>")
    legend = "".join(f'<span><b style="background:{item["colour"]}"></b>'
                     f'{html.escape(item["label"])}</span>' for item in spec["legend"])
    note = f'<figcaption class="note">{html.escape(spec["note"])}</figcaption>' \
        if spec.get("note") else ""
    title = html.escape(spec["title"])
    return (f'<figure class="chart map"><div class="chart-title">{title}</div>'
            f'<svg viewBox="0 0 {W} {H}" role="img" aria-label="{title}" class="worldmap">'
            f'<g stroke="#fff" stroke-width="0.4">{"".join(parts)}</g></svg>'
            f'<div class="legend swatches">{legend}</div>{note}</figure>')
