"""Benchmark: load every source from the mirror into a fresh store, in a fresh process.

Prints seconds, rows, rows/s and the child's peak memory. Targets (issue 2): everything in
under 15 s on 2 cores, peak memory under 2 GB.

    python bench/load.py --mirror ../shared/data
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, sys, time
from pathlib import Path
from defdip import sources
from defdip.store import Store
mirror, path = Path(sys.argv[1]), Path(sys.argv[2])
start = time.perf_counter()
store = Store(path)
rows = {}
for name in sources.all_sources():
    rows[name] = store.load_source(name, mirror=mirror).rows
store.close()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""

# The baseline: only read every raw file with plain pandas/pyreadr (no checks, no country
# codes, no store), which is the least any loader has to do.
BASELINE = """
import json, sys, time
from pathlib import Path
import pandas as pd, pyreadr
from defdip import sources
mirror = Path(sys.argv[1])
start = time.perf_counter()
rows = 0
for module in sources.all_sources().values():
    for raw in module.INFO.files:
        path = mirror / raw.mirror_path
        name = path.name
        if name.endswith(".rda"):
            frames = pyreadr.read_r(str(path)).values()
            rows += sum(len(f) for f in frames)
        elif name.endswith(".parquet"):
            rows += len(pd.read_parquet(path))
        elif name.endswith((".json", ".geojson")):
            rows += len(json.loads(path.read_text(encoding="utf-8")).get("features", [0]))
        elif name.endswith(".xlsx"):
            rows += sum(len(f) for f in pd.read_excel(path, sheet_name=None).values())
        else:
            sep = "\t" if name.endswith(".tab") else ","
            skip = 11 if name.startswith(("trade-register", "sipri_deliveries")) else 0
            rows += len(pd.read_csv(path, sep=sep, skiprows=skip, encoding="latin-1",
                                    low_memory=False, on_bad_lines="skip"))
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(args.mirror), str(Path(tmp) / "bench.duckdb")],
            capture_output=True, text=True, check=True,
            env={"DEFDIP_HOME": tmp, "PATH": "/usr/bin:/bin"})
        wall = time.perf_counter() - began
    result = json.loads(done.stdout.strip().splitlines()[-1])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    base = subprocess.run([sys.executable, "-c", BASELINE, str(args.mirror)],
                          capture_output=True, text=True, check=True,
                          env={"PATH": "/usr/bin:/bin"})
    baseline = json.loads(base.stdout.strip().splitlines()[-1])
    total = sum(result["rows"].values())
    for name, rows in result["rows"].items():
        print(f"{name:<20} {rows:>10,} rows")
    print(f"sources: {len(result['rows'])}, rows: {total:,}")
    print(f"load time (in process): {result['seconds']:.2f} s; wall incl. interpreter start: "
          f"{wall:.2f} s; {total / result['seconds']:,.0f} rows/s")
    print(f"peak memory (child max RSS): {peak_mb:,.0f} MB")
    print(f"baseline, plain pandas/pyreadr read of the same raw files (no checks, no codes, "
          f"no store): {baseline['seconds']:.2f} s; defdip / baseline = "
          f"{result['seconds'] / baseline['seconds']:.2f}x")
    print(f"targets: < 15 s -> {result['seconds'] / 15:.2f} of budget; "
          f"< 2048 MB -> {peak_mb / 2048:.2f} of budget")


if __name__ == "__main__":
    main()
