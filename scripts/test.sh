#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, lint, then run the whole suite.
# Browser tests use Debian's Chromium (no browser download) and a CJK font for Chinese text; the server-mode tests
# start a throwaway PostgreSQL cluster from Debian's postgresql (its binaries are under /usr/lib/postgresql/<ver>/bin,
# not on PATH: scripts/pgcluster.py finds them).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" \
    || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-wqy-microhei postgresql >/dev/null
fi
python -m pip install -q -r requirements-dev.txt
# Lint first: a style or import error fails in seconds, before the browser tests start.
python -m ruff check .
python -m ruff format --check .
# Three workers on the two cores: a browser test spends much of its time waiting for the server and Chromium,
# so a third worker keeps both cores busy. A test file stays on one worker (its module's server starts once).
python -m pytest -q -n "${TEST_WORKERS:-3}" --dist loadfile "$@"
