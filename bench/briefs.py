"""Build the brief of every COW member of the system's last year (2016) and report failures
and the slowest builds.

    python bench/briefs.py [--store PATH] [--out DIR] [--only ISO3 ...] [--json FILE]

Writes each brief as HTML into ``--out`` (a temporary folder by default) and, with
``--json``, one row per state (iso3, seconds, bytes, error) — written as it goes, so a long
run can be read while it works. Exit status 1 if any brief failed.
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
    args = parser.parse_args()

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


if __name__ == "__main__":
    sys.exit(main())
