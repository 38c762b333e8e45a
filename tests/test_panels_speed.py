"""The shortcuts taken for speed give exactly the rows and values of the plain rules."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from defdip.panels import add_capital_distance, create_dyad_years
from defdip.panels.add_alliances import un_member_years
from defdip.panels.add_cow import vincenty_sphere_km


def test_un_member_years_equal_the_roll_call_join(loaded_store):
    """The votes' own year is the roll call's year, so joining the roll calls adds nothing;
    the roll-call series adds the UN's DGACM votes (to 2026) to Voeten's."""
    joined = loaded_store.sql(
        "SELECT DISTINCT CAST(v.ccode AS BIGINT) AS ccode, CAST(r.year AS BIGINT) AS year "
        "FROM unga_votes v JOIN unga_roll_calls r USING (rcid) WHERE v.ccode IS NOT NULL "
        "UNION SELECT CAST(v.ccode AS BIGINT), CAST(r.year AS BIGINT) FROM dgacm_votes v "
        "JOIN dgacm_resolutions r USING (symbol) "
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
    assert len(ours) == len(direct) == 1_912_290
    assert np.array_equal(ours.capdist.to_numpy(), direct.capdist.to_numpy(), equal_nan=True)


JOB = {"unit": "dyad_year", "start": 1990, "end": 1992,
       "add": "atop,majors,nmc,igo,contiguity,capdist"}


def test_cached_sql_writes_the_same_file_without_building(loaded_store, tmp_path, monkeypatch):
    import defdip.panels.adders as adders
    import defdip.panels.units as units
    from defdip.panels import sqlcache, write_panel

    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    cold = write_panel(loaded_store, **JOB, out=tmp_path / "cold.parquet", cache=False)
    assert not sqlcache.cache_dir().exists()
    first = write_panel(loaded_store, **JOB, out=tmp_path / "first.parquet")
    assert len(list(sqlcache.cache_dir().glob("*.json"))) == 1

    def no_build(*args, **kwargs):
        raise AssertionError("a cache hit must not build the Ibis expression")

    monkeypatch.setattr(units, "create_dyad_years", no_build)
    monkeypatch.setattr(adders, "add_all", no_build)
    warm = write_panel(loaded_store, **JOB, out=tmp_path / "warm.parquet")
    assert (warm.rows, warm.columns, warm.sources) == (cold.rows, cold.columns, cold.sources)
    assert first.rows == cold.rows == len(pd.read_parquet(tmp_path / "cold.parquet"))
    frames = [pd.read_parquet(tmp_path / f"{n}.parquet") for n in ("cold", "first", "warm")]
    pd.testing.assert_frame_equal(frames[0], frames[1], check_exact=True)
    pd.testing.assert_frame_equal(frames[0], frames[2], check_exact=True)


# Runs a cached job in a fresh interpreter; prints the job's rows and the heavy modules loaded.
CACHED_JOB = """
import sys
from defdip.panels import write_panel
from defdip.store import Store
done = write_panel(Store(sys.argv[1], read_only=True), unit="dyad_year", start=1990, end=1992,
                   add="atop,majors,nmc,igo,contiguity,capdist", out=sys.argv[2])
