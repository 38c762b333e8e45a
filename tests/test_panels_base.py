"""The stored dyad-year base (panels.base) and Arrow IPC output: the same table as a build.

Each test compares a job answered from the base with the same job built from the sources
(``base=False, cache=False``), value for value, type for type, in the same row order.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pandas as pd
import pyarrow.parquet as pq
import pytest

from defdip.panels import write_panel
from defdip.panels.base import BASE_FAMILIES, build_base, lookup
from defdip.store import Store

REFERENCE = "atop,majors,nmc,igo,contiguity,capdist"


@pytest.fixture(scope="module")
def based(loaded_store, tmp_path_factory):
    """A copy of the loaded store with the base built (the session store stays read-only)."""
    loaded_store.con.execute("CHECKPOINT")
    target = tmp_path_factory.mktemp("based") / "defdip.duckdb"
    shutil.copy(loaded_store.path, target)
    copy = Store(target)
    assert build_base(copy) == 1_912_290
    yield copy
    copy.close()


def _both(store, tmp_path, suffix=".parquet", **job):
    served = write_panel(store, out=tmp_path / f"served{suffix}", **job)
    built = write_panel(store, out=tmp_path / f"built{suffix}", base=False, cache=False, **job)
    return served, built


def _job(**kw):
    return {"unit": "dyad_year", "start": 1816, "end": 2016, "add": REFERENCE} | kw


def test_the_reference_job_from_the_base_is_the_built_table(based, tmp_path, monkeypatch):
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    assert lookup(based, unit="dyad_year", system="cow", directed=True, start=1816,
                  end=2016, names=REFERENCE.split(",")) is not None
    served, built = _both(based, tmp_path, **_job())
    assert (served.rows, served.columns, served.sources) == \
        (built.rows, built.columns, built.sources)
    assert pq.read_schema(tmp_path / "served.parquet") == pq.read_schema(tmp_path / "built.parquet")
    a, b = pd.read_parquet(tmp_path / "served.parquet"), pd.read_parquet(tmp_path / "built.parquet")
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    keys = list(zip(a.ccode_1, a.ccode_2, a.year, strict=True))
    assert keys == sorted(keys) and len(a) == 1_912_290  # stored and written in key order


@pytest.mark.parametrize("job", [
    {"start": 1990, "end": 1995, "add": "contiguity,atop,mids"},  # other years and order
    {"start": 2016, "end": 2016, "add": ",".join(BASE_FAMILIES)},  # every stored family
    {"start": 1816, "end": 1820, "add": ""},  # the units alone
])
def test_other_jobs_from_the_base(based, tmp_path, monkeypatch, job):
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    served, built = _both(based, tmp_path, **_job(**job))
    assert (served.columns, served.sources) == (built.columns, built.sources)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "served.parquet"),
                                  pd.read_parquet(tmp_path / "built.parquet"), check_exact=True)


@pytest.mark.parametrize("kw", [
    {"directed": False}, {"end": 2017}, {"system": "gw"}, {"unit": "state_year"},
    {"names": ["arms"]},
])
def test_jobs_the_base_does_not_hold_are_built(based, kw):
    job = {"unit": "dyad_year", "system": "cow", "directed": True, "start": 1990, "end": 2000,
           "names": ["atop"]} | kw
    assert lookup(based, **job) is None


def test_a_stale_base_is_not_used(based, tmp_path, monkeypatch):
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    job = {"unit": "dyad_year", "system": "cow", "directed": True, "start": 2000,
           "end": 2001, "names": ["atop"]}
    before = based.con.execute("SELECT fingerprint FROM _sources WHERE name = 'atop'").fetchone()
    based.con.execute("UPDATE _sources SET fingerprint = 'reloaded' WHERE name = 'atop'")
    try:
        assert lookup(based, **job) is None  # ATOP was reloaded since the base was built
        served, built = _both(based, tmp_path, **_job(start=2000, end=2001, add="atop"))
        assert served.rows == built.rows  # answered by a build instead
    finally:
        based.con.execute("UPDATE _sources SET fingerprint = ? WHERE name = 'atop'", [before[0]])
    assert lookup(based, **job) is not None


def test_arrow_ipc_output_is_the_same_table(based, loaded_store, tmp_path, monkeypatch):
    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    job = _job(start=2000, end=2016)
    parquet = write_panel(based, out=tmp_path / "p.parquet", **job)
    frame = pd.read_parquet(tmp_path / "p.parquet")
    for store, name in ((based, "served.arrow"), (loaded_store, "built.feather")):
        done = write_panel(store, out=tmp_path / name, **job)  # from the base, then a build
        assert done.rows == parquet.rows and done.columns == parquet.columns
        pd.testing.assert_frame_equal(pd.read_feather(tmp_path / name), frame, check_exact=True)


# A base-served job in a fresh interpreter: the rows and the heavy modules it loaded.
BASE_JOB = """
import sys
from defdip.panels import write_panel
from defdip.store import Store
done = write_panel(Store(sys.argv[1], read_only=True), unit="dyad_year", start=1816, end=2016,
                   add="atop,majors,nmc,igo,contiguity,capdist", out=sys.argv[2], cache=False)
print(done.rows, sorted({m.split(".")[0] for m in sys.modules} & {"ibis", "pandas", "sqlglot"}))
"""


def test_a_first_run_from_the_base_needs_neither_ibis_nor_pandas(based, tmp_path):
    based.con.execute("CHECKPOINT")
    shutil.copy(based.path, tmp_path / "copy.duckdb")
    done = subprocess.run([sys.executable, "-c", BASE_JOB, str(tmp_path / "copy.duckdb"),
                           str(tmp_path / "job.parquet")], capture_output=True, text=True,
                          env={**os.environ, "DEFDIP_HOME": str(tmp_path / "home")}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].split() == ["1912290", "[]"]
