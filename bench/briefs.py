"""Build the brief of every COW member of the system's last year (2016) and report failures
and the slowest builds; with ``--cold``, time whole fresh processes too.

    python bench/briefs.py [--store PATH] [--out DIR] [--only ISO3 ...] [--json FILE]
    python bench/briefs.py --cold 3 --only TUR PAK NGA

Writes each brief as HTML into ``--out`` (a temporary folder by default) and, with
``--json``, one row per state (iso3, seconds, bytes, error) — written as it goes, so a long
run can be read while it works. Exit status 1 if any brief failed.

``--cold N`` (for the ``--only`` states, TUR PAK NGA by default) runs ``defdip brief ISO3``
N times as a fresh process — what a person waits for, imports included — and prints each
run's wall and CPU seconds beside an in-run baseline: a fresh process that only imports
pandas and DuckDB, timed just before, and the load average. On a shared machine the
baseline says how busy it was: compare briefs by their ratio to it, not across runs by
seconds alone. Then each state is built again in this process (imports done: "warm").
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default=None)
    parser.add_argument("--out", default=None)
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--json", default=None)
    parser.add_argument("--cold", type=int, default=0,
                        help="fresh-process runs per state (with a baseline), then warm runs")
    args = parser.parse_args()
    if args.cold:
        return cold(args.only or ["TUR", "PAK", "NGA"], args.cold, args.store, args.out)

    from defdip.reports import write_brief
    from defdip.store.session import reading

    out = Path(args.out or tempfile.mkdtemp(prefix="defdip-briefs-"))
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    with reading(args.store) as store:
        year = int(store.sql("SELECT max(year) AS y FROM cow_system")["y"].iloc[0])
        members = store.sql("SELECT DISTINCT s.ccode, c.iso3 FROM cow_system s LEFT JOIN "
                            "country_codes c ON c.ccode = s.ccode WHERE s.year = ? "
                            "ORDER BY s.ccode", [year])
        codes = [str(c) for c in members["ccode"]]
        if args.only:
            wanted = set(args.only)
            codes = [str(c) for c, i in zip(members["ccode"], members["iso3"], strict=True)
                     if i in wanted or str(c) in wanted]
        for n, code in enumerate(codes, start=1):
            began = time.perf_counter()
            row = {"ccode": int(code), "iso3": None, "seconds": None, "bytes": None,
                   "error": None}
            try:
                row["iso3"] = members.loc[members["ccode"] == int(code), "iso3"].iloc[0]
                path = write_brief(store, code, out / f"brief-{row['iso3'] or code}.html")
                row["bytes"] = path.stat().st_size
            except Exception as exc:  # the bench reports every failure
                row["error"] = f"{type(exc).__name__}: {exc}"
                row["trace"] = traceback.format_exc()[-1500:]
            row["seconds"] = round(time.perf_counter() - began, 2)
            rows.append(row)
            print(f"[{n}/{len(codes)}] {code} {row['iso3']} {row['seconds']} s "
                  f"{'FAILED ' + row['error'] if row['error'] else 'ok'}", flush=True)
            if args.json:
                Path(args.json).write_text(json.dumps(rows, indent=1, default=str))
    failed = [r for r in rows if r["error"]]
    slow = sorted((r for r in rows if not r["error"]), key=lambda r: -r["seconds"])[:10]
    times = sorted(r["seconds"] for r in rows if not r["error"])
    print(f"\n{len(rows)} briefs, {len(failed)} failed; written to {out}")
    if times:
        print(f"seconds: median {times[len(times) // 2]}, max {times[-1]}, total "
              f"{sum(times):.0f}")
    for r in slow:
        print(f"  slow: {r['iso3']} ({r['ccode']}) {r['seconds']} s, {r['bytes']:,} bytes")
    for r in failed:
        print(f"  FAILED: {r['ccode']} {r['error']}")
    return 1 if failed else 0


def _timed(command: list[str]) -> tuple[float, float, int]:
    """Wall and CPU seconds (user + system of the child) of one fresh process, its status."""
    import os
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy(),
                          check=False)
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode:
        print(done.stderr[-800:], file=sys.stderr)
    return wall, cpu, done.returncode


def cold(states: list[str], runs: int, store: str | None, out: str | None) -> int:
    """Fresh-process briefs beside a fresh-process baseline, then warm in-process builds."""
    import os

    folder = Path(out or tempfile.mkdtemp(prefix="defdip-briefs-"))
    folder.mkdir(parents=True, exist_ok=True)
    baseline = [sys.executable, "-c", "import pandas, duckdb"]
    brief = [sys.executable, "-c", "import sys; from defdip.cli import main; "
             "sys.argv = ['defdip', *sys.argv[1:]]; main()", "brief"]
    failed = 0
    for iso3 in states:
        for run in range(1, runs + 1):
            base, _, _ = _timed(baseline)
            load = os.getloadavg()[0]
            command = [*brief, iso3, "--out", str(folder / f"brief-{iso3}.html"), "--force"]
            wall, cpu, status = _timed(command + (["--store", store] if store else []))
            failed += status != 0
            print(f"{iso3} cold #{run}: {wall:.2f} s wall, {cpu:.2f} s CPU | baseline "
                  f"(fresh 'import pandas, duckdb') {base:.2f} s | brief/baseline "
                  f"{wall / base:.1f} | load {load:.2f}" + (" FAILED" if status else ""),
                  flush=True)
    from defdip.reports import write_brief
    from defdip.store.session import reading

    with reading(store) as opened:
        write_brief(opened, states[0], folder / "warm-up.html", force=True)
        for iso3 in states:
            began = time.perf_counter()
            write_brief(opened, iso3, folder / f"brief-{iso3}.html", force=True)
            print(f"{iso3} warm (this process, imports done): "
                  f"{time.perf_counter() - began:.2f} s | load {os.getloadavg()[0]:.2f}",
                  flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
