"""Benchmark: event data at scale, aggregated to dyad-months on DuckDB and on PySpark.

1. **Generate** a seeded synthetic event set shaped like the real ICEWS sample (mirror
   ``icews_events_sample/events.2018.sample.tab``, read through defdip's reader): each side's
   actor (name, country, sector) is drawn from that side's actors in the sample, the target is
   in the source's own country as often as in the sample, CAMEO codes follow the sample's
   frequencies with their Goldstein weights, and the dates spread evenly over 2010-2019 (120
   months). It is written month by month in chunks of 2 M rows, each sorted by dyad and day
   as ``defdip events load`` sorts what it writes (memory stays bounded at any size), in the
   event dataset's layout, ``<root>/<size>/month=YYYY-MM/part-*.parquet``, under /tmp.
2. **Aggregate** it with ``defdip.events.aggregate.dyad_months`` — the same Ibis expression —
   on DuckDB (``--threads``, ``--memory``) and on PySpark local mode, each in a fresh process,
   writing the dyad-months to Parquet. Each run reports wall time of the job, input events
   per second, output rows and the peak resident memory of its process tree (``wait4``).

Usage:
    .venv/bin/python bench/events.py --sizes 10M,100M,500M
    .venv/bin/python bench/events.py --sizes 10M --engines duckdb --threads 2
    .venv/bin/python bench/events.py --sizes 100M --engines spark \
        --spark-master spark://host:7077 --spark-data hdfs:///bench/{rows} \
        --spark-out hdfs:///bench/out-{rows}           # a cluster: see docs/events.md
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "icews_events_sample/events.2018.sample.tab"
FIRST_YEAR, YEARS = 2010, 10
CHUNK = 2_000_000


def _size(text: str) -> int:
    text = text.strip().upper()
    scale = {"K": 1_000, "M": 1_000_000, "B": 1_000_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("KMB")) * scale)


# ---- the shape of the real sample ------------------------------------------------------------
def sample_shape(mirror: Path) -> dict:
    """Actors per side, same-country share, code frequencies, Goldstein per code, events per
    story: read from the real sample with defdip's own reader."""
    import pyarrow as pa

    from defdip.countries import load_vocabulary
    from defdip.events import CameoBook, ReadContext, read_events
    from defdip.sources import cameo_codebook

    files = {k: f.path for k, f in cameo_codebook.fetch(mirror=mirror).items()}
    records = cameo_codebook.parse(files, None)["cameo_codes"].to_dict("records")
    books = {f: CameoBook.from_rows(records, f) for f in ("icews", "gdelt")}
    _, chunks = read_events(mirror / SAMPLE, ReadContext(load_vocabulary(mirror), books))
    frame = pa.concat_tables(list(chunks)).to_pandas()
    shape = {"rows": len(frame)}
    for side in ("source", "target"):
        cols = [f"{side}_actor", f"{side}_iso3", f"{side}_ccode", f"{side}_sector"]
        actors = frame[cols].astype(object).where(frame[cols].notna(), None)
        shape[side] = [list(r) for r in actors.itertuples(index=False)]
    both = frame.source_iso3.notna() & frame.target_iso3.notna()
    shape["same_country"] = float((frame.source_iso3 == frame.target_iso3)[both].mean())
    codes = frame.groupby("code").agg(n=("code", "size"), quad=("quad_class", "first"),
                                      goldstein=("goldstein", lambda g: g.mode().iloc[0]))
    shape["codes"] = [[c, int(r.n), int(r.quad), float(r.goldstein)] for c, r in
                      codes.iterrows()]
    shape["per_story"] = len(frame) / frame["story"].nunique()
    return shape


# ---- generation ------------------------------------------------------------------------------
def _side_arrays(actors: list[list]) -> dict:
    import numpy as np
    import pyarrow as pa

    names = sorted({a[0] or "" for a in actors})
    index = {n: i for i, n in enumerate(names)}
    return {"name": np.array([index[a[0] or ""] for a in actors], dtype=np.int32),
            "names": pa.array(names), "iso3": [a[1] for a in actors],
            "ccode": np.array([a[2] if a[2] is not None else -1 for a in actors],
                              dtype=np.int16),
            "sector": [a[3] for a in actors]}


