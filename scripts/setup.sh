#!/usr/bin/env bash
# Create .venv (if missing) and install pinned dependencies. Used by run.sh, test.sh and CI.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
# Some machines configure extra local package indexes that pip warns about on every package: keep those
# lines out of the way, pass everything else through.
quiet_pip() { .venv/bin/python -m pip "$@" 2> >(grep -v "^WARNING: Location '" >&2); }
quiet_pip install --quiet --disable-pip-version-check --upgrade pip >/dev/null
quiet_pip install --quiet --disable-pip-version-check -r "${1:-requirements.txt}"
