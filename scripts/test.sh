#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh test
exec .venv/bin/python -m pytest -q "$@"