def generate(shape: dict, rows: int, out: Path, seed: int = 15) -> None:
    """Write ``rows`` synthetic events to ``out`` (month partitions), in bounded chunks."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from defdip.events import EVENT_SCHEMA

    rng = np.random.default_rng(seed)
    src, tgt = _side_arrays(shape["source"]), _side_arrays(shape["target"])
    # targets of each country, for events within one country
    tgt_country = np.array([hash(i) if i else 0 for i in tgt["iso3"]], dtype=np.int64)
    src_country = np.array([hash(i) if i else 0 for i in src["iso3"]], dtype=np.int64)
    order = np.argsort(tgt_country, kind="stable")
    keys, starts, counts = np.unique(tgt_country[order], return_index=True, return_counts=True)
    codes = shape["codes"]
    code_p = np.array([c[1] for c in codes], dtype=float)
    code_p /= code_p.sum()
    code_names = pa.array([c[0] for c in codes])
    code_quad = np.array([c[2] for c in codes], dtype=np.int8)
    code_gold = np.array([c[3] for c in codes], dtype=np.float64)

    def dictionary(indices: np.ndarray, values: list) -> pa.Array:
        """values[indices] as a dictionary array (None → null, not a dictionary entry)."""
        distinct = sorted({v for v in values if v is not None})
        code = {v: i for i, v in enumerate(distinct)}
        codes = np.array([code.get(v, -1) if v is not None else -1 for v in values],
                         dtype=np.int32)[indices]
        return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32(), mask=codes < 0),
                                              pa.array(distinct, pa.string()))

    months = YEARS * 12
    per_month = np.full(months, rows // months)
    per_month[: rows % months] += 1
    out.mkdir(parents=True, exist_ok=True)
    next_id = 0
    for m in range(months):
        year, month = FIRST_YEAR + m // 12, m % 12 + 1
        first = np.datetime64(f"{year}-{month:02d}-01")
        after = np.datetime64(f"{year + (month == 12)}-{month % 12 + 1:02d}-01")
        days = int((after - first).astype(int))
        folder = out / f"month={year}-{month:02d}"
        folder.mkdir(exist_ok=True)
        writer = None
        left = int(per_month[m])
        while left > 0:
            n = min(CHUNK, left)
            left -= n
            s = rng.integers(0, len(src["ccode"]), n)
            t = rng.integers(0, len(tgt["ccode"]), n)
            same = (rng.random(n) < shape["same_country"]) & (src_country[s] != 0)
            pos = np.searchsorted(keys, src_country[s[same]])
            found = (pos < len(keys)) & (keys[np.minimum(pos, len(keys) - 1)] ==
                                         src_country[s[same]])
            pick = np.where(found, starts[np.minimum(pos, len(keys) - 1)]
                            + (rng.random(int(same.sum())) *
                               counts[np.minimum(pos, len(keys) - 1)]).astype(np.int64), -1)
            t_same = t[same]
            t_same[found] = order[pick[found]]
            t[same] = t_same
            code = rng.choice(len(codes), n, p=code_p)
            ids = np.arange(next_id, next_id + n, dtype=np.int64)
            next_id += n
            day = first + rng.integers(0, days, n).astype("timedelta64[D]")
            sc, tc = src["ccode"][s], tgt["ccode"][t]
            columns = {
                "event_source": dictionary(np.zeros(n, np.int32), ["icews"]),
                "event_id": pa.array(ids).cast(pa.string()),
                "event_date": pa.array(day.astype("datetime64[D]"), pa.date32()),
                "source_actor": pa.DictionaryArray.from_arrays(pa.array(src["name"][s]),
                                                               src["names"]),
                "source_iso3": dictionary(s, src["iso3"]),
                "source_ccode": pa.array(sc, pa.int16(), mask=sc < 0),
                "source_sector": dictionary(s, src["sector"]),
                "target_actor": pa.DictionaryArray.from_arrays(pa.array(tgt["name"][t]),
                                                               tgt["names"]),
                "target_iso3": dictionary(t, tgt["iso3"]),
                "target_ccode": pa.array(tc, pa.int16(), mask=tc < 0),
                "target_sector": dictionary(t, tgt["sector"]),
                "code": pa.DictionaryArray.from_arrays(pa.array(code.astype(np.int32)),
                                                       code_names),
                "quad_class": pa.array(code_quad[code], pa.int8()),
                "goldstein": pa.array(code_gold[code], pa.float64()),
                "mode": pa.nulls(n, pa.string()), "context": pa.nulls(n, pa.string()),
                "story": pa.array((ids / shape["per_story"]).astype(np.int64)).cast(
                    pa.string()),
                "file": dictionary(np.zeros(n, np.int32), [f"synthetic-{rows}.tab"]),
                "line": pa.array(ids + 2),
            }
            # rows sorted by dyad and day within each chunk, as the loader writes them
            table = pa.table(columns).take(np.lexsort((day.astype(np.int64), tc, sc)))
            schema = pa.schema([pa.field(f.name, table.schema.field(f.name).type)
                                for f in EVENT_SCHEMA])
            if writer is None:
                writer = pq.ParquetWriter(folder / "part-0.parquet", schema,
                                          compression="zstd")
            writer.write_table(table.select(EVENT_SCHEMA.names), row_group_size=1 << 20)
        if writer is not None:
            writer.close()


# ---- the jobs (each in its own process) -----------------------------------------------------
def job_duckdb(data: str, out: str, threads: int, memory: str) -> dict:
    import duckdb
    import ibis

    from defdip.events.aggregate import dyad_months
    from defdip.store.events import EventStore

    con = duckdb.connect(config={"threads": threads, "memory_limit": memory,
                                 "preserve_insertion_order": False})
    backend = ibis.duckdb.from_connection(con)
    began = time.perf_counter()
    sql = str(backend.compile(dyad_months(EventStore(data).table(backend))))
    built = time.perf_counter()
    cpu = _tree_cpu(os.getpid())
    target = out.replace("'", "''")
    rows = con.execute(f"COPY ({sql}) TO '{target}' (FORMAT parquet)").fetchone()[0]
    return {"build_s": built - began, "job_s": time.perf_counter() - built, "rows_out": rows,
            "job_cpu_s": _tree_cpu(os.getpid()) - cpu}


def job_spark(data: str, out: str, threads: int, memory: str, master: str | None) -> dict:
    import tempfile

    import ibis
    from pyspark.sql import SparkSession

    from defdip.events.aggregate import dyad_months
    from defdip.store.events import EventStore

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    started = time.perf_counter()
    builder = (SparkSession.builder.master(master or f"local[{threads}]")
               .appName("defdip-bench-events")
               .config("spark.driver.memory", memory)
               .config("spark.sql.shuffle.partitions", str(max(4, threads * 4)))
               .config("spark.ui.enabled", "false")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.warehouse.dir", str(Path(tempfile.gettempdir()) /
                                                      "defdip-bench-warehouse")))
    session = builder.getOrCreate()
    try:
        backend = ibis.pyspark.connect(session)
        began = time.perf_counter()
        expr = dyad_months(EventStore(data).table(backend))
        frame = session.sql(str(ibis.to_sql(expr, dialect="pyspark")))
        built = time.perf_counter()
        cpu = _tree_cpu(os.getpid())
        frame.write.mode("overwrite").parquet(out)
        done = time.perf_counter()
        cpu = _tree_cpu(os.getpid()) - cpu
        rows = session.read.parquet(out).count()
    finally:
        session.stop()
    return {"startup_s": began - started, "build_s": built - began, "job_s": done - built,
            "rows_out": rows, "job_cpu_s": cpu}


def _tree(pid: int) -> set[int]:
    """``pid`` and all its descendants (the JVM under PySpark)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    tree, todo = {pid}, [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in tree:
                tree.add(child)
                todo.append(child)
    return tree


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process tree."""
    total = 0
    for member in _tree(pid):
        try:
            total += int(Path(f"/proc/{member}/statm").read_text().split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return total * os.sysconf("SC_PAGE_SIZE")


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process tree's live members."""
    ticks = 0
    for member in _tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, ValueError, IndexError):
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def _child(engine: str, data: str, out: str, threads: int, memory: str,
           master: str | None) -> dict:
    """Run one job in a fresh process. Memory: the peak of its process tree's resident
    memory (sampled every 0.2 s, so the JVM counts under PySpark) and wait4's ru_maxrss."""
    import tempfile

    args = [sys.executable, __file__, "--child", engine, "--data", data, "--out", out,
            "--threads", str(threads), "--memory", memory]
    if master:
        args += ["--spark-master", master]
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        began = time.perf_counter()
        proc = subprocess.Popen(args, stdout=stdout, stderr=stderr, env=env, text=True)
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - began
        stdout.seek(0)
        stderr.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{engine} job failed:\n{stderr.read()[-3000:]}")
        result = json.loads(stdout.read().strip().splitlines()[-1])
    result.update(wall_s=wall, peak_tree_mb=peak / 2**20, maxrss_mb=usage.ru_maxrss / 1024)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10M,100M,500M")
    parser.add_argument("--engines", default="duckdb,spark")
    parser.add_argument("--root", default="/tmp/defdip-bench-events")
    parser.add_argument("--mirror", default=os.environ.get("DEFDIP_MIRROR",
                                                           str(ROOT.parent / "shared/data")))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--memory", default="2GB", help="DuckDB memory_limit")
    parser.add_argument("--spark-memory", default="2g", help="spark.driver.memory")
    parser.add_argument("--spark-master", default=None, help="e.g. spark://host:7077")
    parser.add_argument("--spark-data", default=None,
                        help="where the cluster reads each size, e.g. hdfs:///bench/{rows} "
                             "(copy <root>/<rows> there first); default: the local folder")
    parser.add_argument("--spark-out", default=None,
                        help="where the cluster writes, e.g. hdfs:///bench/out-{rows}")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--data", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "duckdb":
        print(json.dumps(job_duckdb(args.data, args.out, args.threads, args.memory)))
        return
    if args.child == "spark":
        print(json.dumps(job_spark(args.data, args.out, args.threads, args.memory,
                                   args.spark_master)))
        return
    root = Path(args.root)
    sizes = [_size(s) for s in args.sizes.split(",")]
    shape = None
    results = []
    for rows in sizes:
        data = root / f"{rows}"
        if args.regenerate or not (data / "_generated.json").is_file():
            free = shutil.disk_usage(root.parent if not root.exists() else root).free
            need = rows * 25  # ~20 bytes a row compressed, with room to spare
            if free < need:
                print(f"skip {rows:,}: {free / 1e9:.1f} GB free under {root}, about "
                      f"{need / 1e9:.1f} GB needed")
                continue
            shutil.rmtree(data, ignore_errors=True)
            shape = shape or sample_shape(Path(args.mirror))
            began = time.perf_counter()
            generate(shape, rows, data)
            (data / "_generated.json").write_text(json.dumps(
                {"rows": rows, "seconds": time.perf_counter() - began}))
        size_gb = sum(p.stat().st_size for p in data.rglob("*.parquet")) / 1e9
        generated = json.loads((data / "_generated.json").read_text())
        print(f"{rows:>12,} events  {size_gb:6.2f} GB Parquet  (generated in "
              f"{generated['seconds']:.0f} s)")
        for engine in args.engines.split(","):
            out = str(root / f"out-{engine}-{rows}.parquet")
            source = str(data)
            if engine == "spark" and args.spark_data:
                source = args.spark_data.format(rows=rows)
            if engine == "spark" and args.spark_out:
                out = args.spark_out.format(rows=rows)
            memory = args.memory if engine == "duckdb" else args.spark_memory
            result = _child(engine, source, out, args.threads, memory, args.spark_master)
            rate = rows / result["job_s"]
            per_cpu = rows / result["job_cpu_s"] if result["job_cpu_s"] else float("nan")
            load = os.getloadavg()[0]
            results.append({"engine": engine, "events": rows, **result, "events_per_s": rate,
                            "events_per_cpu_s": per_cpu, "load_1min": load})
            print(f"    {engine:7s} {result['job_s']:8.2f} s  {rate / 1e6:7.2f} M events/s  "
                  f"({result['job_cpu_s']:.1f} CPU-s: {per_cpu / 1e6:.2f} M events per "
                  f"CPU-second)  {result['rows_out']:>10,} dyad-months  peak "
                  f"{result['peak_tree_mb']:,.0f} MB  process wall {result['wall_s']:.1f} s  "
                  f"load {load:.1f}", flush=True)
    (root / "results.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
