#!/usr/bin/env bash
# Install defdip with its test extras into .venv and run ruff and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
. .venv/bin/activate
pip install -q --upgrade pip
pip install -q -c constraints.txt -e ".[test,spark]"
export DEFDIP_MIRROR="${DEFDIP_MIRROR:-$(cd .. && pwd)/shared/data}"
ruff check src tests bench
python -m pytest -q "$@"
