"""The Türkiye brief as data: its sections, figures, cited sources and numbers."""

from __future__ import annotations

import html
import json

import pytest

from defdip import sources
from defdip.errors import InvalidArgument
from defdip.reports import build_brief, write_brief
from defdip.reports.html import render_html


@pytest.fixture(scope="module")
def brief(built_store):
    return build_brief(built_store, "TUR")


def test_brief_has_every_section(brief):
    assert [s.id for s in brief.sections] == [
        "footprint", "timeline", "alignment", "effects", "challenges", "regions", "trends",
        "standing"]
    assert brief.country.name == "Türkiye" and brief.country.ccode == 640
    assert sum(len(s.figures) for s in brief.sections) >= 8


def test_alignment_matches_the_readme(brief):
    table = next(s for s in brief.sections if s.id == "alignment").tables
    frame = next(iter(table.values()))
    row = frame[(frame["year"] == 2019) & (frame["partner"] == "USA")].iloc[0]
    # unga_votes README: Turkey-USA identical-vote share 2019 = 0.348 on 89 joint votes.
    assert row["un_nvotes"] == 89 and row["un_agree"] == pytest.approx(0.348, abs=5e-4)


def test_json_has_the_same_content(brief, built_store, tmp_path):
    path = write_brief(built_store, "TUR", tmp_path / "brief.json", fmt="json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [s["id"] for s in data["sections"]] == [s.id for s in brief.sections]
    assert data["headline"] == brief.headline()
    assert {s["name"] for s in data["sources"]} == set(sources.all_sources())
    footprint = data["sections"][0]["tables"]["Partners and records by instrument"]
    assert {"exercise", "arms_transfer", "defence_agreement"} <= {r["kind"] for r in footprint}


def test_html_cites_every_source_with_its_checksum(built_store, tmp_path):
    path = write_brief(built_store, "TUR", tmp_path / "brief.html")
    text = path.read_text(encoding="utf-8")
    assert "SIPRI Arms Transfers Database" in text and "sha256" in text
    assert "cdn.plot.ly" not in text.split("<script>", 3)[-1]  # figures need no CDN
    for name in sources.all_sources():
        assert html.escape(sources.get(name).INFO.url) in text


def test_bad_format_is_refused(built_store, tmp_path):
    with pytest.raises(InvalidArgument, match=r"--format 'pdf' must be 'html' or 'json'"):
        write_brief(built_store, "TUR", tmp_path / "x.pdf", fmt="pdf")


def test_render_escapes_text():
    from defdip.reports.html import Section

    page = render_html("<t>", "s", [Section("a", "<b>", ["x < y"])], "")
    assert "<b>" not in page.split("<main>")[1] and "x &lt; y" in page


def test_a_shape_set_shared_by_traces_is_written_once():
    """A map colours countries in several traces that all carry the same GeoJSON: the page
    holds it once (the browser test checks that the maps still draw every country)."""
    from defdip.reports.html import Section

    shapes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso_a3": "ZZZ-marker"},
         "geometry": {"type": "Point", "coordinates": [0, 0]}}]}
    trace = {"type": "choropleth", "geojson": shapes, "locations": ["ZZZ-marker"], "z": [1]}
    figure = {"data": [trace, dict(trace), {"type": "scatter", "x": [1], "y": [2]}],
              "layout": {}}
    page = render_html("t", "s", [Section("a", "A", figures=[figure, figure])], "")
    assert page.count('"ZZZ-marker"}') == 1  # the shape's properties, once in GEO
    assert page.count('"geojson":{"defdipGeo":0}') == 4
    assert '"x":[1],"y":[2]' in page
