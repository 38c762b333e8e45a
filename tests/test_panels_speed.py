"""The shortcuts taken for speed give exactly the rows and values of the plain rules."""

from __future__ import annotations

import numpy as np
import pandas as pd

from defdip.panels import add_capital_distance, create_dyad_years
from defdip.panels.add_alliances import un_member_years
from defdip.panels.add_cow import vincenty_sphere_km


def test_un_member_years_equal_the_roll_call_join(loaded_store):
    """The votes' own year is the roll call's year, so joining the roll calls adds nothing."""
    joined = loaded_store.sql(
        "SELECT DISTINCT CAST(v.ccode AS BIGINT) AS ccode, CAST(r.year AS BIGINT) AS year "
        "FROM unga_votes v JOIN unga_roll_calls r USING (rcid) WHERE v.ccode IS NOT NULL "
        "UNION SELECT CAST(ccode AS BIGINT), CAST(year AS BIGINT) FROM unga_ideal_points "
        "WHERE ccode IS NOT NULL")
    panel = create_dyad_years(loaded_store, start=1946, end=2016)
    ours = un_member_years(panel).execute()
    keys = ["ccode", "year"]
    pd.testing.assert_frame_equal(ours.sort_values(keys, ignore_index=True)[keys],
                                  joined.sort_values(keys, ignore_index=True), check_dtype=False)
    assert len(ours) > 10_000


def test_capital_distance_per_point_pair_equals_per_row(loaded_store):
    """capdist looked up per pair of capital points equals the formula on every dyad-year."""
    panel = create_dyad_years(loaded_store, start=1816, end=2016)
    ours = add_capital_distance(panel).to_pandas()
    from defdip.panels.add_cow import _capital_years

    caps = _capital_years(panel)
    expr = panel.expr
    for side in ("1", "2"):
        c = caps.select(**{f"c{side}": caps.ccode, f"y{side}": caps.year,
                           f"lat{side}": caps.lat, f"lng{side}": caps.lng})
        expr = expr.left_join(c, [expr[f"ccode_{side}"] == c[f"c{side}"],
                                  expr.year == c[f"y{side}"]])
    expr = expr.select("ccode_1", "ccode_2", "year",
                       capdist=vincenty_sphere_km(expr.lat1, expr.lng1, expr.lat2, expr.lng2))
    direct = expr.order_by(["ccode_1", "ccode_2", "year"]).execute()
    assert len(ours) == len(direct) == 1_912_022
    assert np.array_equal(ours.capdist.to_numpy(), direct.capdist.to_numpy(), equal_nan=True)
