"""Natural Earth 1:110m admin-0 countries (world-atlas geometry as GeoJSON) for offline maps."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import SourceInfo, Whole, attach_codes, fetcher
from defdip.sources._checks import MIRROR_FIX

pd = lazy_import("pandas")

__all__ = ["INFO", "fetch", "parse"]

INFO = SourceInfo(
    name="natural_earth",
    title="Natural Earth Admin 0 countries, 1:110m (world-atlas 2.0.2 geometry as GeoJSON)",
    publisher="Natural Earth; TopoJSON by Mike Bostock (world-atlas)",
    version="Natural Earth v4.1.0 via world-atlas@2.0.2, decoded to GeoJSON",
    coverage="177 country features",
    url="https://www.naturalearthdata.com/",
    licence="Natural Earth: public domain; world-atlas TopoJSON: ISC licence",
    citation="""@misc{naturalearth110m,
  author = {{Natural Earth}},
  title = {Admin 0 -- Countries, 1:110m, version 4.1.0},
  year = {2018}, howpublished = {\\url{https://www.naturalearthdata.com/}},
  note = {Made with Natural Earth. TopoJSON: Bostock, world-atlas 2.0.2 (ISC)}
}""",
    files=(RawFile("countries", "natural_earth_110m/countries-110m.geojson",
                   "https://cdn.jsdelivr.net/npm/world-atlas@2/countries-110m.json"),),
    tables={"natural_earth_countries": "one row per feature (file order): feature, iso3, "
                                       "iso_n3, ccode, name, geometry (GeoJSON text)"},
    transformations=(
        "iso3 and ccode from the vocabulary by the feature's iso_a3, or by its name where it has "
        "none (N. Cyprus, Somaliland: declared non-state, null codes); territories without a "
        "COW code (Greenland, Antarctica …) keep a null ccode; the file's cown is not used",
        "each feature's geometry serialised as compact GeoJSON text",
    ),
    whole=(
        # this vintage: 177 rows
        Whole("natural_earth_countries", floor=150, generated=("feature",),
              required=("feature", "name")),
    ),
)


fetch = fetcher(INFO)


def _rows(path: Path) -> list[dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("type") == "Topology":
            raise SourceFormatError(path, "is TopoJSON (world-atlas), not the GeoJSON "
                                    "FeatureCollection this parser reads", fix=MIRROR_FIX)
        features = data["features"]
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise SourceFormatError(path, f"is not a GeoJSON FeatureCollection ({exc!r})") from exc
    rows = []
    for index, feature in enumerate(features):
        props = feature.get("properties") or {}
        if "name" not in props or "geometry" not in feature:
            raise SourceFormatError(path, f"feature {index} lacks 'properties.name' or "
                                    "'geometry'", column="properties.name")
        iso3 = props.get("iso_a3")
        rows.append({"feature": index, "label": iso3 or props["name"],
                     "iso_n3": props.get("iso_n3") or feature.get("id"), "name": props["name"],
                     "ccode_file": props.get("cown"),
                     "geometry": json.dumps(feature["geometry"], separators=(",", ":"))})
    return rows


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    path = files["countries"]
    frame = pd.DataFrame(_rows(path))
    frame = attach_codes(frame, "label", vocab, prefix="v", path=path)
    return {"natural_earth_countries": pd.DataFrame({
        "feature": frame["feature"].astype("int64"), "iso3": frame["v_iso3"],
        "iso_n3": frame["iso_n3"].astype("string"),
        "ccode": frame["v_ccode"],
        "name": frame["name"].astype("string"), "geometry": frame["geometry"].astype("string"),
    })}
