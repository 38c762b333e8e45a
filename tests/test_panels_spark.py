"""The same panel code on PySpark local mode gives the DuckDB result (portable core)."""

from __future__ import annotations

import pandas as pd
import pytest

from defdip.panels import (
    Tables,
    add_atop_alliance,
    add_contiguity,
    add_cow_majors,
    create_dyad_years,
)

INPUTS = ("cow_states", "atop_dyad_year", "cow_majors", "cow_contiguity")


def _build(tables):
    panel = create_dyad_years(tables, start=2000, end=2002)
    return add_contiguity(add_cow_majors(add_atop_alliance(panel)))


@pytest.mark.spark
def test_spark_panel_equals_duckdb(loaded_store, spark_session):
    import ibis

    for name in INPUTS:
        frame = loaded_store.table(name)
        spark_session.createDataFrame(frame).createOrReplaceTempView(name)
    spark = Tables(ibis.pyspark.connect(spark_session))
    assert spark.engine == "pyspark"
    on_spark = _build(spark).to_pandas()
    on_duckdb = _build(loaded_store).to_pandas()
    system = loaded_store.table("cow_system")  # 2000-2002: no two members failed to meet
    n = system[system.year.between(2000, 2002)].groupby("year").size()
    assert len(on_spark) == int((n * (n - 1)).sum())  # every ordered pair, counted in pandas
    assert on_spark.atop_defense.sum() > 0 and on_spark.conttype.gt(0).sum() > 0
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_dtype=False)
