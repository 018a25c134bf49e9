#!/usr/bin/env bash
# Installs everything the project needs into .venv (and node_modules for the map assets).
# Safe to run again: each step is skipped when what it makes is already up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"   # "test" also installs the test tools and Debian's Chromium

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
stamp=".venv/.geo-installed${extras:+-$extras}"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".${extras:+[$extras]}"
    echo "$want" > "$stamp"
fi
# The install compiles the hot parsing modules from the checkout's sources (mypyc, with a C compiler).
# After an edit or a pull they are stale and geo runs the sources, slower: compile them again.
if .venv/bin/python -c 'import sys, geo._native as n; sys.exit(0 if n.stale() else 1)'; then
    .venv/bin/python -m pip install --quiet --no-deps -e .
fi

# Leaflet and friends come from the npm registry at the exact versions in package-lock.json.
if [ -f package-lock.json ]; then
    lock="$(sha256sum package-lock.json | cut -c1-16)"
    if [ "$(cat node_modules/.geo-lock 2>/dev/null || true)" != "$lock" ]; then
        if ! command -v npm >/dev/null; then
            echo "npm is missing: install Node.js (e.g. apt-get install nodejs npm) and run this again" >&2
            exit 1
        fi
        npm ci --no-audit --no-fund --silent
        echo "$lock" > node_modules/.geo-lock
    fi
fi

if [ "$extras" = "test" ] && [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = "0" ]; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
    else
        echo "Debian's chromium is missing: run 'sudo apt-get install chromium' and run this again" >&2
        exit 1
    fi
fi

.venv/bin/geo --version  # says whether the compiled modules run, or why not
