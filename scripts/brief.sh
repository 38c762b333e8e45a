#!/usr/bin/env bash
# The main job: install defdip, load every source from the mirror into the embedded DuckDB
# store, build the engagement record and measures, and write the Türkiye brief.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
. .venv/bin/activate
pip install -q --upgrade pip
pip install -q -c constraints.txt -e ".[web]"   # the web extra: `defdip serve` works after this
export DEFDIP_MIRROR="${DEFDIP_MIRROR:-$(cd .. && pwd)/shared/data}"
defdip load --mirror "$DEFDIP_MIRROR"
defdip brief TUR --out "${1:-brief-TUR.html}"
