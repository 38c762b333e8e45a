"""Benchmark: the everyday commands as whole processes, on a loaded store.

Runs each of ``defdip cite``, ``countries resolve``, ``arms ranking``, ``record list``,
``profile``, ``alignment`` and ``standing`` N times in fresh processes (after one unmeasured
run, which may compile and keep the SQL templates: ``defdip.store.compiled``) and prints the
median wall time and CPU time (user + sys of the child) beside an in-run baseline: an empty
Python (``python -c pass``) and ``python -c "import duckdb"``. Then, per command, the
largest top-level entries of ``python -X importtime`` (cumulative milliseconds), which show
where start-up goes. Target (issue 9): each under 0.5 s on a quiet 2-core machine; CPU time
is the figure that holds on a busy one, so the load average is printed too.

    DEFDIP_HOME=/tmp/defdip-copy python bench/commands.py --runs 7

The store must be loaded (``defdip load``) and $DEFDIP_HOME writable for the templates to be
kept (else every run compiles, as a first run does).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

ENTRY = "from defdip.cli import main; main()"

COMMANDS: list[tuple[str, list[str]]] = [
    ("cite", ["cite", "sipri_transfers"]),
    ("countries resolve", ["countries", "resolve", "Türkiye", "640"]),
    ("arms ranking", ["arms", "ranking"]),
    ("record list", ["record", "list", "--country", "TUR", "--partner", "PAK"]),
    ("profile", ["profile", "TUR", "--year", "2022"]),
    ("alignment", ["alignment", "TUR", "--partner", "USA"]),
    ("standing", ["standing", "--year", "2019"]),
]

BASELINES: list[tuple[str, list[str]]] = [
    ("python -c pass", ["-c", "pass"]),
    ("python -c 'import duckdb'", ["-c", "import duckdb"]),
]


def timed(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + sys) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(argv: list[str], runs: int) -> tuple[float, float]:
    timed(argv)  # warm-up: file caches, and the command's compiled templates
    samples = [timed(argv) for _ in range(runs)]
    return (statistics.median(s[0] for s in samples),
            statistics.median(s[1] for s in samples))


def importtime(args: list[str], top: int) -> list[tuple[str, float]]:
    """The ``top`` largest top-level imports of one run (module, cumulative ms)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", ENTRY, *args],
                          capture_output=True, text=True)
    found: list[tuple[str, float]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self, cumulative, name = line[len("import time:"):].split("|")
        if not name.startswith("  "):  # top level: imported by the command itself
            found.append((name.strip(), int(cumulative) / 1000))
    total = sum(ms for _, ms in found)
    return [("(all imports)", total), *sorted(found, key=lambda x: -x[1])[:top]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Measured runs per command.")
    parser.add_argument("--top", type=int, default=6, help="Import entries per command.")
    options = parser.parse_args()
    print(f"DEFDIP_HOME={os.environ.get('DEFDIP_HOME', '(default)')}; {options.runs} runs "
          f"each; load average {os.getloadavg()[0]:.2f} at start")
    print(f"{'command':<28}{'wall median s':>15}{'CPU median s':>15}")
    for label, args in BASELINES:
        wall, cpu = measure([sys.executable, *args], options.runs)
        print(f"{label:<28}{wall:>15.3f}{cpu:>15.3f}")
    for label, args in COMMANDS:
        wall, cpu = measure([sys.executable, "-c", ENTRY, *args], options.runs)
        print(f"{label:<28}{wall:>15.3f}{cpu:>15.3f}")
    print(f"load average {os.getloadavg()[0]:.2f} at end\n")
    for label, args in COMMANDS:
        entries = importtime(args, options.top)
        print(f"{label}: " + ", ".join(f"{name} {ms:.0f} ms" for name, ms in entries))


if __name__ == "__main__":
    main()
