"""Benchmark: UN alignment (agreement, S-score, kappa) for every dyad-year, vs a pandas self-join.

Run on a loaded store (``defdip load`` first, or any store holding unga_votes and
unga_roll_calls; with unga_votes_dgacm loaded the roll calls run to 2026):

    .venv/bin/python bench/alignment.py --store ~/.local/share/defdip/defdip.duckdb

Prints, for defdip's matrix-product implementation, the seconds to read the votes and to
compute the measures (best of ``--repeat`` warm runs, plus the cold first run), rows,
rows/s and the peak Python-heap memory (tracemalloc); then a straightforward pandas baseline
(self-join of the votes on rcid, groupby dyad-year) run on a few years and extrapolated to
all years by the number of joined vote pairs — clearly labelled as an extrapolation — and
the ratio. The baseline's numbers for those years are checked against defdip's.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from defdip.measures.alignment import dyad_alignment, load_votes
from defdip.store import Store

__all__ = ["main", "pandas_baseline"]


def pandas_baseline(votes: pd.DataFrame) -> pd.DataFrame:
    """Agreement, S and kappa the obvious way: self-join on rcid, then group by dyad-year."""
    pairs = votes.merge(votes, on=["rcid", "year"], suffixes=("_1", "_2"))
    pairs = pairs[pairs["ccode_1"] != pairs["ccode_2"]]
    pairs = pairs.assign(same=(pairs["vote_1"] == pairs["vote_2"]).astype(float),
                         dist=(pairs["vote_1"] - pairs["vote_2"]).abs().astype(float))
    for v in (1, 2, 3):
        pairs[f"a{v}"] = (pairs["vote_1"] == v).astype(float)
        pairs[f"b{v}"] = (pairs["vote_2"] == v).astype(float)
    g = pairs.groupby(["ccode_1", "ccode_2", "year"]).agg(
        un_nvotes=("same", "size"), un_agree=("same", "mean"), d=("dist", "mean"),
        a1=("a1", "mean"), a2=("a2", "mean"), a3=("a3", "mean"),
        b1=("b1", "mean"), b2=("b2", "mean"), b3=("b3", "mean")).reset_index()
    g["un_sscore"] = 1 - g["d"]
    expected = sum(g[f"a{u}"] * g[f"b{v}"] * abs(u - v) for u in (1, 2, 3) for v in (1, 2, 3))
    g["un_kappa"] = 1 - g["d"] / expected.where(expected > 0)
    return g[["ccode_1", "ccode_2", "year", "un_nvotes", "un_agree", "un_sscore", "un_kappa"]]


def _joined_pairs(votes: pd.DataFrame) -> pd.Series:
    """Vote pairs a self-join produces per year: Σ over roll calls of voters²."""
    per_call = votes.groupby(["year", "rcid"]).size()
    return (per_call.astype(np.int64) ** 2).groupby(level="year").sum()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="DuckDB store file.")
    parser.add_argument("--repeat", type=int, default=5, help="Warm runs to time.")
    parser.add_argument("--baseline-years", default="1990,2003,2019",
                        help="Years the pandas baseline runs on (comma-separated).")
    args = parser.parse_args(argv)
    store = Store(args.store, read_only=True)

    start = time.perf_counter()
    votes = load_votes(store)
    read_s = time.perf_counter() - start
    votes = votes.astype({"rcid": "int64", "ccode": "int64", "vote": "int64", "year": "int64"})

    tracemalloc.start()
    start = time.perf_counter()
    out = dyad_alignment(votes, min_votes=1)  # every pair's measures, as the baseline has
    cold_s = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    runs = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        dyad_alignment(votes, min_votes=1)
        runs.append(time.perf_counter() - start)
    best, median = min(runs), float(np.median(runs))
    years = f"{out['year'].min()}–{out['year'].max()} ({out['year'].nunique()} years)"
    print(f"defdip UN alignment, every directed dyad-year {years}")
    print(f"  votes read from the store: {len(votes):,} rows in {read_s:.3f} s")
    print(f"  measures: {len(out):,} rows; cold {cold_s:.3f} s, warm best {best:.3f} s, "
          f"median {median:.3f} s of {args.repeat}; {len(out) / best:,.0f} rows/s")
    print(f"  peak Python-heap memory during the computation: {peak / 2**20:,.1f} MiB; "
          f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")

    chosen = [int(y) for y in args.baseline_years.split(",")]
    sample = votes[votes["year"].isin(chosen)]
    start = time.perf_counter()
    base = pandas_baseline(sample)
    base_s = time.perf_counter() - start
    pairs = _joined_pairs(votes)
    scale = pairs.sum() / pairs.loc[chosen].sum()
    mine = out[out["year"].isin(chosen)].merge(base, on=["ccode_1", "ccode_2", "year"])
    same = len(mine) == len(base) and all(
        np.allclose(mine[f"{c}_x"], mine[f"{c}_y"], equal_nan=True)
        for c in ("un_nvotes", "un_agree", "un_sscore", "un_kappa"))
    print(f"pandas self-join baseline on {chosen}: {len(base):,} rows in {base_s:.3f} s "
          f"(results {'identical' if same else 'DIFFERENT'} to defdip's)")
    print(f"  EXTRAPOLATED to all years by joined vote pairs (x{scale:,.1f}): "
          f"~{base_s * scale:,.1f} s")
    print(f"  ratio baseline (extrapolated) / defdip (warm best): ~{base_s * scale / best:,.0f}x")
    store.close()


if __name__ == "__main__":
    main()
