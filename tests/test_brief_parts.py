"""Pieces of the brief that need no store: statistics helpers, names, charts, cells."""

from __future__ import annotations

import pandas as pd
import pytest

from defdip.analysis.inference import holm, informative_tests, naive_errors
from defdip.reports.charts import lines, render_svg
from defdip.reports.page import cell_html
from defdip.reports.sec_engagements import exercise_key
from defdip.reports.sec_timeline import dedupe_exercises
from defdip.reports.worldmap import map_spec


def test_holm_matches_a_hand_computation():
    # sorted p: .01*3 = .03; .03*2 = .06; .04*1 = .04 -> running max .06
    assert list(holm([0.01, 0.04, 0.03])) == pytest.approx([0.03, 0.06, 0.06])


def test_degenerate_chow_tests_are_not_tests():
    table = pd.DataFrame({"f_stat": [0.0, 3.2, None], "p_value": [1.0, 0.04, None]})
    assert list(informative_tests(table).index) == [1]


def test_naive_forecast_error():
    mae, mape = naive_errors([1, 2, 3, 4, 10, 20], 2)  # predicts 4, 4 for 10, 20
    assert mae == pytest.approx(11.0) and mape == pytest.approx((0.6 + 0.8) / 2 * 100)


def test_exercise_series_and_missing_names():
    assert exercise_key("Anatolian Eagle 2008/3", None) == exercise_key("Anatolian Eagle",
                                                                        None)
    assert exercise_key("-9", None) is None and exercise_key(None, None) is None
    assert exercise_key("EFES-2018", "EFES") == "efes"


def test_one_exercise_recorded_by_two_sources_counts_once():
    frame = pd.DataFrame({
        "id": ["a", "b", "c"], "source": ["mme_exercises", "jme_exercises", "mme_exercises"],
        "start": pd.to_datetime(["2009-04-27", "2009-04-27", "2009-05-11"]),
        "key": [None, None, "joint warrior"]})
    assert list(dedupe_exercises(frame)["id"]) == ["a", "c"]


def test_cells_years_as_years_integers_as_integers():
    assert cell_html(2019, "year") == ("2019", True)
    assert cell_html(8.0, "first year") == ("8", True)
    assert cell_html(12345, "records") == ("12,345", True)
    assert cell_html(None, "x") == ("—", False)


def test_chart_is_scalable_svg_with_hover_and_escaped_text():
    svg = render_svg(lines("<t>", [{"name": "a&b", "x": [2000, 2001], "y": [1, 2]}]))
    assert 'viewBox="0 0 760 340"' in svg and "<title>" in svg and "&lt;t&gt;" in svg
    assert "2,000" not in svg


def test_map_legend_has_no_empty_entries():
    legend = [{"class": "a", "label": "A", "colour": "#000"},
              {"class": "b", "label": "B", "colour": "#111"}]
    spec = map_spec("m", "TUR", [{"key": "GRC", "class": "a", "hover": "x"}], legend)
    assert [item["class"] for item in spec["legend"]] == ["a"]
