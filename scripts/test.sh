#!/usr/bin/env bash
# Runs the checks and the whole test suite on a fresh machine: installs what it needs first.
# Lint (ruff), format (ruff format) and types (mypy) come before the tests, so a style slip fails
# in seconds; arguments go to pytest (e.g. `-m "not slow"` for the quick loop, or a test file).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
echo "ruff check ."
.venv/bin/ruff check .
echo "ruff format --check ."
.venv/bin/ruff format --check .
echo "mypy geo"
.venv/bin/mypy geo
exec .venv/bin/python -m pytest -q "$@"
