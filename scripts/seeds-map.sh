#!/usr/bin/env bash
# Makes the map of the example articles in seeds/ at output/seeds.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p output
.venv/bin/geo map seeds/ -o output/seeds.html --offline --title "Seeds: Karabakh talks, 2020-2025" "$@"
echo "wrote output/seeds.html"
