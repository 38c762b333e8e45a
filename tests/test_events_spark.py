"""The event aggregates are one set of Ibis expressions: on PySpark local mode they give
DuckDB's result on the real ICEWS sample (and on the hand-written GDELT/POLECAT files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from defdip.events import CameoBook, ReadContext
from defdip.events.aggregate import coverage, dyad_months, dyad_years
from defdip.store.events import EventStore

FIXTURES = Path(__file__).parent / "fixtures" / "events"


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("ccode_1", "ccode_2", "year", "month") if c in frame]
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.mark.spark
def test_spark_event_aggregates_equal_duckdb(mirror, vocab, parse_source, tmp_path,
                                             spark_session):
    import ibis

    records = parse_source("cameo_codebook")["cameo_codes"].to_dict("records")
    context = ReadContext(vocab, {f: CameoBook.from_rows(records, f) for f in ("icews",
                                                                               "gdelt")})
    dataset = EventStore(tmp_path / "events")
    gdelt = tmp_path / "20180601001500.export.CSV"
    shutil.copyfile(FIXTURES / "20180601001500.export.CSV", gdelt)
    dataset.load([mirror / "icews_events_sample" / "events.2018.sample.tab", gdelt,
                  FIXTURES / "polecat_ngec_2023_06.txt"], context)
    jobs = {"months": lambda t: dyad_months(t),
            "undirected": lambda t: dyad_months(t, directed=False),
            "years": lambda t: dyad_years(t), "coverage": lambda t: coverage(t)}
    on_duckdb = {name: _sorted(job(dataset.table(ibis.duckdb.connect())).execute())
                 for name, job in jobs.items()}

    backend = ibis.pyspark.connect(spark_session)
    on_spark = {name: _sorted(job(dataset.table(backend)).execute())
                for name, job in jobs.items()}
    rows = pd.concat([pd.read_parquet(p) for p in dataset.parts()])
    interstate = rows.source_sector.notna() & rows.target_sector.notna() & \
        rows.source_ccode.notna() & rows.target_ccode.notna() & \
        (rows.source_ccode != rows.target_ccode)
    assert on_duckdb["months"]["events"].sum() == interstate.sum() > 0  # counted in pandas
    assert list(on_duckdb["coverage"]["month"]) == [5, 6, 6, 7]  # 2018-05/06, 2023-06/07
    for name in jobs:
        pd.testing.assert_frame_equal(on_spark[name], on_duckdb[name], check_dtype=False)
