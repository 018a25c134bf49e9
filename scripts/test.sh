#!/usr/bin/env bash
# Runs the checks and the whole test suite on a fresh machine: installs what it needs first.
# Lint (ruff), format (ruff format) and types (mypy) come before the tests, so a style slip fails
# in seconds; arguments go to pytest (e.g. `-m "not slow"` for the quick loop, or a test file). With no
# arguments the parsing tests then run a second time on the pure-Python sources of the compiled modules.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
echo "ruff check ."
.venv/bin/ruff check .
echo "ruff format --check ."
.venv/bin/ruff format --check .
echo "mypy geo"
.venv/bin/mypy geo
if [ "$#" -gt 0 ]; then
    exec .venv/bin/python -m pytest -q "$@"
fi
.venv/bin/python -m pytest -q
# The pure-Python sources of the compiled modules are the fallback without a C compiler: their own
# tests run on them too (the whole suite above ran the compiled build, where one was made).
if .venv/bin/python -c 'import sys, geo._native as n; sys.exit(0 if n.compiled() else 1)'; then
    echo "the parsing tests again, on the pure-Python sources (GEO_PURE_PYTHON=1)"
    GEO_PURE_PYTHON=1 .venv/bin/python -m pytest -q \
        tests/test_dates*.py tests/test_recognize*.py tests/test_resolve*.py tests/test_compounds*.py \
        tests/test_roles*.py tests/test_lexicons.py tests/test_pipeline.py tests/test_names.py tests/test_seeds.py tests/test_doctests.py
fi
