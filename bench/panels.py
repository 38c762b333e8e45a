"""Benchmark: the reference panel job, defdip against plain pandas and against its floor.

The job: directed COW dyad-years 1816-2016 + ATOP + majors + NMC + IGOs + contiguity +
capital distance, read from the store and written to Parquet. Each run is a fresh Python
process; the child reports its own timings and peak memory (ru_maxrss), the parent the whole
subprocess wall time, and the outputs are checked to be the same table.

defdip runs three ways: from the stored dyad-year base (``panels.base``, built by
``defdip load``; the same with or without the SQL cache, so a job's first run is its
fastest), built from the sources with Ibis ("built, cold") and from the SQL cache ("built,
cached"). Two floors are measured beside them: joins + encode in a fresh process (the job's own
query over the source tables, unsorted, by bare DuckDB, then its Parquet encode) and encode
only (a fresh interpreter, plus encoding the finished table already in memory, the faster of
DuckDB and pyarrow at its fastest settings).

Usage:
    .venv/bin/python bench/panels.py --store $DEFDIP_HOME/defdip.duckdb
    .venv/bin/python bench/panels.py            # builds a store from the mirror in a temp dir
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ADD = "atop,majors,nmc,igo,contiguity,capdist"
START, END = 1816, 2016
ROOT = Path(__file__).resolve().parents[1]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_defdip(store_path: str, out: str, ordered: bool, cache: bool, base: bool) -> dict:
    """The job as `defdip panel dyad-year --out` runs it (write_panel)."""
    began = time.perf_counter()
    from defdip.panels import write_panel
    from defdip.store import Store

    imported = time.perf_counter()
    store = Store(store_path, read_only=True)
    summary = write_panel(store, unit="dyad_year", start=START, end=END, add=ADD, out=out,
                          ordered=ordered, cache=cache, base=base)
    done = time.perf_counter()
    from defdip.panels.base import lookup

    served = base and lookup(store, unit="dyad_year", system="cow", directed=True,
                             start=START, end=END, names=ADD.split(",")) is not None
    return {"import_s": imported - began, "job_s": done - imported, "rows": summary.rows,
            "peak_mb": _peak_mb(), "base": served}


def child_joins(store_path: str, sql_path: str, out: str) -> dict:
    """Floor, joins + encode: the job's query over the source tables (no sort), run by bare
    DuckDB in a fresh process into memory, then encoded to Parquet as the job encodes it."""
    began = time.perf_counter()
    import duckdb

    con = duckdb.connect(store_path, read_only=True)
    con.execute("SET enable_progress_bar = false")
    sql = Path(sql_path).read_text()
    joined = time.perf_counter()
    con.execute(f"CREATE TEMP TABLE job AS {sql}")
    encoded = time.perf_counter()
    con.execute(f"COPY job TO '{out}' (FORMAT parquet, COMPRESSION snappy)")
    done = time.perf_counter()
    return {"import_s": joined - began, "joins_s": encoded - joined, "encode_s": done - encoded,
            "peak_mb": _peak_mb()}


def _spell_years(frame, first, last):
    import numpy as np

    lengths = (last - first + 1).clip(lower=0).to_numpy()
    out = frame.loc[frame.index.repeat(lengths)].copy()
    out["year"] = np.concatenate([np.arange(a, a + n) for a, n in
                                  zip(first.to_numpy(), lengths, strict=True)]).astype("int64")
    return out


def child_pandas(store_path: str, out: str) -> dict:
    """The same joins written directly in pandas (inputs read from the store with DuckDB)."""
    began = time.perf_counter()
    import duckdb
    import numpy as np
    import pandas as pd

    imported = time.perf_counter()
    con = duckdb.connect(store_path, read_only=True)

    def table(name: str) -> pd.DataFrame:
        return con.execute(f'SELECT * FROM "{name}"').df()

    # members of each year (on any day), paired when they were members on a common day
    spells = table("cow_states")[["ccode", "start", "end"]]
    sy = _spell_years(spells, spells["start"].dt.year, spells["end"].dt.year)
    sy = sy[sy.year.between(START, END)]
    sy["first"] = np.where(sy["start"].dt.year == sy.year, sy["start"].dt.dayofyear, 1)
    sy["last"] = np.where(sy["end"].dt.year == sy.year, sy["end"].dt.dayofyear, 366)
    sy = sy[["ccode", "year", "first", "last"]]
    d = sy.merge(sy, on="year", suffixes=("_1", "_2"))
    met = (d.ccode_1 != d.ccode_2) & (d.first_1 <= d.last_2) & (d.first_2 <= d.last_1)
    d = d[met][["ccode_1", "ccode_2", "year"]].reset_index(drop=True)
    keys = ["ccode_1", "ccode_2", "year"]
    # ATOP (stored in both directions): a directed merge, 0 inside 1815-2018
    atop = table("atop_dyad_year").rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"})
    atop_cols = [c for c in atop.columns if c.startswith("atop_")]
    d = d.merge(atop, on=keys, how="left")
    d[atop_cols] = d[atop_cols].fillna(0).astype("int64")
    # majors: spells expanded to years, 1/0
    majors = table("cow_majors")
    years = _spell_years(majors, majors["start"].dt.year, majors["end"].dt.year)
    flag = years[["ccode", "year"]].drop_duplicates().assign(cowmaj=1)
    for s in ("1", "2"):
        d = d.merge(flag.rename(columns={"ccode": f"ccode_{s}", "cowmaj": f"cowmaj_{s}"}),
                    on=[f"ccode_{s}", "year"], how="left")
        d[f"cowmaj_{s}"] = d[f"cowmaj_{s}"].fillna(0).astype("int64")
    # NMC
    nmc = table("cow_nmc")
    nmc_cols = ["milex", "milper", "irst", "pec", "tpop", "upop", "cinc"]
    for s in ("1", "2"):
        d = d.merge(nmc.rename(columns={"ccode": f"ccode_{s}",
                                        **{c: f"{c}_{s}" for c in nmc_cols}}),
                    on=[f"ccode_{s}", "year"], how="left")
    # IGOs: dyadigos (non-directed → both orientations) and NATO/OIC/UN co-membership
    igo = table("cow_igo_dyad_year")
    both = pd.concat([igo, igo.rename(columns={"ccode1": "ccode2", "ccode2": "ccode1"})])
    d = d.merge(both.rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"}), on=keys,
                how="left")
    spells = table("cow_igo_spells")
    spells = spells[spells.igo.isin(["OIC"]) & spells.ccode.notna()]
    sy = _spell_years(spells, spells.start_year, spells.end_year)
    sy = sy[sy.year.between(START, END)]
    # NATO: defdip's one NATO list (nato.int), read straight from the curated file
    import yaml

    nato = yaml.safe_load((ROOT / "src" / "defdip" / "data" / "curated" / "nato_members.yaml")
                          .read_text(encoding="utf-8"))
    nato_years = pd.DataFrame([(m["ccode"], y) for m in nato["members"]
                               for y in range(m["joined"], (m.get("left") or END) + 1)],
                              columns=["ccode", "year"])
    votes = con.execute("SELECT DISTINCT v.ccode, r.year FROM unga_votes v JOIN unga_roll_calls"
                        " r USING (rcid) WHERE v.ccode IS NOT NULL").df()
    ideal = table("unga_ideal_points")[["ccode", "year"]].dropna()
    un = pd.concat([votes, ideal]).drop_duplicates()
    calls = table("unga_roll_calls").year
    lo, hi = int(min(calls.min(), ideal.year.min())), int(max(calls.max(), ideal.year.max()))
    members = {"nato": nato_years, "oic": sy[sy.igo == "OIC"], "un": un}
    spans = {"nato": (1816, nato["complete_through"]), "oic": (1816, 2014), "un": (lo, hi)}
    for stem, rows in members.items():
        flag = rows[["ccode", "year"]].drop_duplicates().astype("int64").assign(m=1)
        m = {}
        for s in ("1", "2"):
            m[s] = d[[f"ccode_{s}", "year"]].merge(
                flag.rename(columns={"ccode": f"ccode_{s}"}), how="left",
                on=[f"ccode_{s}", "year"])["m"].fillna(0).to_numpy()
        value = pd.Series(m["1"] * m["2"], index=d.index).astype("Int64")
        d[f"{stem}_both"] = value.where(d.year.between(*spans[stem]))
    # contiguity: spells to years, the type of the year's earliest month, 0 for 1816-2016
    cont = table("cow_contiguity")
    cy = _spell_years(cont, cont["start"].dt.year, cont["end"].dt.year)
    cy["month"] = np.where(cy["start"].dt.year == cy.year, cy["start"].dt.month, 1)
    cy = cy.sort_values(["ccode1", "ccode2", "year", "month", "start"])
    cy = cy.drop_duplicates(["ccode1", "ccode2", "year"])[["ccode1", "ccode2", "year",
                                                           "conttype"]]
    d = d.merge(cy.rename(columns={"ccode1": "ccode_1", "ccode2": "ccode_2"}), on=keys,
                how="left")
    d["conttype"] = d.conttype.fillna(0).astype("int64")
    # capital distance: the 1 January capital, Vincenty on a sphere (geosphere's radius)
    caps = table("cow_capitals").sort_values(["ccode", "start"])
    cap = _spell_years(caps, caps["start"].dt.year, caps["end"].dt.year)
    cap = cap.groupby(["ccode", "year"], as_index=False)[["lat", "lng"]].first()
    for s in ("1", "2"):
        d = d.merge(cap.rename(columns={"ccode": f"ccode_{s}", "lat": f"lat{s}",
                                        "lng": f"lng{s}"}), on=[f"ccode_{s}", "year"],
                    how="left")
    p1, p2 = np.radians(d.lat1), np.radians(d.lat2)
    dl = np.radians(d.lng2 - d.lng1)
    num = np.hypot(np.cos(p2) * np.sin(dl),
                   np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl))
    d["capdist"] = np.arctan2(num, np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) *
                              np.cos(dl)) * 6378137.0 / 1000
    d = d.drop(columns=["lat1", "lng1", "lat2", "lng2"]).sort_values(keys, ignore_index=True)
    d.to_parquet(out, index=False)
    done = time.perf_counter()
    return {"import_s": imported - began, "job_s": done - imported, "rows": len(d),
            "peak_mb": _peak_mb()}


def child_floor(table_path: str, out: str) -> dict:
    """The least any implementation must spend: encoding the finished table, already in memory.

    Reads the job's own output into memory (untimed) and times writing it to Parquet again:
    with DuckDB's writer as the job uses it, and with pyarrow at the fastest settings found
    (no dictionaries, delta-packed integers, plain doubles, no statistics: a larger file).
    """
    began = time.perf_counter()
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    imported = time.perf_counter()
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_parquet('{table_path}')")
    table = pq.read_table(table_path)
    timings: dict[str, float] = {}
    for _ in range(3):
        b = time.perf_counter()
        con.execute(f"COPY t TO '{out}' (FORMAT parquet, COMPRESSION snappy)")
        timings["duckdb_s"] = min(timings.get("duckdb_s", 9e9), time.perf_counter() - b)
    ints = [f.name for f in table.schema if pa.types.is_integer(f.type)]
    fast = {"use_dictionary": False, "write_statistics": False,
            "column_encoding": {f.name: "DELTA_BINARY_PACKED" if f.name in ints else "PLAIN"
                                for f in table.schema}}
    for _ in range(3):
        b = time.perf_counter()
        pq.write_table(table, out, **fast)
        timings["pyarrow_s"] = min(timings.get("pyarrow_s", 9e9), time.perf_counter() - b)
    return {"import_s": imported - began, **timings, "pyarrow_mb": os.path.getsize(out) / 1e6,
            "job_mb": os.path.getsize(table_path) / 1e6}


def startup_s() -> float:
    """Wall time of a fresh interpreter that only imports DuckDB (best of 3)."""
    best = 9e9
    for _ in range(3):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import duckdb"], check=True)
        best = min(best, time.perf_counter() - began)
    return best


def run_child(kind: str, store: Path, out: Path, ordered: bool = True, cache: bool = True,
              home: Path | None = None, base: bool = True, sql: Path | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--store", str(store), "--out", str(out)]
    if not ordered:
        cmd.append("--unordered")
    if not cache:
        cmd.append("--no-cache")
    if not base:
        cmd.append("--no-base")
    if sql is not None:
        cmd += ["--sql", str(sql)]
    env = dict(os.environ, DEFDIP_HOME=str(home)) if home else None  # SQL cache in the temp dir
    began = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_s"] = time.perf_counter() - began
    return result


def build_store(folder: Path) -> Path:
    path = folder / "defdip.duckdb"
    defdip = Path(sys.executable).with_name("defdip")
    mirror = os.environ.get("DEFDIP_MIRROR", str(ROOT.parent / "shared" / "data"))
    print(f"building a store from {mirror} in {path} …", flush=True)
    subprocess.run([str(defdip), "load", "--mirror", mirror, "--store", str(path)], check=True,
                   capture_output=True)
    return path


def job_sql(store: Path) -> str:
    """The job's query over the source tables, unsorted, as defdip compiles it (untimed)."""
    from defdip.panels import build_panel
    from defdip.store import Store

    with Store(store, read_only=True) as handle:
        panel = build_panel(handle, unit="dyad_year", start=START, end=END, add=ADD)
        return str(panel.tables.backend.compile(panel.expr))


