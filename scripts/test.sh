#!/usr/bin/env bash
# Install defdip with its test extras into .venv and run ruff and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
. .venv/bin/activate
pip install -q --upgrade pip
pip install -q -c constraints.txt -e ".[test,spark,web,postgres]"
# System packages the tests need, from Debian when missing (as root, or through sudo).
apt_install() {
  local run=""
  [ "$(id -u)" = 0 ] || run=sudo
  $run apt-get update -qq && $run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
# The browser tests drive Debian's Chromium (never a downloaded browser).
command -v chromium >/dev/null 2>&1 || apt_install chromium
# The multi-user record's tests start a real server of Debian's PostgreSQL (15 on Debian 12)
# with initdb/pg_ctl in a temporary folder (tests/pgserver.py); none may be skipped here.
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  apt_install postgresql
fi
# The Spark tests (--run-spark below) run PySpark in local mode, which needs Java 17.
command -v java >/dev/null 2>&1 || apt_install openjdk-17-jre-headless
export DEFDIP_REQUIRE_POSTGRES=1
export DEFDIP_MIRROR="${DEFDIP_MIRROR:-$(cd .. && pwd)/shared/data}"
ruff check src tests bench
python -m pytest -q --run-spark "$@"
