#!/usr/bin/env bash
# Install defdip with its test extras into .venv and run ruff and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
. .venv/bin/activate
pip install -q --upgrade pip
pip install -q -c constraints.txt -e ".[test,spark,web,postgres]"
# The browser tests drive Debian's Chromium (never a downloaded browser).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
# The multi-user record's tests start a real server of Debian's PostgreSQL (15 on Debian 12)
# with initdb/pg_ctl in a temporary folder (tests/pgserver.py); none may be skipped here.
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
fi
export DEFDIP_REQUIRE_POSTGRES=1
export DEFDIP_MIRROR="${DEFDIP_MIRROR:-$(cd .. && pwd)/shared/data}"
ruff check src tests bench
python -m pytest -q --run-spark "$@"