print(done.rows, sorted({m.split(".")[0] for m in sys.modules} & {"ibis", "pandas", "sqlglot"}))
"""


def test_a_cache_hit_runs_on_duckdb_alone(loaded_store, tmp_path, monkeypatch):
    """The point of the cache: a repeated job imports neither Ibis nor pandas (~0.6 s)."""
    import shutil
    import subprocess
    import sys

    from defdip.panels import write_panel

    home = tmp_path / "home"
    monkeypatch.setenv("DEFDIP_HOME", str(home))
    primed = write_panel(loaded_store, **JOB, out=tmp_path / "primed.parquet")
    loaded_store.con.execute("CHECKPOINT")  # the copy below is then a complete database
    shutil.copy(loaded_store.path, tmp_path / "copy.duckdb")
    done = subprocess.run([sys.executable, "-c", CACHED_JOB, str(tmp_path / "copy.duckdb"),
                           str(tmp_path / "again.parquet")], capture_output=True, text=True,
                          env={**os.environ, "DEFDIP_HOME": str(home)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(primed.rows), "[]"]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "primed.parquet"),
                                  pd.read_parquet(tmp_path / "again.parquet"), check_exact=True)


def test_cache_entry_is_refused_when_the_data_answer_differently(loaded_store, tmp_path,
                                                                monkeypatch):
    import json

    from defdip.panels import sqlcache, write_panel

    monkeypatch.setenv("DEFDIP_HOME", str(tmp_path / "home"))
    write_panel(loaded_store, **JOB, out=tmp_path / "a.parquet")
    (path,) = sqlcache.cache_dir().glob("*.json")
    key = path.stem
    entry = json.loads(path.read_text())
    assert sqlcache.lookup(loaded_store, key, sqlcache.cache_dir()) is not None
    assert entry["probes"] and entry["schema"]
    changed = dict(entry, probes=[[entry["probes"][0][0], [12345]], *entry["probes"][1:]])
    path.write_text(json.dumps(changed))  # a probe now answers differently: e.g. ATOP reloaded
    assert sqlcache.lookup(loaded_store, key, sqlcache.cache_dir()) is None
    retyped = dict(entry, schema=[[*entry["schema"][0][:2], "VARCHAR"], *entry["schema"][1:]])
    path.write_text(json.dumps(retyped))  # a table's column changed type
    assert sqlcache.lookup(loaded_store, key, sqlcache.cache_dir()) is None
    path.write_text("{not json")
    assert sqlcache.lookup(loaded_store, key, sqlcache.cache_dir()) is None
    # a miss rebuilds, writes the right file and replaces the entry
    again = write_panel(loaded_store, **JOB, out=tmp_path / "b.parquet")
    assert again.rows == len(pd.read_parquet(tmp_path / "a.parquet"))
    assert sqlcache.lookup(loaded_store, key, sqlcache.cache_dir()) is not None


def test_builders_ask_the_data_only_through_probes():
    """Every data-dependent query goes through Tables.probe, so the SQL cache re-asks it."""
    from pathlib import Path

    import defdip.panels as panels

    folder = Path(panels.__file__).parent
    # sqlcache and base read what they stored (entries, the base's record), not the data that
    # shapes an expression
    offenders = [p.name for p in folder.glob("*.py") if p.name not in
                 ("core.py", "sqlcache.py", "base.py") and ".execute(" in p.read_text()]
    assert offenders == []


def test_monadic_columns_before_pairing_equal_joins_after(loaded_store):
    """build_panel applies majors/nmc/igo first (attached to the state-years before pairing);
    the verbs applied one by one in the asked order give the same columns, sources, values."""
    from defdip.panels import ADDERS, build_panel

    names = ["atop", "contiguity", "majors", "nmc", "igo", "capdist"]
    built = build_panel(loaded_store, unit="dyad_year", start=1990, end=1995, add=names)
    plain = create_dyad_years(loaded_store, start=1990, end=1995)
    for name in names:
        plain = ADDERS[name](plain)
        assert name in ("majors", "nmc", "igo", "capdist") or plain.states is None
    assert plain.states is None  # atop came first: these ran as joins over the dyads
    assert built.columns == plain.columns and built.sources == plain.sources
    pd.testing.assert_frame_equal(built.to_pandas(), plain.to_pandas(), check_exact=True)
    undirected = build_panel(loaded_store, unit="dyad_year", start=1990, end=1995,
                             add=["majors", "nmc"], directed=False)
    assert undirected.states is not None and undirected.to_pandas().ccode_1.lt(
        undirected.to_pandas().ccode_2).all()