def _line(name: str, r: dict) -> str:
    via = {True: " [base]", False: ""}.get(r.get("base"), "")
    return (f"{name:28s} job {r['job_s']:6.2f} s  (imports {r['import_s']:.2f} s, whole process "
            f"{r['process_s']:.2f} s)  rows {r['rows']:,}  peak {r['peak_mb']:,.0f} MB{via}")


#: (kind, ordered, SQL cache, base, output suffix). "first run" has no SQL cache; "cached"
#: reuses the SQL compiled by one untimed priming run per shape (panels.sqlcache).
RUNS = {"defdip first run": ("defdip", True, False, True, ".parquet"),
        "defdip cached": ("defdip", True, True, True, ".parquet"),
        "defdip first run, Arrow IPC": ("defdip", True, False, True, ".arrow"),
        "defdip built, cold": ("defdip", True, False, False, ".parquet"),
        "defdip built, cached": ("defdip", True, True, False, ".parquet"),
        "pandas": ("pandas", True, False, False, ".parquet")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a store loaded with `defdip load`")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best is shown)")
    parser.add_argument("--child", choices=["defdip", "pandas", "floor", "joins"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--sql", help=argparse.SUPPRESS)
    parser.add_argument("--unordered", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-cache", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-base", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "floor":  # --store names the finished table here
            result = child_floor(str(args.store), args.out)
        elif args.child == "joins":
            result = child_joins(str(args.store), args.sql, args.out)
        elif args.child == "defdip":
            result = child_defdip(str(args.store), args.out, not args.unordered,
                                  not args.no_cache, not args.no_base)
        else:
            result = child_pandas(str(args.store), args.out)
        print(json.dumps(result))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        store = args.store or build_store(folder)
        home = folder / "home"
        (folder / "job.sql").write_text(job_sql(store))
        for base in (True, False):  # prime the SQL cache
            run_child("defdip", store, folder / "prime.parquet", True, True, home, base)
        best = {}
        for name, (kind, ordered, cache, base, suffix) in RUNS.items():
            out = folder / f"{name.replace(' ', '_').replace(',', '')}{suffix}"
            results = [run_child(kind, store, out, ordered, cache, home, base)
                       for _ in range(args.repeat)]
            best[name] = min(results, key=lambda r: r["process_s"])
            best[name]["out"] = out
            print(_line(name, best[name]), flush=True)
        import pandas as pd

        keys = ["ccode_1", "ccode_2", "year"]
        ours = pd.read_parquet(best["defdip first run"]["out"])
        assert list(ours[keys].itertuples(index=False)) == sorted(ours[keys].itertuples(
            index=False)), "defdip's output is not in key order"
        for name, result in best.items():
            path = result["out"]
            other = pd.read_feather(path) if path.suffix == ".arrow" else pd.read_parquet(path)
            other = other.sort_values(keys, ignore_index=True) if name == "pandas" else other
            pd.testing.assert_frame_equal(ours, other[ours.columns], check_dtype=False)
        print(f"the same table from every run ({len(ours):,} rows x {len(ours.columns)} "
              f"columns); cores: {os.cpu_count()}")
        joins = min((run_child("joins", store, folder / "joins.parquet", sql=folder / "job.sql")
                     for _ in range(args.repeat)), key=lambda r: r["process_s"])
        floor = run_child("floor", best["defdip first run"]["out"], folder / "floor.parquet")
        start = startup_s()
        encode = start + min(floor["duckdb_s"], floor["pyarrow_s"])
        print(f"floor, joins + encode in a fresh process: {joins['process_s']:.2f} s whole "
              f"process (joins {joins['joins_s']:.2f} s, encode {joins['encode_s']:.2f} s, "
              f"peak {joins['peak_mb']:,.0f} MB)")
        print(f"floor, encode only: a fresh Python that imports DuckDB {start:.2f} s + encoding "
              f"the finished table in memory (DuckDB {floor['duckdb_s']:.2f} s, pyarrow at its "
              f"fastest settings {floor['pyarrow_s']:.2f} s, {floor['pyarrow_mb']:.0f} MB "
              f"file; the job's is {floor['job_mb']:.0f} MB) = {encode:.2f} s")
        pandas_s = best["pandas"]["process_s"]
        for name in ("defdip first run", "defdip cached", "defdip first run, Arrow IPC",
                     "defdip built, cold", "defdip built, cached"):
            whole = best[name]["process_s"]
            print(f"{name:28s} whole process {whole:5.2f} s = {whole / joins['process_s']:.2f}"
                  f"x floor (joins + encode), {whole / encode:.2f}x floor (encode only); "
                  f"pandas takes {pandas_s / whole:.1f}x as long")


if __name__ == "__main__":
    main()
