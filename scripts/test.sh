#!/usr/bin/env bash
# One command to run the whole suite: install the dev requirements, then pytest.
# SQLite by default; TEST_DATABASE_URL=postgresql://… runs the same suite (and the concurrency tests) on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
exec .venv/bin/python -m pytest "$@"
