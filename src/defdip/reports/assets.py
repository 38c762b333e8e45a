"""Assets inlined into every brief so it renders with no network at all.

plotly.js comes from the installed ``plotly`` package. Plotly's ``geo`` subplots fetch a
world topojson from a CDN whenever a trace has a ``locationmode``; the brief draws every
country itself from the Natural Earth features in the store, so it registers an empty
topology under the name Plotly looks for and hides Plotly's own base layers.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import plotly

__all__ = ["GEO_BOOTSTRAP", "plotly_js"]

# Plotly names the topology "<scope>_<resolution>m"; the brief uses scope world, 110 m.
GEO_BOOTSTRAP = ("window.PlotlyGeoAssets = {topojson: {world_110m: "
                 + json.dumps({"type": "Topology", "objects": {}, "arcs": []}) + "}};")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The minified plotly.js bundle shipped inside the ``plotly`` Python package."""
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path.read_text(encoding="utf-8")


